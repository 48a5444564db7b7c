import type { IncomingHttpHeaders } from "node:http";
import type { Credential, PostSignatureInput, SigV4Verifier } from "../auth/sigv4.js";
import { checkPostPolicy, parsePostPolicy, type FormField } from "../auth/post-policy.js";
import type { BucketState } from "../bucket-state.js";
import {
  entityTooLarge,
  invalidArgument,
  malformedPostRequest,
  maxPostPreDataLengthExceeded,
  policyExpired,
  postEntityTooSmall,
  postFieldMissing,
  postNotMultipart,
  type S3Error,
} from "../errors.js";
import { IngestError, MAX_PUT_SIZE } from "./ingest-body.js";
import { boundaryOf, isMultipartForm, MultipartFormError, MultipartFormReader } from "./multipart-form.js";
import { checkKey, contentHeadersFrom, secondPrecision } from "./object-ops.js";
import { sendEmpty, sendError, sendXml, type S3Call } from "./s3-call.js";

/**
 * PostObject, a browser upload with a POST policy (s3.md §7.3). Steps: read the form fields before
 * `file` (≤ 20 KiB), check the SigV4 fields, the signature over the policy as sent, the policy
 * (expiry, conditions, coverage) and the bucket policy, then stream the file into the store within
 * content-length-range, and answer by redirect or success_action_status. Fields after `file` are
 * ignored, as S3 does. The check order follows the captures collected in s3.md §7.3.
 */
export interface PostObjectDeps {
  now(): number;
  region: string;
  verifier: SigV4Verifier;
  /** Makes the signer (or the anonymous caller) the principal and evaluates s3:PutObject on the key. */
  authorize(call: S3Call, credential: Credential | undefined, key: string): S3Error | undefined;
}

// 20 KiB of fields before the file; S3 reports 20480 (s3_direct_upload#45). Choice: names and values count.
const MAX_PRE_DATA_BYTES = 20_480;
/** The SigV4 fields, in the order S3 names a missing one (LocalStack recording: algorithm before credential). */
const SIGV4_FIELDS = [
  ["x-amz-algorithm", "X-Amz-Algorithm"],
  ["x-amz-credential", "X-Amz-Credential"],
  ["x-amz-date", "X-Amz-Date"],
  ["x-amz-signature", "X-Amz-Signature"],
  // Choice: a signed form without `policy` is named like the other missing fields.
  ["policy", "Policy"],
] as const;
const STORED_FIELDS = new Set([
  "content-type",
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-language",
  "expires",
  "x-amz-storage-class",
]);
const META_PREFIX = "x-amz-meta-";
const FILENAME_VARIABLE = "${filename}";

export async function postObject(call: S3Call, bucket: BucketState, deps: PostObjectDeps): Promise<void> {
  const contentType = call.req.headers["content-type"];
  // S3 answers 412 with this Condition, not the documented RequestIsNotMultiPartContent (LocalStack recording).
  if (!isMultipartForm(contentType)) return sendError(call, postNotMultipart());
  const boundary = boundaryOf(contentType!);
  if (boundary === undefined) return sendError(call, malformedPostRequest());
  const reader = new MultipartFormReader(call.req, boundary);
  try {
    await receive(call, bucket, deps, reader);
  } catch (e) {
    if (e instanceof MultipartFormError) return sendError(call, malformedPostRequest());
    if (e instanceof IngestError) return sendError(call, e.s3);
    throw e;
  } finally {
    reader.release();
  }
}

async function receive(call: S3Call, bucket: BucketState, deps: PostObjectDeps, reader: MultipartFormReader): Promise<void> {
  const fields = new Map<string, FormField>();
  let budget = MAX_PRE_DATA_BYTES;
  let file: { filename: string | undefined } | undefined;
  for (let part = await reader.nextPart(); part; part = await reader.nextPart()) {
    // Only a form-data part named `file` is the file; another name is a field (so_18541652).
    if (part.disposition === "form-data" && part.name.toLowerCase() === "file") {
      file = { filename: part.filename };
      break;
    }
    budget -= Buffer.byteLength(part.name);
    const value = budget < 0 ? undefined : await reader.readField(budget);
    if (value === undefined) return sendError(call, maxPostPreDataLengthExceeded(MAX_PRE_DATA_BYTES));
    budget -= Buffer.byteLength(value);
    fields.set(part.name.toLowerCase(), { name: part.name, value });
  }
  // Answer captured on the wire (vue-dropzone#303, boto3#934); also for a form whose file came first.
  if (!file) return sendError(call, invalidArgument("POST requires exactly one file upload per request.", "file", "0"));
  const rawKey = fields.get("key")?.value;
  if (rawKey === undefined) return sendError(call, postFieldMissing("key"));
  // `${filename}` is replaced only when the part has a filename parameter; without one S3 keeps it literally.
  const key = file.filename === undefined ? rawKey : rawKey.replaceAll(FILENAME_VARIABLE, file.filename);
  fields.set("key", { name: fields.get("key")!.name, value: key });

  let credential: Credential | undefined;
  let lengthRange = { min: 0, max: MAX_PUT_SIZE };
  // With none of the SigV4 fields the POST is anonymous, whatever else it carries (LocalStack recording).
  if (SIGV4_FIELDS.slice(0, 4).some(([f]) => fields.has(f))) {
    const missing = SIGV4_FIELDS.find(([f]) => !fields.has(f));
    if (missing) return sendError(call, postFieldMissing(missing[1]));
    const v = (f: string) => fields.get(f)!.value;
    const input: PostSignatureInput = {
      algorithm: v("x-amz-algorithm"),
      credential: v("x-amz-credential"),
      date: v("x-amz-date"),
      signature: v("x-amz-signature"),
      policy: v("policy"),
      region: deps.region,
    };
    // The signature covers the policy as sent, so it is checked before the policy is decoded.
    const auth = await deps.verifier.verifyPostPolicy(input);
    if (auth.kind === "error") return sendError(call, auth.error);
    if (auth.kind === "signed") credential = auth.credential;
    const policy = parsePostPolicy(input.policy);
    if ("code" in policy) return sendError(call, policy);
    // Choice: the expiration instant itself is still valid, as with presigned URLs (s3.md §7.2).
    if (deps.now() > policy.expiration) return sendError(call, policyExpired());
    // Choice: conditions are checked before coverage; no capture shows both failing at once.
    const verdict = checkPostPolicy(policy, fields, bucket.name);
    if ("code" in verdict) return sendError(call, verdict);
    if (verdict.lengthRange) lengthRange = verdict.lengthRange;
  }
  const denied = deps.authorize(call, credential, key);
  if (denied) return sendError(call, denied);
  const badKey = checkKey(key);
  if (badKey) return sendError(call, badKey);
  const content = contentHeadersFrom(storedHeaders(fields));
  if ("code" in content) return sendError(call, content);

  const meta = await bucket.store.write(key, withinRange(reader.body(), lengthRange.max), (size, md5) => {
    if (size < lengthRange.min) throw new IngestError(postEntityTooSmall(size, lengthRange.min));
    return { etag: `"${md5.toString("hex")}"`, lastModified: secondPrecision(deps.now()), ...content, checksums: {} };
  });
  respond(call, bucket.name, key, meta.etag, fields);
}

/** Yields the file up to `max` bytes, then counts the rest unstored to report its ProposedSize (s3.md §7.3). */
async function* withinRange(body: AsyncIterable<Buffer>, max: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size <= max) yield c;
  }
  if (size > max) throw new IngestError(entityTooLarge(size, max));
}

/** The fields an upload stores, as the headers a PutObject would carry them in. */
function storedHeaders(fields: ReadonlyMap<string, FormField>): IncomingHttpHeaders {
  const h: IncomingHttpHeaders = {};
  for (const [name, f] of fields) if (STORED_FIELDS.has(name) || name.startsWith(META_PREFIX)) h[name] = f.value;
  return h;
}

function respond(call: S3Call, bucket: string, key: string, etag: string, fields: ReadonlyMap<string, FormField>): void {
  // The object's URL, the key percent-encoded `/` included (s3rver#504, ceph#20330).
  const host = call.req.headers.host ?? "s3.localhost";
  const isPathStyle = call.rawPath.length > 1;
  const location = `${call.isSecure ? "https" : "http"}://${host}/${isPathStyle ? `${encodeURIComponent(bucket)}/` : ""}${encodeURIComponent(key)}`;
  const headers = { etag, location, "x-amz-server-side-encryption": "AES256" };
  const redirect = fields.get("success_action_redirect")?.value ?? fields.get("redirect")?.value;
  if (redirect !== undefined && isAbsoluteHttpUrl(redirect)) {
    // S3 keeps the URL's own query, appends with `&`, form-encodes bucket, key, etag (layervault#8).
    const query = new URLSearchParams({ bucket, key, etag }).toString();
    // Choice: 303 See Other (LocalStack recording; the docs say only "redirected").
    return sendEmpty(call, 303, { ...headers, location: `${redirect}${redirect.includes("?") ? "&" : "?"}${query}` });
  }
  // A relative redirect is ignored (LocalStack recording), as is a status other than 200 or 201.
  const status = fields.get("success_action_status")?.value;
  if (status === "201") {
    const text = (s: string) => s.replace(XML_TEXT_SPECIAL, (c) => XML_TEXT_ESCAPES[c]!);
    // No namespace, and the ETag's quotes raw (s3rver#504).
    return sendXml(
      call,
      201,
      `<PostResponse><Location>${text(location)}</Location><Bucket>${text(bucket)}</Bucket><Key>${text(key)}</Key><ETag>${text(etag)}</ETag></PostResponse>`,
      headers,
    );
  }
  sendEmpty(call, status === "200" ? 200 : 204, headers);
}

const XML_TEXT_SPECIAL = /[<>&]/g;
const XML_TEXT_ESCAPES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;" };

function isAbsoluteHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
