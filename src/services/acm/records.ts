/**
 * What the ACM stand-in keeps (StackApi records under "acm", persisted in the state dir): each
 * certificate's names, type, dates and tags. An AMAZON_ISSUED certificate is issued at once by the
 * local CA for its names; an IMPORTED one keeps the PEM it was given.
 */
export interface CertificateRecord {
  DomainName: string;
  /** DomainName first, as ACM lists it. */
  SubjectAlternativeNames: string[];
  Type: "AMAZON_ISSUED" | "IMPORTED";
  ValidationMethod?: "DNS" | "EMAIL";
  KeyAlgorithm: string;
  Serial: string;
  Subject: string;
  Issuer: string;
  /** Epoch seconds, as the JSON 1.1 protocol sends timestamps. */
  CreatedAt: number;
  IssuedAt?: number;
  ImportedAt?: number;
  NotBefore: number;
  NotAfter: number;
  IdempotencyToken?: string;
  CertificateTransparencyLoggingPreference: "ENABLED" | "DISABLED";
  Tags: { Key: string; Value?: string }[];
  /** IMPORTED only: what ImportCertificate was given (PEM). */
  Imported?: { Certificate: string; CertificateChain?: string };
}

export interface AcmRecords {
  format: 1;
  certificates: Record<string, CertificateRecord>;
}
