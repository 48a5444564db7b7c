import { ACM_SERVICE } from "./acm/module.js";
import { APIGATEWAY_SERVICE } from "./apigateway/module.js";
import { CLOUDFRONT_SERVICE } from "./cloudfront/module.js";
import { EC2_SERVICE } from "./ec2/module.js";
import { ELBV2_SERVICE } from "./elbv2/module.js";
import { S3_SERVICE } from "./s3/module.js";
import { IAM_SERVICE } from "./iam/module.js";
import { STS_SERVICE } from "./sts/module.js";

/**
 * Every service the engine runs: adding one is its folder plus one line here. The order is the
 * compile order: a service that asks for origin doors (CloudFront) comes before the services that
 * serve those origins, so their compile sees what was claimed from them.
 */
export const SERVICES = [CLOUDFRONT_SERVICE, ELBV2_SERVICE, S3_SERVICE, APIGATEWAY_SERVICE, STS_SERVICE, IAM_SERVICE, EC2_SERVICE, ACM_SERVICE] as const;

export type { CloudFrontLive } from "./cloudfront/module.js";
export type { Elbv2Live, Elbv2Plan } from "./elbv2/module.js";
export type { S3Plan } from "./s3/module.js";
export type { ApiGatewayLive } from "./apigateway/module.js";

// The public API's view of the services (src/index.ts): the one door outside code goes through.
export type { Invalidation } from "./cloudfront/index.js";
export { testFunctionOfRevision } from "./cloudfront/module.js";
export type { FunctionStage, TestResult } from "./cloudfront/functions/index.js";
export { loadBalancerHosts, type ListenerEndpoint, type LoadBalancerHandle, type TargetGroupHandle, type TargetHealth } from "./elbv2/index.js";
