import { writeFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { stringify } from "yaml";
import { ApiState } from "../engine/api-state.js";
import { SERVICES } from "../services/index.js";
import { composeStack, fragmentSource, mergeStackInput, readStackSources } from "../importers/index.js";
import type { CliFlags } from "./args.js";
import { stackPath } from "./stack-path.js";

/**
 * `edgeparity export [--format yaml|json] [--out FILE]`: the live state — the stack file's
 * resources plus those created through the AWS API (`<state-dir>/api/stack.json`) — as one stack
 * file that `edgeparity up` serves identically. Steps: read the stack's sources and the API's
 * fragment → merge them as `up` does → parse (the export is refused if `up` would refuse it) →
 * bound paths made absolute, so the file works from any folder → YAML or JSON. What is read is
 * what `up` serves: the API persists every change before answering it. What the API keeps that a
 * stack file has no field for (each service's `exportGaps`: CloudFront tags, public keys…) is
 * named on stderr as a warning, never dropped silently.
 */
export async function runExport(flags: CliFlags): Promise<number> {
  const sources = await readStackSources(stackPath(flags), { parameters: flags.parameters, variables: flags.variables, varFiles: flags.varFiles });
  const api = await ApiState.open(resolve(flags.stateDir));
  const extra = [fragmentSource(api.fragment, `the resources created through the AWS API (${api.path})`)];
  composeStack(sources, extra);
  const input = absoluteLocalPaths(mergeStackInput(sources, extra), sources.baseDir);
  const text = flags.format === "json" ? `${JSON.stringify(input, null, 2)}\n` : stringify(input, { lineWidth: 0 });
  if (flags.out) await writeFile(flags.out, text);
  else process.stdout.write(text);
  for (const gap of SERVICES.flatMap((s) => s.exportGaps?.(api.records[s.name], api.fragment) ?? []))
    process.stderr.write(`warning: export: not carried: ${gap} (docs/fidelity.md "State: API records and export")\n`);
  return 0;
}

/** `local.buckets.*.folder` and Lambda / command target paths, resolved against the stack's folder. */
function absoluteLocalPaths(input: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const local = input.local as { buckets?: Record<string, { folder?: unknown }>; targetGroups?: Record<string, { targets?: unknown[] }> } | undefined;
  if (!local) return input;
  const abs = (p: unknown) => (typeof p === "string" && !isAbsolute(p) ? resolve(baseDir, p) : p);
  const buckets = Object.fromEntries(Object.entries(local.buckets ?? {}).map(([k, b]) => [k, b.folder === undefined ? b : { ...b, folder: abs(b.folder) }]));
  const targetGroups = Object.fromEntries(
    Object.entries(local.targetGroups ?? {}).map(([k, tg]) => [
      k,
      {
        ...tg,
        targets: (tg.targets ?? []).map((t) => {
          if (typeof t !== "object" || t === null) return t;
          const x = { ...(t as Record<string, unknown>) };
          if ("lambda" in x) x.lambda = abs(x.lambda);
          if ("cwd" in x) x.cwd = abs(x.cwd);
          return x;
        }),
      },
    ]),
  );
  return {
    ...input,
    local: { ...local, ...(local.buckets ? { buckets } : {}), ...(local.targetGroups ? { targetGroups } : {}) },
  };
}
