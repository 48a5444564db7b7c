import type { Readable } from "node:stream";
import type { CachedObject } from "../cache/cache-store.js";

/** `x-edge-result-type` values (cloudfront.md §1.2, §16.1); X-Cache is `<value> from cloudfront`. */
export type ResultType =
  "Hit" | "RefreshHit" | "Miss" | "Error" | "Redirect" | "FunctionGeneratedResponse" | "LambdaGeneratedResponse" | "LimitExceeded" | "CapacityExceeded";

/** A response on its way to the viewer, whoever produced it (origin, cache, or CloudFront itself). */
export interface EdgeResponse {
  status: number;
  statusMessage?: string;
  /** Lower-case names. */
  headers: Record<string, string | string[]>;
  body: Readable | Buffer | null;
  resultType: ResultType;
  detailedResultType: string;
  /** Made by CloudFront (an error page or redirect): `Server: CloudFront`. */
  generated: boolean;
  /** Close the viewer connection after sending (413, cloudfront.md §11.2). */
  closeConnection?: boolean;
  /** Seconds since the object was stored, on cache hits. */
  age?: number;
  /** The origin's ETag when the viewer sees another (weakened by compression, cloudfront.md §8); revalidation uses this one. */
  originEtag?: string;
  /** Custom error responses do not apply (function-generated responses, redirects). */
  bypassCustomErrors?: boolean;
  /**
   * HTTP/1.1 spelling of names a CloudFront Function set (cloudfront.md §13.2 "header casing on
   * output": `example-header-name` → `Example-Header-Name`), applied when the response is written.
   */
  headerNames?: ReadonlyMap<string, string>;
  /** The cached object this response is, headers as stored (99-respond reuses its header block, hit-header-block.ts). */
  cached?: CachedObject;
}

/**
 * Who handed the response to the response stages (cloudfront.md §1.3 decides which stages it
 * passes): the origin (its answer, or CloudFront's 502/504 for it), the cache, CloudFront itself
 * before any lookup (limits, viewer policy: 413, 403, redirects), or an edge function (issue 10).
 */
export type ResponseSource = "origin" | "cache" | "edge" | "viewer-request-function" | "origin-request-function";
