import { createRequire } from "node:module";
import type * as FastXmlParser from "fast-xml-parser";
import { z, type ZodTypeAny } from "zod";

/**
 * CloudFront's REST-XML (API 2020-05-31) to and from the stack's JSON shapes. Steps in: parse
 * with fast-xml-parser keeping every value a string → walk the zod schema of the shape beside the
 * value, turning `<Items><Origin/>…</Items>` into arrays and "true"/"42" into what the field's
 * type says (so a Comment "42" stays a string). Out: objects become elements in key order, an
 * `Items` array becomes one element per item named by its list's member name (the SDK model's
 * xmlName, e.g. Aliases → CNAME, Origins → Origin).
 */
export const CLOUDFRONT_XMLNS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

// fast-xml-parser loads with the first request that carries XML: most runs never make one, and it is
// a tenth of the CLI's code (issue 14: cold start).
const require = createRequire(import.meta.url);
let parser: FastXmlParser.XMLParser | undefined;
const xmlParser = (): FastXmlParser.XMLParser =>
  (parser ??= new (require("fast-xml-parser") as typeof FastXmlParser).XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
  }));

/** The element each list's items are written as, by the field holding the list (AWS SDK model xmlName traits). */
const MEMBER: Record<string, string> = {
  Aliases: "CNAME",
  Origins: "Origin",
  OriginGroups: "OriginGroup",
  Members: "OriginGroupMember",
  StatusCodes: "StatusCode",
  CacheBehaviors: "CacheBehavior",
  CustomErrorResponses: "CustomErrorResponse",
  AllowedMethods: "Method",
  CachedMethods: "Method",
  Headers: "Name",
  WhitelistedNames: "Name",
  QueryStringCacheKeys: "Name",
  Cookies: "Name",
  QueryStrings: "Name",
  TrustedSigners: "AwsAccountNumber",
  TrustedKeyGroups: "KeyGroup",
  ActiveTrustedSigners: "Signer",
  ActiveTrustedKeyGroups: "KeyGroup",
  KeyPairIds: "KeyPairId",
  LambdaFunctionAssociations: "LambdaFunctionAssociation",
  FunctionAssociations: "FunctionAssociation",
  CustomHeaders: "OriginCustomHeader",
  OriginSslProtocols: "SslProtocol",
  GeoRestriction: "Location",
  Paths: "Path",
  Tags: "Tag",
  TagKeys: "Key",
  KeyGroupConfig: "PublicKey",
  DistributionList: "DistributionSummary",
  InvalidationList: "InvalidationSummary",
  CachePolicyList: "CachePolicySummary",
  OriginRequestPolicyList: "OriginRequestPolicySummary",
  OriginAccessControlList: "OriginAccessControlSummary",
  PublicKeyList: "PublicKeySummary",
  KeyGroupList: "KeyGroupSummary",
  ResponseHeadersPolicyList: "ResponseHeadersPolicySummary",
  AccessControlAllowOrigins: "Origin",
  AccessControlAllowHeaders: "Header",
  AccessControlAllowMethods: "Method",
  AccessControlExposeHeaders: "Header",
  CustomHeadersConfig: "ResponseHeadersPolicyCustomHeader",
  RemoveHeadersConfig: "ResponseHeadersPolicyRemoveHeader",
  FunctionList: "FunctionSummary",
  KeyValueStoreAssociations: "KeyValueStoreAssociation",
  KeyValueStoreList: "KeyValueStore",
};

/** Lists written without an `Items` wrapper: the field itself holds the members. */
const BARE_LISTS: Record<string, string> = { AliasICPRecordals: "AliasICPRecordal" };

export type XmlResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** The body's `root` element as the schema's shape (unvalidated: parseStack or the schema decides). */
export function readXml(body: Buffer, root: string, schema: ZodTypeAny): XmlResult<unknown> {
  let doc: Record<string, unknown>;
  const p = xmlParser();
  try {
    doc = p.parse(body.toString("utf8"), true) as Record<string, unknown>;
  } catch (e) {
    return {
      ok: false,
      message: `The XML document you provided was not well-formed or did not validate against our published schema: ${(e as Error).message}`,
    };
  }
  if (!(root in doc)) return { ok: false, message: `The request body must be a ${root} document.` };
  const v = doc[root];
  return { ok: true, value: coerce(schema, v === "" ? {} : v) };
}

/** `value` (strings and nested objects from the parser) shaped as `schema` expects. */
export function coerce(schema: ZodTypeAny, value: unknown): unknown {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value === "" ? {} : value;
    const shape = s.shape as Record<string, ZodTypeAny>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shape[k] ? coerce(shape[k], v) : v;
    return out;
  }
  if (s instanceof z.ZodArray) {
    if (value === "" || value === undefined) return [];
    // `<Items><Origin>…</Origin><Origin>…</Origin></Items>`: the one member element, once or many times.
    const members = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.values(value)[0] : value;
    const list = Array.isArray(members) ? members : [members];
    return list.map((m) => coerce(s.element as ZodTypeAny, m));
  }
  if (typeof value !== "string") return value;
  if (s instanceof z.ZodNumber) return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (s instanceof z.ZodBoolean) return value === "true" ? true : value === "false" ? false : value;
  if (s instanceof z.ZodUnknown || s instanceof z.ZodAny || s instanceof z.ZodRecord) return value === "true" ? true : value === "false" ? false : value;
  return value;
}

function unwrap(schema: ZodTypeAny): ZodTypeAny {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s._def.innerType as ZodTypeAny;
    else if (s instanceof z.ZodEffects) s = s._def.schema as ZodTypeAny;
    else if (s instanceof z.ZodLazy) s = s._def.getter() as ZodTypeAny;
    else if (s instanceof z.ZodPipeline) s = s._def.in as ZodTypeAny;
    else return s;
  }
}

/** `<root xmlns="…">value</root>`, the document CloudFront answers with. */
export function writeXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${CLOUDFRONT_XMLNS}">${inner(root, value)}</${root}>`;
}

function inner(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) {
    const member = MEMBER[name] ?? "member";
    return value.map((v) => `<${member}>${inner(member, v)}</${member}>`).join("");
  }
  if (typeof value === "object") {
    let out = "";
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (k === "Items" && Array.isArray(v)) {
        out += `<Items>${inner(name, v)}</Items>`;
        continue;
      }
      const bare = BARE_LISTS[k];
      if (bare && Array.isArray(v)) {
        out += `<${k}>${v.map((x) => `<${bare}>${inner(bare, x)}</${bare}>`).join("")}</${k}>`;
        continue;
      }
      out += `<${k}>${inner(k, v)}</${k}>`;
    }
    return out;
  }
  return escapeText(String(value));
}

function escapeText(s: string): string {
  return s.replace(/[<>&]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&amp;"));
}
