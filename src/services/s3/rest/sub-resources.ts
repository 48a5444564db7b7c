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

/**
 * The operations of the S3 API per sub-resource, as `SCOPE METHOD sub` (API reference request
 * syntax). A request on one of these rows that the service does not implement answers
 * `501 NotImplemented`; a (method, sub-resource) pair S3 has no operation for answers 405.
 */
const S3_API_OPERATIONS: ReadonlySet<string> = new Set(
  [
    ["BUCKET", "abac", "GET PUT"],
    ["BUCKET", "accelerate", "GET PUT"],
    ["BUCKET", "acl", "GET PUT"],
    ["BUCKET", "analytics", "GET PUT DELETE"],
    ["BUCKET", "cors", "GET PUT DELETE"],
    ["BUCKET", "delete", "POST"],
    ["BUCKET", "encryption", "GET PUT DELETE"],
    ["BUCKET", "intelligent-tiering", "GET PUT DELETE"],
    ["BUCKET", "inventory", "GET PUT DELETE"],
    ["BUCKET", "lifecycle", "GET PUT DELETE"],
    ["BUCKET", "location", "GET"],
    ["BUCKET", "logging", "GET PUT"],
    ["BUCKET", "metadataConfiguration", "GET POST DELETE"],
    ["BUCKET", "metadataInventoryTable", "PUT"],
    ["BUCKET", "metadataJournalTable", "PUT"],
    ["BUCKET", "metadataTable", "GET POST DELETE"],
    ["BUCKET", "metrics", "GET PUT DELETE"],
    ["BUCKET", "notification", "GET PUT"],
    ["BUCKET", "object-lock", "GET PUT"],
    ["BUCKET", "ownershipControls", "GET PUT DELETE"],
    ["BUCKET", "policy", "GET PUT DELETE"],
    ["BUCKET", "policyStatus", "GET"],
    ["BUCKET", "publicAccessBlock", "GET PUT DELETE"],
    ["BUCKET", "replication", "GET PUT DELETE"],
    ["BUCKET", "requestPayment", "GET PUT"],
    ["BUCKET", "session", "GET"],
    ["BUCKET", "tagging", "GET PUT DELETE"],
    ["BUCKET", "uploads", "GET"],
    ["BUCKET", "versioning", "GET PUT"],
    ["BUCKET", "versions", "GET"],
    ["BUCKET", "website", "GET PUT DELETE"],
    ["OBJECT", "acl", "GET PUT"],
    ["OBJECT", "attributes", "GET"],
    ["OBJECT", "legal-hold", "GET PUT"],
    ["OBJECT", "renameObject", "PUT"],
    ["OBJECT", "restore", "POST"],
    ["OBJECT", "retention", "GET PUT"],
    ["OBJECT", "select", "POST"],
    ["OBJECT", "tagging", "GET PUT DELETE"],
    ["OBJECT", "torrent", "GET"],
    ["OBJECT", "uploadId", "GET PUT POST DELETE"],
    ["OBJECT", "uploads", "POST"],
  ].flatMap(([scope, sub, methods]) => methods!.split(" ").map((m) => `${scope} ${m} ${sub}`)),
);

/** Whether S3 has an operation for this row; HEAD is asked as GET (a HEAD of a GET operation). */
export function isS3ApiOperation(scope: "BUCKET" | "OBJECT", method: string, sub: S3SubResource): boolean {
  return S3_API_OPERATIONS.has(`${scope} ${method === "HEAD" ? "GET" : method} ${sub}`);
}

/** The sub-resource a request addresses, or undefined for the plain operation; the first one in the query wins. */
export function subResourceOf(query: Record<string, string[]>): S3SubResource | undefined {
  for (const name in query) if (SET.has(name)) return name as S3SubResource;
  return undefined;
}
