import type { IncomingMessage, ServerResponse } from "node:http";
import type { BucketState } from "../bucket-state.js";
import { internalError, s3ErrorXml, type S3Error } from "../errors.js";
import type { Principal } from "../policy/evaluate-policy.js";

/** One S3 REST request after addressing and authentication; what every operation receives. */
export interface S3Call {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  rawPath: string;
  /** Decoded query parameters (every value of each name). */
  query: Record<string, string[]>;
  bucketName: string | undefined;
  /** undefined for bucket- and service-level requests. */
  key: string | undefined;
  bucket: BucketState | undefined;
  requestId: string;
  /** Its trace id (core/trace.ts): the X-Amz-Cf-Id of CloudFront's origin request, else requestId. */
  traceId: string;
  hostId: string;
  principal: Principal;
  isSigned: boolean;
  /** Hex SHA-256 the signer declared for the body, when it is to be checked. */
  payloadHash: string | undefined;
  isSecure: boolean;
  sourceIp: string;
  /** CORS headers of a matched rule, added to whatever the response is (s3.md §6.2 step 7). */
  extraHeaders: Record<string, string>;
}

export function q(call: S3Call, name: string): string | undefined {
  return call.query[name]?.[0];
}

export function has(call: S3Call, name: string): boolean {
  return call.query[name] !== undefined;
}

export function commonHeaders(call: S3Call): Record<string, string | number> {
  const out: Record<string, string | number> = { "x-amz-request-id": call.requestId, "x-amz-id-2": call.hostId, server: "AmazonS3" };
  // A loop, not a spread: the same keys in the same order, without the generic copy (issue 14).
  const extra = call.extraHeaders;
  for (const k in extra) out[k] = extra[k]!;
  return out;
}

/** S3's error document; HEAD errors carry status and headers only (s3.md §4.3). */
export function sendError(call: S3Call, e: S3Error): void {
  const { res } = call;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  drain(call);
  const headers = { ...commonHeaders(call), ...e.headers };
  if (call.method === "HEAD") {
    res.writeHead(e.status, headers);
    res.end();
    return;
  }
  const body = s3ErrorXml(e, call.requestId, call.hostId);
  res.writeHead(e.status, { ...headers, "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * `500 InternalError` for a request whose handling threw (s3-service's catch point). Works
 * before addressing finished (no call yet) and never throws itself: if even this fails, or the
 * headers are already sent, only this response's stream is destroyed.
 */
export function answerInternalError(req: IncomingMessage, res: ServerResponse, call: S3Call | undefined, requestId: string): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (call) return sendError(call, internalError());
    if (!req.readableEnded) req.resume();
    const hostId = Buffer.from(requestId + requestId).toString("base64");
    const body = req.method === "HEAD" ? "" : s3ErrorXml(internalError(), requestId, hostId);
    res.writeHead(500, {
      "x-amz-request-id": requestId,
      "x-amz-id-2": hostId,
      server: "AmazonS3",
      "content-type": "application/xml",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  } catch {
    res.destroy();
  }
}

export function sendXml(call: S3Call, status: number, xml: string, headers: Record<string, string | number> = {}): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  call.res.writeHead(status, { ...commonHeaders(call), ...headers, "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
  call.res.end(body);
}

export function sendEmpty(call: S3Call, status: number, headers: Record<string, string | number> = {}): void {
  drain(call);
  call.res.writeHead(status, { ...commonHeaders(call), ...headers, ...(status === 204 ? {} : { "content-length": 0 }) });
  call.res.end();
}

/** Consumes an unread request body so the connection can be reused. */
function drain(call: S3Call): void {
  if (!call.req.readableEnded) call.req.resume();
}

export class BodyTooLarge extends Error {}

/** Reads a small request body (XML configuration, JSON policy); larger than `limit` throws. */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw new BodyTooLarge();
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** ISO 8601 with milliseconds, as listings print LastModified (s3.md §3). */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

export function httpDate(ms: number): string {
  // The last one made is kept: GETs of one object repeat its Last-Modified (a Date per request was
  // 2.8% of an S3 GET's busy time, issue 14).
  if (ms !== lastDateMs) {
    lastDateMs = ms;
    lastDate = new Date(ms).toUTCString();
  }
  return lastDate;
}
let lastDateMs = NaN;
let lastDate = "";
