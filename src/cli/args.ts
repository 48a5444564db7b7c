import { parseArgs } from "node:util";
import { EdgeparityError } from "../core/errors.js";

/** Flags shared by the commands; parsed once, validated here (conventions §3). */
export interface CliFlags {
  config: string | undefined;
  demo: boolean;
  httpPort: number;
  /** False when --http-port was not given (`invalidate` then looks for the running instance). */
  httpPortGiven: boolean;
  httpsPort: number;
  stateDir: string;
  /** --ca-dir; undefined means the per-user default. */
  caDir: string | undefined;
  host: string;
  json: boolean;
  /** `up` watches the stack and handler files and applies edits (off with --no-watch). */
  watch: boolean;
  logFormat: "text" | "cloudfront";
  /** `up --trace`: every request's trace on stderr, and `X-Edgeparity-Trace` on responses. */
  trace: boolean;
  verbose: boolean;
  version: boolean;
  /** `export --format`: yaml (default) or json. */
  format: "yaml" | "json";
  /** `export --out FILE`; stdout when absent. */
  out: string | undefined;
  /** `--parameter Key=Value` (repeatable): CloudFormation template parameter overrides. */
  parameters: Record<string, string>;
  /** `function test --event FILE`: the event object as TestFunction takes it. */
  event: string | undefined;
  /** `function test --stage DEVELOPMENT|LIVE`. */
  stage: "DEVELOPMENT" | "LIVE";
  /** `--var name=value` (repeatable): Terraform input variables. */
  variables: Record<string, string>;
  /** `--var-file path` (repeatable): Terraform variable files, in order. */
  varFiles: string[];
  positionals: string[];
}

const OPTIONS = {
  config: { type: "string", short: "c" },
  demo: { type: "boolean", default: false },
  "http-port": { type: "string" },
  "https-port": { type: "string", default: "4443" },
  "state-dir": { type: "string", default: ".edgeparity" },
  "ca-dir": { type: "string" },
  host: { type: "string", default: "127.0.0.1" },
  json: { type: "boolean", default: false },
  // Node 20's parseArgs has no negative flags; --no-watch is a flag of its own.
  "no-watch": { type: "boolean", default: false },
  "log-format": { type: "string", default: "text" },
  verbose: { type: "boolean", short: "v", default: false },
  trace: { type: "boolean", default: false },
  version: { type: "boolean", default: false },
  parameter: { type: "string", multiple: true },
  format: { type: "string", default: "yaml" },
  out: { type: "string", short: "o" },
  event: { type: "string" },
  stage: { type: "string", default: "DEVELOPMENT" },
  var: { type: "string", multiple: true },
  "var-file": { type: "string", multiple: true },
  help: { type: "boolean", short: "h", default: false },
} as const;

export const DEFAULT_HTTP_PORT = 4480;

export function parseFlags(argv: string[]): CliFlags {
  let v;
  try {
    v = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    throw new EdgeparityError("CLI_USAGE", usageMessage(e as Error & { code?: string }), { cause: e });
  }
  const o = v.values;
  const logFormat = o["log-format"];
  if (logFormat !== "text" && logFormat !== "cloudfront") throw new EdgeparityError("CLI_USAGE", `--log-format must be text or cloudfront, not '${logFormat}'`);
  const format = o.format;
  if (format !== "yaml" && format !== "json") throw new EdgeparityError("CLI_USAGE", `--format must be yaml or json, not '${format}'`);
  const parameters: Record<string, string> = {};
  for (const p of o.parameter ?? []) {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new EdgeparityError("CLI_USAGE", `--parameter takes Key=Value (a CloudFormation template parameter), not '${p}'`);
    parameters[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const stage = o.stage;
  if (stage !== "DEVELOPMENT" && stage !== "LIVE") throw new EdgeparityError("CLI_USAGE", `--stage must be DEVELOPMENT or LIVE, not '${stage}'`);
  const variables: Record<string, string> = {};
  for (const p of o.var ?? []) {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new EdgeparityError("CLI_USAGE", `--var takes name=value (a Terraform input variable), not '${p}'`);
    variables[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return {
    event: o.event,
    stage,
    parameters,
    format,
    out: o.out,
    variables,
    varFiles: o["var-file"] ?? [],
    config: o.config,
    demo: o.demo ?? false,
    httpPort: o["http-port"] === undefined ? DEFAULT_HTTP_PORT : port(o["http-port"], "--http-port"),
    httpPortGiven: o["http-port"] !== undefined,
    httpsPort: port(o["https-port"]!, "--https-port"),
    stateDir: o["state-dir"]!,
    caDir: o["ca-dir"],
    host: o.host!,
    json: o.json ?? false,
    watch: !o["no-watch"],
    logFormat,
    trace: o.trace ?? false,
    verbose: o.verbose ?? false,
    version: o.version ?? false,
    positionals: o.help ? ["help", ...v.positionals] : v.positionals,
  };
}

/** Node's parseArgs messages, in our words: `unknown flag --http-prot (did you mean --http-port?)`. */
function usageMessage(e: Error & { code?: string }): string {
  const unknown = e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'(-{1,2}[^']*)'/.exec(e.message)?.[1] : undefined;
  if (unknown) {
    const flag = unknown.replace(/=.*$/, "");
    const near = closestFlag(flag.replace(/^-+/, ""));
    return `unknown flag ${flag}${near ? ` (did you mean --${near}?)` : ""}; see edgeparity --help`;
  }
  const missing =
    e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /argument missing/.test(e.message) ? /Option '[^']*?(--[\w-]+)/.exec(e.message)?.[1] : undefined;
  if (missing) return `${missing} needs a value; see edgeparity --help`;
  return e.message;
}

function closestFlag(typed: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of Object.keys(OPTIONS)) {
    const d = editDistance(typed.toLowerCase(), name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  // A transposition or two typos; farther than that is a different word, not a typo.
  return bestDistance <= Math.max(2, Math.floor(typed.length / 4)) ? best : undefined;
}

/** Damerau–Levenshtein (optimal string alignment): `prot` → `port` is one transposition. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

function port(s: string, flag: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 65535) throw new EdgeparityError("CLI_USAGE", `${flag} must be a port number 0–65535 (0 = any free port), not '${s}'`);
  return n;
}
