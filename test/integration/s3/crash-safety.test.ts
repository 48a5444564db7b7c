import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** kill -9 during concurrent PUTs: no acknowledged object is lost, no partial object is visible (design.md §State). */
describe("s3 crash safety (edgeparity as a child process)", () => {
  let dir: string;
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function up(stateDir: string, config: string): Promise<{ child: ChildProcess; httpPort: number }> {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "up", "--json", "--http-port", "0", "--https-port", "0", "--state-dir", stateDir, "--config", config],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(child);
    const lines = createInterface({ input: child.stdout! });
    for await (const line of lines) {
      const ev = JSON.parse(line) as { event?: string; httpPort?: number };
      if (ev.event === "ready") return { child, httpPort: ev.httpPort! };
    }
    throw new Error("edgeparity exited before ready");
  }

  const client = (port: number) =>
    new S3Client({
      region: "us-east-1",
      endpoint: `http://localhost:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });

  const bodyFor = (key: string) => Buffer.alloc(256 * 1024, createHash("sha256").update(key).digest("hex"));

  it("after kill -9 every acknowledged PUT is there, byte for byte, and every visible object is whole", async () => {
    dir = await mkdtemp(join(tmpdir(), "edgeparity-crash-"));
    const config = join(dir, "stack.json");
    await writeFile(config, JSON.stringify({ buckets: { "crash-bucket": {} } }));
    const stateDir = join(dir, "state");
    const first = await up(stateDir, config);
    const s3 = client(first.httpPort);
    const acked = new Set<string>();
    let n = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const key = `obj-${n++}`;
        try {
          await s3.send(new PutObjectCommand({ Bucket: "crash-bucket", Key: key, Body: bodyFor(key) }));
          if (!stop) acked.add(key);
        } catch {
          return; // the server died mid-request: not acknowledged
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((ok) => setTimeout(ok, 1500));
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(workers);
    s3.destroy();
    assert.ok(acked.size > 10, `only ${acked.size} PUTs were acknowledged`);

    const second = await up(stateDir, config);
    const s3b = client(second.httpPort);
    try {
      const listed: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3b.send(new ListObjectsV2Command({ Bucket: "crash-bucket", ContinuationToken: token }));
        listed.push(...(page.Contents ?? []).map((c) => c.Key!));
        token = page.NextContinuationToken;
      } while (token);
      for (const key of acked) assert.ok(listed.includes(key), `acknowledged ${key} was lost`);
      for (const key of listed) {
        const got = await s3b.send(new GetObjectCommand({ Bucket: "crash-bucket", Key: key }));
        const body = Buffer.from(await got.Body!.transformToByteArray());
        assert.ok(body.equals(bodyFor(key)), `${key} is partial or corrupt (${body.length} bytes)`);
        assert.equal(got.ETag, `"${createHash("md5").update(body).digest("hex")}"`);
      }
    } finally {
      s3b.destroy();
      second.child.kill("SIGTERM");
    }
  });
});
