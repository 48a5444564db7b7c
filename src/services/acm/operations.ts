import { X509Certificate, createPrivateKey } from "node:crypto";
import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import { AcmApiError, acmErrors } from "./api-error.js";
import { domainValidationOption, isDomainName } from "./domain-validation.js";
import type { AcmRecords, CertificateRecord } from "./records.js";

/** ACM's actions (API 2015-12-08) over the records: issued at once by the local CA, never pending. */
export interface AcmDeps {
  region: string;
  /** Epoch milliseconds. */
  now(): number;
  uuid(): string;
  records(): AcmRecords;
  change<T>(edit: (records: AcmRecords) => T): Promise<T>;
  /** The local CA's certificate for these names: leaf PEM, then the CA's. */
  issue(names: readonly string[]): Promise<{ certPem: string }>;
  /** ARNs of the distributions and load balancers whose config names this certificate. */
  inUseBy(arn: string): string[];
}

type Input = Record<string, unknown>;
export type AcmOperation = (input: Input, deps: AcmDeps) => Promise<Record<string, unknown>>;

// The certificateArn pattern of the ACM model (shape Arn); a value outside it is a ValidationException.
const ARN_PATTERN = /^arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(\/[\w+=,.@-]+)*$/;
const CERTIFICATE_ARN = /^arn:aws:acm:([a-z0-9-]+):(\d{12}):certificate\/[\w-]+$/;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function requireArn(input: Input, r: AcmRecords): { arn: string; cert: CertificateRecord } {
  const arn = str(input.CertificateArn);
  if (arn === undefined)
    throw acmErrors.validation("1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null");
  if (!ARN_PATTERN.test(arn) || arn.length < 20 || arn.length > 2048)
    throw acmErrors.validation(
      `1 validation error detected: Value '${arn}' at 'certificateArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[\\w+=/,.@-]+:acm:[\\w+=/,.@-]*:[0-9]+:[\\w+=,.@-]+(/[\\w+=,.@-]+)*`,
    );
  if (!CERTIFICATE_ARN.test(arn)) throw acmErrors.invalidArn(arn);
  const cert = r.certificates[arn];
  if (!cert) throw acmErrors.notFound(arn);
  return { arn, cert };
}

function tagsOf(v: unknown): { Key: string; Value?: string }[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw acmErrors.validation("Tags must be a list");
  return v.map((t: Record<string, unknown>) => {
    const Key = str(t?.Key);
    if (Key === undefined || Key.length < 1 || Key.length > 128)
      throw acmErrors.validation(
        "1 validation error detected: Value at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128",
      );
    // Keys beginning `aws:` are AWS's own (ACM User Guide, "Tag restrictions").
    if (Key.toLowerCase().startsWith("aws:")) throw acmErrors.invalidTag(`Tag key '${Key}' uses the reserved prefix 'aws:'.`);
    const Value = str(t?.Value);
    return Value === undefined ? { Key } : { Key, Value };
  });
}

function mergeTags(current: { Key: string; Value?: string }[], added: { Key: string; Value?: string }[]): { Key: string; Value?: string }[] {
  const out = new Map(current.map((t) => [t.Key, t]));
  for (const t of added) out.set(t.Key, t);
  // At most 50 tags per certificate (ACM User Guide, "Tag restrictions").
  if (out.size > 50) throw new AcmApiError("TooManyTagsException", "the certificate would have more than 50 tags.");
  return [...out.values()];
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export const requestCertificate: AcmOperation = async (input, deps) => {
  const domain = str(input.DomainName);
  if (domain === undefined)
    throw acmErrors.validation("1 validation error detected: Value null at 'domainName' failed to satisfy constraint: Member must not be null");
  if (!isDomainName(domain)) throw acmErrors.invalidDomain(domain);
  const sans = Array.isArray(input.SubjectAlternativeNames) ? (input.SubjectAlternativeNames as unknown[]).map(String) : [];
  // Up to 100 names per certificate, the domain included (ACM quotas: "Domain names per ACM certificate").
  if (sans.length > 100)
    throw acmErrors.validation(
      "1 validation error detected: Value at 'subjectAlternativeNames' failed to satisfy constraint: Member must have length less than or equal to 100",
    );
  for (const n of sans) if (!isDomainName(n)) throw acmErrors.invalidDomain(n);
  const method = str(input.ValidationMethod) ?? "EMAIL";
  if (method !== "DNS" && method !== "EMAIL")
    throw acmErrors.validation(
      `1 validation error detected: Value '${method}' at 'validationMethod' failed to satisfy constraint: Member must satisfy enum value set: [EMAIL, DNS, HTTP]`,
    );
  if (input.CertificateAuthorityArn !== undefined)
    throw acmErrors.invalidParameter("edgeparity does not emulate private certificate authorities (CertificateAuthorityArn).");
  const keyType = str(input.KeyAlgorithm) ?? "RSA_2048";
  if (!["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"].includes(keyType))
    throw acmErrors.validation(
      `1 validation error detected: Value '${keyType}' at 'keyAlgorithm' failed to satisfy constraint: Member must satisfy enum value set`,
    );
  const token = str(input.IdempotencyToken);
  const tags = tagsOf(input.Tags);
  const options = (input.Options ?? {}) as Record<string, unknown>;
  const names = [...new Set([domain.toLowerCase(), ...sans.map((n) => n.toLowerCase())])];
  // The same IdempotencyToken and DomainName answer the certificate already requested (API Reference, RequestCertificate).
  const existing = Object.entries(deps.records().certificates).find(
    ([, c]) => token !== undefined && c.IdempotencyToken === token && c.DomainName === names[0],
  );
  if (existing) return { CertificateArn: existing[0] };
  const leaf = new X509Certificate((await deps.issue(names)).certPem);
  const arn = `arn:aws:acm:${deps.region}:${LOCAL_ACCOUNT_ID}:certificate/${deps.uuid()}`;
  const now = seconds(deps.now());
  await deps.change((r) => {
    r.certificates[arn] = {
      DomainName: names[0]!,
      SubjectAlternativeNames: names,
      Type: "AMAZON_ISSUED",
      ValidationMethod: method,
      KeyAlgorithm: keyType.replace("_", "-"),
      Serial: serialOf(leaf),
      Subject: `CN=${names[0]}`,
      Issuer: "edgeparity local CA",
      CreatedAt: now,
      IssuedAt: now,
      NotBefore: seconds(Date.parse(leaf.validFrom)),
      NotAfter: seconds(Date.parse(leaf.validTo)),
      ...(token !== undefined ? { IdempotencyToken: token } : {}),
      CertificateTransparencyLoggingPreference: options.CertificateTransparencyLoggingPreference === "DISABLED" ? "DISABLED" : "ENABLED",
      Tags: mergeTags([], tags),
    };
  });
  return { CertificateArn: arn };
};

/** `0a:1b:…` as ACM writes serials. */
function serialOf(cert: X509Certificate): string {
  return (cert.serialNumber.length % 2 ? `0${cert.serialNumber}` : cert.serialNumber).toLowerCase().replace(/(..)(?!$)/g, "$1:");
}

function detail(arn: string, c: CertificateRecord, deps: AcmDeps): Record<string, unknown> {
  const inUse = deps.inUseBy(arn);
  return {
    CertificateArn: arn,
    DomainName: c.DomainName,
    SubjectAlternativeNames: c.SubjectAlternativeNames,
    ...(c.Type === "AMAZON_ISSUED"
      ? { DomainValidationOptions: c.SubjectAlternativeNames.map((n) => domainValidationOption(arn, n, c.ValidationMethod ?? "DNS")) }
      : {}),
    Serial: c.Serial,
    Subject: c.Subject,
    Issuer: c.Issuer,
    CreatedAt: c.CreatedAt,
    ...(c.IssuedAt !== undefined ? { IssuedAt: c.IssuedAt } : {}),
    ...(c.ImportedAt !== undefined ? { ImportedAt: c.ImportedAt } : {}),
    Status: c.NotAfter * 1000 < deps.now() ? "EXPIRED" : "ISSUED",
    NotBefore: c.NotBefore,
    NotAfter: c.NotAfter,
    KeyAlgorithm: c.KeyAlgorithm,
    SignatureAlgorithm: "SHA256WITHRSA",
    InUseBy: inUse,
    Type: c.Type,
    KeyUsages: [{ Name: "DIGITAL_SIGNATURE" }, { Name: "KEY_ENCIPHERMENT" }],
    ExtendedKeyUsages: [{ Name: "TLS_WEB_SERVER_AUTHENTICATION", OID: "1.3.6.1.5.5.7.3.1" }],
    // Renewal is managed by ACM for issued certificates in use; locally nothing expires before a restart re-issues.
    RenewalEligibility: c.Type === "AMAZON_ISSUED" && inUse.length > 0 ? "ELIGIBLE" : "INELIGIBLE",
    Options: { CertificateTransparencyLoggingPreference: c.CertificateTransparencyLoggingPreference },
  };
}

export const describeCertificate: AcmOperation = async (input, deps) => {
  const { arn, cert } = requireArn(input, deps.records());
  return { Certificate: detail(arn, cert, deps) };
};

export const listCertificates: AcmOperation = async (input, deps) => {
  const statuses = Array.isArray(input.CertificateStatuses) ? (input.CertificateStatuses as string[]) : [];
  const includes = (input.Includes ?? {}) as { keyTypes?: string[] };
  // Without Includes.keyTypes ACM lists RSA_1024 and RSA_2048 certificates only (API Reference, ListCertificates Includes).
  const keyTypes = (includes.keyTypes ?? ["RSA_1024", "RSA_2048"]).map((k) => k.replace("_", "-"));
  const all = Object.entries(deps.records().certificates)
    .map(([arn, c]) => detail(arn, c, deps))
    .filter((d) => (statuses.length === 0 || statuses.includes(String(d.Status))) && keyTypes.includes(String(d.KeyAlgorithm)));
  const max = typeof input.MaxItems === "number" ? input.MaxItems : undefined;
  const start = typeof input.NextToken === "string" ? Number(Buffer.from(input.NextToken, "base64url").toString()) : 0;
  if (!Number.isInteger(start) || start < 0 || start > all.length) throw acmErrors.validation("The specified NextToken is not valid.");
  const end = max === undefined ? all.length : start + max;
  const page = all.slice(start, end);
  return {
    CertificateSummaryList: page.map((d) => ({
      CertificateArn: d.CertificateArn,
      DomainName: d.DomainName,
      SubjectAlternativeNameSummaries: d.SubjectAlternativeNames,
      HasAdditionalSubjectAlternativeNames: false,
      Status: d.Status,
      Type: d.Type,
      KeyAlgorithm: d.KeyAlgorithm,
      KeyUsages: (d.KeyUsages as { Name: string }[]).map((k) => k.Name),
      ExtendedKeyUsages: (d.ExtendedKeyUsages as { Name: string }[]).map((k) => k.Name),
      InUse: (d.InUseBy as string[]).length > 0,
      RenewalEligibility: d.RenewalEligibility,
      NotBefore: d.NotBefore,
      NotAfter: d.NotAfter,
      CreatedAt: d.CreatedAt,
      ...(d.IssuedAt !== undefined ? { IssuedAt: d.IssuedAt } : {}),
      ...(d.ImportedAt !== undefined ? { ImportedAt: d.ImportedAt } : {}),
    })),
    ...(end < all.length ? { NextToken: Buffer.from(String(end)).toString("base64url") } : {}),
  };
};

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g;

export const getCertificate: AcmOperation = async (input, deps) => {
  const { cert } = requireArn(input, deps.records());
  if (cert.Imported)
    return { Certificate: cert.Imported.Certificate, ...(cert.Imported.CertificateChain ? { CertificateChain: cert.Imported.CertificateChain } : {}) };
  // The leaf the local CA issues for the certificate's names, and the CA as its chain.
  const blocks = (await deps.issue(cert.SubjectAlternativeNames)).certPem.match(PEM_BLOCK) ?? [];
  return { Certificate: blocks[0]?.trim(), CertificateChain: blocks.slice(1).join("").trim() };
};

export const deleteCertificate: AcmOperation = async (input, deps) => {
  await deps.change((r) => {
    const { arn } = requireArn(input, r);
    // A certificate a distribution or load balancer still names is in use (API Reference, DeleteCertificate).
    if (deps.inUseBy(arn).length > 0) throw acmErrors.inUse(arn);
    delete r.certificates[arn];
  });
  return {};
};

export const addTagsToCertificate: AcmOperation = async (input, deps) => {
  const tags = tagsOf(input.Tags);
  if (tags.length === 0)
    throw acmErrors.validation("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1");
  await deps.change((r) => {
    const { cert } = requireArn(input, r);
    cert.Tags = mergeTags(cert.Tags, tags);
  });
  return {};
};

export const removeTagsFromCertificate: AcmOperation = async (input, deps) => {
  const tags = tagsOf(input.Tags);
  await deps.change((r) => {
    const { cert } = requireArn(input, r);
    // A tag given with a Value goes only when the value matches; one without a Value goes whatever its value.
    cert.Tags = cert.Tags.filter((t) => !tags.some((x) => x.Key === t.Key && (x.Value === undefined || x.Value === t.Value)));
  });
  return {};
};

export const listTagsForCertificate: AcmOperation = async (input, deps) => {
  const { cert } = requireArn(input, deps.records());
  return { Tags: cert.Tags };
};

export const updateCertificateOptions: AcmOperation = async (input, deps) => {
  const pref = str((input.Options as Record<string, unknown> | undefined)?.CertificateTransparencyLoggingPreference);
  if (pref !== "ENABLED" && pref !== "DISABLED")
    throw acmErrors.validation(
      "1 validation error detected: Value at 'options.certificateTransparencyLoggingPreference' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]",
    );
  await deps.change((r) => {
    requireArn(input, r).cert.CertificateTransparencyLoggingPreference = pref;
  });
  return {};
};

/**
 * ImportCertificate: the PEM certificate (base64 blob in JSON) with its private key, checked to
 * match; its names and dates are read from it. With CertificateArn, re-imports in place.
 */
export const importCertificate: AcmOperation = async (input, deps) => {
  const pem = (v: unknown, field: string): string => {
    if (typeof v !== "string")
      throw acmErrors.validation(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
    return Buffer.from(v, "base64").toString("utf8");
  };
  const certPem = pem(input.Certificate, "certificate");
  const keyPem = pem(input.PrivateKey, "privateKey");
  const chainPem = input.CertificateChain === undefined ? undefined : pem(input.CertificateChain, "certificateChain");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw acmErrors.validation("Could not parse the certificate: the certificate field must contain one PEM-encoded X.509 certificate.");
  }
  let matches = false;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    throw acmErrors.validation("Could not parse the private key: the privateKey field must contain a PEM-encoded, unencrypted private key.");
  }
  if (!matches) throw acmErrors.validation("The private key does not match the public key in the certificate.");
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  const sans = (cert.subjectAltName ?? "")
    .split(", ")
    .filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice(4).toLowerCase());
  const domain = (cn ?? sans[0] ?? "").toLowerCase();
  const names = [...new Set([domain, ...sans])].filter(Boolean);
  const reimport = str(input.CertificateArn);
  const tags = tagsOf(input.Tags);
  if (reimport !== undefined && tags.length) throw acmErrors.invalidParameter("You cannot add tags while reimporting a certificate.");
  const arn = reimport ?? `arn:aws:acm:${deps.region}:${LOCAL_ACCOUNT_ID}:certificate/${deps.uuid()}`;
  const now = seconds(deps.now());
  const key = createPrivateKey(keyPem);
  const bits = key.asymmetricKeyDetails?.modulusLength;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  await deps.change((r) => {
    const previous = reimport !== undefined ? requireArn(input, r).cert : undefined;
    if (previous && previous.Type !== "IMPORTED")
      throw acmErrors.invalidParameter(`Certificate ${arn} was not imported; only an imported certificate can be reimported.`);
    r.certificates[arn] = {
      DomainName: names[0] ?? "",
      SubjectAlternativeNames: names,
      Type: "IMPORTED",
      KeyAlgorithm: curve ? `EC-${curve}` : `RSA-${bits ?? 2048}`,
      Serial: serialOf(cert),
      Subject: cert.subject.split("\n").join(","),
      Issuer: cert.issuer.split("\n").join(","),
      CreatedAt: previous?.CreatedAt ?? now,
      ImportedAt: now,
      NotBefore: seconds(Date.parse(cert.validFrom)),
      NotAfter: seconds(Date.parse(cert.validTo)),
      CertificateTransparencyLoggingPreference: "ENABLED",
      Tags: previous?.Tags ?? mergeTags([], tags),
      Imported: { Certificate: certPem.trim(), ...(chainPem ? { CertificateChain: chainPem.trim() } : {}) },
    };
  });
  return { CertificateArn: arn };
};
