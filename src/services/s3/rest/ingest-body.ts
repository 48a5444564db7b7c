import { createHash } from "node:crypto";
import type { S3Error } from "../errors.js";
import {
  badChecksum,
  badDigest,
  contentSha256Mismatch,
  entityTooLarge,
  incompleteBody,
  invalidDigest,
  invalidRequest,
  missingContentLength,
} from "../errors.js";
import { AwsChunkedError, decodeAwsChunked } from "./aws-chunked.js";
import { createChecksummer, isChecksumAlgorithm, isWellFormedChecksum, type ChecksumAlgorithm, type Checksummer } from "./checksums.js";
import type { S3Call } from "./s3-call.js";

/**
 * The checks S3 makes on an upload body (s3.md §4.2, §7.1), planned from the headers before the
 * body is read and verified while it streams: Content-Length, aws-chunked decoding, Content-MD5,
 * x-amz-checksum-*, and the signed x-amz-content-sha256.
 */
export const MAX_PUT_SIZE = 5 * 1024 ** 3;

export class IngestError extends Error {
  constructor(readonly s3: S3Error) {
    super(s3.code);
  }
}

export interface IngestPlan {
  chunks: AsyncIterable<Buffer>;
  onChunk: (c: Buffer) => void;
  /** Verifies what was received; returns the checksums to store, or throws IngestError. */
  verify(size: number, md5: Buffer): Record<string, string>;
}

const CHECKSUM_HEADER_PREFIX = "x-amz-checksum-";

/** `defaultAlgorithm`: the checksum to compute when the request names none (a multipart upload's algorithm). */
export function planIngest(call: S3Call, defaultAlgorithm?: ChecksumAlgorithm): IngestPlan | S3Error {
  const h = call.req.headers;
  const isChunked =
    (h["content-encoding"] ?? "").includes("aws-chunked") ||
    (call.payloadHash ?? "").startsWith("STREAMING-") ||
    String(h["x-amz-content-sha256"] ?? "").startsWith("STREAMING-");
  const declared = isChunked ? h["x-amz-decoded-content-length"] : h["content-length"];
  if (declared === undefined && !isChunked) return missingContentLength();
  const expectedSize = declared === undefined ? undefined : Number(declared);
  if (expectedSize !== undefined && expectedSize > MAX_PUT_SIZE) return entityTooLarge(expectedSize, MAX_PUT_SIZE);

  const md5Header = h["content-md5"] === undefined ? undefined : String(h["content-md5"]);
  let expectedMd5: Buffer | undefined;
  if (md5Header !== undefined) {
    expectedMd5 = Buffer.from(md5Header, "base64");
    if (expectedMd5.length !== 16 || expectedMd5.toString("base64") !== md5Header) return invalidDigest(md5Header);
  }

  const sent: [ChecksumAlgorithm, string][] = [];
  for (const name in h) {
    if (!name.startsWith(CHECKSUM_HEADER_PREFIX)) continue;
    const algo = name.slice(CHECKSUM_HEADER_PREFIX.length);
    if (algo === "type" || algo === "algorithm") continue;
    if (!isChecksumAlgorithm(algo)) continue;
    sent.push([algo, String(h[name])]);
  }
  if (sent.length > 1) return invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  for (const [algo, v] of sent) if (!isWellFormedChecksum(algo, v)) return invalidRequest(`Value for x-amz-checksum-${algo} header is invalid.`);
  const trailerName = String(h["x-amz-trailer"] ?? "").toLowerCase();
  const trailerAlgo = trailerName.startsWith(CHECKSUM_HEADER_PREFIX) ? trailerName.slice(CHECKSUM_HEADER_PREFIX.length) : undefined;
  const sdkAlgo = String(h["x-amz-sdk-checksum-algorithm"] ?? "").toLowerCase();
  const algo = sent[0]?.[0] ?? (trailerAlgo && isChecksumAlgorithm(trailerAlgo) ? trailerAlgo : isChecksumAlgorithm(sdkAlgo) ? sdkAlgo : defaultAlgorithm);
  const summer: Checksummer | undefined = algo ? createChecksummer(algo) : undefined;

  const payloadHash = call.payloadHash;
  const sha = payloadHash && /^[0-9a-f]{64}$/.test(payloadHash) ? createHash("sha256") : undefined;
  const trailers: Record<string, string> = {};
  const source = call.req as AsyncIterable<Buffer>;
  const chunks = isChunked ? decodeAwsChunked(source, trailers) : source;

  return {
    chunks: wrapErrors(chunks),
    onChunk(c) {
      summer?.update(c);
      sha?.update(c);
    },
    verify(size, md5) {
      if (expectedSize !== undefined && size !== expectedSize) throw new IngestError(incompleteBody());
      if (expectedMd5 && !expectedMd5.equals(md5)) throw new IngestError(badDigest(expectedMd5.toString("hex"), md5.toString("base64")));
      if (sha) {
        const got = sha.digest("hex");
        if (got !== payloadHash) throw new IngestError(contentSha256Mismatch(payloadHash!, got));
      }
      const out: Record<string, string> = {};
      if (algo && summer) {
        const computed = summer.digestBase64();
        const claimed = sent[0]?.[1] ?? trailers[`${CHECKSUM_HEADER_PREFIX}${algo}`];
        if (claimed !== undefined && claimed !== computed) throw new IngestError(badChecksum(algo));
        out[algo] = computed;
      }
      return out;
    },
  };
}

async function* wrapErrors(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (e) {
    if (e instanceof AwsChunkedError) throw new IngestError(incompleteBody());
    throw e;
  }
}
