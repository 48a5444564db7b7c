import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs the real curl against a loopback URL whose host name resolves to 127.0.0.1 (`--resolve`),
 * trusting the given CA. Returns the status curl saw, the body and curl's stderr (`-v` output).
 */
export async function curl(
  url: string,
  o: { ca?: string; http2?: boolean; method?: string; headers?: string[]; body?: Buffer; timeoutS?: number } = {},
): Promise<{ status: number; body: string; stderr: string }> {
  const u = new URL(url);
  const port = u.port || (u.protocol === "https:" ? "443" : "80");
  const dir = mkdtempSync(join(tmpdir(), "edgeparity-curl-"));
  try {
    const args = ["-sS", "-v", "--max-time", String(o.timeoutS ?? 20), "--resolve", `${u.hostname}:${port}:127.0.0.1`, "-o", "-", "-w", "\n%{http_code}"];
    if (o.ca) {
      writeFileSync(join(dir, "ca.pem"), o.ca);
      args.push("--cacert", join(dir, "ca.pem"));
    }
    args.push(o.http2 ? "--http2" : "--http1.1");
    if (o.method) args.push("-X", o.method);
    for (const h of o.headers ?? []) args.push("-H", h);
    if (o.body) {
      writeFileSync(join(dir, "body"), o.body);
      args.push("--data-binary", `@${join(dir, "body")}`);
    }
    args.push(url);
    return await new Promise((resolve) => {
      execFile("curl", args, { maxBuffer: 64 * 1024 * 1024, encoding: "latin1" }, (_err, stdout, stderr) => {
        const nl = stdout.lastIndexOf("\n");
        resolve({ status: Number(stdout.slice(nl + 1)) || 0, body: stdout.slice(0, Math.max(nl, 0)), stderr });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
