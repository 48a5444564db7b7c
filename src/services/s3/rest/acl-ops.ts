import type { BucketState } from "../bucket-state.js";
import { accessControlListNotSupported, noSuchKey, type S3Error } from "../errors.js";
import { OWNER_ID, readXml } from "./bucket-ops.js";
import { hasRequestBody } from "../../../core/http/has-body.js";
import { sendEmpty, sendError, sendXml, S3_XMLNS, type S3Call } from "./s3-call.js";

/**
 * ACLs as a bucket with Object Ownership `BucketOwnerEnforced` (the default for new buckets since
 * April 2023, s3.md §4.7) has them: the owner holds FULL_CONTROL, Get*Acl says so, and a Put*Acl or
 * upload may only restate that (canned `private` / `bucket-owner-full-control`, or a policy that
 * grants the owner FULL_CONTROL). Anything else is `400 AccessControlListNotSupported`.
 */
const ALLOWED_CANNED = new Set(["private", "bucket-owner-full-control"]);
const GRANT_HEADERS = ["x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp"];

/** The ACL headers of a PutObject / CopyObject / CreateMultipartUpload / Put*Acl request, checked. */
export function checkAclHeaders(call: S3Call): S3Error | undefined {
  const h = call.req.headers;
  const canned = h["x-amz-acl"];
  if (canned !== undefined && !ALLOWED_CANNED.has(String(canned))) return accessControlListNotSupported();
  for (const g of GRANT_HEADERS) if (h[g] !== undefined) return accessControlListNotSupported();
  return undefined;
}

function aclXml(): string {
  return `<AccessControlPolicy xmlns="${S3_XMLNS}"><Owner><ID>${OWNER_ID}</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${OWNER_ID}</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`;
}

export function getBucketAcl(call: S3Call): void {
  sendXml(call, 200, aclXml());
}

export function getObjectAcl(call: S3Call, bucket: BucketState, key: string): void {
  if (!bucket.store.head(key)) return sendError(call, noSuchKey(key));
  sendXml(call, 200, aclXml());
}

/** PutBucketAcl / PutObjectAcl: accepted only when it changes nothing; never touches the data. */
export async function putAcl(call: S3Call, bucket: BucketState, key: string | undefined): Promise<void> {
  if (key !== undefined && !bucket.store.head(key)) {
    call.req.resume();
    return sendError(call, noSuchKey(key));
  }
  const bad = checkAclHeaders(call);
  if (bad) return sendError(call, bad);
  if (hasRequestBody(call.req)) {
    const doc = await readXml(call, 64 * 1024);
    if ("code" in doc) return sendError(call, doc as S3Error);
    if (!grantsOnlyOwnerFullControl(doc)) return sendError(call, accessControlListNotSupported());
  }
  sendEmpty(call, 200);
}

function grantsOnlyOwnerFullControl(doc: Record<string, unknown>): boolean {
  const policy = doc["AccessControlPolicy"] as { AccessControlList?: { Grant?: { Grantee?: { ID?: unknown }; Permission?: unknown }[] } } | undefined;
  const grants = policy?.AccessControlList?.Grant ?? [];
  return grants.every((g) => String(g.Grantee?.ID ?? "") === OWNER_ID && String(g.Permission) === "FULL_CONTROL");
}
