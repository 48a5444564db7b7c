import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The real curl, as a user runs it: `--http1.1` or `--http2` (ALPN on HTTPS), the CA from the ready
 * line, a body from a file (so curl sends `Expect: 100-continue` above 1 MiB on HTTP/1.1, its
 * default). Every call ends by itself (`--max-time`).
 */
export interface CurlResult {
  /** 0 when curl got no HTTP answer (see `curlExit`, `stderr`). */
  status: number;
  /** "1.1" or "2", as curl negotiated it. */
  httpVersion: string;
  /** Lower-cased names; the last value of a repeated header. */
  headers: Record<string, string>;
  /** The names as they came on the wire (HTTP/1.1 keeps their spelling), in order. */
  headerNames: string[];
  body: Buffer;
  curlExit: number;
  stderr: string;
}

export interface CurlRequest {
  url: string;
  method: string;
  http: "1.1" | "2";
  cacert: string;
  /** Path of a file sent with --data-binary; absent = no body at all. */
  bodyFile?: string;
  headers?: string[];
  /** Default 6 s: a loopback exchange of 2 MiB takes well under a second even on a busy machine. */
  maxTimeS?: number;
  /** Extra curl arguments (e.g. --limit-rate). */
  extra?: string[];
}

export async function curlExchange(r: CurlRequest): Promise<CurlResult> {
  const dir = await mkdtemp(join(tmpdir(), "ep-curl-"));
  try {
    const out = join(dir, "body");
    const head = join(dir, "head");
    // With --head curl writes the headers as the output; a HEAD answer's body is never read.
    const args = ["-sS", r.http === "2" ? "--http2" : "--http1.1", "--cacert", r.cacert, "--max-time", String(r.maxTimeS ?? 6), "-D", head];
    args.push("-o", r.method === "HEAD" ? "/dev/null" : out);
    args.push("-w", "%{http_code} %{http_version}");
    // `-X HEAD` would make curl wait for a body; `--head` is how a user sends HEAD.
    if (r.method === "HEAD") args.push("--head");
    else if (r.method !== "GET" || r.bodyFile !== undefined) args.push("-X", r.method);
    if (r.bodyFile !== undefined) args.push("--data-binary", `@${r.bodyFile}`);
    for (const h of r.headers ?? []) args.push("-H", h);
    args.push(...(r.extra ?? []), r.url);
    const { code, stdout, stderr } = await run("curl", args);
    const [status = "0", httpVersion = ""] = stdout.trim().split(" ");
    const headText = await readFile(head, "latin1").catch(() => "");
    // With 100-continue there are two header blocks; keep the final one.
    const blocks = headText.split(/\r\n\r\n/).filter((b) => b.trim() !== "");
    const headers: Record<string, string> = {};
    const headerNames: string[] = [];
    for (const line of (blocks.at(-1) ?? "").split("\r\n").slice(1)) {
      const i = line.indexOf(":");
      if (i <= 0) continue;
      headerNames.push(line.slice(0, i).trim());
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    return { status: Number(status), httpVersion, headers, headerNames, body: await readFile(out).catch(() => Buffer.alloc(0)), curlExit: code, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes the body files a matrix needs once: 0 B, 1 KB and 2 MiB of random bytes. */
export async function writeBodies(dir: string): Promise<Record<"0B" | "1KB" | "2MB", { path: string; bytes: Buffer }>> {
  const { randomBytes } = await import("node:crypto");
  const make = async (name: string, size: number) => {
    const bytes = randomBytes(size);
    const path = join(dir, name);
    await writeFile(path, bytes);
    return { path, bytes };
  };
  return { "0B": await make("0B", 0), "1KB": await make("1KB", 1024), "2MB": await make("2MB", 2 * 1024 * 1024) };
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args);
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
