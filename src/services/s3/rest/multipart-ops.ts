import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { BucketState } from "../bucket-state.js";
import type { PartInfo, UploadInfo } from "../object-store/multipart-uploads.js";
import {
  entityTooSmall,
  escapeXml,
  invalidArgument,
  invalidPart,
  invalidPartOrder,
  invalidRequest,
  malformedXml,
  noSuchUpload,
  notImplemented,
  preconditionFailed,
  type S3Error,
} from "../errors.js";
import { checkAclHeaders } from "./acl-ops.js";
import { createChecksummer, isChecksumAlgorithm, type ChecksumAlgorithm } from "./checksums.js";
import { readXml } from "./bucket-ops.js";
import { IngestError, planIngest } from "./ingest-body.js";
import {
  checkKey,
  contentHeadersFrom,
  emptyChunks,
  evaluateConditionals,
  openCopySource,
  parseCopySourceRange,
  secondPrecision,
  type ObjectOpsDeps,
} from "./object-ops.js";
import { isoMillis, q, sendEmpty, sendError, sendXml, S3_XMLNS, type S3Call } from "./s3-call.js";

/** CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts (s3.md §4.5). */

const MIN_PART = 5 * 1024 * 1024;

/** CRC64NVME supports only full-object checksums (UG checking-object-integrity). */
function compositeSupported(algorithm: string): boolean {
  return algorithm !== "crc64nvme";
}

function uploadAlgorithm(info: UploadInfo): ChecksumAlgorithm | undefined {
  const a = info.checksumAlgorithm;
  return a !== undefined && isChecksumAlgorithm(a) ? a : undefined;
}

/**
 * The multipart checksum of checksums: the algorithm over the concatenated binary part checksums,
 * base64, then `-<parts>` (UG checking-object-integrity, "Using part-level checksums for multipart uploads").
 */
function compositeChecksum(info: UploadInfo, parts: readonly PartInfo[]): Record<string, string> | undefined {
  const algo = uploadAlgorithm(info);
  if (!algo || !compositeSupported(algo)) return undefined; // Divergence from AWS: no FULL_OBJECT CRC combination yet.
  const summer = createChecksummer(algo);
  for (const p of parts) {
    const c = p.checksums[algo];
    if (c === undefined) return undefined;
    summer.update(Buffer.from(c, "base64"));
  }
  return { [algo]: `${summer.digestBase64()}-${parts.length}` };
}

function checksumElements(checksums: Record<string, string> | undefined, type?: string): string {
  if (!checksums) return "";
  let out = "";
  for (const algo in checksums) out += `<Checksum${algo.toUpperCase()}>${checksums[algo]}</Checksum${algo.toUpperCase()}>`;
  if (out && type) out += `<ChecksumType>${type}</ChecksumType>`;
  return out;
}

export async function createMultipartUpload(call: S3Call, bucket: BucketState, key: string, now: number): Promise<void> {
  const bad = checkKey(key);
  if (bad) return sendError(call, bad);
  const h = call.req.headers;
  const aclRefused = checkAclHeaders(call);
  if (aclRefused) return sendError(call, aclRefused);
  const content = contentHeadersFrom(h);
  if ("code" in content) return sendError(call, content);
  const algoName = h["x-amz-checksum-algorithm"] ? String(h["x-amz-checksum-algorithm"]).toLowerCase() : undefined;
  if (algoName !== undefined && !isChecksumAlgorithm(algoName))
    return sendError(
      call,
      invalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"),
    );
  const info = await bucket.uploads.create({
    key,
    initiated: now,
    contentType: content.contentType,
    headers: content.headers,
    metadata: content.metadata,
    ...(content.tags ? { tags: content.tags } : {}),
    ...(algoName ? { checksumAlgorithm: algoName } : {}),
  });
  // The upload's algorithm and checksum type are echoed (API CreateMultipartUpload response headers).
  const checksum: Record<string, string> = algoName
    ? { "x-amz-checksum-algorithm": algoName.toUpperCase(), "x-amz-checksum-type": compositeSupported(algoName) ? "COMPOSITE" : "FULL_OBJECT" }
    : {};
  sendXml(
    call,
    200,
    `<InitiateMultipartUploadResult xmlns="${S3_XMLNS}"><Bucket>${escapeXml(bucket.name)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${info.uploadId}</UploadId></InitiateMultipartUploadResult>`,
    { "x-amz-server-side-encryption": "AES256", ...checksum },
  );
}

/** The upload and part number an UploadPart / UploadPartCopy addresses, checked (s3.md §4.5). */
function partTarget(
  call: S3Call,
  bucket: BucketState,
  key: string,
): { uploadId: string; n: number; up: NonNullable<ReturnType<BucketState["uploads"]["get"]>> } | S3Error {
  const uploadId = q(call, "uploadId")!;
  const pn = q(call, "partNumber") ?? "";
  const n = Number(pn);
  if (!/^\d+$/.test(pn) || n < 1 || n > 10000) return invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", pn);
  const up = bucket.uploads.get(uploadId);
  if (!up || up.info.key !== key) return noSuchUpload(uploadId);
  return { uploadId, n, up };
}

export async function uploadPart(call: S3Call, bucket: BucketState, key: string, now: number): Promise<void> {
  const target = partTarget(call, bucket, key);
  if ("code" in target) return sendError(call, target);
  const { uploadId, n, up } = target;
  const plan = planIngest(call, uploadAlgorithm(up.info));
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

/** UploadPartCopy (API UploadPartCopy): a part whose bytes are a range of an existing object, streamed from its file. */
export async function uploadPartCopy(
  call: S3Call,
  bucket: BucketState,
  key: string,
  now: number,
  deps: ObjectOpsDeps,
  authorizeSource: (bucket: string, key: string) => S3Error | undefined,
): Promise<void> {
  const target = partTarget(call, bucket, key);
  if ("code" in target) return sendError(call, target);
  const { uploadId, n, up } = target;
  const source = await openCopySource(call, deps, authorizeSource);
  if ("code" in source) return sendError(call, source);
  const { meta: src, handle } = source.opened;
  let handed = false;
  try {
    const cond = evaluateConditionals(call, src, "x-amz-copy-source-");
    if (cond && cond !== 304) return sendError(call, cond);
    const range = parseCopySourceRange(call.req.headers["x-amz-copy-source-range"], src.size);
    if ("code" in range) return sendError(call, range);
    call.req.resume();
    const algo = uploadAlgorithm(up.info);
    const summer = algo ? createChecksummer(algo) : undefined;
    handed = true;
    const stream = handle.createReadStream({ start: range.start, end: Math.max(range.start, range.end), autoClose: true });
    const chunks = range.end < range.start ? emptyChunks(stream) : stream;
    const part = await bucket.uploads.writePart(
      uploadId,
      n,
      tap(chunks as AsyncIterable<Buffer>, (c) => summer?.update(c)),
      secondPrecision(now),
      () => (algo && summer ? { [algo]: summer.digestBase64() } : {}),
    );
    sendXml(
      call,
      200,
      `<CopyPartResult xmlns="${S3_XMLNS}"><LastModified>${isoMillis(part.lastModified)}</LastModified><ETag>${part.etag.replaceAll('"', "&quot;")}</ETag>${checksumElements(part.checksums)}</CopyPartResult>`,
      { "x-amz-server-side-encryption": "AES256" },
    );
  } finally {
    if (!handed) await handle.close();
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
  // Conditional write on Complete, as on PutObject (s3.md §4.2): `*` refuses an existing key.
  const inm = call.req.headers["if-none-match"];
  if (inm !== undefined && inm !== "*") {
    call.req.resume();
    return sendError(call, notImplemented("If-None-Match", "We don't accept the provided value of If-None-Match header for this API"));
  }
  if (inm === "*" && bucket.store.head(key)) {
    call.req.resume();
    return sendError(call, preconditionFailed("If-None-Match"));
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
  const composite = compositeChecksum(up.info, chosen);
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
    ...(up.info.tags?.length ? { tags: up.info.tags } : {}),
    checksums: composite ?? {},
    ...(composite ? { checksumType: "COMPOSITE" as const } : {}),
    partSizes: chosen.map((p) => p.size),
  }));
  await bucket.uploads.remove(uploadId);
  const proto = call.isSecure ? "https" : "http";
  sendXml(
    call,
    200,
    `<CompleteMultipartUploadResult xmlns="${S3_XMLNS}"><Location>${proto}://${escapeXml(bucket.name)}.s3.localhost/${escapeXml(encodeURIComponent(key).replaceAll("%2F", "/"))}</Location><Bucket>${escapeXml(bucket.name)}</Bucket><Key>${escapeXml(key)}</Key><ETag>${meta.etag.replaceAll('"', "&quot;")}</ETag>${checksumElements(composite, "COMPOSITE")}</CompleteMultipartUploadResult>`,
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
        `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>${isoMillis(p.lastModified)}</LastModified><ETag>${p.etag.replaceAll('"', "&quot;")}</ETag><Size>${p.size}</Size>${checksumElements(p.checksums)}</Part>`,
    )
    .join("");
  sendXml(
    call,
    200,
    `<ListPartsResult xmlns="${S3_XMLNS}"><Bucket>${escapeXml(bucket.name)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId><PartNumberMarker>${marker}</PartNumberMarker>${truncated ? `<NextPartNumberMarker>${page.at(-1)!.partNumber}</NextPartNumberMarker>` : ""}<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts}${up.info.checksumAlgorithm ? `<ChecksumAlgorithm>${up.info.checksumAlgorithm.toUpperCase()}</ChecksumAlgorithm><ChecksumType>${compositeSupported(up.info.checksumAlgorithm) ? "COMPOSITE" : "FULL_OBJECT"}</ChecksumType>` : ""}<StorageClass>STANDARD</StorageClass></ListPartsResult>`,
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
