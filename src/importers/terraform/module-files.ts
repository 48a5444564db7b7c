import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EdgeparityError } from "../../core/errors.js";
import type { Block } from "./hcl-ast.js";
import { parseHcl } from "./hcl-parser.js";
import { parseTfJson } from "./tf-json.js";
import { isConfigurationFile } from "./detect.js";

/**
 * A Terraform module is a folder: every `*.tf` and `*.tf.json` in it (not its subfolders) is one
 * configuration (Terraform docs, "Modules"). Override files (`override.tf`, `*_override.tf`) are
 * merged by Terraform; here they are refused with a clear message rather than misread.
 */
export interface ModuleFiles {
  dir: string;
  /** Absolute paths, sorted. */
  files: string[];
  blocks: Block[];
}

export function readModuleFiles(dir: string): ModuleFiles {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && isConfigurationFile(e.name))
      .map((e) => e.name)
      .sort();
  } catch (cause) {
    throw new EdgeparityError("FILE_NOT_FOUND", `cannot read Terraform module folder ${dir}: ${(cause as Error).message}`, { cause });
  }
  const files: string[] = [];
  const blocks: Block[] = [];
  for (const name of names) {
    const file = join(dir, name);
    if (/^(.*_)?override\.tf(\.json)?$/i.test(name))
      throw new EdgeparityError(
        "STACK_INVALID",
        `${file}: Terraform override files are not supported by edgeparity's import; merge it into the file it overrides`,
      );
    const text = readFileSync(file, "utf8");
    const body = name.toLowerCase().endsWith(".json") ? parseTfJson(text, file) : parseHcl(text, file);
    if (body.attributes.length)
      throw new EdgeparityError("STACK_INVALID", `${file}:${body.attributes[0]!.at.line}: '${body.attributes[0]!.name}' is an attribute outside any block`);
    files.push(file);
    blocks.push(...body.blocks);
  }
  if (files.length === 0) throw new EdgeparityError("FILE_NOT_FOUND", `${dir} holds no .tf or .tf.json file`);
  return { dir, files, blocks };
}
