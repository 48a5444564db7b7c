import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { BucketState } from "../bucket-state.js";
import type { PartInfo } from "../object-store/multipart-uploads.js";
import {
  entityTooSmall,
  escapeXml,
  invalidArgument,
  invalidPart,
  invalidPartOrder,
  invalidRequest,
  malformedXml,
  noSuchUpload,
  type S3Error,
} from "../errors.js";
import { readXml } from "./bucket-ops.js";
import { IngestError, planIngest } from "./ingest-body.js";
import { checkKey, secondPrecision } from "./object-ops.js";
import { isoMillis, q, sendEmpty, sendError, sendXml, S3_XMLNS, type S3Call } from "./s3-call.js";

/** CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts (s3.md §4.5). */

const MIN_PART = 5 * 1024 * 1024;
const META_PREFIX = "x-amz-meta-";

export async function createMultipartUpload(call: S3Call, bucket: BucketState, key: string, now: number): Promise<void> {
  const bad = checkKey(key);
  if (bad) return sendError(call, bad);
  const h = call.req.headers;
  const headers: Record<string, string> = {};
  for (const n of [
    "content-encoding",
    "content-disposition",
    "content-language",
    "cache-control",
    "expires",
    "x-amz-website-redirect-location",
    "x-amz-storage-class",
  ])
    if (h[n] !== undefined) headers[n] = String(h[n]);
  const metadata: Record<string, string> = {};
  for (const n in h) if (n.startsWith(META_PREFIX)) metadata[n.slice(META_PREFIX.length)] = String(h[n]);
  const algo = h["x-amz-checksum-algorithm"] ? String(h["x-amz-checksum-algorithm"]).toLowerCase() : undefined;
  const info = await bucket.uploads.create({
    key,
    initiated: now,
    contentType: h["content-type"] ? String(h["content-type"]) : "binary/octet-stream",
    headers,
    metadata,
    ...(algo ? { checksumAlgorithm: algo } : {}),
  });
  sendXml(
    call,
    200,
    `<InitiateMultipartUploadResult xmlns="${S3_XMLNS}"><Bucket>${escapeXml(bucket.name)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${info.uploadId}</UploadId></InitiateMultipartUploadResult>`,
    { "x-amz-server-side-encryption": "AES256" },
  );
}

export async function uploadPart(call: S3Call, bucket: BucketState, key: string, now: number): Promise<void> {
  const uploadId = q(call, "uploadId")!;
  const pn = q(call, "partNumber")!;
  const n = Number(pn);
  if (!/^\d+$/.test(pn) || n < 1 || n > 10000)
    return sendError(call, invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", pn));
  const up = bucket.uploads.get(uploadId);
  if (!up || up.info.key !== key) return sendError(call, noSuchUpload(uploadId));
  if (call.req.headers["x-amz-copy-source"] !== undefined)
    return sendError(call, { status: 501, code: "NotImplemented", message: "UploadPartCopy is not emulated yet" });
  const plan = planIngest(call);
  if ("code" in plan) return sendError(call, plan);
  try {
    const part = await bucket.uploads.writePart(uploadId, n, tap(plan.chunks, plan.onChunk), secondPrecision(now), (size, md5) => plan.verify(size, md5));
    const extra: Record<string, string> = {};
    for (const k in part.checksums) extra[`x-amz-checksum-${k}`] = part.checksums[k]!;
    sendEmpty(call, 200, { etag: part.etag, "x-amz-server-side-encryption": "AES256", ...extra });
  } catch (e) {
    if (e instanceof IngestError) return sendError(call, e.s3);
    throw e;
  }
}

async function* tap(chunks: AsyncIterable<Buffer>, fn: (c: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    fn(c);
    yield c;
  }
}

/** The final ETag is MD5 of the concatenated binary part MD5s, then `-N` (s3.md §4.5). */
export async function completeMultipartUpload(call: S3Call, bucket: BucketState, key: string, now: number): Promise<void> {
  const uploadId = q(call, "uploadId")!;
  const up = bucket.uploads.get(uploadId);
  if (!up || up.info.key !== key) {
    call.req.resume();
    return sendError(call, noSuchUpload(uploadId));
  }
  const doc = await readXml(call);
  if ("code" in doc) return sendError(call, doc as S3Error);
  const list = (doc["CompleteMultipartUpload"] as { Part?: { PartNumber?: unknown; ETag?: unknown }[] } | undefined)?.Part;
  if (!list?.length) return sendError(call, invalidRequest("You must specify at least one part"));
  const chosen: PartInfo[] = [];
  let prev = 0;
  for (const p of list) {
    const n = Number(p.PartNumber);
    const etag = String(p.ETag ?? "");
    if (!Number.isInteger(n)) return sendError(call, malformedXml());
    if (n <= prev) return sendError(call, invalidPartOrder(uploadId));
    prev = n;
    const part = up.parts.get(n);
    const quoted = etag.startsWith('"') ? etag : `"${etag}"`;
    if (!part || part.etag !== quoted) return sendError(call, invalidPart(uploadId, n, etag));
    chosen.push(part);
  }
  for (let i = 0; i < chosen.length - 1; i++)
    if (chosen[i]!.size < MIN_PART) return sendError(call, entityTooSmall(chosen[i]!.size, chosen[i]!.partNumber, chosen[i]!.etag));
  const etagHash = createHash("md5");
  for (const p of chosen) etagHash.update(Buffer.from(p.md5, "hex"));
  const etag = `"${etagHash.digest("hex")}-${chosen.length}"`;
  const uploads = bucket.uploads;
  async function* body(): AsyncGenerator<Buffer> {
    for (const p of chosen) {
      if (p.size === 0) continue;
      for await (const c of createReadStream(uploads.partPath(uploadId, p.partNumber))) yield c as Buffer;
    }
  }
  const meta = await bucket.store.write(key, body(), () => ({
    etag,
    lastModified: secondPrecision(now),
    contentType: up.info.contentType,
    headers: up.info.headers,
    metadata: up.info.metadata,
    checksums: {},
    partSizes: chosen.map((p) => p.size),
  }));
  await bucket.uploads.remove(uploadId);
  const proto = call.isSecure ? "https" : "http";
  sendXml(
    call,
    200,
    `<CompleteMultipartUploadResult xmlns="${S3_XMLNS}"><Location>${proto}://${escapeXml(bucket.name)}.s3.localhost/${escapeXml(encodeURIComponent(key).replaceAll("%2F", "/"))}</Location><Bucket>${escapeXml(bucket.name)}</Bucket><Key>${escapeXml(key)}</Key><ETag>${meta.etag.replaceAll('"', "&quot;")}</ETag></CompleteMultipartUploadResult>`,
    { "x-amz-server-side-encryption": "AES256" },
  );
}

export async function abortMultipartUpload(call: S3Call, bucket: BucketState, key: string): Promise<void> {
  const uploadId = q(call, "uploadId")!;
  const up = bucket.uploads.get(uploadId);
  if (!up || up.info.key !== key) return sendError(call, noSuchUpload(uploadId));
  await bucket.uploads.remove(uploadId);
  sendEmpty(call, 204);
}

export function listParts(call: S3Call, bucket: BucketState, key: string): void {
  const uploadId = q(call, "uploadId")!;
  const up = bucket.uploads.get(uploadId);
  if (!up || up.info.key !== key) return sendError(call, noSuchUpload(uploadId));
  const maxParts = Math.min(1000, Number(q(call, "max-parts") ?? 1000));
  const marker = Number(q(call, "part-number-marker") ?? 0);
  const all = [...up.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const parts = page
    .map(
      (p) =>
        `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>${isoMillis(p.lastModified)}</LastModified><ETag>${p.etag.replaceAll('"', "&quot;")}</ETag><Size>${p.size}</Size></Part>`,
    )
    .join("");
  sendXml(
    call,
    200,
    `<ListPartsResult xmlns="${S3_XMLNS}"><Bucket>${escapeXml(bucket.name)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId><PartNumberMarker>${marker}</PartNumberMarker>${truncated ? `<NextPartNumberMarker>${page.at(-1)!.partNumber}</NextPartNumberMarker>` : ""}<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts}<StorageClass>STANDARD</StorageClass></ListPartsResult>`,
  );
}

export function listMultipartUploads(call: S3Call, bucket: BucketState): void {
  const ups = bucket.uploads
    .list()
    .map(
      (u) =>
        `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${isoMillis(u.initiated)}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
    )
    .join("");
  sendXml(
    call,
    200,
    `<ListMultipartUploadsResult xmlns="${S3_XMLNS}"><Bucket>${escapeXml(bucket.name)}</Bucket><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${ups}</ListMultipartUploadsResult>`,
  );
}
