import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeThroughTempFile } from "./temp-file.js";

/**
 * Multipart uploads in progress (s3.md §4.5): `uploads/<id>/upload.json` plus one file per part,
 * each written to a temp name and renamed, so a part is either whole or absent (no fsync: temp-file.ts).
 */
export interface UploadInfo {
  uploadId: string;
  key: string;
  initiated: number;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  checksumAlgorithm?: string;
  tags?: [string, string][];
}

export interface PartInfo {
  partNumber: number;
  size: number;
  /** Quoted MD5 hex. */
  etag: string;
  md5: string;
  lastModified: number;
  checksums: Record<string, string>;
}

interface Upload {
  info: UploadInfo;
  parts: Map<number, PartInfo>;
}

export class MultipartUploads {
  readonly #uploads = new Map<string, Upload>();

  private constructor(
    readonly dir: string,
    readonly uuid: () => string,
  ) {}

  static async open(dir: string, uuid: () => string): Promise<MultipartUploads> {
    const m = new MultipartUploads(dir, uuid);
    await mkdir(dir, { recursive: true });
    for (const id of await readdir(dir)) {
      try {
        const info = JSON.parse(await readFile(join(dir, id, "upload.json"), "utf8")) as UploadInfo;
        const parts = new Map<number, PartInfo>();
        for (const f of await readdir(join(dir, id))) {
          if (!f.endsWith(".json") || f === "upload.json") continue;
          const p = JSON.parse(await readFile(join(dir, id, f), "utf8")) as PartInfo;
          parts.set(p.partNumber, p);
        }
        m.#uploads.set(id, { info, parts });
      } catch {
        await rm(join(dir, id), { recursive: true, force: true });
      }
    }
    return m;
  }

  get(uploadId: string): { info: UploadInfo; parts: ReadonlyMap<number, PartInfo> } | undefined {
    return this.#uploads.get(uploadId);
  }

  list(): UploadInfo[] {
    return [...this.#uploads.values()].map((u) => u.info);
  }

  async create(info: Omit<UploadInfo, "uploadId">): Promise<UploadInfo> {
    const uploadId = this.uuid().replaceAll("-", "") + this.uuid().replaceAll("-", "");
    const full = { ...info, uploadId };
    await mkdir(join(this.dir, uploadId), { recursive: true });
    await writeFile(join(this.dir, uploadId, "upload.json"), JSON.stringify(full));
    this.#uploads.set(uploadId, { info: full, parts: new Map() });
    return full;
  }

  partPath(uploadId: string, partNumber: number): string {
    return join(this.dir, uploadId, String(partNumber));
  }

  /** Streams one part to disk; `finish` may throw to reject it (bad digest) leaving no trace. */
  async writePart(
    uploadId: string,
    partNumber: number,
    chunks: AsyncIterable<Buffer>,
    lastModified: number,
    finish: (size: number, md5: Buffer) => Record<string, string> | Promise<Record<string, string>>,
  ): Promise<PartInfo> {
    const tmp = join(this.dir, uploadId, `.tmp-${this.uuid()}`);
    return writeThroughTempFile(tmp, chunks, undefined, async (file, size, digest) => {
      const checksums = await finish(size, digest);
      await file.close();
      const part: PartInfo = { partNumber, size, etag: `"${digest.toString("hex")}"`, md5: digest.toString("hex"), lastModified, checksums };
      await rename(tmp, this.partPath(uploadId, partNumber));
      await writeFile(join(this.dir, uploadId, `${partNumber}.json`), JSON.stringify(part));
      const u = this.#uploads.get(uploadId);
      if (!u) throw new Error("upload vanished");
      u.parts.set(partNumber, part);
      return part;
    });
  }

  async remove(uploadId: string): Promise<void> {
    this.#uploads.delete(uploadId);
    await rm(join(this.dir, uploadId), { recursive: true, force: true });
  }
}
