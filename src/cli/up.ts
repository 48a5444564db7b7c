import { resolve } from "node:path";
import { StreamLog } from "../core/log.js";
import { startEdgeparity } from "../index.js";
import { subscribeAccessLog } from "../observe/access-log/edge-log.js";
import type { CliFlags } from "./args.js";
import { superviseProcess } from "./process-lifecycle.js";
import { stackPath } from "./stack-path.js";

/**
 * Serves until SIGINT/SIGTERM (then closes within 5 s, or is forced). Operator messages on stderr;
 * stdout carries --json and the access log. Supervised before anything starts, so a signal or a
 * crash during start-up still ends the target commands already started.
 */
export async function runUp(flags: CliFlags): Promise<number> {
  const lifecycle = superviseProcess({ write: (t) => process.stderr.write(t) });
  const log = new StreamLog((l) => process.stderr.write(l), flags.verbose ? "debug" : "info");
  const started = performance.now();
  const stack = await startEdgeparity({
    config: stackPath(flags),
    httpPort: flags.httpPort,
    httpsPort: flags.httpsPort,
    stateDir: resolve(flags.stateDir),
    caDir: flags.caDir,
    host: flags.host,
    log,
  });
  const readyMs = performance.now() - started;
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ event: "ready", readyMs: Math.round(readyMs), httpPort: stack.httpPort, httpsPort: stack.httpsPort, caPath: stack.caPath, spkiHash: stack.spkiHash, distributions: stack.distributions, loadBalancers: stack.loadBalancers, buckets: stack.buckets, warnings: stack.warnings })}\n`,
    );
  } else {
    const lines = [`edgeparity is up (${readyMs.toFixed(0)} ms)`];
    for (const [name, d] of Object.entries(stack.distributions)) {
      if (!d.enabled) {
        lines.push(`  distribution ${name} ${d.id}  (Enabled: false — serves no requests)`);
        continue;
      }
      lines.push(`  distribution ${name} ${d.id}`, `    ${d.url}`, `    ${d.httpUrl}`);
      for (const a of d.aliases) lines.push(`    alias https://${a}:${stack.httpsPort}/`);
    }
    for (const [name, lb] of Object.entries(stack.loadBalancers)) lines.push(`  load balancer ${name}  ${lb.httpUrl}`);
    for (const [name, b] of Object.entries(stack.buckets)) lines.push(`  bucket ${name}  ${b.httpUrl}  (${b.folder})`);
    lines.push(
      `  HTTPS uses a local CA: ${stack.caPath}`,
      `    curl --cacert ${stack.caPath} …   ·   NODE_EXTRA_CA_CERTS=${stack.caPath} node …`,
      `    Chromium: --ignore-certificate-errors-spki-list=${stack.spkiHash}`,
    );
    process.stderr.write(`${lines.join("\n")}\n`);
  }
  // After the ready line, so `--json` readers always find it first.
  const unsubscribe = subscribeAccessLog(flags.logFormat, (l) => process.stdout.write(l));
  await lifecycle.stopRequested;
  unsubscribe();
  return lifecycle.shutdown(() => stack.close());
}
