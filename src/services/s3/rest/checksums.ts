import { createHash, type Hash } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * Flexible checksums (s3.md §4.2): the algorithms S3 accepts in `x-amz-checksum-<algorithm>`,
 * computed incrementally while the body streams. Values are base64 of the big-endian digest.
 */
export const CHECKSUM_ALGORITHMS = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface Checksummer {
  update(b: Buffer): void;
  digestBase64(): string;
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

// CRC-64/NVME, reflected polynomial 0x9a6c9329ac4bc9b5, as hi/lo 32-bit halves (no BigInt on the hot path).
const CRC64_LO = new Uint32Array(256);
const CRC64_HI = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let lo = i;
  let hi = 0;
  for (let k = 0; k < 8; k++) {
    const bit = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (bit) {
      lo = (lo ^ 0xac4bc9b5) >>> 0;
      hi = (hi ^ 0x9a6c9329) >>> 0;
    }
  }
  CRC64_LO[i] = lo;
  CRC64_HI[i] = hi;
}

function u32be(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b.toString("base64");
}

export function createChecksummer(algorithm: ChecksumAlgorithm): Checksummer {
  switch (algorithm) {
    case "crc32": {
      let c = 0;
      return { update: (b) => void (c = crc32(b, c)), digestBase64: () => u32be(c) };
    }
    case "crc32c": {
      let c = 0xffffffff;
      return {
        update(b) {
          for (let i = 0; i < b.length; i++) c = CRC32C_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
        },
        digestBase64: () => u32be(~c),
      };
    }
    case "crc64nvme": {
      let lo = 0xffffffff;
      let hi = 0xffffffff;
      return {
        update(b) {
          for (let i = 0; i < b.length; i++) {
            const idx = (lo ^ b[i]!) & 0xff;
            lo = (CRC64_LO[idx]! ^ ((lo >>> 8) | (hi << 24))) >>> 0;
            hi = (CRC64_HI[idx]! ^ (hi >>> 8)) >>> 0;
          }
        },
        digestBase64() {
          const out = Buffer.alloc(8);
          out.writeUInt32BE(~hi >>> 0, 0);
          out.writeUInt32BE(~lo >>> 0, 4);
          return out.toString("base64");
        },
      };
    }
    case "sha1":
    case "sha256": {
      const h: Hash = createHash(algorithm);
      return { update: (b) => void h.update(b), digestBase64: () => h.digest("base64") };
    }
  }
}

export function isChecksumAlgorithm(s: string): s is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(s);
}

const EXPECTED_LENGTH: Record<ChecksumAlgorithm, number> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export function isWellFormedChecksum(algorithm: ChecksumAlgorithm, value: string): boolean {
  return BASE64.test(value) && Buffer.from(value, "base64").length === EXPECTED_LENGTH[algorithm];
}
