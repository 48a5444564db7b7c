import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface AwsCli {
  /** Runs `/usr/bin/aws <args> --endpoint-url <endpoint>` and returns stdout; rejects with stderr on failure. */
  (...args: string[]): Promise<string>;
  /** The CLI's temporary HOME; tests may keep scratch files there. */
  home: string;
  /** Removes the CLI's temporary HOME. */
  cleanup(): Promise<void>;
}

/** The AWS CLI v2 (`/usr/bin/aws`) with test/test credentials, us-east-1, a private HOME, against `endpoint`. */
export async function awsCli(endpoint: () => string): Promise<AwsCli> {
  const home = await mkdtemp(join(tmpdir(), "edgeparity-cli-"));
  await writeFile(join(home, "config"), "[default]\nregion = us-east-1\n");
  const cli = (async (...args: string[]) => {
    const { stdout } = await run("/usr/bin/aws", [...args, "--endpoint-url", endpoint()], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: home,
        AWS_CONFIG_FILE: join(home, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_PAGER: "",
      },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  }) as AwsCli;
  cli.home = home;
  cli.cleanup = () => rm(home, { recursive: true, force: true });
  return cli;
}

/** The CLI's stderr for a command that must fail; fails the test when it succeeds. */
export async function awsFailure(aws: AwsCli, ...args: string[]): Promise<string> {
  try {
    await aws(...args);
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  }
  throw new Error(`aws ${args.join(" ")} succeeded`);
}
