import { request } from "node:http";
import { resolve } from "node:path";
import { EdgeparityError } from "../core/errors.js";
import { readRunningInstance } from "../engine/state-dir-lock.js";
import type { CliFlags } from "./args.js";

/**
 * `edgeparity invalidate <distribution> <paths…>`: asks a running edgeparity to invalidate paths (cloudfront.md §12) through `POST /_edgeparity/invalidations` on the
 * `edgeparity.localhost` host. The distribution is its name, id or domain. The instance is the one
 * serving from --state-dir (its instance.json names the ports), unless --http-port is given.
 */
export async function runInvalidate(flags: CliFlags): Promise<number> {
  const [, distribution, ...paths] = flags.positionals;
  if (!distribution || paths.length === 0) {
    throw new EdgeparityError("CLI_USAGE", "usage: edgeparity invalidate <distribution> <path…> [--http-port N]   e.g. edgeparity invalidate app '/*'");
  }
  const body = JSON.stringify({ distribution, paths });
  const running = flags.httpPortGiven ? undefined : await readRunningInstance(resolve(flags.stateDir));
  const port = running?.httpPort ?? flags.httpPort;
  const listening = running?.host ?? flags.host;
  const host = listening === "0.0.0.0" ? "127.0.0.1" : listening === "::" ? "::1" : listening;
  const found = flags.httpPortGiven
    ? ""
    : running
      ? ` (pid ${running.pid}, from ${resolve(flags.stateDir)}/instance.json)`
      : ` (no running edgeparity in ${resolve(flags.stateDir)})`;
  const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host,
        port,
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
          `no edgeparity answered on ${host}:${port}${found} (${e.message}); start it with 'edgeparity up', or pass its --state-dir or --http-port`,
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
    throw new EdgeparityError("NOT_RUNNING", `the server on ${host}:${port} is not edgeparity (HTTP ${reply.status})`);
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
