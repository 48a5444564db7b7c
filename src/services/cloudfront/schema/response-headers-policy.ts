import { z } from "zod";
import { isDisallowedHeader } from "./cloudfront-owned-headers.js";
import { awsList, listItems } from "../../../model/aws-list.js";

/**
 * ResponseHeadersPolicyConfig exactly as `aws cloudfront create-response-headers-policy` takes it
 * (API:ResponseHeadersPolicyConfig, cloudfront.md §6), with the refusals CreateResponseHeadersPolicy
 * makes, each prefixed by AWS's error code. Where AWS's exact wording was not found the message
 * keeps AWS's code and names the field (docs/fidelity.md "Response headers policies").
 */

const override = { Override: z.boolean() };

/** cloudfront.md §6.2: valid AccessControlAllowMethods values; `ALL` stands for every one of them. */
export const CORS_METHODS = ["GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"] as const;

const CorsConfigSchema = z
  .object({
    AccessControlAllowOrigins: awsList(z.string().min(1)),
    AccessControlAllowHeaders: awsList(z.string().min(1)),
    AccessControlAllowMethods: awsList(z.enum([...CORS_METHODS, "ALL"])),
    AccessControlAllowCredentials: z.boolean(),
    AccessControlExposeHeaders: awsList(z.string().min(1)).optional(),
    AccessControlMaxAgeSec: z.number().int().min(0).optional(),
    OriginOverride: z.boolean(),
  })
  .strict();

/** cloudfront.md §6.3. */
const REFERRER_POLICIES = [
  "no-referrer",
  "no-referrer-when-downgrade",
  "origin",
  "origin-when-cross-origin",
  "same-origin",
  "strict-origin",
  "strict-origin-when-cross-origin",
  "unsafe-url",
] as const;

const SecurityHeadersConfigSchema = z
  .object({
    XSSProtection: z
      .object({ ...override, Protection: z.boolean(), ModeBlock: z.boolean().optional(), ReportUri: z.string().optional() })
      .strict()
      .optional(),
    FrameOptions: z
      .object({ ...override, FrameOption: z.enum(["DENY", "SAMEORIGIN"]) })
      .strict()
      .optional(),
    ReferrerPolicy: z
      .object({ ...override, ReferrerPolicy: z.enum(REFERRER_POLICIES) })
      .strict()
      .optional(),
    ContentSecurityPolicy: z
      .object({ ...override, ContentSecurityPolicy: z.string() })
      .strict()
      .optional(),
    ContentTypeOptions: z.object(override).strict().optional(),
    StrictTransportSecurity: z
      .object({ ...override, IncludeSubdomains: z.boolean().optional(), Preload: z.boolean().optional(), AccessControlMaxAgeSec: z.number().int().min(0) })
      .strict()
      .optional(),
  })
  .strict();

export const ResponseHeadersPolicyConfigSchema = z
  .object({
    Comment: z.string().optional(),
    Name: z.string().min(1),
    CorsConfig: CorsConfigSchema.optional(),
    SecurityHeadersConfig: SecurityHeadersConfigSchema.optional(),
    ServerTimingHeadersConfig: z.object({ Enabled: z.boolean(), SamplingRate: z.number().optional() }).strict().optional(),
    CustomHeadersConfig: awsList(z.object({ Header: z.string().min(1), Value: z.string(), ...override }).strict()).optional(),
    RemoveHeadersConfig: awsList(z.object({ Header: z.string().min(1) }).strict()).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const [path, message] of validateResponseHeadersPolicy(c)) ctx.addIssue({ code: "custom", path, message });
  });
export type ResponseHeadersPolicyConfig = z.infer<typeof ResponseHeadersPolicyConfigSchema>;

/** Quotas (cloudfront.md §6.3, §6.4; DG "Quotas on response headers policies"). */
const MAX_CUSTOM_HEADERS = 10;
const MAX_REMOVE_HEADERS = 10;
const MAX_CSP_LENGTH = 1783;
const MAX_COMMENT_LENGTH = 128;

/** The header each SecurityHeadersConfig field produces (cloudfront.md §6.3), lower-case. */
export const SECURITY_HEADER_OF = {
  XSSProtection: "x-xss-protection",
  FrameOptions: "x-frame-options",
  ReferrerPolicy: "referrer-policy",
  ContentSecurityPolicy: "content-security-policy",
  ContentTypeOptions: "x-content-type-options",
  StrictTransportSecurity: "strict-transport-security",
} as const;

/**
 * cloudfront.md §6.4: headers a policy cannot remove (CloudFront needs them, or they are its own).
 * Choice: the same names cannot be added as custom headers either — they are hop-by-hop framing or
 * CloudFront's own, which it sets itself (§7.1).
 */
const FRAMING_HEADERS = new Set(["content-encoding", "content-length", "host", "transfer-encoding", "via", "warning"]);

function isProtectedResponseHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FRAMING_HEADERS.has(lower) || isDisallowedHeader(lower);
}

/** RFC 9110 §5.1 field-name (token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

type Issue = [path: (string | number)[], message: string];

function validateResponseHeadersPolicy(c: ResponseHeadersPolicyConfig): Issue[] {
  const issues: Issue[] = [];
  if ((c.Comment?.length ?? 0) > MAX_COMMENT_LENGTH)
    issues.push([["Comment"], `InvalidArgument: The parameter Comment is too long (at most ${MAX_COMMENT_LENGTH} characters).`]);

  const cors = c.CorsConfig;
  const corsHeaders = new Set<string>();
  if (cors) {
    const origins = listItems(cors.AccessControlAllowOrigins);
    if (origins.length === 0)
      issues.push([
        ["CorsConfig", "AccessControlAllowOrigins", "Items"],
        "InvalidArgument: The parameter AccessControlAllowOrigins must contain at least one origin.",
      ]);
    origins.forEach((o, i) => {
      if (!isValidOriginItem(o))
        issues.push([
          ["CorsConfig", "AccessControlAllowOrigins", "Items", i],
          `InvalidArgument: The parameter AccessControlAllowOrigins contains ${o}, which is not a valid origin: a wildcard is allowed only as the whole value (*) or as the leftmost label (*.example.org), cloudfront.md §6.2.`,
        ]);
    });
    if (listItems(cors.AccessControlAllowMethods).length === 0)
      issues.push([
        ["CorsConfig", "AccessControlAllowMethods", "Items"],
        "InvalidArgument: The parameter AccessControlAllowMethods must contain at least one method.",
      ]);
    // The CORS protocol (Fetch §3.3.5) never lets `*` stand for an origin when credentials are
    // allowed; CloudFront refuses the combination rather than echo every origin.
    if (cors.AccessControlAllowCredentials && origins.includes("*"))
      issues.push([
        ["CorsConfig", "AccessControlAllowCredentials"],
        "InvalidArgument: The parameter AccessControlAllowCredentials cannot be true when AccessControlAllowOrigins contains the wildcard (*).",
      ]);
    const listNames = (field: "AccessControlAllowHeaders" | "AccessControlExposeHeaders") =>
      listItems(cors[field]).forEach((h, i) => {
        if (h !== "*" && !TOKEN.test(h))
          issues.push([["CorsConfig", field, "Items", i], `InvalidArgument: The parameter ${field} contains ${h}, which is not a valid header name.`]);
      });
    listNames("AccessControlAllowHeaders");
    listNames("AccessControlExposeHeaders");
    for (const h of [
      "access-control-allow-origin",
      "access-control-allow-headers",
      "access-control-allow-methods",
      "access-control-allow-credentials",
      "access-control-expose-headers",
      "access-control-max-age",
    ])
      corsHeaders.add(h);
  }

  const security = c.SecurityHeadersConfig;
  const securityHeaders = new Set<string>();
  if (security) {
    for (const [field, header] of Object.entries(SECURITY_HEADER_OF)) if (security[field as keyof typeof SECURITY_HEADER_OF]) securityHeaders.add(header);
    const xss = security.XSSProtection;
    if (xss) {
      if (xss.ModeBlock === true && xss.ReportUri !== undefined)
        issues.push([
          ["SecurityHeadersConfig", "XSSProtection"],
          "InvalidArgument: The parameters ModeBlock and ReportUri of XSSProtection cannot be used together.",
        ]);
      if (!xss.Protection && (xss.ModeBlock === true || xss.ReportUri !== undefined))
        issues.push([
          ["SecurityHeadersConfig", "XSSProtection"],
          "InvalidArgument: The parameters ModeBlock and ReportUri of XSSProtection can be used only when Protection is true.",
        ]);
    }
    const csp = security.ContentSecurityPolicy?.ContentSecurityPolicy;
    if (csp !== undefined && csp.length > MAX_CSP_LENGTH)
      issues.push([
        ["SecurityHeadersConfig", "ContentSecurityPolicy", "ContentSecurityPolicy"],
        `TooLongCspInResponseHeadersPolicy: The length of the Content-Security-Policy header value in the response headers policy exceeds the maximum (${MAX_CSP_LENGTH} characters).`,
      ]);
  }

  const st = c.ServerTimingHeadersConfig;
  if (st?.SamplingRate !== undefined) {
    const r = st.SamplingRate;
    // cloudfront.md §6.4: a percentage 0–100 with up to four decimal places.
    if (r < 0 || r > 100 || Math.abs(Math.round(r * 10_000) - r * 10_000) > 1e-6)
      issues.push([
        ["ServerTimingHeadersConfig", "SamplingRate"],
        `InvalidArgument: The parameter SamplingRate ${r} is invalid: it is a number from 0 to 100 (inclusive) with up to four decimal places.`,
      ]);
  }

  const custom = listItems(c.CustomHeadersConfig);
  if (custom.length > MAX_CUSTOM_HEADERS)
    issues.push([
      ["CustomHeadersConfig"],
      `TooManyCustomHeadersInResponseHeadersPolicy: The number of custom headers in the response headers policy exceeds the maximum (${MAX_CUSTOM_HEADERS}).`,
    ]);
  const seen = new Set<string>();
  custom.forEach((h, i) => {
    const path = ["CustomHeadersConfig", "Items", i, "Header"];
    const lower = h.Header.toLowerCase();
    if (!TOKEN.test(h.Header)) issues.push([path, `InvalidArgument: The parameter Header contains ${h.Header}, which is not a valid header name.`]);
    else if (isProtectedResponseHeader(h.Header))
      issues.push([path, `InvalidArgument: The parameter Header contains ${h.Header}, which a response headers policy cannot add.`]);
    else if (securityHeaders.has(lower))
      issues.push([path, `InvalidArgument: The parameter Header contains ${h.Header}, which is also set in SecurityHeadersConfig; set it in one place only.`]);
    else if (corsHeaders.has(lower))
      issues.push([path, `InvalidArgument: The parameter Header contains ${h.Header}, which is also set by CorsConfig; set it in one place only.`]);
    else if (lower === "server-timing") issues.push([path, "InvalidArgument: The parameter Header contains Server-Timing; use ServerTimingHeadersConfig."]);
    if (seen.has(lower)) issues.push([path, `InvalidArgument: The parameter Header contains ${h.Header} more than once.`]);
    seen.add(lower);
  });

  const remove = listItems(c.RemoveHeadersConfig);
  if (remove.length > MAX_REMOVE_HEADERS)
    issues.push([
      ["RemoveHeadersConfig"],
      `TooManyRemoveHeadersInResponseHeadersPolicy: The number of headers in RemoveHeadersConfig in the response headers policy exceeds the maximum (${MAX_REMOVE_HEADERS}).`,
    ]);
  const removed = new Set<string>();
  remove.forEach((h, i) => {
    const path = ["RemoveHeadersConfig", "Items", i, "Header"];
    if (!TOKEN.test(h.Header)) issues.push([path, `InvalidArgument: The parameter Header contains ${h.Header}, which is not a valid header name.`]);
    else if (isProtectedResponseHeader(h.Header))
      issues.push([path, `InvalidArgument: The parameter RemoveHeadersConfig contains ${h.Header}, which CloudFront cannot remove (cloudfront.md §6.4).`]);
    if (removed.has(h.Header.toLowerCase())) issues.push([path, `InvalidArgument: The parameter RemoveHeadersConfig contains ${h.Header} more than once.`]);
    removed.add(h.Header.toLowerCase());
  });
  return issues;
}

/**
 * cloudfront.md §6.2: `*`, or an origin whose host may start with one `*.` label: not in the TLD
 * (`example.*`), not in the middle (`test.*.example.org`), not inside a label (`exa*mple.org`).
 */
function isValidOriginItem(item: string): boolean {
  if (item === "*") return true;
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/:]+)(?::(\d+))?$/i.exec(item);
  if (!m) return false;
  const labels = m[2]!.split(".");
  return labels.every((l, i) => (l.includes("*") ? i === 0 && l === "*" && labels.length >= 3 : l.length > 0));
}
