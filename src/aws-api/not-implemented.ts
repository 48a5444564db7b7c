import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The answer for an AWS API operation (or a whole service) edgeparity does not implement: AWS's own
 * error shape for that service's protocol, naming the operation, and nothing changed (issue 11;
 * the brief: "answers AWS's NotImplemented in that service's format and changes nothing").
 */
type Protocol = "rest-xml" | "query" | "ec2" | "json";

interface ServiceProtocol {
  protocol: Protocol;
  /** The XML namespace of the service's error responses (query / rest-xml). */
  xmlns?: string;
  /** What AWS calls the service in messages. */
  title: string;
}

const SERVICES: Record<string, ServiceProtocol> = {
  cloudfront: { protocol: "rest-xml", xmlns: "http://cloudfront.amazonaws.com/doc/2020-05-31/", title: "CloudFront" },
  elasticloadbalancing: { protocol: "query", xmlns: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", title: "Elastic Load Balancing" },
  sts: { protocol: "query", xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", title: "STS" },
  iam: { protocol: "query", xmlns: "https://iam.amazonaws.com/doc/2010-05-08/", title: "IAM" },
  ec2: { protocol: "ec2", title: "EC2" },
  lambda: { protocol: "json", title: "Lambda" },
  apigateway: { protocol: "json", title: "API Gateway" },
  acm: { protocol: "json", title: "ACM" },
};

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
  const known = SERVICES[service];
  const protocol = known?.protocol ?? "json";
  const title = known?.title ?? service;
  if (protocol === "query" || protocol === "ec2") {
    void readAction(req).then(
      (action) => send(res, protocol, known, title, action ?? "(no Action)", requestId),
      () => send(res, protocol, known, title, "(unreadable request)", requestId),
    );
    return;
  }
  req.resume();
  const path = (req.url ?? "/").split("?")[0]!;
  const target = req.headers["x-amz-target"];
  const operation =
    service === "cloudfront"
      ? (CLOUDFRONT_OPERATIONS.find(([m, p]) => m === req.method && p.test(path))?.[2] ?? `${req.method} ${path}`)
      : typeof target === "string"
        ? target.slice(target.lastIndexOf(".") + 1)
        : `${req.method} ${path}`;
  send(res, protocol, known, title, operation, requestId);
}

function send(res: ServerResponse, protocol: Protocol, known: ServiceProtocol | undefined, title: string, operation: string, requestId: string): void {
  if (res.headersSent) return;
  const message = `edgeparity does not implement the ${title} operation ${operation} yet; nothing was changed.`;
  let status = 501;
  let type = "text/xml";
  let body: string;
  if (protocol === "rest-xml") {
    body = `<?xml version="1.0"?>\n<ErrorResponse xmlns="${known!.xmlns}"><Error><Type>Sender</Type><Code>NotImplemented</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  } else if (protocol === "query") {
    // The Query protocol's own code for an action a service does not know (AWS common errors).
    status = 400;
    body = `<ErrorResponse xmlns="${known!.xmlns}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  } else if (protocol === "ec2") {
    status = 400;
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidAction</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  } else {
    type = "application/json";
    body = JSON.stringify({ __type: "NotImplemented", message });
  }
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": requestId,
    ...(protocol === "json" ? { "x-amzn-errortype": "NotImplemented" } : {}),
  });
  res.end(body);
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

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
