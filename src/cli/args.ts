import { parseArgs } from "node:util";
import { EdgeparityError } from "../core/errors.js";

/** Flags shared by the commands; parsed once, validated here (conventions §3). */
export interface CliFlags {
  config: string | undefined;
  demo: boolean;
  httpPort: number;
  httpsPort: number;
  stateDir: string;
  host: string;
  json: boolean;
  logFormat: "text" | "cloudfront";
  verbose: boolean;
  positionals: string[];
}

export function parseFlags(argv: string[]): CliFlags {
  let v;
  try {
    v = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string", short: "c" },
        demo: { type: "boolean", default: false },
        "http-port": { type: "string", default: "4480" },
        "https-port": { type: "string", default: "4443" },
        "state-dir": { type: "string", default: ".edgeparity" },
        host: { type: "string", default: "127.0.0.1" },
        json: { type: "boolean", default: false },
        "log-format": { type: "string", default: "text" },
        verbose: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new EdgeparityError("CLI_USAGE", (e as Error).message);
  }
  const o = v.values;
  const logFormat = o["log-format"];
  if (logFormat !== "text" && logFormat !== "cloudfront") throw new EdgeparityError("CLI_USAGE", `--log-format must be text or cloudfront, not '${logFormat}'`);
  return {
    config: o.config,
    demo: o.demo ?? false,
    httpPort: port(o["http-port"]!, "--http-port"),
    httpsPort: port(o["https-port"]!, "--https-port"),
    stateDir: o["state-dir"]!,
    host: o.host!,
    json: o.json ?? false,
    logFormat,
    verbose: o.verbose ?? false,
    positionals: o.help ? ["help", ...v.positionals] : v.positionals,
  };
}

function port(s: string, flag: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 65535) throw new EdgeparityError("CLI_USAGE", `${flag} must be a port number 0–65535 (0 = any free port), not '${s}'`);
  return n;
}
