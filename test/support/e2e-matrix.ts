import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { CurlResult } from "./curl-exchange.js";

/**
 * The request matrix the end-to-end suites send through `edgeparity up`: every method CloudFront
 * can allow (cloudfront.md §3.2), bodies of 0 B, 1 KB and 2 MiB (curl sends `Expect: 100-continue`
 * above 1 MiB on HTTP/1.1), on HTTP/1.1 and HTTP/2.
 */
export const HTTP_VERSIONS = ["1.1", "2"] as const;
export const BODY_SIZES = ["0B", "1KB", "2MB"] as const;
export type BodySize = (typeof BODY_SIZES)[number];
export const BODY_METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** GET/HEAD: without a body (HEAD with a body has no AWS-documented answer and curl cannot send one with --head). */
export interface MatrixCase {
  method: string;
  size: BodySize | "none";
}

export function methodMatrix(): MatrixCase[] {
  const cases: MatrixCase[] = [
    { method: "GET", size: "none" },
    { method: "HEAD", size: "none" },
    { method: "GET", size: "1KB" },
    { method: "GET", size: "2MB" },
  ];
  for (const method of BODY_METHODS) for (const size of BODY_SIZES) cases.push({ method, size });
  return cases;
}

export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
export const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

/** One line saying what came back, for assertion messages. */
export function describeResult(r: CurlResult): string {
  const body = r.body.toString("utf8", 0, Math.min(r.body.length, 900)).replace(/\s+/g, " ");
  return `HTTP/${r.httpVersion || "?"} ${r.status} (curl exit ${r.curlExit}${r.stderr ? `: ${r.stderr.trim()}` : ""}) x-cache=${r.headers["x-cache"] ?? "-"} body: ${body}`;
}

/**
 * The exchange completed: curl exited 0 within its time limit. A status alone is not enough — an
 * HTTP/2 stream the server answered but never closed still shows a status.
 */
export function assertComplete(r: CurlResult): void {
  assert.equal(r.curlExit, 0, `curl completed the exchange: ${describeResult(r)}`);
}

/** CloudFront's own 403 page (cloudfront.md §3.2, §9.3) with the given message line. */
export function assertCloudFront403(r: CurlResult, message: string, http: string): void {
  assert.equal(r.status, 403, describeResult(r));
  assertComplete(r);
  assert.equal(r.httpVersion, http === "2" ? "2" : "1.1");
  assert.equal(r.headers["x-cache"], "Error from cloudfront", describeResult(r));
  assert.equal(r.headers.server, "CloudFront");
  const text = r.body.toString("utf8");
  assert.match(text, /<H1>403 ERROR<\/H1>/);
  assert.ok(text.includes(message), `403 page says "${message}": ${describeResult(r)}`);
}

export const INVALID_METHOD_MESSAGE =
  "This distribution is not configured to allow the HTTP request method that was used for this request. The distribution supports only cachable requests.";
export const GET_WITH_BODY_MESSAGE = "Bad request.";

/**
 * The access log the CLI prints on stdout after the ready line: text lines, or CloudFront's
 * standard log (cloudfront.md §16.1: `#Version`, `#Fields`, 33 tab-separated fields).
 */
export function assertAccessLog(lines: string[], format: "text" | "cloudfront", methods: Iterable<string>): void {
  const seen = new Set<string>();
  if (format === "cloudfront") {
    assert.equal(lines[0], "#Version: 1.0");
    assert.match(lines[1] ?? "", /^#Fields: date time x-edge-location /);
    for (const line of lines.slice(2)) {
      // A load balancer's request is its own line in ALB's format (alb.md §11; issue 15).
      if (/^(?:http|https|h2) \d{4}-\d\d-\d\dT\S+Z app\//.test(line)) continue;
      const fields = line.split("\t");
      assert.equal(fields.length, 33, `33 fields: ${line}`);
      seen.add(fields[5]!);
    }
  } else {
    for (const line of lines) {
      const m = /^\d{4}-\d\d-\d\dT[\d:.]+Z (?:\[alb \S+\] )?([A-Z]+) \S+ \S+ \d{3} /.exec(line);
      assert.ok(m, `text access-log line: ${line}`);
      seen.add(m[1]!);
    }
  }
  for (const m of methods) assert.ok(seen.has(m), `the access log has a ${m} line (saw ${[...seen].join(", ")})`);
}
