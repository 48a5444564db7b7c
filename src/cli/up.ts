import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { systemClock } from "../core/clock.js";
import { StreamLog, type Log } from "../core/log.js";
import { APIGATEWAY_REQUEST, type ApiGatewayRequestEvent } from "../core/trace.js";
import { startEdgeparity, type EdgeparityStack } from "../index.js";
import { STACK_FILE_NAMES } from "../importers/index.js";
import { subscribeAccessLog } from "../observe/access-log/edge-log.js";
import { formatTrace } from "../observe/trace/format-trace.js";
import { batchLines } from "../observe/access-log/line-batch.js";
import type { CliFlags } from "./args.js";
import { describeUpdateError, startLiveReload, type LiveReload } from "./live-reload.js";
import { superviseProcess } from "./process-lifecycle.js";
import { stackPath } from "./stack-path.js";
import { widenPolymorphicInlineCaches } from "./polymorphic-ics.js";
import { keepTickObjectShape } from "./tick-object-shape.js";
import { deferWasmTierUp } from "./wasm-tiering.js";

/**
 * Serves until SIGINT/SIGTERM (then closes within 5 s, or is forced). Operator messages on stderr;
 * stdout carries --json and the access log. Supervised before anything starts, so a signal or a
 * crash during start-up still ends the target commands already started. Unless --no-watch, edits
 * of the stack and handler files become new revisions (live-reload.ts).
 */
export async function runUp(flags: CliFlags): Promise<number> {
  // Before any request: a process that serves many services keeps its hot paths' inline caches polymorphic.
  widenPolymorphicInlineCaches();
  // Before undici parses its first response: the parser's TurboFan compile waits for real traffic.
  deferWasmTierUp();
  // Before the first request: a GC while no tick object is alive must not free their maps.
  keepTickObjectShape();
  const lifecycle = superviseProcess({ write: (t) => process.stderr.write(t) });
  const log = new StreamLog((l) => process.stderr.write(l), flags.verbose ? "debug" : "info");
  // --verbose: each REST request's API Gateway execution log, as debug lines.
  if (flags.verbose)
    APIGATEWAY_REQUEST.subscribe((m) => {
      const e = m as ApiGatewayRequestEvent;
      for (const line of e.executionLog) log.debug(`api ${e.apiName} (${e.apiId}): ${line}`);
    });
  const started = performance.now();
  const accessLog = batchLines((chunk) => process.stdout.write(chunk));
  // A crash or process.exit still writes the lines of the last turn (stdout writes are synchronous).
  process.once("exit", accessLog.flush);
  const config = stackPath(flags);
  const stack = await startEdgeparity({
    config,
    httpPort: flags.httpPort,
    httpsPort: flags.httpsPort,
    stateDir: resolve(flags.stateDir),
    caDir: flags.caDir,
    host: flags.host,
    parameters: flags.parameters,
    variables: flags.variables,
    varFiles: flags.varFiles,
    log,
    // Traces go to stderr with the operator's messages; stdout keeps the access log and --json.
    trace: flags.trace ? { onTrace: (t) => process.stderr.write(formatTrace(t)) } : undefined,
  });
  const readyMs = performance.now() - started;
  // Watching starts before the ready line: an edit made as soon as it is read is not missed, and
  // its revision line (100 ms of debounce later at the earliest) still comes after it.
  const reload = flags.watch ? await watchStack(stack, config, flags.json, log, accessLog.flush) : undefined;
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ event: "ready", readyMs: Math.round(readyMs), httpPort: stack.httpPort, httpsPort: stack.httpsPort, caPath: stack.caPath, spkiHash: stack.spkiHash, distributions: stack.distributions, loadBalancers: stack.loadBalancers, buckets: stack.buckets, apis: stack.apis, apisById: stack.apisById, warnings: stack.warnings })}\n`,
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
      // How its origins will answer right now: the tour's private bucket explains its own 403.
      const health = stack.originHealth()[name];
      if (health) lines.push(`    origins: ${health}`);
    }
    for (const [name, lb] of Object.entries(stack.loadBalancers)) lines.push(`  load balancer ${name}  ${lb.httpUrl}`);
    for (const [name, b] of Object.entries(stack.buckets)) lines.push(`  bucket ${name}  ${b.httpUrl}  (${b.folder})`);
    for (const [name, a] of Object.entries(stack.apis))
      for (const [stage, url] of Object.entries(a.stages)) lines.push(`  ${a.kind === "rest" ? "REST" : "HTTP"} API ${name} (${a.id}) stage ${stage}  ${url}`);
    lines.push(
      `  HTTPS uses a local CA: ${stack.caPath}`,
      `    curl --cacert ${stack.caPath} …   ·   NODE_EXTRA_CA_CERTS=${stack.caPath} node …`,
      `    Chromium: --ignore-certificate-errors-spki-list=${stack.spkiHash}`,
    );
    process.stderr.write(`${lines.join("\n")}\n`);
  }
  // After the ready line, so `--json` readers always find it first. Batched per event-loop turn
  // (line-batch.ts); a revision line flushes the batch first, so stdout keeps the order of events.
  const unsubscribe = subscribeAccessLog(flags.logFormat, accessLog.write);
  await lifecycle.stopRequested;
  unsubscribe();
  accessLog.flush();
  return lifecycle.shutdown(async () => {
    await reload?.close();
    await stack.close();
  });
}

/**
 * Revisions on stderr (`revision 2: distribution app: CacheBehaviors[1] /api/* added (41 ms)`);
 * with --json also one line each on stdout: `{"event":"revision",…}` or `{"event":"revision-rejected",…}`.
 */
async function watchStack(stack: EdgeparityStack, config: string, json: boolean, log: Log, flushAccessLog: () => void): Promise<LiveReload> {
  const configIsFolder = (await stat(config).catch(() => undefined))?.isDirectory() ?? false;
  return startLiveReload({
    stack,
    config,
    configIsFolder,
    // The importers' patterns: the YAML stack's names, DistributionConfig `*.json`, CloudFormation templates,
    // Terraform files and variable files.
    isStackFileName: (name) => (STACK_FILE_NAMES as readonly string[]).includes(name.toLowerCase()) || /\.(json|ya?ml|template|tf|tfvars)$/i.test(name),
    clock: systemClock,
    log,
    onApplied({ revision, changes, ms }) {
      const took = `${ms.toFixed(0)} ms`;
      if (changes.length === 0) log.info(`revision ${revision}: no change to the stack's resources (${took})`);
      else if (changes.length === 1) log.info(`revision ${revision}: ${changes[0]} (${took})`);
      else log.info(`revision ${revision} (${took}):\n  ${changes.join("\n  ")}`);
      flushAccessLog();
      if (json) process.stdout.write(`${JSON.stringify({ event: "revision", revision, changes, ms: Math.round(ms) })}\n`);
    },
    onRejected({ revision, serving, error }) {
      const text = describeUpdateError(error);
      // A list of problems keeps one per line; the verdict then gets its own line.
      log.error(`revision ${revision} not applied: ${text}${text.includes("\n") ? "\n" : "; "}still serving revision ${serving}`);
      flushAccessLog();
      if (json) process.stdout.write(`${JSON.stringify({ event: "revision-rejected", revision, serving, error: text })}\n`);
    },
  });
}
