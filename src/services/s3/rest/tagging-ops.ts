import type { BucketState } from "../bucket-state.js";
import { escapeXml, invalidTag, malformedXml, noSuchKey, noSuchTagSet, tooManyObjectTags, type S3Error } from "../errors.js";
import { readXml } from "./bucket-ops.js";
import { sendEmpty, sendError, sendXml, S3_XMLNS, type S3Call } from "./s3-call.js";

/**
 * Object and bucket tagging (s3.md §4.1, §10): Get/Put/Delete on `?tagging`, and the `x-amz-tagging`
 * header of PutObject / CreateMultipartUpload / CopyObject. Object tags live in the object's
 * trailer (rewritten crash-safely); bucket tags in bucket.json.
 */
export type TagSet = [string, string][];

const MAX_OBJECT_TAGS = 10;
const MAX_BUCKET_TAGS = 50;

/** AWS limits: key 1–128 Unicode characters, value 0–256, keys unique, `aws:` reserved (UG tagging-managing). */
function checkTags(tags: TagSet, max: number): S3Error | undefined {
  if (tags.length > max) return max === MAX_OBJECT_TAGS ? tooManyObjectTags() : invalidTag("Bucket tag count cannot be greater than 50");
  const seen = new Set<string>();
  for (const [k, v] of tags) {
    if ([...k].length < 1 || [...k].length > 128 || k.startsWith("aws:")) return invalidTag("The TagKey you have provided is invalid");
    if ([...v].length > 256) return invalidTag("The TagValue you have provided is invalid");
    if (seen.has(k)) return invalidTag("Cannot provide multiple Tags with the same key");
    seen.add(k);
  }
  return undefined;
}

/** `x-amz-tagging: k1=v1&k2=v2` (URL query form) → a checked object tag set. */
export function tagsFromHeader(header: string | string[] | undefined): TagSet | S3Error | undefined {
  if (header === undefined) return undefined;
  const tags: TagSet = [];
  for (const part of String(header).split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const dec = (s: string) => {
      try {
        return decodeURIComponent(s.replaceAll("+", " "));
      } catch {
        return s;
      }
    };
    tags.push([dec(eq === -1 ? part : part.slice(0, eq)), eq === -1 ? "" : dec(part.slice(eq + 1))]);
  }
  return checkTags(tags, MAX_OBJECT_TAGS) ?? tags;
}

async function readTagSet(call: S3Call, max: number): Promise<TagSet | S3Error> {
  const doc = await readXml(call, 64 * 1024);
  if ("code" in doc) return doc as S3Error;
  const tagging = doc["Tagging"] as { TagSet?: { Tag?: { Key?: unknown; Value?: unknown }[] } | "" } | undefined;
  if (!tagging || tagging.TagSet === undefined) return malformedXml();
  const list = typeof tagging.TagSet === "object" ? (tagging.TagSet.Tag ?? []) : [];
  const tags: TagSet = [];
  for (const t of list) {
    if (t.Key === undefined) return malformedXml();
    tags.push([String(t.Key), t.Value === undefined ? "" : String(t.Value)]);
  }
  return checkTags(tags, max) ?? tags;
}

function taggingXml(tags: TagSet): string {
  const items = tags.map(([k, v]) => `<Tag><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></Tag>`).join("");
  return `<Tagging xmlns="${S3_XMLNS}"><TagSet>${items}</TagSet></Tagging>`;
}

/** An untagged object answers an empty TagSet (not an error, unlike a bucket). */
export function getObjectTagging(call: S3Call, bucket: BucketState, key: string): void {
  const meta = bucket.store.head(key);
  if (!meta) return sendError(call, noSuchKey(key));
  sendXml(call, 200, taggingXml(meta.tags ?? []));
}

export async function putObjectTagging(call: S3Call, bucket: BucketState, key: string): Promise<void> {
  if (!bucket.store.head(key)) {
    call.req.resume();
    return sendError(call, noSuchKey(key));
  }
  const tags = await readTagSet(call, MAX_OBJECT_TAGS);
  if (!Array.isArray(tags)) return sendError(call, tags);
  const done = await bucket.store.updateMeta(key, (m) => withTags(m, tags));
  if (!done) return sendError(call, noSuchKey(key));
  sendEmpty(call, 200);
}

export async function deleteObjectTagging(call: S3Call, bucket: BucketState, key: string): Promise<void> {
  const done = await bucket.store.updateMeta(key, (m) => withTags(m, []));
  if (!done) return sendError(call, noSuchKey(key));
  sendEmpty(call, 204);
}

function withTags<T extends { tags?: TagSet }>(meta: T, tags: TagSet): T {
  const { tags: _old, ...rest } = meta;
  return (tags.length ? { ...rest, tags } : rest) as T;
}

export function getBucketTagging(call: S3Call, bucket: BucketState): void {
  if (!bucket.tags?.length) return sendError(call, noSuchTagSet(bucket.name));
  sendXml(call, 200, taggingXml(bucket.tags));
}

export async function putBucketTagging(call: S3Call, bucket: BucketState): Promise<void> {
  const tags = await readTagSet(call, MAX_BUCKET_TAGS);
  if (!Array.isArray(tags)) return sendError(call, tags);
  bucket.tags = tags.length ? tags : undefined;
  await bucket.save();
  sendEmpty(call, 204);
}

export async function deleteBucketTagging(call: S3Call, bucket: BucketState): Promise<void> {
  bucket.tags = undefined;
  await bucket.save();
  sendEmpty(call, 204);
}
