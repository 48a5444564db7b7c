import { execFile } from "node:child_process";

/** The real curl, as users run it: `--http1.1` or `--http2` against a served host resolved to loopback. */
export type HttpVersion = "--http1.1" | "--http2";
export const HTTP_VERSIONS: readonly HttpVersion[] = ["--http1.1", "--http2"];

export interface CurlReply {
  status: number;
  httpVersion: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Runs curl against `url` (its host resolved to 127.0.0.1), trusting `caPath`. `args` are extra curl
 * arguments (`-X POST`, `--data-binary @file`, `-H …`). The reply's headers are lower-cased.
 */
export function curl(url: string, version: HttpVersion, o: { caPath?: string; args?: string[]; timeoutMs?: number } = {}): Promise<CurlReply> {
  const u = new URL(url);
  const port = u.port || (u.protocol === "https:" ? "443" : "80");
  const args = [
    "-sS",
    version,
    "--resolve",
    `${u.hostname}:${port}:127.0.0.1`,
    ...(o.caPath ? ["--cacert", o.caPath] : ["-k"]),
    "-D",
    "-",
    "-w",
    "\n%{http_code} %{http_version}",
    ...(o.args ?? []),
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile("curl", args, { encoding: "latin1", maxBuffer: 64 * 1024 * 1024, timeout: o.timeoutMs ?? 30_000 }, (err, stdout, stderr) => {
      if (err && !stdout) return reject(new Error(`curl ${args.join(" ")}: ${stderr || err.message}`));
      const tail = stdout.lastIndexOf("\n");
      const [code, httpVersion] = stdout.slice(tail + 1).split(" ");
      let rest = stdout.slice(0, tail);
      const headers: Record<string, string> = {};
      // curl prints one head per response (100 Continue first); the last one is the answer's.
      for (;;) {
        const end = rest.indexOf("\r\n\r\n");
        if (end === -1) break;
        const head = rest.slice(0, end);
        if (!/^HTTP\/\S+ \d{3}/.test(head)) break;
        rest = rest.slice(end + 4);
        if (/^HTTP\/\S+ 1\d\d/.test(head)) continue;
        for (const line of head.split("\r\n").slice(1)) {
          const i = line.indexOf(":");
          if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        break;
      }
      resolve({ status: Number(code), httpVersion: httpVersion ?? "", headers, body: rest });
    });
  });
}
