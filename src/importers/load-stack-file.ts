import { readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { EdgeparityError } from "../core/errors.js";
import { parseStack, type ParsedStack } from "../model/parse-stack.js";
import { DISTRIBUTION_CONFIG_IMPORTER } from "./distribution-config/index.js";
import type { Importer } from "./importer.js";
import { YAML_STACK_IMPORTER } from "./yaml/index.js";

const IMPORTERS: readonly Importer[] = [YAML_STACK_IMPORTER, DISTRIBUTION_CONFIG_IMPORTER];
const DEFAULT_NAMES = ["edgeparity.yaml", "edgeparity.yml", "edgeparity.json"];

export interface LoadedStack extends ParsedStack {
  /** Folder that relative paths in the stack (bucket folders, target commands) are resolved against. */
  baseDir: string;
  file: string;
}

/** Reads a stack from a file or a folder holding edgeparity.yaml; every format ends in parseStack(). */
export async function loadStackFile(fileOrDir: string): Promise<LoadedStack> {
  const file = await resolveStackFile(resolve(fileOrDir));
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new EdgeparityError("FILE_NOT_FOUND", `cannot read stack file ${file}: ${(cause as Error).message}`, { cause });
  }
  const doc = parseDocument(text, file);
  return { ...importDocument(doc, file), baseDir: dirname(file), file };
}

export function importDocument(doc: unknown, file: string): ParsedStack {
  const importer = IMPORTERS.find((i) => i.detect(doc, file));
  if (!importer) {
    throw new EdgeparityError(
      "FORMAT_UNKNOWN",
      `${file}: not a stack edgeparity knows. Expected an edgeparity stack (top-level keys: distributions, buckets, loadBalancers, targetGroups, local) or a CloudFront DistributionConfig (with Origins and DefaultCacheBehavior).`,
    );
  }
  const { input, warnings } = importer.import(doc, file);
  const parsed = parseStack(input, file);
  return { stack: parsed.stack, warnings: [...warnings.map((w) => ({ source: w.file, path: w.path, message: w.message })), ...parsed.warnings] };
}

function parseDocument(text: string, file: string): unknown {
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both; errors carry line and column.
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (cause) {
    const where = cause instanceof YAMLParseError && cause.linePos ? ` (line ${cause.linePos[0].line}, column ${cause.linePos[0].col})` : "";
    throw new EdgeparityError("STACK_INVALID", `${file}${where}: not valid YAML or JSON: ${(cause as Error).message.split("\n")[0]}`, { cause });
  }
}

async function resolveStackFile(path: string): Promise<string> {
  let s;
  try {
    s = await stat(path);
  } catch {
    throw new EdgeparityError("FILE_NOT_FOUND", `stack file or folder not found: ${path}`);
  }
  if (!s.isDirectory()) return path;
  for (const name of DEFAULT_NAMES) {
    const candidate = join(path, name);
    if (
      await stat(candidate).then(
        (x) => x.isFile(),
        () => false,
      )
    )
      return candidate;
  }
  throw new EdgeparityError("FILE_NOT_FOUND", `no ${DEFAULT_NAMES.join(" / ")} in ${path}`);
}
