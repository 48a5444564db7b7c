import { statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Loads the Handler the way Lambda's Node.js runtime interface client does: refuse `..`, split
 * "dir/module.export" at the first dot of the base name, try the module with "", .js, .mjs, .cjs,
 * import it (ESM or CommonJS alike), then look the export path up on the module or its default.
 * Failures carry the runtime's error types and messages (aws-lambda-nodejs-runtime-interface-client,
 * src/utils/errors.ts, handler-path.ts, module-loader.ts, handler-resolver.ts).
 */
export type UserHandler = (event: unknown, context: unknown, callback: (err?: unknown, result?: unknown) => void) => unknown;

export class RuntimeError extends Error {
  constructor(type: string, message: string, stack?: string) {
    super(message);
    // On the instance but not enumerable, as the runtime's error classes carry it on their prototype.
    Object.defineProperty(this, "name", { value: type, enumerable: false, configurable: true, writable: true });
    if (stack !== undefined) this.stack = stack;
  }
}

const EXTENSIONS = ["", ".js", ".mjs", ".cjs"] as const;

export async function loadHandler(taskRoot: string, file: string | undefined, handlerString: string): Promise<UserHandler> {
  if (handlerString.includes(".."))
    throw new RuntimeError(
      "Runtime.MalformedHandlerName",
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  const base = basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.length - base.length).replace(/\/$/, "");
  const m = /^([^.]*)\.(.*)$/.exec(base);
  if (!m) throw new RuntimeError("Runtime.MalformedHandlerName", "Bad handler");
  const [, moduleName, handlerName] = m as unknown as [string, string, string];
  const path = file ?? findModule(resolve(taskRoot, moduleRoot, moduleName));
  if (path === undefined)
    // The runtime falls back to require.resolve(moduleName), whose failure names the runtime's own entry file.
    throw new RuntimeError("Runtime.ImportModuleError", `Error: Cannot find module '${moduleName}'\nRequire stack:\n- /var/runtime/index.mjs`);
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (err) {
    if (err instanceof SyntaxError) throw new RuntimeError("Runtime.UserCodeSyntaxError", String(err), err.stack);
    const code = (err as { code?: unknown } | null)?.code;
    if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") throw new RuntimeError("Runtime.ImportModuleError", String(err));
    throw err;
  }
  let handler = findIn(handlerName, mod);
  if (handler === undefined && mod !== null && typeof mod === "object" && "default" in mod)
    handler = findIn(handlerName, (mod as { default: unknown }).default);
  if (!handler) throw new RuntimeError("Runtime.HandlerNotFound", `${handlerString} is undefined or not exported`);
  if (typeof handler !== "function") throw new RuntimeError("Runtime.HandlerNotFound", `${handlerString} is not a function`);
  return handler as UserHandler;
}

function findModule(withoutExtension: string): string | undefined {
  for (const ext of EXTENSIONS) {
    const p = withoutExtension + ext;
    if (statSync(p, { throwIfNoEntry: false })?.isFile()) return p;
  }
  return undefined;
}

function findIn(path: string, from: unknown): unknown {
  let v = from;
  for (const key of path.split(".")) v = v !== null && (typeof v === "object" || typeof v === "function") ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}
