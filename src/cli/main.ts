#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { EdgeparityError } from "../core/errors.js";
import { parseFlags } from "./args.js";
import { runExport } from "./export.js";
import { runFunctionTest } from "./function-test.js";
import { runInvalidate } from "./invalidate.js";
import { runUp } from "./up.js";
import { runValidate } from "./validate.js";

const HELP = `edgeparity — CloudFront, ALB and S3 on one machine, with AWS's behaviour

Usage:
  edgeparity up [--config FILE|DIR] [--demo]   serve a stack (default ./edgeparity.yaml)
  edgeparity validate --config FILE|DIR        check a stack without serving
  edgeparity invalidate <distribution> <path…> invalidate cached paths on the edgeparity running from --state-dir
  edgeparity export [--format yaml|json] [-o FILE]  the stack file plus what the AWS API created (from --state-dir), as one stack file
  edgeparity function test <name> --event FILE [--stage DEVELOPMENT|LIVE]
                                               run a CloudFront Function on an event, as aws cloudfront test-function

Options:
  -c, --config FILE|DIR   stack file (edgeparity.yaml, a DistributionConfig JSON, a CloudFormation template,
                          terraform show -json output), or a folder of them (a Terraform folder of .tf files)
      --demo              serve the embedded demo stack (SPA in S3 + API behind an ALB)
      --http-port N       HTTP port for every host (default 4480; 0 = any free port)
      --https-port N      HTTPS port for every host (default 4443; 0 = any free port)
      --state-dir DIR     bucket data, cache; one running edgeparity each (default .edgeparity)
      --ca-dir DIR        local CA (default $EDGEPARITY_CA_DIR, else ~/.local/share/edgeparity/ca)
      --host ADDR         address to listen on (default 127.0.0.1)
      --json              print one JSON line with every endpoint when ready (then one per revision)
      --no-watch          do not apply edits of the stack file(s) and Lambda handler files while serving
      --log-format F      access log on stdout: text (default) or cloudfront
      --parameter K=V     a CloudFormation template parameter (repeatable)
      --var NAME=VALUE    a Terraform input variable (repeatable; wins over tfvars and TF_VAR_*)
      --var-file FILE     a Terraform variable file (repeatable, in order)
      --trace             print every request's trace (decisions, why) on stderr; responses carry X-Edgeparity-Trace
  -v, --verbose           debug logging on stderr
      --version           print the version
`;

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (flags.version) {
    process.stdout.write(`edgeparity ${version()}\n`);
    return 0;
  }
  const [command = "up"] = flags.positionals;
  switch (command) {
    case "up":
      return runUp(flags);
    case "validate":
      return runValidate(flags);
    case "invalidate":
      return runInvalidate(flags);
    case "export":
      return runExport(flags);
    case "function":
      return runFunctionTest(flags);
    case "help":
      process.stdout.write(HELP);
      return 0;
    default:
      throw new EdgeparityError("CLI_USAGE", `unknown command '${command}'\n\n${HELP}`);
  }
}

/** From package.json, which ships beside dist/ (and src/ in a checkout). */
function version(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof EdgeparityError) process.stderr.write(`edgeparity: ${e.message}\n`);
    else process.stderr.write(`edgeparity: internal error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = e instanceof EdgeparityError && e.code === "CLI_USAGE" ? 2 : 1;
  },
);
