import { createHash } from "node:crypto";

/**
 * The DNS validation record ACM asks for per name (ACM User Guide, "DNS validation"): a CNAME
 * `_<token>.<domain>.` → `_<token>.<token>.acm-validations.aws.`, where a wildcard's record is its
 * parent's. Locally the certificate is issued at once, so every option reads SUCCESS; the tokens
 * are derived from the ARN and name, so they are the same on every read (Terraform compares them).
 */
export function domainValidationOption(arn: string, domain: string, method: string) {
  const validationDomain = domain.replace(/^\*\./, "");
  const token = (salt: string) => createHash("sha256").update(`${arn}\n${validationDomain}\n${salt}`).digest("hex").slice(0, 32);
  return {
    DomainName: domain,
    ValidationDomain: validationDomain,
    ValidationStatus: "SUCCESS",
    ValidationMethod: method,
    ResourceRecord:
      method === "DNS"
        ? { Name: `_${token("name")}.${validationDomain}.`, Type: "CNAME", Value: `_${token("value")}.${token("zone").slice(0, 10)}.acm-validations.aws.` }
        : undefined,
  };
}

/** A name ACM accepts: 1–253 characters of labels, optionally one leading `*.` (API Reference, RequestCertificate DomainName). */
export function isDomainName(name: string): boolean {
  return name.length >= 1 && name.length <= 253 && /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(name);
}
