import { dirname } from "node:path";
import type { Importer, ImportOptions } from "../importer.js";
import { readOverlayLocal } from "../overlay-local.js";
import { isConfigurationFile, looksLikeTerraformJson } from "./detect.js";

/**
 * A Terraform root module folder (`*.tf`, `*.tf.json`), evaluated locally: variables from
 * `--var` / `--var-file` / `*.auto.tfvars` / `terraform.tfvars` / `TF_VAR_*`, locals, references,
 * `count` / `for_each` / `dynamic`, local modules, and the data sources edgeparity can answer.
 */
export const TERRAFORM_IMPORTER: Importer = {
  name: "terraform",
  patterns: ["*.tf", "*.tf.json"],
  scope: "folder",
  detect: (path) => isConfigurationFile(path),
  async import(dir, options: ImportOptions = {}) {
    // The evaluator loads on first use: a stack in another format never pays for it (issue 14: cold start).
    const [{ runRootModule }, { buildStack }] = await Promise.all([import("./module-run.js"), import("./terraform-stack.js")]);
    const overlayLocal = await readOverlayLocal(dir);
    const run = runRootModule(dir, { vars: options.variables ?? {}, varFiles: options.varFiles ?? [], env: options.env ?? process.env });
    return buildStack({ instances: run.instances, rootDir: dir, files: run.files, warnings: run.warnings, overlayLocal, defaultFile: run.files[0] ?? dir });
  },
};

/**
 * `terraform show -json` output: a saved plan (`planned_values`) or a state (`values`), the fully
 * evaluated form of the same configuration for users who can run Terraform.
 */
export const TERRAFORM_JSON_IMPORTER: Importer = {
  name: "terraform-show-json",
  patterns: ["*.json"],
  scope: "file",
  shadowedBy: "terraform",
  detect: (_path, bytes) => looksLikeTerraformJson(bytes),
  async import(file) {
    const [{ readTerraformJson }, { buildStack }] = await Promise.all([import("./show-json.js"), import("./terraform-stack.js")]);
    const dir = dirname(file);
    const overlayLocal = await readOverlayLocal(dir);
    const { instances, warnings } = await readTerraformJson(file);
    return buildStack({ instances, rootDir: dir, files: [file], warnings, overlayLocal, defaultFile: file });
  },
};
