import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseStructuredText } from "./structured-file.js";
import { STACK_FILE_NAMES } from "./yaml/index.js";

/**
 * `local:` of an edgeparity.yaml overlay beside deployed configuration (a template, Terraform
 * files), merged later by importStack; read here only so the importer knows what is already bound
 * and does not ask for it in its binding report.
 */
export async function readOverlayLocal(dir: string): Promise<Record<string, unknown>> {
  for (const name of STACK_FILE_NAMES) {
    const file = join(dir, name);
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    try {
      const v = parseStructuredText(text, file).value as { local?: unknown } | null;
      if (v && typeof v.local === "object" && v.local !== null) return v.local as Record<string, unknown>;
    } catch {
      // The overlay's own import reports its syntax error.
    }
  }
  return {};
}
