/**
 * The query parameters that select an S3 operation other than the plain object/bucket one (s3.md
 * §4.1): every sub-resource of the S3 REST API (API reference, "Amazon S3 API operations", the
 * `?name` of each operation's request syntax). A request carrying one is dispatched on
 * (method, sub-resource) only; an operation not in the service's table answers 501 and touches
 * nothing. Parameters that merely qualify an operation (versionId, partNumber alone, prefix,
 * list-type, response-*, x-id) are not sub-resources.
 */
export const S3_SUB_RESOURCES = [
  "abac",
  "accelerate",
  "acl",
  "analytics",
  "attributes",
  "cors",
  "delete",
  "encryption",
  "intelligent-tiering",
  "inventory",
  "legal-hold",
  "lifecycle",
  "location",
  "logging",
  "metadataConfiguration",
  "metadataInventoryTable",
  "metadataJournalTable",
  "metadataTable",
  "metrics",
  "notification",
  "object-lock",
  "ownershipControls",
  "policy",
  "policyStatus",
  "publicAccessBlock",
  "renameObject",
  "replication",
  "requestPayment",
  "restore",
  "retention",
  "select",
  "session",
  "tagging",
  "torrent",
  "uploadId",
  "uploads",
  "versioning",
  "versions",
  "website",
] as const;

export type S3SubResource = (typeof S3_SUB_RESOURCES)[number];

const SET: ReadonlySet<string> = new Set(S3_SUB_RESOURCES);

/** The sub-resource a request addresses, or undefined for the plain operation; the first one in the query wins. */
export function subResourceOf(query: Record<string, string[]>): S3SubResource | undefined {
  for (const name in query) if (SET.has(name)) return name as S3SubResource;
  return undefined;
}
