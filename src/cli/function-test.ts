import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { systemClock } from "../core/clock.js";
import { EdgeparityError } from "../core/errors.js";
import { randomIds } from "../core/ids.js";
import { MemoryLog } from "../core/log.js";
import { planRevision, REGION } from "../engine/start-stack.js";
import { importStack } from "../importers/index.js";
import { testFunctionOfRevision } from "../services/index.js";
import type { CliFlags } from "./args.js";
import { stackPath } from "./stack-path.js";

/**
 * `edgeparity function test <name> --event event.json [--stage DEVELOPMENT|LIVE]`: TestFunction
 * (cloudfront.md §13.6) on a function of the stack, printed as `aws cloudfront test-function`
 * prints it (`{"TestResult": {...}}`). The stack is bound and compiled as `validate` does; nothing listens.
 */
export async function runFunctionTest(flags: CliFlags): Promise<number> {
  const [, sub, name] = flags.positionals;
  if (sub !== "test" || !name || !flags.event)
    throw new EdgeparityError("CLI_USAGE", "usage: edgeparity function test <name> --event event.json [--stage DEVELOPMENT|LIVE] [--config FILE|DIR]");
  const text = await readFile(resolve(flags.event), "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new EdgeparityError("FILE_NOT_FOUND", `--event ${flags.event}: ${e.code ?? e.message}`);
  });
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (e) {
    throw new EdgeparityError("CLI_USAGE", `--event ${flags.event} is not JSON: ${(e as Error).message}`);
  }
  const loaded = await importStack(stackPath(flags), { parameters: flags.parameters });
  const door = { httpUrl: "http://127.0.0.1:9", httpsUrl: "https://127.0.0.1:9" };
  const { plans } = await planRevision(
    loaded.stack,
    { baseDir: loaded.baseDir, stateDir: resolve(flags.stateDir), region: REGION, log: new MemoryLog(), ids: randomIds, clock: systemClock },
    async () => door,
  );
  const result = testFunctionOfRevision(plans, name, event, flags.stage, systemClock.now());
  const meta = result.FunctionSummary.FunctionMetadata;
  const printed = {
    ...result,
    FunctionSummary: {
      ...result.FunctionSummary,
      FunctionMetadata: { ...meta, CreatedTime: cliTimestamp(meta.CreatedTime), LastModifiedTime: cliTimestamp(meta.LastModifiedTime) },
    },
  };
  process.stdout.write(`${JSON.stringify({ TestResult: printed }, null, 4)}\n`);
  return 0;
}

/**
 * A timestamp as AWS CLI v2 prints one (its default `cli_timestamp_format = iso8601`: Python's
 * `isoformat()` of a UTC datetime): `2026-12-01T17:56:59.373000+00:00`, no fraction when the
 * milliseconds are 0 — so `function test` output reads like `aws cloudfront test-function`'s.
 */
function cliTimestamp(iso: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{3}))?Z$/.exec(iso);
  if (!m) return iso;
  return `${m[1]}${m[2] === undefined || m[2] === "000" ? "" : `.${m[2]}000`}+00:00`;
}
