import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EdgeparityError } from "../../core/errors.js";
import type { Importer, ImportOptions } from "../importer.js";
import { readOverlayLocal } from "../overlay-local.js";
import { STACK_FILE_NAMES } from "../yaml/index.js";
import { looksLikeTemplate, parseTemplateText } from "./template-file.js";

/**
 * A CloudFormation template (JSON or YAML, short-form intrinsics included), or a CDK cloud assembly's
 * `<Stack>.template.json` beside its `manifest.json` and `asset.*` folders (`--config cdk.out`).
 * Parameters take their Default unless `options.parameters` (the CLI's `--parameter Key=Value`)
 * gives a value.
 */
export const CLOUDFORMATION_IMPORTER: Importer = {
  name: "cloudformation",
  patterns: ["*.yaml", "*.yml", "*.json", "*.template"],
  scope: "file",
  detect(path, bytes) {
    if ((STACK_FILE_NAMES as readonly string[]).includes(basename(path).toLowerCase())) return false;
    return looksLikeTemplate(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  },
  async import(path, options: ImportOptions = {}) {
    const text = await readFile(path, "utf8").catch((cause: Error) => {
      throw new EdgeparityError("FILE_NOT_FOUND", `cannot read template ${path}: ${cause.message}`, { cause });
    });
    const dir = dirname(path);
    const template = parseTemplateText(text, path);
    // The resource translators load on first use: a stack in another format never pays for them (issue 14: cold start).
    const [{ readCdkAssets }, { importTemplate }] = await Promise.all([import("./cdk-assets.js"), import("./template-stack.js")]);
    const [assets, stackName, overlayLocal] = await Promise.all([readCdkAssets(dir), stackNameOf(path), readOverlayLocal(dir)]);
    return importTemplate({ template, stackName, parameters: options.parameters ?? {}, dir, assets, overlayLocal });
  },
};

/** The stack name: the CDK manifest's `stackName` for this template, else the file name (`web.template.yaml` → `web`). */
async function stackNameOf(path: string): Promise<string> {
  const file = basename(path);
  const manifest = await readFile(join(dirname(path), "manifest.json"), "utf8")
    .then((t) => JSON.parse(t) as { artifacts?: Record<string, { type?: string; properties?: { templateFile?: string; stackName?: string } }> })
    .catch(() => undefined);
  for (const [id, a] of Object.entries(manifest?.artifacts ?? {}))
    if (a.type === "aws:cloudformation:stack" && a.properties?.templateFile === file) return a.properties.stackName ?? id;
  const name = file.replace(/(\.template)?\.(json|ya?ml|template)$/i, "").replace(/[^A-Za-z0-9-]/g, "-");
  return /^[A-Za-z]/.test(name) ? name : `stack-${name}`;
}
