import { statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, extname } from "node:path";
import { EdgeparityError } from "../../../core/errors.js";
import type { LambdaRuntime } from "../../lambda/index.js";
import type { HeaderRecord } from "../listener/forward-headers.js";
import { ALB_HOP_BY_HOP } from "../listener/forward-headers.js";

/**
 * Lambda targets (alb.md §10): the request becomes the ALB event (single- or multi-value headers),
 * the function runs in the Lambda runtime (services/lambda: its own worker-thread execution
 * environment, Timeout and MemorySize enforced), and its result is checked against ALB's response
 * contract; any breach, function error or timeout is a 502 with the access-log error_reason AWS uses.
 */
export interface LambdaFunction {
  /** The FunctionName in the runtime (the target group's name). */
  name: string;
  runtime: LambdaRuntime;
}

/**
 * Registers the bound handler file as a function named after the target group: `Code.File` pins
 * the file, Handler is `<file stem>.<export>` as Lambda spells it. The file must exist at start;
 * a missing export is Lambda's Runtime.HandlerNotFound at the first invocation, as in AWS.
 */
export function registerLambdaFunction(runtime: LambdaRuntime, file: string, exportName: string, name: string): LambdaFunction {
  if (!statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new EdgeparityError("FILE_NOT_FOUND", `Lambda target for target group ${name}: handler file not found: ${file}`);
  // A dot in the stem would end Lambda's module part early ("a.b.handler" → module "a"); the file is pinned anyway.
  const stem = basename(file, extname(file)).replace(/\./g, "_");
  runtime.register({ FunctionName: name, Handler: `${stem}.${exportName}`, Code: { File: file } });
  return { name, runtime };
}

const MAX_PAYLOAD = 1024 * 1024;
const TEXT_TYPES = /^(text\/[^;]*|application\/json|application\/javascript|application\/xml)\s*(;|$)/i;

export class LambdaError extends Error {
  constructor(
    readonly status: number,
    /** alb.md §10.4 access-log error_reason. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the body with the 1 MB cap (alb.md §10.1: over → 413 LambdaRequestTooLarge). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_PAYLOAD) {
        req.removeAllListeners("data");
        req.resume();
        reject(new LambdaError(413, "LambdaRequestTooLarge", "request body over 1 MB"));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export interface EventInput {
  method: string;
  path: string;
  query: string;
  headers: HeaderRecord;
  body: Buffer;
  targetGroupArn: string;
  multiValue: boolean;
}

/** alb.md §10.2 request event. Header names are lower-case; query values stay URL-encoded. */
export function buildEvent(i: EventInput): Record<string, unknown> {
  const event: Record<string, unknown> = { requestContext: { elb: { targetGroupArn: i.targetGroupArn } }, httpMethod: i.method, path: i.path };
  const pairs: [string, string][] = [];
  if (i.query)
    for (const part of i.query.split("&")) {
      if (!part) continue;
      const eq = part.indexOf("=");
      pairs.push(eq === -1 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)]);
    }
  if (i.multiValue) {
    const q: Record<string, string[]> = {};
    for (const [k, v] of pairs) (q[k] ??= []).push(v);
    const h: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(i.headers)) h[k] = Array.isArray(v) ? [...v] : [v];
    event["multiValueQueryStringParameters"] = q;
    event["multiValueHeaders"] = h;
  } else {
    // alb.md §10.2: a repeated key or header keeps its last value.
    const q: Record<string, string> = {};
    for (const [k, v] of pairs) q[k] = v;
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(i.headers)) h[k] = Array.isArray(v) ? v[v.length - 1]! : v;
    event["queryStringParameters"] = q;
    event["headers"] = h;
  }
  // alb.md §10.2 body encoding: Content-Encoding → base64; text types → string; else base64.
  const ct = first(i.headers["content-type"]) ?? "";
  const encoded = i.headers["content-encoding"] !== undefined;
  if (i.body.length === 0) {
    event["body"] = "";
    event["isBase64Encoded"] = false;
  } else if (!encoded && TEXT_TYPES.test(ct)) {
    event["body"] = i.body.toString("utf8");
    event["isBase64Encoded"] = false;
  } else {
    event["body"] = i.body.toString("base64");
    event["isBase64Encoded"] = true;
  }
  return event;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Invokes the function synchronously (alb.md §10.1); a FunctionError (throw, timeout, runtime exit) is a 502 LambdaUnhandled (§10.4). */
export async function invoke(fn: LambdaFunction, event: unknown): Promise<unknown> {
  const r = await fn.runtime.invoke(fn.name, event);
  if (r.FunctionError) {
    const message = (JSON.parse(r.Payload) as { errorMessage?: string }).errorMessage ?? "function error";
    throw new LambdaError(502, "LambdaUnhandled", message);
  }
  return JSON.parse(r.Payload) as unknown;
}

export interface LambdaResponse {
  status: number;
  reason: string | undefined;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** alb.md §10.4: the response contract; any breach → 502 LambdaInvalidResponse, over 1 MB → LambdaResponseTooLarge. */
export function parseLambdaResult(result: unknown, multiValue: boolean): LambdaResponse {
  const bad = (why: string) => new LambdaError(502, "LambdaInvalidResponse", why);
  let json: string | undefined;
  try {
    json = JSON.stringify(result);
  } catch {
    throw bad("response is not JSON-serialisable");
  }
  if (json !== undefined && Buffer.byteLength(json) > MAX_PAYLOAD) throw new LambdaError(502, "LambdaResponseTooLarge", "response over 1 MB");
  if (!result || typeof result !== "object" || Array.isArray(result)) throw bad("response is not an object");
  const r = result as Record<string, unknown>;
  const status = r["statusCode"];
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) throw bad("statusCode must be an integer HTTP status");
  const headers: Record<string, string | string[]> = {};
  if (multiValue) {
    // Choice: alb.md §10.4 — in multi-value mode only multiValueHeaders is read; a response with only `headers` is invalid.
    const mv = r["multiValueHeaders"];
    if (mv === null || (mv === undefined && r["headers"] !== undefined && r["headers"] !== null)) throw bad("multi-value headers mode needs multiValueHeaders");
    if (mv !== undefined) {
      if (typeof mv !== "object" || Array.isArray(mv)) throw bad("multiValueHeaders must be an object");
      for (const [k, v] of Object.entries(mv as Record<string, unknown>)) {
        if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw bad(`multiValueHeaders.${k} must be an array of strings`);
        if (!ALB_HOP_BY_HOP.has(k.toLowerCase()) && k.toLowerCase() !== "content-length") headers[k.toLowerCase()] = v as string[];
      }
    }
  } else {
    const h = r["headers"];
    // [OBS aws-lambda-go#207, aws-lambda-go-api-proxy#79]: `headers: null` is a 502. Choice: an absent `headers` is accepted.
    if (h === null) throw bad("headers is null");
    if (h !== undefined) {
      if (typeof h !== "object" || Array.isArray(h)) throw bad("headers must be an object");
      for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
        // [OBS lambda-api#117]: a non-string header value (a boolean) is a 502.
        if (typeof v !== "string") throw bad(`headers.${k} must be a string`);
        if (!ALB_HOP_BY_HOP.has(k.toLowerCase()) && k.toLowerCase() !== "content-length") headers[k.toLowerCase()] = v;
      }
    }
  }
  const body = r["body"];
  if (body !== undefined && body !== null && typeof body !== "string") throw bad("body must be a string");
  const b64 = r["isBase64Encoded"] === true;
  const buf = typeof body === "string" ? Buffer.from(body, b64 ? "base64" : "utf8") : Buffer.alloc(0);
  const desc = r["statusDescription"];
  // "200 OK" → reason "OK".
  const reason = typeof desc === "string" ? desc.replace(/^\d{3}\s*/, "") || undefined : undefined;
  return { status, reason, headers, body: buf };
}

export function writeLambdaResponse(res: ServerResponse, r: LambdaResponse, extra: Record<string, string | string[]>): void {
  const headers: Record<string, string | string[] | number> = { ...r.headers, "content-length": r.body.length };
  for (const [k, v] of Object.entries(extra)) {
    const prev = headers[k];
    headers[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [String(prev)]), ...(Array.isArray(v) ? v : [v])];
  }
  if (r.reason && res.req.httpVersionMajor < 2) res.writeHead(r.status, r.reason, headers);
  else res.writeHead(r.status, headers);
  res.end(res.req.method === "HEAD" ? undefined : r.body);
}
