import { execFile } from "node:child_process";
import { access, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The real `terraform` binary with the AWS provider from this machine's filesystem mirror (no
 * registry is reachable). The mirror is found from `TF_PLUGIN_MIRROR`, Terraform's implicit local
 * mirror folders, or a `registry.terraform.io/hashicorp/aws` folder one level under `/opt` (where
 * these machines keep it). Undefined when either is missing, so a suite can say why it is skipped.
 */
export interface Terraform {
  /** Runs `terraform <args>` in `dir`; resolves with stdout, rejects with stdout + stderr. */
  (dir: string, ...args: string[]): Promise<string>;
  mirror: string;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function findMirror(): Promise<string | undefined> {
  const home = process.env.HOME ?? "";
  const candidates = [
    process.env.TF_PLUGIN_MIRROR,
    join(home, ".terraform.d", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ];
  const opt = await readdir("/opt").catch(() => [] as string[]);
  candidates.push(...opt.map((d) => join("/opt", d)));
  for (const c of candidates) if (c && (await exists(join(c, "registry.terraform.io", "hashicorp", "aws")))) return c;
  return undefined;
}

export async function findTerraform(): Promise<Terraform | undefined> {
  const bin = await run("terraform", ["version"]).then(
    () => "terraform",
    () => undefined,
  );
  const mirror = await findMirror();
  if (!bin || !mirror) return undefined;
  const tf = (async (dir: string, ...args: string[]) => {
    const config = join(dir, "cli.tfrc");
    await writeFile(
      config,
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }\n}\n`,
    );
    try {
      const { stdout } = await run(bin, args, {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TF_CLI_CONFIG_FILE: config, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
        timeout: 400_000,
        maxBuffer: 32 * 1024 * 1024,
      });
      return stdout;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`terraform ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
    }
  }) as Terraform;
  tf.mirror = mirror;
  return tf;
}

/** A provider block aimed at edgeparity's endpoint with the flags that keep it off the network. */
export function localProvider(endpoint: string, services: readonly string[]): string {
  return `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true
  endpoints {
${services.map((s) => `    ${s} = ${JSON.stringify(endpoint)}`).join("\n")}
  }
}
`;
}
