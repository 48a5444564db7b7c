import { createHash } from "node:crypto";
import type { XMLParser } from "fast-xml-parser";
import type { BucketState } from "../bucket-state.js";
import {
  badDigest,
  invalidArgument,
  invalidRequest,
  malformedPolicy,
  malformedXml,
  noSuchBucketPolicy,
  noSuchCorsConfiguration,
  noSuchWebsiteConfiguration,
  type S3Error,
} from "../errors.js";
import { escapeXml } from "../errors.js";
import { compareUtf8 } from "../object-store/bucket-store.js";
import { PolicyError } from "../policy/evaluate-policy.js";
import { CORSRuleSchema, type CORSRule } from "../schema/bucket.js";
import { WebsiteConfigError, type WebsiteConfig } from "../website/website-config.js";
import { BodyTooLarge, isoMillis, q, readSmallBody, sendEmpty, sendError, sendXml, S3_XMLNS, type S3Call } from "./s3-call.js";

/** Bucket-level operations: ListObjects(V2), CORS, policy, website, DeleteObjects (s3.md §4.1, §4.6, §6.1). */

/** Loaded with the first XML body: a stack that never sends one does not pay for the parser at start (issue 14). */
let parser: XMLParser | undefined;
async function xmlParser(): Promise<XMLParser> {
  const { XMLParser } = await import("fast-xml-parser");
  return (parser ??= new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => ARRAY_TAGS.has(name) }));
}
const ARRAY_TAGS = new Set(["CORSRule", "AllowedMethod", "AllowedOrigin", "AllowedHeader", "ExposeHeader", "Object", "Part", "RoutingRule", "Tag", "Grant"]);

async function readXml(call: S3Call, limit = 1024 * 1024): Promise<Record<string, unknown> | S3Error> {
  let body: Buffer;
  try {
    body = await readSmallBody(call.req, limit);
  } catch (e) {
    if (e instanceof BodyTooLarge) return malformedXml();
    throw e;
  }
  const md5Header = call.req.headers["content-md5"];
  if (md5Header !== undefined) {
    const md5 = String(md5Header);
    const got = createHash("md5").update(body).digest();
    if (got.toString("base64") !== md5) return badDigest(Buffer.from(md5, "base64").toString("hex"), got.toString("base64"));
  }
  const p = parser ?? (await xmlParser());
  try {
    const doc = p.parse(body.toString("utf8"), true) as Record<string, unknown>;
    return doc;
  } catch {
    return malformedXml();
  }
}

const enc = (call: S3Call, s: string) => (q(call, "encoding-type") === "url" ? encodeURIComponent(s).replaceAll("%2F", "/") : escapeXml(s));

/** ListObjectsV2 (and V1 with `marker`): UTF-8 order, delimiter roll-up, KeyCount counts both kinds (s3.md §4.6). */
export function listObjects(call: S3Call, bucket: BucketState): void {
  const v2 = q(call, "list-type") === "2";
  const encodingType = q(call, "encoding-type");
  if (encodingType !== undefined && encodingType !== "url")
    return sendError(call, invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType));
  const prefix = q(call, "prefix") ?? "";
  const delimiter = q(call, "delimiter") ?? "";
  const maxKeysRaw = q(call, "max-keys");
  const maxKeys = maxKeysRaw === undefined ? 1000 : Math.min(1000, Number(maxKeysRaw));
  if (!Number.isInteger(maxKeys) || maxKeys < 0)
    return sendError(call, invalidArgument("Provided max-keys not an integer or within integer range", "max-keys", maxKeysRaw ?? ""));
  const token = q(call, "continuation-token");
  let startAfter = v2 ? (q(call, "start-after") ?? "") : (q(call, "marker") ?? "");
  if (v2 && token !== undefined) {
    const decoded = Buffer.from(token, "base64").toString("utf8");
    if (!decoded.startsWith("ep1:")) return sendError(call, invalidArgument("The continuation token provided is incorrect", "continuation-token", token));
    startAfter = decoded.slice(4);
  }
  const keys = bucket.store.sortedKeys();
  let i = startAfter === "" ? 0 : upperBound(keys, startAfter);
  const contents: string[] = [];
  const prefixes: string[] = [];
  let count = 0;
  let truncated = false;
  let last = "";
  const fetchOwner = q(call, "fetch-owner") === "true" || !v2;
  const owner = fetchOwner ? `<Owner><ID>${OWNER_ID}</ID></Owner>` : "";
  for (; i < keys.length; i++) {
    const key = keys[i]!;
    if (!key.startsWith(prefix)) {
      if (key > prefix) break;
      continue;
    }
    if (delimiter) {
      const d = key.indexOf(delimiter, prefix.length);
      if (d !== -1) {
        const cp = key.slice(0, d + delimiter.length);
        // A CommonPrefix not greater than start-after / the token's position was already returned (s3.md §4.6):
        // a page that ended on it must not repeat it.
        if (startAfter !== "" && compareUtf8(cp, startAfter) <= 0) {
          while (i + 1 < keys.length && keys[i + 1]!.startsWith(cp)) i++;
          continue;
        }
        if (count >= maxKeys) {
          truncated = maxKeys > 0;
          break;
        }
        prefixes.push(`<CommonPrefixes><Prefix>${enc(call, cp)}</Prefix></CommonPrefixes>`);
        count++;
        last = cp;
        // Skip every key under this common prefix.
        while (i + 1 < keys.length && keys[i + 1]!.startsWith(cp)) i++;
        continue;
      }
    }
    if (count >= maxKeys) {
      // max-keys=0 is an empty page that is not truncated (s3.md §4.6).
      truncated = maxKeys > 0;
      break;
    }
    const m = bucket.store.head(key)!;
    contents.push(
      `<Contents><Key>${enc(call, key)}</Key><LastModified>${isoMillis(m.lastModified)}</LastModified><ETag>${m.etag.replaceAll('"', "&quot;")}</ETag>${Object.keys(m.checksums).length ? `<ChecksumAlgorithm>${Object.keys(m.checksums)[0]!.toUpperCase()}</ChecksumAlgorithm>` : ""}<Size>${m.size}</Size>${owner}<StorageClass>${m.headers["x-amz-storage-class"] ?? "STANDARD"}</StorageClass></Contents>`,
    );
    count++;
    last = key;
  }
  const et = encodingType ? `<EncodingType>${encodingType}</EncodingType>` : "";
  let xml = `<ListBucketResult xmlns="${S3_XMLNS}"><Name>${escapeXml(bucket.name)}</Name><Prefix>${enc(call, prefix)}</Prefix>`;
  if (v2) {
    if (token !== undefined) xml += `<ContinuationToken>${escapeXml(token)}</ContinuationToken>`;
    if (q(call, "start-after") !== undefined) xml += `<StartAfter>${enc(call, q(call, "start-after")!)}</StartAfter>`;
    xml += `<KeyCount>${count}</KeyCount>`;
  } else xml += `<Marker>${enc(call, q(call, "marker") ?? "")}</Marker>`;
  xml += `<MaxKeys>${maxKeys}</MaxKeys>`;
  if (delimiter) xml += `<Delimiter>${enc(call, delimiter)}</Delimiter>`;
  xml += `${et}<IsTruncated>${truncated}</IsTruncated>`;
  if (truncated) {
    if (v2) xml += `<NextContinuationToken>${Buffer.from(`ep1:${last}`).toString("base64")}</NextContinuationToken>`;
    else if (delimiter) xml += `<NextMarker>${enc(call, last)}</NextMarker>`;
  }
  xml += contents.join("") + prefixes.join("") + `</ListBucketResult>`;
  sendXml(call, 200, xml);
}

export const OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";

function upperBound(keys: readonly string[], after: string): number {
  const target = Buffer.from(after, "utf8");
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(Buffer.from(keys[mid]!, "utf8"), target) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

export async function putBucketCors(call: S3Call, bucket: BucketState): Promise<void> {
  const doc = await readXml(call, 64 * 1024);
  if ("code" in doc) return sendError(call, doc as S3Error);
  const conf = doc["CORSConfiguration"] as { CORSRule?: Record<string, unknown>[] } | undefined;
  if (!conf?.CORSRule?.length) return sendError(call, malformedXml());
  if (conf.CORSRule.length > 100) return sendError(call, invalidRequest("The number of CORS rules should not exceed allowed limit of 100 rules."));
  const rules: CORSRule[] = [];
  for (const r of conf.CORSRule) {
    const methods = ((r["AllowedMethod"] as unknown[]) ?? []).map(str);
    for (const m of methods)
      if (!["GET", "PUT", "HEAD", "POST", "DELETE"].includes(m))
        return sendError(call, invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`));
    const origins = ((r["AllowedOrigin"] as unknown[]) ?? []).map(str);
    const rule = {
      ...(r["ID"] !== undefined ? { ID: str(r["ID"]) } : {}),
      AllowedMethods: methods,
      AllowedOrigins: origins,
      ...(r["AllowedHeader"] ? { AllowedHeaders: (r["AllowedHeader"] as unknown[]).map(str) } : {}),
      ...(r["ExposeHeader"] ? { ExposeHeaders: (r["ExposeHeader"] as unknown[]).map(str) } : {}),
      ...(r["MaxAgeSeconds"] !== undefined ? { MaxAgeSeconds: Number(r["MaxAgeSeconds"]) } : {}),
    };
    const parsed = CORSRuleSchema.safeParse(rule);
    if (!parsed.success) return sendError(call, malformedXml());
    for (const o of origins) if (o.split("*").length > 2) return sendError(call, invalidRequest(`AllowedOrigin "${o}" can not have more than one wildcard.`));
    for (const hdr of rule.AllowedHeaders ?? [])
      if (hdr.split("*").length > 2) return sendError(call, invalidRequest(`AllowedHeader "${hdr}" can not have more than one wildcard.`));
    rules.push(parsed.data);
  }
  bucket.setCors(rules);
  await bucket.save();
  sendEmpty(call, 200);
}

export function getBucketCors(call: S3Call, bucket: BucketState): void {
  if (!bucket.cors) return sendError(call, noSuchCorsConfiguration(bucket.name));
  const rules = bucket.cors.rules
    .map(
      (r) =>
        `<CORSRule>${r.ID !== undefined ? `<ID>${escapeXml(r.ID)}</ID>` : ""}${(r.AllowedHeaders ?? []).map((h) => `<AllowedHeader>${escapeXml(h)}</AllowedHeader>`).join("")}${r.AllowedMethods.map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join("")}${r.AllowedOrigins.map((o) => `<AllowedOrigin>${escapeXml(o)}</AllowedOrigin>`).join("")}${(r.ExposeHeaders ?? []).map((h) => `<ExposeHeader>${escapeXml(h)}</ExposeHeader>`).join("")}${r.MaxAgeSeconds !== undefined ? `<MaxAgeSeconds>${r.MaxAgeSeconds}</MaxAgeSeconds>` : ""}</CORSRule>`,
    )
    .join("");
  sendXml(call, 200, `<CORSConfiguration xmlns="${S3_XMLNS}">${rules}</CORSConfiguration>`);
}

export async function deleteBucketCors(call: S3Call, bucket: BucketState): Promise<void> {
  bucket.setCors(undefined);
  await bucket.save();
  sendEmpty(call, 204);
}

export async function putBucketPolicy(call: S3Call, bucket: BucketState): Promise<void> {
  let text: string;
  try {
    text = (await readSmallBody(call.req, 20 * 1024)).toString("utf8");
  } catch (e) {
    if (e instanceof BodyTooLarge) return sendError(call, malformedPolicy("Policy exceeds the maximum allowed document size."));
    throw e;
  }
  try {
    bucket.setPolicy(text);
  } catch (e) {
    if (e instanceof PolicyError) return sendError(call, malformedPolicy(e.message));
    throw e;
  }
  await bucket.save();
  sendEmpty(call, 204);
}

export function getBucketPolicy(call: S3Call, bucket: BucketState): void {
  if (!bucket.policy) return sendError(call, noSuchBucketPolicy(bucket.name));
  const body = bucket.policy.text;
  call.res.writeHead(200, {
    "x-amz-request-id": call.requestId,
    "x-amz-id-2": call.hostId,
    server: "AmazonS3",
    ...call.extraHeaders,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  call.res.end(body);
}

export async function deleteBucketPolicy(call: S3Call, bucket: BucketState): Promise<void> {
  bucket.setPolicy(undefined);
  await bucket.save();
  sendEmpty(call, 204);
}

export async function putBucketWebsite(call: S3Call, bucket: BucketState): Promise<void> {
  const doc = await readXml(call, 64 * 1024);
  if ("code" in doc) return sendError(call, doc as S3Error);
  const w = doc["WebsiteConfiguration"] as Record<string, Record<string, unknown>> | undefined;
  if (!w) return sendError(call, malformedXml());
  const config: WebsiteConfig = {};
  if (w["IndexDocument"]) config.IndexDocument = { Suffix: str(w["IndexDocument"]["Suffix"]) };
  if (w["ErrorDocument"]) config.ErrorDocument = { Key: str(w["ErrorDocument"]["Key"]) };
  if (w["RedirectAllRequestsTo"])
    config.RedirectAllRequestsTo = {
      HostName: str(w["RedirectAllRequestsTo"]["HostName"]),
      ...(w["RedirectAllRequestsTo"]["Protocol"] ? { Protocol: str(w["RedirectAllRequestsTo"]["Protocol"]) } : {}),
    };
  const rr = (w["RoutingRules"] as { RoutingRule?: Record<string, Record<string, unknown>>[] } | undefined)?.RoutingRule;
  if (rr) config.RoutingRules = rr.map((r) => ({ Condition: r["Condition"] as never, Redirect: (r["Redirect"] ?? {}) as never }));
  try {
    bucket.setWebsite(config);
  } catch (e) {
    if (e instanceof WebsiteConfigError) return sendError(call, invalidArgument(e.message));
    throw e;
  }
  await bucket.save();
  sendEmpty(call, 200);
}

export function getBucketWebsite(call: S3Call, bucket: BucketState): void {
  if (!bucket.website) return sendError(call, noSuchWebsiteConfiguration(bucket.name));
  const c = bucket.website.config;
  let xml = `<WebsiteConfiguration xmlns="${S3_XMLNS}">`;
  if (c.RedirectAllRequestsTo)
    xml += `<RedirectAllRequestsTo><HostName>${escapeXml(c.RedirectAllRequestsTo.HostName)}</HostName>${c.RedirectAllRequestsTo.Protocol ? `<Protocol>${c.RedirectAllRequestsTo.Protocol}</Protocol>` : ""}</RedirectAllRequestsTo>`;
  if (c.IndexDocument) xml += `<IndexDocument><Suffix>${escapeXml(c.IndexDocument.Suffix)}</Suffix></IndexDocument>`;
  if (c.ErrorDocument) xml += `<ErrorDocument><Key>${escapeXml(c.ErrorDocument.Key)}</Key></ErrorDocument>`;
  sendXml(call, 200, xml + `</WebsiteConfiguration>`);
}

export async function deleteBucketWebsite(call: S3Call, bucket: BucketState): Promise<void> {
  bucket.setWebsite(undefined);
  await bucket.save();
  sendEmpty(call, 204);
}

/** DeleteObjects: ≤1000 keys, Content-MD5 or a checksum required, Quiet omits successes (s3.md §4.1). */
export async function deleteObjects(call: S3Call, bucket: BucketState, authorize: (key: string) => S3Error | undefined): Promise<void> {
  const h = call.req.headers;
  if (h["content-md5"] === undefined && !Object.keys(h).some((k) => k.startsWith("x-amz-checksum-") && k !== "x-amz-checksum-type"))
    return sendError(call, invalidRequest("Missing required header for this request: Content-MD5"));
  const doc = await readXml(call, 2 * 1024 * 1024);
  if ("code" in doc) return sendError(call, doc as S3Error);
  const del = doc["Delete"] as { Object?: { Key?: unknown }[]; Quiet?: unknown } | undefined;
  if (!del?.Object?.length || del.Object.length > 1000) return sendError(call, malformedXml());
  const quiet = str(del.Quiet).toLowerCase() === "true";
  let out = "";
  for (const o of del.Object) {
    const key = str(o.Key);
    const denied = authorize(key);
    if (denied) {
      out += `<Error><Key>${escapeXml(key)}</Key><Code>${denied.code}</Code><Message>${escapeXml(denied.message)}</Message></Error>`;
      continue;
    }
    await bucket.store.delete(key);
    if (!quiet) out += `<Deleted><Key>${escapeXml(key)}</Key></Deleted>`;
  }
  sendXml(call, 200, `<DeleteResult xmlns="${S3_XMLNS}">${out}</DeleteResult>`);
}

export { readXml };
