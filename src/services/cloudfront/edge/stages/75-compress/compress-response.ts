import { pipeline } from "node:stream";
import { constants, createBrotliCompress, createGzip } from "node:zlib";
import type { EdgeContext } from "../../edge-context.js";

/**
 * Edge compression (cloudfront.md §8), before the cache store so each encoding is cached under its
 * own key (the normalised Accept-Encoding is in the key, §4.5). Compresses only when the behaviour
 * has Compress, its cache policy enables gzip/br and caches (TTL > 0), the viewer accepts it
 * (HTTP/1.0 never), the status is 200/403/404, the origin did not encode, Content-Length is
 * 1,000–10,000,000 bytes, and the Content-Type is on CloudFront's list. Brotli is preferred.
 */
export function compressResponse(ctx: EdgeContext): void {
  const st = ctx.cache;
  const b = ctx.behavior!;
  if (st === undefined || st.encoding === "" || !b.compress || b.cacheKey.isAcceptEncodingListed || ctx.method === "HEAD") return;
  const r = ctx.response!;
  if (r.generated || (r.status !== 200 && r.status !== 403 && r.status !== 404) || r.body === null) return;
  const h = r.headers;
  if (h["content-encoding"] !== undefined) return;
  const length = Number(h["content-length"]);
  // §8: judged by the origin's Content-Length; missing (chunked) or out of range → not compressed.
  if (!(length >= 1000 && length <= 10_000_000)) return;
  if (!isCompressibleType(h["content-type"])) return;

  const coding = st.encoding.startsWith("br") ? "br" : "gzip";
  const zip =
    coding === "br"
      ? // Choice: Brotli quality 4 — CloudFront's level is not documented; 11 (Node's default) is far too slow for an edge.
        createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: length } })
      : createGzip();
  const source = r.body;
  if (Buffer.isBuffer(source)) zip.end(source);
  // pipeline: a destroyed zip (viewer gone) destroys the origin body too (issue 8 §9).
  else pipeline(source, zip, noop);
  const headers: Record<string, string | string[]> = { ...h, "content-encoding": coding };
  delete headers["content-length"];
  // §8: a strong ETag becomes weak; an invalid one is removed.
  const etag = h["etag"];
  if (typeof etag === "string") {
    if (etag.startsWith('"')) headers["etag"] = `W/${etag}`;
    else if (!etag.startsWith("W/")) delete headers["etag"];
  }
  // Choice: Vary: Accept-Encoding is added to compressed responses (§8 leaves it UNCONFIRMED; caches downstream need it).
  const vary = h["vary"];
  if (vary === undefined) headers["vary"] = "Accept-Encoding";
  else if (!String(vary).toLowerCase().includes("accept-encoding")) headers["vary"] = `${String(vary)}, Accept-Encoding`;
  // The cache revalidates with the origin's own validator, never the weakened one: S3 answers a
  // weak If-None-Match with 200, so the object would never be refreshed (§4.7, issue 8 §6).
  ctx.response = { ...r, headers, body: zip, originEtag: typeof etag === "string" ? etag : undefined };
}

/** §8's list (2023), matched on the media type without parameters (Choice: §8 says "almost certainly"). */
const COMPRESSIBLE = new Set([
  "application/dash+xml",
  "application/eot",
  "application/font",
  "application/font-sfnt",
  "application/javascript",
  "application/json",
  "application/opentype",
  "application/otf",
  "application/pkcs7-mime",
  "application/protobuf",
  "application/rss+xml",
  "application/truetype",
  "application/ttf",
  "application/vnd.apple.mpegurl",
  "application/vnd.mapbox-vector-tile",
  "application/vnd.ms-fontobject",
  "application/xhtml+xml",
  "application/xml",
  "application/x-font-opentype",
  "application/x-font-truetype",
  "application/x-font-ttf",
  "application/x-httpd-cgi",
  "application/x-javascript",
  "application/x-mpegurl",
  "application/x-opentype",
  "application/x-otf",
  "application/x-perl",
  "application/x-ttf",
  "font/eot",
  "font/opentype",
  "font/otf",
  "font/ttf",
  "image/svg+xml",
  "text/css",
  "text/csv",
  "text/html",
  "text/javascript",
  "text/js",
  "text/plain",
  "text/richtext",
  "text/tab-separated-values",
  "text/xml",
  "text/x-component",
  "text/x-java-source",
  "text/x-script",
  "vnd.apple.mpegurl",
]);

export function isCompressibleType(value: string | string[] | undefined): boolean {
  if (value === undefined) return false;
  const v = Array.isArray(value) ? value[0]! : value;
  const semi = v.indexOf(";");
  return COMPRESSIBLE.has((semi === -1 ? v : v.slice(0, semi)).trim().toLowerCase());
}

function noop(): void {}
