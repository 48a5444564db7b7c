import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { listItems } from "../../../model/aws-list.js";
import type { Stack } from "../../../model/stack.js";
import {
  checkFunctionSyntax,
  compileCloudFrontFunction,
  KeyValueStore,
  MAX_FUNCTION_CODE_BYTES,
  nextKeyValueStoreStamp,
  parseKeyValueStoreFile,
  type CloudFrontFunction,
  type FunctionRuntime,
} from "../functions/index.js";
import { isFunctionCodePath, keyValueStoreArn, keyValueStoreRefOf } from "../schema/functions.js";

/**
 * The stack's CloudFront Functions and KeyValueStores, in two steps. `loadFunctionSources`
 * (bind: I/O) reads each FunctionCode file and KeyValueStore file and refuses what CreateFunction
 * would: code over 10 KB (`FunctionSizeLimitExceeded`), syntax the runtime does not support
 * (`InvalidArgument` with line and column, functions/syntax-gate.ts), an import file AWS would not
 * import. `compileFunctions` (compile) makes each function's sandbox once for the revision.
 */
export interface FunctionSources {
  code: ReadonlyMap<string, { code: string; file: string | undefined }>;
  /** `stamp`: taken before the file was read (key-value-store.ts `nextKeyValueStoreStamp`). */
  keyValueStores: ReadonlyMap<string, { file: string; data: ReadonlyMap<string, string>; stamp: number }>;
}

export async function loadFunctionSources(stack: Stack, baseDir: string): Promise<{ sources: FunctionSources; problems: string[] }> {
  const problems: string[] = [];
  const code = new Map<string, { code: string; file: string | undefined }>();
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  for (const [name, f] of Object.entries(stack.functions)) {
    const at = `functions.${name}.FunctionCode`;
    let text = f.FunctionCode;
    let file: string | undefined;
    if (isFunctionCodePath(text)) {
      file = abs(text.trim());
      const read = await readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => e);
      if (typeof read !== "string") {
        problems.push(`${at}: cannot read ${text} (${read.code ?? read.message}); write the function's code there, or put the code itself in FunctionCode`);
        continue;
      }
      text = read;
    }
    const refused = functionCodeProblem(text, f.FunctionConfig.Runtime, file ? f.FunctionCode.trim() : undefined, name);
    if (refused) {
      problems.push(`${at}: ${refused.code}: ${refused.message}`);
      continue;
    }
    code.set(name, { code: text, file });
  }
  const keyValueStores = new Map<string, { file: string; data: ReadonlyMap<string, string>; stamp: number }>();
  for (const [name, k] of Object.entries(stack.keyValueStores)) {
    const file = abs(k.file);
    const stamp = nextKeyValueStoreStamp();
    const read = await readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => e);
    if (typeof read !== "string") {
      problems.push(`keyValueStores.${name}.file: cannot read ${k.file} (${read.code ?? read.message}); create it as {"data":[{"key":"…","value":"…"}]}`);
      continue;
    }
    const data = parseKeyValueStoreFile(read);
    if ("error" in data) {
      problems.push(`keyValueStores.${name}.file: InvalidArgument: ${k.file}: ${data.error}`);
      continue;
    }
    keyValueStores.set(name, { file, data, stamp });
  }
  return { sources: { code, keyValueStores }, problems };
}

/**
 * What CreateFunction refuses in a function's code, for a stack file and the API alike: over 10 KB
 * (`FunctionSizeLimitExceeded`), or syntax the runtime does not support (`InvalidArgument`, at its
 * line and column). `file` names the code's file; inline code is named by the function.
 */
export function functionCodeProblem(
  text: string,
  runtime: FunctionRuntime,
  file: string | undefined,
  name: string,
): { code: "FunctionSizeLimitExceeded" | "InvalidArgument"; message: string } | undefined {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_FUNCTION_CODE_BYTES)
    return {
      code: "FunctionSizeLimitExceeded",
      message: `The function is too large. ${file ?? "the inline code"} is ${bytes} bytes; CloudFront takes at most ${MAX_FUNCTION_CODE_BYTES} (10 KB)`,
    };
  const refusal = checkFunctionSyntax(text, runtime);
  if (refusal) return { code: "InvalidArgument", message: `${refusal.message} in ${file ?? name}:${refusal.line}:${refusal.column} (runtime ${runtime})` };
  return undefined;
}

export function compileFunctions(
  stack: Stack,
  sources: FunctionSources,
  now: Date,
): { functions: Map<string, CloudFrontFunction>; keyValueStores: KeyValueStore[] } {
  const stores = new Map<string, KeyValueStore>();
  for (const [name, k] of sources.keyValueStores) stores.set(name, new KeyValueStore(name, name, keyValueStoreArn(name), k.file, k.data, now, k.stamp));
  const functions = new Map<string, CloudFrontFunction>();
  for (const [name, f] of Object.entries(stack.functions)) {
    const src = sources.code.get(name);
    if (!src) throw new Error(`invariant: function ${name} was loaded at bind`);
    const kvsRef = listItems(f.FunctionConfig.KeyValueStoreAssociations)[0]?.KeyValueStoreARN;
    functions.set(
      name,
      compileCloudFrontFunction({
        name,
        runtime: f.FunctionConfig.Runtime,
        comment: f.FunctionConfig.Comment,
        code: src.code,
        keyValueStore: kvsRef === undefined ? undefined : stores.get(keyValueStoreRefOf(kvsRef)),
        now,
      }),
    );
  }
  return { functions, keyValueStores: [...stores.values()] };
}
