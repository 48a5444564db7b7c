import { request } from "node:http";
import { EdgeparityError } from "../core/errors.js";
import type { CliFlags } from "./args.js";

/**
 * `edgeparity invalidate <distribution> <paths…>`: asks a running edgeparity (on --http-port) to
 * invalidate paths (cloudfront.md §12) through `POST /_edgeparity/invalidations` on the
 * `edgeparity.localhost` host. The distribution is its name, id or domain.
 */
export async function runInvalidate(flags: CliFlags): Promise<number> {
  const [, distribution, ...paths] = flags.positionals;
  if (!distribution || paths.length === 0) {
    throw new EdgeparityError("CLI_USAGE", "usage: edgeparity invalidate <distribution> <path…> [--http-port N]   e.g. edgeparity invalidate app '/*'");
  }
  const body = JSON.stringify({ distribution, paths });
  const host = flags.host === "0.0.0.0" ? "127.0.0.1" : flags.host;
  const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host,
        port: flags.httpPort,
        method: "POST",
        path: "/_edgeparity/invalidations",
        headers: { host: "edgeparity.localhost", "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", (e) =>
      reject(
        new EdgeparityError(
          "NOT_RUNNING",
          `no edgeparity answered on ${host}:${flags.httpPort} (${e.message}); start it with 'edgeparity up' or pass --http-port`,
          { cause: e },
        ),
      ),
    );
    req.end(body);
  });
  let parsed: { error?: string; Invalidation?: { Id: string; Status: string; ObjectsRemoved: number } };
  try {
    parsed = JSON.parse(reply.text);
  } catch {
    throw new EdgeparityError("NOT_RUNNING", `the server on ${host}:${flags.httpPort} is not edgeparity (HTTP ${reply.status})`);
  }
  if (reply.status !== 201 || !parsed.Invalidation) {
    const code = reply.status === 404 ? "NO_SUCH_DISTRIBUTION" : "INVALIDATION_INVALID";
    throw new EdgeparityError(code, parsed.error ?? `HTTP ${reply.status}`);
  }
  const inv = parsed.Invalidation;
  process.stdout.write(
    flags.json ? `${JSON.stringify(inv)}\n` : `invalidation ${inv.Id} ${inv.Status}: ${paths.join(" ")} (${inv.ObjectsRemoved} cached objects removed)\n`,
  );
  return 0;
}
