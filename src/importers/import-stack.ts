import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { EdgeparityError } from "../core/errors.js";
import { parseStack } from "../model/parse-stack.js";
import type { Stack } from "../model/stack.js";
import { DISTRIBUTION_CONFIG_IMPORTER } from "./distribution-config/index.js";
import { CLOUDFORMATION_IMPORTER } from "./cloudformation/index.js";
import type { Importer, ImportOptions, ImportResult, ImportWarning, SourcePosition } from "./importer.js";
import { isCodePath } from "../core/code-path.js";
import { mergeSources } from "./merge-sources.js";
import { parseStructuredText } from "./structured-file.js";
import { TERRAFORM_IMPORTER, TERRAFORM_JSON_IMPORTER } from "./terraform/index.js";
import { YAML_STACK_IMPORTER } from "./yaml/index.js";

/**
 * Steps: pick the importers for a file, or for each file of a folder → import each → merge a
 * folder's sources → parseStack() (the one gate) → map warnings back to file and line → list the
 * files and bound folders the stack was read from.
 */

/** Tried in order; a file goes to the first importer that detects it. */
const IMPORTERS: readonly Importer[] = [
  YAML_STACK_IMPORTER,
  TERRAFORM_IMPORTER,
  TERRAFORM_JSON_IMPORTER,
  CLOUDFORMATION_IMPORTER,
  DISTRIBUTION_CONFIG_IMPORTER,
];
/** Larger files in a folder are not offered to detect() (a package-lock.json is no stack). */
const MAX_DETECT_BYTES = 8 * 1024 * 1024;

export interface ImportedStack {
  stack: Stack;
  warnings: ImportWarning[];
  /** Absolute paths the stack was read from: its files, then the folders and files `local:` binds (watch these). */
  sources: string[];
  /** Folder that relative paths in the stack (bucket folders, target commands) resolve against. */
  baseDir: string;
  /** What was read, for messages: the file, or the folder. */
  origin: string;
  /**
   * A binding error (BINDING_MISSING: a folder not found, an origin bound to nothing) as the stack's
   * author needs it: the stack file first, then each problem with the file and line of its field
   * (issue 15). Other errors are returned unchanged.
   */
  locateProblems(e: unknown): unknown;
}

/** A stack's sources as imported, before they are merged and parsed (see `composeStack`). */
export interface StackSources {
  results: ImportResult[];
  origin: string;
  baseDir: string;
}

/** Reads a stack from a file, or from every importable file of a folder. */
export async function importStack(fileOrDir: string, options: ImportOptions = {}): Promise<ImportedStack> {
  return composeStack(await readStackSources(fileOrDir, options));
}

/** The importers' results for a file, or for every importable file of a folder. */
export async function readStackSources(fileOrDir: string, options: ImportOptions = {}): Promise<StackSources> {
  const path = resolve(fileOrDir);
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new EdgeparityError("FILE_NOT_FOUND", `stack file or folder not found: ${path}`);
  const results = s.isDirectory() ? await importFolder(path, options) : [await importFile(path, options)];
  return { results, origin: path, baseDir: s.isDirectory() ? path : dirname(path) };
}

/** A stack given as an object (AWS shapes + `local:`), as `startEdgeparity({ config: {...} })` takes it. */
export function importObject(doc: object, label: string, baseDir: string): ImportedStack {
  return composeStack(objectSources(doc, label, baseDir));
}

export function objectSources(doc: object, label: string, baseDir: string): StackSources {
  return { results: [{ input: doc as Record<string, unknown>, warnings: [], files: [], locate: () => undefined }], origin: label, baseDir };
}

/**
 * A stack fragment that is no file (the AWS API's resources, engine/api-state.ts) as one more
 * source: merged beside the file's like any other, named `label` in conflict messages.
 */
export function fragmentSource(fragment: Record<string, unknown>, label: string): ImportResult {
  return { input: fragment, warnings: [], files: [], label, locate: () => undefined };
}

/** The raw merged input of `sources` plus `extra` (what `edgeparity export` writes), unparsed. */
export function mergeStackInput(sources: StackSources, extra: readonly ImportResult[] = []): Record<string, unknown> {
  return mergeSources([...sources.results, ...extra.filter((r) => Object.keys(r.input).length > 0)]).input;
}

/** Merge `sources` (plus `extra`, e.g. the API's fragment) → parseStack() → warnings mapped back to their files. */
export function composeStack(sources: StackSources, extra: readonly ImportResult[] = []): ImportedStack {
  return finish([...sources.results, ...extra.filter((r) => Object.keys(r.input).length > 0)], sources.origin, sources.baseDir);
}

async function importFile(path: string, options: ImportOptions): Promise<ImportResult> {
  const bytes = await readFile(path).catch((cause: Error) => {
    throw new EdgeparityError("FILE_NOT_FOUND", `cannot read stack file ${path}: ${cause.message}`, { cause });
  });
  const importer = IMPORTERS.find((i) => i.detect(path, bytes));
  if (importer) return importer.import(importer.scope === "folder" ? dirname(path) : path, options);
  // Unparsable YAML/JSON says where it broke rather than "unknown format".
  if (/\.(ya?ml|json)$/i.test(path)) parseStructuredText(bytes.toString("utf8"), path);
  throw new EdgeparityError(
    "FORMAT_UNKNOWN",
    `${path}: not a stack edgeparity knows. Expected an edgeparity stack (top-level keys: distributions, buckets, loadBalancers, targetGroups, local) a Terraform folder (*.tf) or terraform show -json output, a CloudFormation template (with Resources), or a CloudFront DistributionConfig (with Origins and DefaultCacheBehavior).`,
  );
}

async function importFolder(dir: string, options: ImportOptions): Promise<ImportResult[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  const claimed: { importer: Importer; path: string }[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const candidates = IMPORTERS.filter((i) => i.patterns.some((p) => matchesPattern(name, p)));
    if (candidates.length === 0) continue;
    const path = join(dir, name);
    const s = await stat(path);
    if (s.size > MAX_DETECT_BYTES) continue;
    const bytes = await readFile(path);
    const importer = candidates.find((i) => i.detect(path, bytes));
    if (importer) claimed.push({ importer, path });
    else if (/\.(ya?ml|json)$/i.test(name)) {
      try {
        parseStructuredText(bytes.toString("utf8"), path);
      } catch (e) {
        skipped.push(`  ${name}${(e as Error).message.slice(path.length)}`);
      }
    }
  }
  if (claimed.length === 0) {
    const looked = IMPORTERS.map((i) => `  ${i.name}: ${i.patterns.join(", ")}`).join("\n");
    throw new EdgeparityError(
      "FILE_NOT_FOUND",
      `nothing importable in ${dir}. Looked for:\n${looked}${skipped.length ? `\nUnreadable candidates:\n${skipped.join("\n")}` : ""}`,
    );
  }
  const claimedBy = new Set(claimed.map((c) => c.importer.name));
  const kept = claimed.filter((c) => c.importer.shadowedBy === undefined || !claimedBy.has(c.importer.shadowedBy));
  const results: ImportResult[] = [];
  const foldersDone = new Set<Importer>();
  for (const { importer, path } of kept) {
    if (importer.scope === "folder") {
      if (foldersDone.has(importer)) continue;
      foldersDone.add(importer);
      results.push(await importer.import(dir, options));
    } else results.push(await importer.import(path, options));
  }
  return results;
}

function finish(results: ImportResult[], origin: string, baseDir: string): ImportedStack {
  const merged = mergeSources(results);
  let parsed;
  try {
    parsed = parseStack(merged.input, origin);
  } catch (e) {
    throw e instanceof EdgeparityError && e.code === "STACK_INVALID" ? withLines(e, merged.locate) : e;
  }
  const fileOf = (p: SourcePosition | undefined) => p?.file ?? (results.length === 1 && results[0]!.files.length === 1 ? results[0]!.files[0]! : origin);
  const warnings: ImportWarning[] = results.flatMap((r) => r.warnings);
  for (const w of parsed.warnings) {
    const at = merged.locate(parseFieldPath(w.path));
    warnings.push({ file: fileOf(at), ...(at ? { line: at.line, column: at.column } : {}), path: w.path, message: w.message });
  }
  const files = results.flatMap((r) => r.files);
  return {
    stack: parsed.stack,
    warnings,
    sources: [...new Set([...files, ...boundPaths(parsed.stack, baseDir)])],
    baseDir,
    origin,
    locateProblems: (e) => (e instanceof EdgeparityError && e.code === "BINDING_MISSING" ? locateBindingProblems(e, origin, merged.locate) : e),
  };
}

/** Problems are joined by a newline and two spaces; each starts with the field path it is about. */
function locateBindingProblems(
  e: EdgeparityError,
  origin: string,
  locate: (path: readonly (string | number)[]) => SourcePosition | undefined,
): EdgeparityError {
  const problems = e.message.split(/\n {2}(?=\S)/).map((p) => {
    const m = /^([A-Za-z][\w$-]*(?:\.[\w$-]+|\[\d+\])*)(?=[ :])/.exec(p);
    const at = m ? locate(parseFieldPath(m[1]!)) : undefined;
    return at ? `${basename(at.file)}:${at.line}: ${p}` : p;
  });
  return new EdgeparityError("BINDING_MISSING", `${origin}: the stack cannot be served as bound:\n  ${problems.join("\n  ")}`, { cause: e });
}

/**
 * parseStack's problems are one per line, `  <field path>: <message>`; each gets the file and
 * line its field was written on (`  web.json:12: distributions.web.Origins…: …`) where known.
 */
function withLines(e: EdgeparityError, locate: (path: readonly (string | number)[]) => SourcePosition | undefined): EdgeparityError {
  const lines = e.message.split("\n").map((line) => {
    const m = /^ {2}([^\s:][^:\s]*): /.exec(line);
    const at = m ? locate(parseFieldPath(m[1]!)) : undefined;
    return at ? `  ${basename(at.file)}:${at.line}: ${line.slice(2)}` : line;
  });
  return new EdgeparityError("STACK_INVALID", lines.join("\n"), { cause: e, awsCode: e.awsCode });
}

/** Folders and files `local:` points at (bucket folders, Lambda handler files, target command folders) and function code files. */
function boundPaths(stack: Stack, baseDir: string): string[] {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const out: string[] = [];
  for (const b of Object.values(stack.local.buckets)) out.push(abs(b.folder));
  for (const tg of Object.values(stack.local.targetGroups))
    for (const t of tg.targets) {
      if (typeof t === "object" && "lambda" in t) out.push(abs(t.lambda));
      if (typeof t === "object" && "command" in t && t.cwd) out.push(abs(t.cwd));
    }
  // A CloudFront Function's code file: an edit is a new revision (its sandbox is compiled anew).
  for (const f of Object.values(stack.functions)) if (isCodePath(f.FunctionCode)) out.push(abs(f.FunctionCode.trim()));
  return out;
}

/** `distributions.web.Origins.Items[0].Id` → `["distributions","web","Origins","Items",0,"Id"]` (formatPath's inverse). */
export function parseFieldPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** `*.json` or an exact name, case-insensitive. */
function matchesPattern(name: string, pattern: string): boolean {
  const n = name.toLowerCase();
  const p = pattern.toLowerCase();
  return p.startsWith("*") ? n.endsWith(p.slice(1)) && n.length > p.length - 1 : n === p;
}
