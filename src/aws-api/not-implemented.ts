import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiProtocol } from "../core/service.js";
import { writeProtocolError } from "./protocol-error.js";

/**
 * The answer for an AWS API operation (or a whole service) edgeparity does not implement: AWS's own
 * error shape for that service's protocol, naming the operation, and nothing changed (issue 11;
 * the brief: "answers AWS's NotImplemented in that service's format and changes nothing").
 */
const SERVICES: Record<string, ApiProtocol> = {
  cloudfront: { kind: "rest-xml", xmlns: "http://cloudfront.amazonaws.com/doc/2020-05-31/", title: "CloudFront" },
  elasticloadbalancing: { kind: "query", xmlns: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", title: "Elastic Load Balancing" },
  sts: { kind: "query", xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", title: "STS" },
  iam: { kind: "query", xmlns: "https://iam.amazonaws.com/doc/2010-05-08/", title: "IAM" },
  ec2: { kind: "ec2", title: "EC2" },
  lambda: { kind: "json", title: "Lambda" },
  apigateway: { kind: "json", title: "API Gateway" },
  acm: { kind: "json", title: "ACM" },
};

/** How a service's API writes errors (a service we do not know: JSON, named as signed). */
export function protocolOf(service: string): ApiProtocol {
  return SERVICES[service] ?? { kind: "json", title: service };
}

/** CloudFront's REST paths (API 2020-05-31) → operation names, for the message. */
const CLOUDFRONT_OPERATIONS: [method: string, path: RegExp, name: string][] = [
  ["POST", /^\/2020-05-31\/distribution$/, "CreateDistribution"],
  ["GET", /^\/2020-05-31\/distribution$/, "ListDistributions"],
  ["GET", /^\/2020-05-31\/distribution\/[^/]+$/, "GetDistribution"],
  ["GET", /^\/2020-05-31\/distribution\/[^/]+\/config$/, "GetDistributionConfig"],
  ["PUT", /^\/2020-05-31\/distribution\/[^/]+\/config$/, "UpdateDistribution"],
  ["DELETE", /^\/2020-05-31\/distribution\/[^/]+$/, "DeleteDistribution"],
  ["POST", /^\/2020-05-31\/distribution\/[^/]+\/invalidation$/, "CreateInvalidation"],
  ["GET", /^\/2020-05-31\/distribution\/[^/]+\/invalidation(\/[^/]+)?$/, "GetInvalidation"],
  ["POST", /^\/2020-05-31\/cache-policy$/, "CreateCachePolicy"],
  ["GET", /^\/2020-05-31\/cache-policy$/, "ListCachePolicies"],
  ["POST", /^\/2020-05-31\/origin-request-policy$/, "CreateOriginRequestPolicy"],
  ["POST", /^\/2020-05-31\/function$/, "CreateFunction"],
  ["POST", /^\/2020-05-31\/origin-access-control$/, "CreateOriginAccessControl"],
];

/** Reads at most this much of a Query-protocol form body to find its Action. */
const MAX_FORM = 64 * 1024;

export function answerNotImplemented(service: string, req: IncomingMessage, res: ServerResponse, requestId: string): void {
  const protocol = protocolOf(service);
  if (protocol.kind === "query" || protocol.kind === "ec2") {
    void readAction(req).then(
      (action) => send(res, protocol, action ?? "(no Action)", requestId),
      () => send(res, protocol, "(unreadable request)", requestId),
    );
    return;
  }
  req.resume();
  send(res, protocol, notImplementedOperation(service, req), requestId);
}

/** The operation a REST/JSON request names, for the message: CloudFront's by path, JSON's by X-Amz-Target. */
export function notImplementedOperation(
  service: string,
  req: { method?: string | undefined; url?: string | undefined; headers: IncomingMessage["headers"] },
): string {
  const path = (req.url ?? "/").split("?")[0]!;
  const target = req.headers["x-amz-target"];
  return service === "cloudfront"
    ? (CLOUDFRONT_OPERATIONS.find(([m, p]) => m === req.method && p.test(path))?.[2] ?? `${req.method} ${path}`)
    : typeof target === "string"
      ? target.slice(target.lastIndexOf(".") + 1)
      : `${req.method} ${path}`;
}

/** The message and status of an operation edgeparity does not implement (REST/JSON 501 NotImplemented; Query 400 InvalidAction). */
export function notImplementedError(protocol: ApiProtocol, operation: string): { status: number; code: string; message: string } {
  const message = `edgeparity does not implement the ${protocol.title} operation ${operation} yet; nothing was changed.`;
  // The Query protocol's own code for an action a service does not know (AWS common errors).
  if (protocol.kind === "query" || protocol.kind === "ec2") return { status: 400, code: "InvalidAction", message };
  return { status: 501, code: "NotImplemented", message };
}

function send(res: ServerResponse, protocol: ApiProtocol, operation: string, requestId: string): void {
  writeProtocolError(res, protocol, notImplementedError(protocol, operation), requestId);
}

async function readAction(req: IncomingMessage): Promise<string | undefined> {
  const q = (req.url ?? "").indexOf("?");
  const fromQuery = q === -1 ? null : new URLSearchParams((req.url ?? "").slice(q + 1)).get("Action");
  if (fromQuery) {
    req.resume();
    return fromQuery;
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_FORM) break;
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("Action") ?? undefined;
}
