import type { IncomingHttpHeaders } from "node:http";
import type { BucketState } from "../bucket-state.js";
import {
  accessDenied,
  invalidArgument,
  invalidRange,
  invalidRequest,
  keyTooLong,
  noSuchBucket,
  noSuchKey,
  notImplemented,
  preconditionFailed,
  type S3Error,
} from "../errors.js";
import type { ObjectMeta, OpenObject, SmallObject } from "../object-store/bucket-store.js";
import { decodeHeaderText, mailSafeHeaderValue } from "../header-text.js";
import { checkAclHeaders } from "./acl-ops.js";
import { IngestError, planIngest } from "./ingest-body.js";
import { streamFileBody } from "./stream-body.js";
import { tagsFromHeader, type TagSet } from "./tagging-ops.js";
import { commonHeaders, has, httpDate, isoMillis, q, sendEmpty, sendError, sendXml, S3_XMLNS, type S3Call } from "./s3-call.js";
import { parseByteRanges } from "../../../core/http/byte-ranges.js";

/** PutObject, GetObject, HeadObject, DeleteObject, CopyObject (s3.md §4.2–4.4). */

const STORED_HEADERS = ["content-encoding", "content-disposition", "content-language", "cache-control", "expires", "x-amz-website-redirect-location"] as const;
const MAX_METADATA_BYTES = 2048;
const META_PREFIX = "x-amz-meta-";

export interface ObjectOpsDeps {
  now(): number;
  /** Whether the caller may s3:ListBucket; decides 404 NoSuchKey vs 403 AccessDenied (s3.md §4.3). */
  canList(call: S3Call): boolean;
  bucket(name: string): BucketState | undefined;
  /** Logs a fault found after the response started (a file read error): the request can only be cut. */
  reportFault(call: S3Call, e: Error): void;
}

/** What an upload stores besides the body, from request headers (or a POST form's fields, s3.md §7.3). */
export function contentHeadersFrom(
  h: IncomingHttpHeaders,
): { contentType: string; headers: Record<string, string>; metadata: Record<string, string>; tags?: TagSet } | S3Error {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const v = h[name];
    if (v === undefined) continue;
    let s = String(v);
    if (name === "content-encoding") {
      s = s
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== "aws-chunked" && x !== "")
        .join(",");
      if (s === "") continue;
    }
    headers[name] = s;
  }
  if (h["x-amz-storage-class"]) headers["x-amz-storage-class"] = String(h["x-amz-storage-class"]);
  const tags = tagsFromHeader(h["x-amz-tagging"]);
  if (tags !== undefined && !Array.isArray(tags)) return tags;
  const metadata: Record<string, string> = {};
  let metaBytes = 0;
  for (const name in h) {
    if (!name.startsWith(META_PREFIX)) continue;
    const k = name.slice(META_PREFIX.length);
    const v = decodeHeaderText(String(h[name]));
    metadata[k] = v;
    metaBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (metaBytes > MAX_METADATA_BYTES) {
    // Choice: AWS message unconfirmed (s3.md §2.3); MinIO's wording.
    return {
      status: 400,
      code: "MetadataTooLarge",
      message: "Your metadata headers exceed the maximum allowed metadata size.",
      extra: { Size: String(metaBytes), MaxSizeAllowed: "2048" },
    };
  }
  const contentType = h["content-type"] ? String(h["content-type"]) : "binary/octet-stream";
  return tags?.length ? { contentType, headers, metadata, tags } : { contentType, headers, metadata };
}

export function checkKey(key: string): S3Error | undefined {
  if (Buffer.byteLength(key) > 1024) return keyTooLong();
  return undefined;
}

export async function putObject(call: S3Call, bucket: BucketState, key: string, deps: ObjectOpsDeps): Promise<void> {
  const bad = checkKey(key);
  if (bad) return sendError(call, bad);
  const h = call.req.headers;
  const inm = h["if-none-match"];
  if (inm !== undefined && inm !== "*")
    return sendError(call, notImplemented("If-None-Match", "We don't accept the provided value of If-None-Match header for this API"));
  if (inm === "*" && bucket.store.head(key)) return sendError(call, preconditionFailed("If-None-Match"));
  const im = h["if-match"];
  if (im !== undefined) {
    const cur = bucket.store.head(key);
    if (!cur) return sendError(call, noSuchKey(key));
    if (!etagListMatches(im, cur.etag)) return sendError(call, preconditionFailed("If-Match"));
  }
  const aclRefused = checkAclHeaders(call);
  if (aclRefused) return sendError(call, aclRefused);
  const content = contentHeadersFrom(call.req.headers);
  if ("code" in content) return sendError(call, content);
  const plan = planIngest(call);
  if ("code" in plan) return sendError(call, plan);
  let meta: ObjectMeta;
  try {
    meta = await bucket.store.write(
      key,
      plan.chunks,
      (size, md5) => ({
        etag: `"${md5.toString("hex")}"`,
        lastModified: secondPrecision(deps.now()),
        ...content,
        checksums: plan.verify(size, md5),
      }),
      plan.onChunk,
    );
  } catch (e) {
    if (e instanceof IngestError) return sendError(call, e.s3);
    throw e;
  }
  sendEmpty(call, 200, { etag: meta.etag, "x-amz-server-side-encryption": "AES256", ...checksumHeaders(meta.checksums) });
}

function checksumHeaders(c: Record<string, string>, type: string = "FULL_OBJECT"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in c) out[`x-amz-checksum-${k}`] = c[k]!;
  if (Object.keys(c).length) out["x-amz-checksum-type"] = type;
  return out;
}

export function secondPrecision(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

const RESPONSE_OVERRIDES: [string, string][] = [
  ["response-content-type", "content-type"],
  ["response-content-language", "content-language"],
  ["response-expires", "expires"],
  ["response-cache-control", "cache-control"],
  ["response-content-disposition", "content-disposition"],
  ["response-content-encoding", "content-encoding"],
];

/** GetObject and HeadObject: conditionals, Range, response-* overrides; the body streams from the file. */
export async function getObject(call: S3Call, bucket: BucketState, key: string, deps: ObjectOpsDeps): Promise<void> {
  const overrides: [string, string][] = [];
  for (const [param, header] of RESPONSE_OVERRIDES) {
    const v = q(call, param);
    if (v !== undefined) overrides.push([header, v]);
  }
  if (overrides.length && !call.isSigned && call.method === "GET")
    return sendError(call, invalidRequest("Request specific response headers cannot be used for anonymous GET requests."));
  // A small object already in memory is served without awaiting anything (issue 14).
  const opened = bucket.store.kept(key) ?? (await bucket.store.openForRead(key));
  if (!opened) return sendError(call, deps.canList(call) ? noSuchKey(key) : accessDenied());
  const { meta } = opened;
  const handle = "handle" in opened ? opened.handle : undefined;
  let handed = false;
  try {
    const base = objectHeaders(call, meta);
    const cond = evaluateConditionals(call, meta);
    if (cond === 304) {
      call.res.writeHead(304, { ...commonHeaders(call), etag: meta.etag, "last-modified": httpDate(meta.lastModified) });
      call.res.end();
      return;
    }
    if (cond) return sendError(call, cond);
    let start = 0;
    let end = meta.size - 1;
    let status = 200;
    const rangeHeader = call.req.headers.range;
    const partNumber = q(call, "partNumber");
    if (rangeHeader !== undefined && partNumber !== undefined)
      return sendError(call, invalidRequest("Cannot specify both Range header and partNumber query parameter"));
    if (partNumber !== undefined) {
      const n = Number(partNumber);
      const sizes = meta.partSizes ?? [meta.size];
      if (!Number.isInteger(n) || n < 1 || n > 10000)
        return sendError(call, invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", partNumber));
      if (n > sizes.length)
        return sendError(call, {
          status: 416,
          code: "InvalidPartNumber",
          message: "The requested partnumber is not satisfiable",
          extra: { PartNumberRequested: partNumber, ActualPartCount: String(sizes.length) },
        });
      start = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
      end = start + sizes[n - 1]! - 1;
      base["x-amz-mp-parts-count"] = String(sizes.length);
      if (meta.partSizes) status = 206;
    } else if (rangeHeader !== undefined) {
      const r = parseRange(rangeHeader, meta.size);
      if (r === "unsatisfiable") return sendError(call, invalidRange(meta.size, rangeHeader));
      if (r) {
        [start, end] = r;
        status = 206;
      }
    }
    if (status === 206) {
      base["content-range"] = `bytes ${start}-${end}/${meta.size}`;
      // Full-object checksums do not describe a part of the object.
      for (const k in base) if (k.startsWith("x-amz-checksum-")) delete base[k];
    }
    base["content-length"] = String(Math.max(0, end - start + 1));
    if (status === 200) for (const [hname, v] of overrides) base[hname] = v;
    call.res.writeHead(status, base);
    if (call.method === "HEAD" || end < start) {
      call.res.end();
      return;
    }
    if (handle === undefined) {
      // A small object (bucket-store.ts): its bytes are in memory, one write with the head.
      const body = (opened as SmallObject).body;
      call.res.end(start === 0 && end === body.length - 1 ? body : body.subarray(start, end + 1));
      return;
    }
    handed = true;
    const stream = handle.createReadStream({ start, end, autoClose: true });
    streamFileBody(stream, call.res, (e) => deps.reportFault(call, e));
  } finally {
    if (!handed) await handle?.close();
  }
}

function objectHeaders(call: S3Call, meta: ObjectMeta): Record<string, string | number> {
  // Added to the common headers' own object (a spread copied it again, issue 14); same order.
  const out = commonHeaders(call);
  out["last-modified"] = httpDate(meta.lastModified);
  out["etag"] = meta.etag;
  out["x-amz-server-side-encryption"] = "AES256";
  out["accept-ranges"] = "bytes";
  out["content-type"] = meta.contentType;
  for (const k in meta.headers) out[k] = meta.headers[k]!;
  for (const k in meta.metadata) out[META_PREFIX + k] = mailSafeHeaderValue(meta.metadata[k]!);
  if (meta.tags?.length) out["x-amz-tagging-count"] = String(meta.tags.length);
  if (String(call.req.headers["x-amz-checksum-mode"] ?? "").toUpperCase() === "ENABLED") Object.assign(out, checksumHeaders(meta.checksums, meta.checksumType));
  return out;
}

function etagListMatches(header: string, etag: string): boolean {
  return header.split(",").some((t) => {
    const s = t.trim();
    return s === "*" || s === etag || `"${s}"` === etag;
  });
}

const CONDITIONAL_NAMES: Record<string, string[]> = {};

/** S3's precedence of RFC 7232 conditionals (s3.md §4.3): If-Match beats If-Unmodified-Since; If-None-Match beats If-Modified-Since. */
export function evaluateConditionals(call: S3Call, meta: ObjectMeta, prefix = ""): S3Error | 304 | undefined {
  const h = call.req.headers;
  // The header names are made once per prefix, not concatenated per request (issue 14).
  const names = (CONDITIONAL_NAMES[prefix] ??= ["if-match", "if-unmodified-since", "if-none-match", "if-modified-since"].map((n) => prefix + n));
  const im = h[names[0]!] as string | undefined;
  const ius = h[names[1]!] as string | undefined;
  const inm = h[names[2]!] as string | undefined;
  const ims = h[names[3]!] as string | undefined;
  const label = (n: string) => (prefix ? `x-amz-copy-source-${n}` : n);
  if (im !== undefined) {
    if (!etagListMatches(im, meta.etag)) return preconditionFailed(label("If-Match"));
  } else if (ius !== undefined) {
    const t = Date.parse(ius);
    if (!Number.isNaN(t) && meta.lastModified > t) return preconditionFailed(label("If-Unmodified-Since"));
  }
  if (inm !== undefined) {
    if (etagListMatches(inm, meta.etag)) return prefix ? preconditionFailed(label("If-None-Match")) : 304;
  } else if (ims !== undefined) {
    const t = Date.parse(ims);
    if (!Number.isNaN(t) && meta.lastModified <= t) return prefix ? preconditionFailed(label("If-Modified-Since")) : 304;
  }
  return undefined;
}

const COPY_RANGE = /^bytes=(\d+)-(\d+)$/;
/** `x-amz-copy-source-range: bytes=first-last`, both inclusive and inside the source (API UploadPartCopy). */
export function parseCopySourceRange(header: string | string[] | undefined, size: number): { start: number; end: number } | S3Error {
  if (header === undefined) return { start: 0, end: size - 1 };
  const m = COPY_RANGE.exec(String(header).trim());
  if (!m)
    return invalidArgument(
      "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
      "x-amz-copy-source-range",
      String(header),
    );
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end || end >= size) return invalidRequest("The specified copy range is invalid for the source object size");
  return { start, end };
}

/** A single byte range only; several, like a malformed header, are ignored (full 200), as S3 does (s3.md §4.3). */
function parseRange(header: string, size: number): [number, number] | "unsatisfiable" | undefined {
  const parsed = parseByteRanges(header, size);
  if (parsed === undefined || parsed.specCount !== 1) return undefined;
  const r = parsed.ranges[0];
  return r === undefined ? "unsatisfiable" : [r.start, r.end];
}

export async function deleteObject(call: S3Call, bucket: BucketState, key: string): Promise<void> {
  await bucket.store.delete(key);
  sendEmpty(call, 204);
}

/** The object `x-amz-copy-source` names, authorized and opened (CopyObject, UploadPartCopy; s3.md §4.4). */
export async function openCopySource(
  call: S3Call,
  deps: ObjectOpsDeps,
  authorizeSource: (bucket: string, key: string) => S3Error | undefined,
): Promise<{ bucket: BucketState; key: string; opened: OpenObject } | S3Error> {
  const raw = String(call.req.headers["x-amz-copy-source"]);
  let source: string;
  try {
    source = decodeURIComponent(raw.split("?")[0]!);
  } catch {
    return invalidArgument("Invalid copy source object key", "x-amz-copy-source", raw);
  }
  if (source.startsWith("/")) source = source.slice(1);
  const slash = source.indexOf("/");
  if (slash <= 0 || slash === source.length - 1) return invalidArgument("Invalid copy source object key", "x-amz-copy-source", raw);
  const srcBucketName = source.slice(0, slash);
  const srcKey = source.slice(slash + 1);
  const srcBucket = deps.bucket(srcBucketName);
  if (!srcBucket) return noSuchBucket(srcBucketName);
  const denied = authorizeSource(srcBucketName, srcKey);
  if (denied) return denied;
  const opened = await srcBucket.store.open(srcKey);
  if (!opened) return noSuchKey(srcKey);
  return { bucket: srcBucket, key: srcKey, opened };
}

/** CopyObject (s3.md §4.4): the body streams from the source file into the new version. */
export async function copyObject(
  call: S3Call,
  bucket: BucketState,
  key: string,
  deps: ObjectOpsDeps,
  authorizeSource: (bucket: string, key: string) => S3Error | undefined,
): Promise<void> {
  const bad = checkKey(key);
  if (bad) return sendError(call, bad);
  const source = await openCopySource(call, deps, authorizeSource);
  if ("code" in source) return sendError(call, source);
  const { bucket: srcBucket, key: srcKey, opened } = source;
  const { meta: src, handle } = opened;
  let handed = false;
  try {
    const cond = evaluateConditionals(call, src, "x-amz-copy-source-");
    if (cond && cond !== 304) return sendError(call, cond);
    const directive = String(call.req.headers["x-amz-metadata-directive"] ?? "COPY").toUpperCase();
    if (directive !== "COPY" && directive !== "REPLACE")
      return sendError(call, invalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive));
    if (
      srcBucket === bucket &&
      srcKey === key &&
      directive === "COPY" &&
      !call.req.headers["x-amz-storage-class"] &&
      !call.req.headers["x-amz-website-redirect-location"]
    )
      return sendError(
        call,
        invalidRequest(
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        ),
      );
    const aclRefused = checkAclHeaders(call);
    if (aclRefused) return sendError(call, aclRefused);
    const replaced = contentHeadersFrom(call.req.headers);
    if ("code" in replaced) return sendError(call, replaced);
    const { tags: _requestTags, ...replacedContent } = replaced;
    const content = directive === "REPLACE" ? replacedContent : { contentType: src.contentType, headers: src.headers, metadata: src.metadata };
    // x-amz-tagging-directive: COPY (default) keeps the source's tags, REPLACE takes x-amz-tagging (API CopyObject).
    const taggingDirective = String(call.req.headers["x-amz-tagging-directive"] ?? "COPY").toUpperCase();
    if (taggingDirective !== "COPY" && taggingDirective !== "REPLACE")
      return sendError(call, invalidArgument("Unknown tagging directive.", "x-amz-tagging-directive", taggingDirective));
    const tags = taggingDirective === "REPLACE" ? replaced.tags : src.tags;
    handed = true;
    const stream = handle.createReadStream({ start: 0, end: Math.max(0, src.size - 1), autoClose: true });
    const chunks: AsyncIterable<Buffer> = src.size === 0 ? emptyChunks(stream) : stream;
    const meta = await bucket.store.write(key, chunks, (_size, md5) => ({
      etag: src.partSizes ? `"${md5.toString("hex")}"` : src.etag,
      lastModified: secondPrecision(deps.now()),
      ...content,
      ...(tags?.length ? { tags } : {}),
      checksums: src.checksums,
      ...(src.checksumType ? { checksumType: src.checksumType } : {}),
    }));
    sendXml(
      call,
      200,
      `<CopyObjectResult xmlns="${S3_XMLNS}"><LastModified>${isoMillis(meta.lastModified)}</LastModified><ETag>${meta.etag.replaceAll('"', "&quot;")}</ETag></CopyObjectResult>`,
      { "x-amz-server-side-encryption": "AES256" },
    );
  } finally {
    if (!handed) await handle.close();
  }
}

export async function* emptyChunks(stream: NodeJS.ReadableStream & { destroy(): void }): AsyncGenerator<Buffer> {
  stream.destroy();
  yield* [];
}

export { has };
