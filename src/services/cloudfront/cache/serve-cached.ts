import { createReadStream } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import type { EdgeResponse, ResultType } from "../edge/edge-response.js";
import type { CachedObject } from "./cache-store.js";

/**
 * A response made from a cached object: Age from when it was stored or last revalidated, HEAD
 * from a cached GET, a single byte range from a cached full object (cloudfront.md §11.1) and a
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
      const r = parseRange(range, o.size);
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
      if (r !== undefined) {
        const headers = { ...o.headers, "content-range": `bytes ${r.start}-${r.end}/${o.size}`, "content-length": String(r.end - r.start + 1) };
        const body = o.body ? o.body.subarray(r.start, r.end + 1) : createReadStream(o.file!, { start: r.start, end: r.end });
        return { status: 206, headers, body, resultType: type, detailedResultType: type, generated: false, age };
      }
      // §11.1: a Range that is not RFC-conforming (or several ranges) gets the whole object with 200.
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

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/** One `bytes=` range; undefined when absent, multi-range or malformed (served whole). */
export function parseRange(header: string, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const m = SINGLE_RANGE.exec(header.trim());
  if (!m) return undefined;
  const [, a, b] = m;
  if (a === "" && b === "") return undefined;
  if (a === "") {
    const n = Number(b);
    if (n === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== "" && Number(b) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}
