import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, resolve, sep } from "node:path";
import { pipeline } from "node:stream";
import type { Ids } from "../../core/ids.js";
import type { Log } from "../../core/log.js";
import type { HttpHandler, RunningService } from "../../core/service.js";
import { accessDenied, methodNotAllowed, noSuchBucket, s3ErrorXml, type S3Error } from "./errors.js";
import { contentTypeFor } from "./rest/content-type.js";

/**
 * Minimal S3 read path (GetObject/HeadObject) over buckets bound to folders. Virtual-hosted
 * (`<bucket>.s3.localhost`, and the bucket's cloud names) and path-style (`s3.localhost/<bucket>`).
 */
export interface BucketRuntime {
  name: string;
  /** Folder the objects are read from. */
  folder: string;
}

export interface S3Deps {
  ids: Ids;
  log: Log;
  region: string;
}

/** Every host name that addresses a bucket virtual-hosted style (s3.md §1). */
export function bucketHosts(bucket: string, region: string): string[] {
  return [
    `${bucket}.s3.localhost`,
    `${bucket}.s3.amazonaws.com`,
    `${bucket}.s3.${region}.amazonaws.com`,
    `${bucket}.s3-${region}.amazonaws.com`,
    `${bucket}.s3.localhost.localstack.cloud`,
  ];
}

export const S3_PATH_STYLE_HOST = "s3.localhost";

/** A bucket name from an S3 REST host name, or undefined when the host is not an S3 bucket endpoint. */
export function bucketFromHost(host: string): string | undefined {
  if (/\.s3-website[.-]/.test(host)) return undefined; // website endpoints are custom origins (s3.md §9)
  const m = /^(.+?)\.s3(?:[.-][a-z0-9-]+)?\.(?:amazonaws\.com|localhost(?:\.localstack\.cloud)?)$/.exec(host.toLowerCase());
  return m?.[1];
}

export function startS3(buckets: readonly BucketRuntime[], deps: S3Deps): RunningService {
  const byName = new Map(buckets.map((b) => [b.name, b]));
  const routes = new Map<string, HttpHandler>();
  for (const b of buckets) {
    const handler: HttpHandler = (req, res) => void serveObject(b, keyFromPath(req.url ?? "/"), req, res, deps);
    for (const h of bucketHosts(b.name, deps.region)) routes.set(h, handler);
  }
  routes.set(S3_PATH_STYLE_HOST, (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const slash = path.indexOf("/", 1);
    const name = slash === -1 ? path.slice(1) : path.slice(1, slash);
    const bucket = byName.get(name);
    if (!bucket) return sendError(res, noSuchBucket(name), path, deps);
    void serveObject(bucket, slash === -1 ? "" : decodeKey(path.slice(slash + 1)), req, res, deps);
  });
  return { routes, close: async () => {} };
}

function keyFromPath(url: string): string {
  const q = url.indexOf("?");
  return decodeKey((q === -1 ? url : url.slice(0, q)).slice(1));
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const etags = new Map<string, { mtimeMs: number; size: number; etag: string }>();

async function serveObject(bucket: BucketRuntime, key: string, req: IncomingMessage, res: ServerResponse, deps: S3Deps): Promise<void> {
  const resource = `/${bucket.name}/${key}`;
  if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, methodNotAllowed(req.method ?? ""), resource, deps);
  const root = resolve(bucket.folder);
  const file = resolve(join(root, key));
  // Choice: a missing key answers 403 AccessDenied, as S3 does when the caller lacks
  // s3:ListBucket (the usual CloudFront + OAC set-up, cloudfront.md §9.2).
  if (key === "" || key.endsWith("/") || (file !== root && !file.startsWith(root + sep))) return sendError(res, accessDenied(), resource, deps);
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) return sendError(res, accessDenied(), resource, deps);
  const etag = await etagOf(file, s.mtimeMs, s.size);
  const requestId = deps.ids.hex32().slice(0, 16).toUpperCase();
  res.writeHead(200, {
    "content-type": contentTypeFor(key),
    "content-length": s.size,
    etag,
    "last-modified": new Date(Math.floor(s.mtimeMs / 1000) * 1000).toUTCString(),
    "accept-ranges": "bytes",
    server: "AmazonS3",
    "x-amz-request-id": requestId,
    "x-amz-id-2": Buffer.from(requestId).toString("base64"),
  });
  if (req.method === "HEAD") return void res.end();
  pipeline(createReadStream(file), res, () => {});
}

async function etagOf(file: string, mtimeMs: number, size: number): Promise<string> {
  const hit = etags.get(file);
  if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.etag;
  const hash = createHash("md5");
  await new Promise<void>((ok, fail) =>
    createReadStream(file)
      .on("data", (c) => hash.update(c))
      .on("end", ok)
      .on("error", fail),
  );
  const etag = `"${hash.digest("hex")}"`;
  etags.set(file, { mtimeMs, size, etag });
  return etag;
}

function sendError(res: ServerResponse, e: S3Error, resource: string, deps: S3Deps): void {
  const requestId = deps.ids.hex32().slice(0, 16).toUpperCase();
  const body = s3ErrorXml(e, resource, requestId);
  res.writeHead(e.status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body), server: "AmazonS3", "x-amz-request-id": requestId });
  res.end(body);
}
