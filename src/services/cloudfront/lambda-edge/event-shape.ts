import type { LambdaEdgeEventType } from "../compile/plan.js";
import type { CfHeaders } from "./cf-headers.js";

/** The Lambda@Edge event (cloudfront.md §14.2, DG "Lambda@Edge event structure"), AWS's field names. */
export interface CfConfig {
  distributionDomainName: string;
  distributionId: string;
  eventType: LambdaEdgeEventType;
  requestId: string;
}

export interface CfBody {
  inputTruncated: boolean;
  action: "read-only" | "replace";
  encoding: "base64" | "text";
  data: string;
}

export interface CfCustomOrigin {
  customHeaders: CfHeaders;
  domainName: string;
  keepaliveTimeout: number;
  path: string;
  port: number;
  protocol: "http" | "https";
  readTimeout: number;
  sslProtocols: string[];
}

export interface CfS3Origin {
  authMethod: "origin-access-identity" | "none";
  customHeaders: CfHeaders;
  domainName: string;
  path: string;
  region: string;
}

export type CfOrigin = { custom: CfCustomOrigin } | { s3: CfS3Origin };

export interface CfRequest {
  clientIp: string;
  headers: CfHeaders;
  method: string;
  querystring: string;
  uri: string;
  body?: CfBody;
  origin?: CfOrigin;
}

export interface CfResponse {
  status: string;
  statusDescription: string;
  headers: CfHeaders;
}

export interface CfEvent {
  Records: [{ cf: { config: CfConfig; request: CfRequest; response?: CfResponse } }];
}
