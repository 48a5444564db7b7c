import { basename } from "node:path";
import { EdgeparityError } from "../../core/errors.js";
import { StackSchema } from "../../model/stack.js";
import type { Importer } from "../importer.js";
import { parseQuietly, readStructuredFile } from "../structured-file.js";

/** Our own names: a folder's stack file, and an overlay of `local:` bindings beside other sources. */
export const STACK_FILE_NAMES = ["edgeparity.yaml", "edgeparity.yml", "edgeparity.json"] as const;
const STACK_KEYS = new Set(Object.keys(StackSchema.shape));

/**
 * edgeparity.yaml is already the stack's shape (AWS shapes plus `local:` bindings), so the input
 * is the document itself and a stack path is a document path.
 */
export const YAML_STACK_IMPORTER: Importer = {
  name: "edgeparity-yaml",
  patterns: STACK_FILE_NAMES,
  scope: "file",
  detect(path, bytes) {
    // Our own file name is enough: a typo in a top-level key then gets parseStack's error, not "unknown format".
    if ((STACK_FILE_NAMES as readonly string[]).includes(basename(path).toLowerCase())) return true;
    const doc = parseQuietly(path, bytes);
    // An empty document is an empty stack (`up --config empty.yaml`, then resources through the AWS API).
    if (/\.(ya?ml|json)$/i.test(path) && (doc === null || (isPlainObject(doc) && Object.keys(doc).length === 0))) return true;
    return isPlainObject(doc) && Object.keys(doc).some((k) => STACK_KEYS.has(k));
  },
  async import(path) {
    const f = await readStructuredFile(path);
    // An empty file is an empty stack (or an overlay with nothing to add).
    const input = f.value === null || f.value === undefined ? {} : f.value;
    if (!isPlainObject(input)) {
      throw new EdgeparityError(
        "STACK_INVALID",
        `${path}: a stack file holds a mapping of top-level keys, not a ${Array.isArray(input) ? "list" : typeof input}`,
      );
    }
    return { input, warnings: [], files: [path], locate: (p) => f.locate(p) };
  },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
