import { stableId } from "../../core/ids.js";
import { ACCOUNT_ID, ALB_HOSTED_ZONE_ID, distributionId, elbArn, hexId, loadBalancerDnsName, REGION } from "../cloudformation/physical-names.js";

/**
 * The attributes AWS computes for a resource (its ARN, DNS name, id), as edgeparity assigns them, so
 * `aws_lb.api.dns_name` in a distribution's origin is the name the local load balancer claims
 * (Terraform AWS provider docs, "Attribute Reference" of each resource). The same function serves
 * a folder (arguments evaluated from HCL) and a plan (arguments read from `planned_values`).
 */

/** What the computation needs to know of an instance. */
export interface InstanceFacts {
  type: string;
  /** The key the model files it under (`web`, `web-0`, `cdn-web` in module cdn). */
  key: string;
  /** The resource address (`module.cdn.aws_lb.api["a"]`), seeding generated names. */
  address: string;
  /** An argument's value, or undefined when the configuration does not set it. */
  arg(name: string): unknown;
}

/** CloudFront's hosted zone for alias records (Route 53 docs, "Value/route traffic to": Z2FDTNDATAQYW2). */
const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

function text(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A name Terraform would generate (`terraform-2026…`), here stable per address. */
function generated(prefix: string, address: string, lower: boolean): string {
  const s = stableId(`terraform:${address}`).slice(1);
  return lower ? `${prefix}${s.toLowerCase()}` : `${prefix}${s}`;
}

/** The physical name of a resource that has one (bucket, load balancer, target group, function, API). */
export function physicalName(f: InstanceFacts): string {
  switch (f.type) {
    case "aws_s3_bucket":
      return text(f.arg("bucket")) ?? generated(text(f.arg("bucket_prefix")) ?? "terraform-", f.address, true);
    case "aws_lb":
    case "aws_alb":
      return text(f.arg("name")) ?? generated(text(f.arg("name_prefix")) ?? "tf-lb-", f.address, false).slice(0, 32);
    case "aws_lb_target_group":
    case "aws_alb_target_group":
      return text(f.arg("name")) ?? generated(text(f.arg("name_prefix")) ?? "tf-", f.address, false).slice(0, 32);
    case "aws_lambda_function":
      return text(f.arg("function_name")) ?? f.key;
    case "aws_api_gateway_rest_api":
    case "aws_apigatewayv2_api":
    case "aws_cloudfront_function":
    case "aws_cloudfront_key_value_store":
      return text(f.arg("name")) ?? f.key;
    default:
      return f.key;
  }
}

/** 10 lowercase alphanumerics, as API Gateway mints API ids (apigateway.md §1). */
export function apiIdOf(kind: "rest" | "http", name: string): string {
  return stableId(`terraform-api:${kind}:${name}`).slice(1, 11).toLowerCase();
}

export function lambdaArn(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
}

/** The computed attribute `attr`, or undefined when edgeparity does not assign it (then the argument, if any, answers). */
export function assignedAttribute(f: InstanceFacts, attr: string): unknown {
  const name = () => physicalName(f);
  switch (f.type) {
    case "aws_s3_bucket": {
      const table: Record<string, () => unknown> = {
        id: name,
        bucket: name,
        arn: () => `arn:aws:s3:::${name()}`,
        bucket_domain_name: () => `${name()}.s3.amazonaws.com`,
        bucket_regional_domain_name: () => `${name()}.s3.${REGION}.amazonaws.com`,
        region: () => REGION,
        hosted_zone_id: () => "Z3AQBSTGFYJSTF",
      };
      return table[attr]?.();
    }
    case "aws_s3_bucket_website_configuration":
      if (attr === "website_endpoint") return `${String(f.arg("bucket"))}.s3-website-${REGION}.amazonaws.com`;
      if (attr === "website_domain") return `s3-website-${REGION}.amazonaws.com`;
      if (attr === "id") return f.arg("bucket");
      return undefined;
    case "aws_lb":
    case "aws_alb": {
      const arn = () => elbArn("loadbalancer", `app/${name()}/${hexId(`lb:${name()}`)}`);
      const table: Record<string, () => unknown> = {
        id: arn,
        arn,
        arn_suffix: () => arn().slice(arn().indexOf("loadbalancer/") + "loadbalancer/".length),
        name,
        dns_name: () => loadBalancerDnsName(name(), f.arg("internal") === true),
        zone_id: () => ALB_HOSTED_ZONE_ID,
      };
      return table[attr]?.();
    }
    case "aws_lb_target_group":
    case "aws_alb_target_group": {
      const arn = () => elbArn("targetgroup", `${name()}/${hexId(`tg:${name()}`)}`);
      const table: Record<string, () => unknown> = { id: arn, arn, name, arn_suffix: () => arn().slice(arn().indexOf("targetgroup/")) };
      return table[attr]?.();
    }
    case "aws_lb_listener":
    case "aws_alb_listener":
      return attr === "arn" || attr === "id" ? elbArn("listener", `app/tf/${hexId(`lb-of:${f.address}`)}/${hexId(`listener:${f.address}`)}`) : undefined;
    case "aws_lb_listener_rule":
    case "aws_alb_listener_rule":
      return attr === "arn" || attr === "id" ? elbArn("listener-rule", `app/tf/${hexId(`lb-of:${f.address}`)}/${hexId(`rule:${f.address}`)}`) : undefined;
    case "aws_cloudfront_distribution": {
      const id = distributionId(f.key);
      const table: Record<string, () => unknown> = {
        id: () => id,
        arn: () => `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${id}`,
        // Divergence from AWS: the value is the cloudfront.net name; locally the distribution answers on d….cloudfront.localhost.
        domain_name: () => `d${id.slice(1).toLowerCase()}.cloudfront.net`,
        hosted_zone_id: () => CLOUDFRONT_HOSTED_ZONE_ID,
        etag: () => "E1LOCAL",
        status: () => "Deployed",
        caller_reference: () => "edgeparity",
      };
      return table[attr]?.();
    }
    case "aws_cloudfront_cache_policy":
    case "aws_cloudfront_origin_request_policy":
    case "aws_cloudfront_response_headers_policy":
    case "aws_cloudfront_origin_access_control":
      if (attr === "id") return f.key;
      if (attr === "etag") return "E1LOCAL";
      return undefined;
    case "aws_cloudfront_function":
      if (attr === "arn") return `arn:aws:cloudfront::${ACCOUNT_ID}:function/${name()}`;
      if (attr === "id") return name();
      if (attr === "etag" || attr === "live_stage_etag") return "E1LOCAL";
      if (attr === "status") return "UNASSOCIATED";
      return undefined;
    case "aws_cloudfront_key_value_store":
      // Locally a store's id is its name (AWS mints a UUID), so the ARN ends in the name the model files it under.
      if (attr === "arn") return `arn:aws:cloudfront::${ACCOUNT_ID}:key-value-store/${name()}`;
      if (attr === "id") return name();
      return undefined;
    case "aws_lambda_function": {
      const arn = lambdaArn(name());
      const table: Record<string, () => unknown> = {
        id: name,
        function_name: name,
        arn: () => arn,
        qualified_arn: () => `${arn}:$LATEST`,
        invoke_arn: () => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        qualified_invoke_arn: () => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}:$LATEST/invocations`,
        version: () => "$LATEST",
      };
      return table[attr]?.();
    }
    case "aws_api_gateway_rest_api": {
      const id = apiIdOf("rest", name());
      const table: Record<string, () => unknown> = {
        id: () => id,
        root_resource_id: () => `${id}-root`,
        arn: () => `arn:aws:apigateway:${REGION}::/restapis/${id}`,
        execution_arn: () => `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${id}`,
      };
      return table[attr]?.();
    }
    case "aws_apigatewayv2_api": {
      const id = apiIdOf("http", name());
      const table: Record<string, () => unknown> = {
        id: () => id,
        arn: () => `arn:aws:apigateway:${REGION}::/apis/${id}`,
        execution_arn: () => `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${id}`,
        api_endpoint: () => `https://${id}.execute-api.${REGION}.amazonaws.com`,
      };
      return table[attr]?.();
    }
    case "aws_api_gateway_stage":
    case "aws_apigatewayv2_stage": {
      const api = f.arg(f.type === "aws_api_gateway_stage" ? "rest_api_id" : "api_id");
      const stage = f.arg(f.type === "aws_api_gateway_stage" ? "stage_name" : "name");
      if (attr === "invoke_url" && typeof api === "string" && typeof stage === "string") return invokeUrl(api, stage);
      if (attr === "execution_arn" && typeof api === "string" && typeof stage === "string")
        return `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${api}/${stage}`;
      if (attr === "id") return `${f.type}.${f.key}`;
      return undefined;
    }
    default:
      // Ids of the API Gateway parts a configuration wires together (resource, method, integration, route).
      if (attr === "id") return `${f.type}.${f.key}`;
      return undefined;
  }
}

/** `aws_api_gateway_stage.x.invoke_url`: needs the API's id, so the evaluator asks once it knows it. */
export function invokeUrl(apiId: string, stage: string): string {
  return `https://${apiId}.execute-api.${REGION}.amazonaws.com/${stage === "$default" ? "" : stage}`;
}
