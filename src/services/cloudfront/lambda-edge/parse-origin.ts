import { parseCfHeaders } from "./cf-headers.js";
import type { CfCustomOrigin, CfOrigin, CfS3Origin } from "./event-shape.js";
import { BAD_ORIGIN, ValidationFailure } from "./validation-failure.js";

/**
 * The origin object an origin-request function returns (cloudfront.md §10.7, DG "Lambda@Edge event
 * structure", origin fields): exactly one of `custom` or `s3`, each field within its documented
 * range. Choice: every field of the shape is required, as in the documented request object.
 */
const SSL_PROTOCOLS = new Set(["TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"]);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function parseOrigin(v: unknown): CfOrigin {
  const o = v as Record<string, unknown> | null;
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new ValidationFailure(BAD_ORIGIN);
  const keys = Object.keys(o);
  if (keys.length !== 1) throw new ValidationFailure(BAD_ORIGIN);
  if (keys[0] === "custom") return { custom: parseCustom(o["custom"]) };
  if (keys[0] === "s3") return { s3: parseS3(o["s3"]) };
  throw new ValidationFailure(BAD_ORIGIN);
}

function parseCustom(v: unknown): CfCustomOrigin {
  const c = asObject(v);
  const domainName = c["domainName"];
  if (typeof domainName !== "string" || domainName === "" || domainName.length > 253 || domainName.includes(":") || IPV4.test(domainName)) fail();
  const port = c["port"];
  if (typeof port !== "number" || !Number.isInteger(port) || !(port === 80 || port === 443 || (port >= 1024 && port <= 65535))) fail();
  const protocol = c["protocol"] as CfCustomOrigin["protocol"];
  if (protocol !== "http" && protocol !== "https") fail();
  const readTimeout = inRange(c["readTimeout"], 4, 60);
  const keepaliveTimeout = inRange(c["keepaliveTimeout"], 1, 60);
  const sslProtocols = c["sslProtocols"];
  if (!Array.isArray(sslProtocols) || sslProtocols.length === 0 || !sslProtocols.every((p) => typeof p === "string" && SSL_PROTOCOLS.has(p))) fail();
  return {
    customHeaders: parseCfHeaders(c["customHeaders"]),
    domainName: domainName.toLowerCase(),
    keepaliveTimeout,
    path: parsePath(c["path"]),
    port,
    protocol,
    readTimeout,
    sslProtocols: sslProtocols as string[],
  };
}

function parseS3(v: unknown): CfS3Origin {
  const c = asObject(v);
  const domainName = c["domainName"];
  if (typeof domainName !== "string" || domainName === "" || domainName.length > 128 || domainName !== domainName.toLowerCase()) fail();
  const authMethod = c["authMethod"] as CfS3Origin["authMethod"];
  if (authMethod !== "origin-access-identity" && authMethod !== "none") fail();
  const region = c["region"];
  if (region !== undefined && typeof region !== "string") fail();
  if (authMethod === "origin-access-identity" && !region) fail();
  return { authMethod, customHeaders: parseCfHeaders(c["customHeaders"]), domainName, path: parsePath(c["path"]), region: region ?? "" };
}

function parsePath(v: unknown): string {
  if (typeof v !== "string" || (v !== "" && (!v.startsWith("/") || v.endsWith("/")))) fail();
  return v;
}

function inRange(v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) fail();
  return v;
}

function asObject(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail();
  return v as Record<string, unknown>;
}

function fail(): never {
  throw new ValidationFailure(BAD_ORIGIN);
}
