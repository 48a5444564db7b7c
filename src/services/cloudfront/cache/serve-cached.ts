import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { IncomingHttpHeaders } from "node:http";
import type { EdgeResponse, ResultType } from "../response/edge-response.js";
import type { CachedObject } from "./cache-store.js";
import { parseByteRanges, type ByteRange } from "../../../core/http/byte-ranges.js";

/**
 * A response made from a cached object: Age from when it was stored or last revalidated, HEAD
 * from a cached GET, byte ranges from a cached full object (one: 206; several ascending and
 * disjoint: 206 multipart/byteranges; cloudfront.md §11.1) and a
 * 304 to a viewer conditional that matches (Choice: §4.7 says this is expected but UNCONFIRMED).
 */
export function serveCached(o: CachedObject, req: IncomingHttpHeaders, now: number, resultType: ResultType): EdgeResponse {
  const age = Math.max(0, Math.floor((now - o.storedAt) / 1000));
  const type: ResultType = o.status >= 400 ? "Error" : resultType;
  if (o.status === 200) {
    if (isNotModified(o, req)) {
      const headers: Record<string, string | string[]> = {};
      for (const n of NOT_MODIFIED_HEADERS) if (o.headers[n] !== undefined) headers[n] = o.headers[n]!;
      return { status: 304, headers, body: null, resultType: type, detailedResultType: type, generated: false, age };
    }
    const range = req.range;
    if (range !== undefined) {
      const r = cloudFrontRanges(range, o.size);
      if (r === "unsatisfiable") {
        // Choice: a well-formed range past the end gets 416 with the object's size (RFC 9110 §15.5.17).
        return {
          status: 416,
          headers: { "content-range": `bytes */${o.size}`, "content-length": "0", "content-type": String(o.headers["content-type"] ?? "") },
          body: null,
          resultType: "Error",
          detailedResultType: "Error",
          generated: false,
          age,
        };
      }
      if (r !== undefined && r.length === 1) {
        const [{ start, end }] = r as [ByteRange];
        const headers = { ...o.headers, "content-range": `bytes ${start}-${end}/${o.size}`, "content-length": String(end - start + 1) };
        return { status: 206, headers, body: slice(o, start, end), resultType: type, detailedResultType: type, generated: false, age };
      }
      if (r !== undefined) return { ...multipartByteranges(o, r), resultType: type, detailedResultType: type, generated: false, age };
      // §11.1: a Range that is not RFC-conforming (malformed, descending, overlapping) gets the whole object with 200.
    }
  }
  return {
    status: o.status,
    headers: o.headers,
    body: o.body ?? createReadStream(o.file!),
    resultType: type,
    detailedResultType: type,
    generated: false,
    age,
    cached: o,
  };
}

const NOT_MODIFIED_HEADERS = ["etag", "last-modified", "cache-control", "expires", "date", "vary", "content-location"];

function isNotModified(o: CachedObject, req: IncomingHttpHeaders): boolean {
  const inm = req["if-none-match"];
  if (inm !== undefined) {
    if (o.etag === undefined) return false;
    const weak = (t: string) => (t.startsWith("W/") ? t.slice(2) : t);
    const want = weak(o.etag);
    return inm.trim() === "*" || inm.split(",").some((t) => weak(t.trim()) === want);
  }
  const ims = req["if-modified-since"];
  if (ims !== undefined && o.lastModified !== undefined) {
    const since = Date.parse(ims);
    const modified = Date.parse(o.lastModified);
    return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  return false;
}

/**
 * cloudfront.md §11.1: several ranges are served only ascending and disjoint; otherwise (like any
 * malformed Range) the header is not RFC-conforming for CloudFront and the whole object is sent.
 */
function cloudFrontRanges(header: string, size: number): ByteRange[] | "unsatisfiable" | undefined {
  const parsed = parseByteRanges(header, size);
  if (parsed === undefined) return undefined;
  const { ranges } = parsed;
  if (ranges.length === 0) return "unsatisfiable";
  for (let i = 1; i < ranges.length; i++) if (ranges[i]!.start <= ranges[i - 1]!.end) return undefined;
  return ranges;
}

/** One range's bytes, from memory or from the spilled file. */
function slice(o: CachedObject, start: number, end: number): Buffer | Readable {
  return o.body ? o.body.subarray(start, end + 1) : createReadStream(o.file!, { start, end });
}

/** Several ranges of a cached object as `multipart/byteranges` (RFC 9110 §14.6), as CloudFront answers them (§11.1). */
function multipartByteranges(o: CachedObject, ranges: readonly ByteRange[]): Pick<EdgeResponse, "status" | "headers" | "body"> {
  // The boundary is derived from the object, so the same request gets the same bytes (and it cannot be guessed from the body).
  const boundary = `CloudFront-${createHash("sha256").update(o.key).update(String(o.storedAt)).digest("hex").slice(0, 24)}`;
  const type = o.headers["content-type"];
  const heads = ranges.map(
    (r, i) =>
      `${i === 0 ? "" : "\r\n"}--${boundary}\r\n${type === undefined ? "" : `Content-Type: ${String(type)}\r\n`}Content-Range: bytes ${r.start}-${r.end}/${o.size}\r\n\r\n`,
  );
  const tail = `\r\n--${boundary}--\r\n`;
  let length = Buffer.byteLength(tail);
  ranges.forEach((r, i) => (length += Buffer.byteLength(heads[i]!) + r.end - r.start + 1));
  const headers: Record<string, string | string[]> = {
    ...o.headers,
    "content-type": `multipart/byteranges; boundary=${boundary}`,
    "content-length": String(length),
  };
  delete headers["content-range"];
  const parts = ranges.map((r) => slice(o, r.start, r.end));
  const body = Readable.from(
    (async function* () {
      for (let i = 0; i < parts.length; i++) {
        yield Buffer.from(heads[i]!);
        const p = parts[i]!;
        if (Buffer.isBuffer(p)) yield p;
        else for await (const chunk of p) yield chunk as Buffer;
      }
      yield Buffer.from(tail);
    })(),
    { objectMode: false },
  );
  return { status: 206, headers, body };
}
