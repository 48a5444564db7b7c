import { mkdir, open, rename } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * temp file beside the target + fsync + rename: a crash, or a reader at any moment (a folder
 * watcher, the next start), sees the old file or the new one, never half of one.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const f = await open(tmp, "w");
  try {
    await f.writeFile(text);
    await f.sync();
  } finally {
    await f.close();
  }
  await rename(tmp, path);
}
