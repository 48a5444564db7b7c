import { createHmac, randomBytes, randomUUID } from "node:crypto";

/** Every identifier the program mints comes from here, so tests can make them predictable. */
export interface Ids {
  /** X-Amz-Cf-Id: 40 random bytes, base64url with `==` padding kept (56 chars), as observed (cloudfront.md §7.1). */
  cloudFrontRequestId(): string;
  /** A distribution id: `E` + 13 upper-case alphanumerics, as CloudFront mints them. */
  distributionId(seed: string): string;
  uuid(): string;
  /** 32 lowercase hex chars, for the Via host label (cloudfront.md §7.1). */
  hex32(): string;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

// Request ids (one or two per request): drawn from a pooled random buffer, since a randomBytes()
// call per request was ~8% of the cache-hit path's CPU (bench/cache.ts profile) and, for S3's
// 16-hex-digit ids, 8.5% of an S3 GET's busy time (issue 14 profile).
let pool = Buffer.alloc(0);
let offset = 0;
/** `n` pooled random bytes as text; encoded straight from the pool (a `subarray` view per id cost ~0.1 µs). */
function randomPooled(n: number, encoding: "base64url" | "hex"): string {
  if (offset + n > pool.length) {
    pool = randomBytes(40 * 256);
    offset = 0;
  }
  offset += n;
  return pool.toString(encoding, offset - n, offset);
}

export const randomIds: Ids = {
  cloudFrontRequestId() {
    return `${randomPooled(40, "base64url")}==`;
  },
  distributionId(seed: string) {
    return stableId(seed);
  },
  uuid: () => randomUUID(),
  hex32: () => randomPooled(16, "hex"),
};

/**
 * A 64-bit hash of a name (two 32-bit FNV-1a-style lanes), the same in every run and version: the
 * one source of ids derived from logical names, so URLs and ARNs stay the same across restarts (a
 * browser tab or a script keeps working after `edgeparity up` is run again). Not for secrets.
 */
export function stableHash(seed: string): bigint {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return (BigInt(h1) << 32n) | BigInt(h2);
}

/** A distribution id from its logical name: `E` + 13 upper-case alphanumerics, as CloudFront mints them. */
export function stableId(seed: string): string {
  const h = stableHash(seed);
  const h1 = Number(h >> 32n);
  let out = "E";
  let x = h;
  for (let i = 0; i < 13; i++) {
    out += ALNUM[Number(x % 36n)];
    x /= 36n;
    if (x === 0n) x = BigInt(h1 ^ (i * 7919)) + 1n;
  }
  return out;
}

const PROCESS_SEED = randomBytes(32);

/**
 * A secret that is the same for one label for the life of the process and unknowable outside it
 * (a signing key that must survive stack revisions but not restarts).
 */
export function processSecret(label: string): string {
  return createHmac("sha256", PROCESS_SEED).update(label).digest("hex");
}
