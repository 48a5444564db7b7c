import { readFile } from "node:fs/promises";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { EdgeparityError } from "../core/errors.js";
import type { SourcePosition } from "./importer.js";

/**
 * A YAML or JSON file (YAML 1.2 reads both) parsed once, keeping node ranges so a field path can
 * be mapped back to its line and column for warnings and errors.
 */
export interface StructuredFile {
  file: string;
  value: unknown;
  /** Position of the deepest node on `path` that exists (the key, for a map entry). */
  locate(path: readonly (string | number)[]): SourcePosition | undefined;
}

export async function readStructuredFile(file: string): Promise<StructuredFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new EdgeparityError("FILE_NOT_FOUND", `cannot read stack file ${file}: ${(cause as Error).message}`, { cause });
  }
  return parseStructuredText(text, file);
}

export function parseStructuredText(text: string, file: string): StructuredFile {
  // JSON through JSON.parse: YAML's parser takes 0.1–0.5 s on a 20 KB JSON stack (flow collections),
  // JSON.parse under 1 ms (issue 14: cold start). Positions are needed only for a warning or an
  // error, so YAML reads the text again then. A duplicate key, which JSON.parse lets pass, and any
  // text JSON.parse refuses go to YAML, whose errors say where the text broke.
  if (/\.json$/i.test(file)) {
    const value = parseJsonStrictly(text);
    if (value !== NOT_JSON) {
      let located: StructuredFile | undefined;
      return { file, value, locate: (path) => (located ??= parseYaml(text, file)).locate(path) };
    }
  }
  return parseYaml(text, file);
}

function parseYaml(text: string, file: string): StructuredFile {
  const { doc, lines } = parseYamlDocument(text);
  const error = doc.errors[0];
  if (error) throw new EdgeparityError("STACK_INVALID", describeSyntaxError(text, file, error.message, error.linePos?.[0]), { cause: error });
  const at = (offset: number): SourcePosition => {
    const p = lines.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  return {
    file,
    value: doc.toJS({ maxAliasCount: 1000 }),
    locate: (path) => locateNode(doc.contents, path, at),
  };
}

/**
 * The last text YAML parsed: detect() (parseQuietly) and the importer's read then share one parse
 * of the same file (YAML parses at roughly 100 KB/s cold).
 */
let lastYaml: { text: string; doc: Document.Parsed; lines: LineCounter } | undefined;
function parseYamlDocument(text: string): { doc: Document.Parsed; lines: LineCounter } {
  if (lastYaml?.text !== text) {
    const lines = new LineCounter();
    lastYaml = { text, doc: parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines }), lines };
  }
  return lastYaml;
}

const NOT_JSON = Symbol("not JSON");
/** JSON.parse, but a text with a duplicate key in one object is refused as YAML's `uniqueKeys` refuses it. */
function parseJsonStrictly(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
  return hasDuplicateKey(text) ? NOT_JSON : value;
}

/**
 * Scans text JSON.parse accepted: per open object, the keys seen so far. A string is a key when it
 * follows `{` or a `,` inside an object.
 */
function hasDuplicateKey(text: string): boolean {
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c /* \ */) {
          escaped = true;
          i++;
        }
      }
      const keys = open.at(-1);
      if (expectKey && keys) {
        const raw = text.slice(start + 1, i);
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : raw;
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
    } else if (c === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      open.push(undefined);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = open.at(-1) !== undefined;
    }
  }
  return false;
}

/** Position of the deepest node on `path` under `root` that exists (the key, for a map entry). */
export function locateNode(root: unknown, path: readonly (string | number)[], at: (offset: number) => SourcePosition): SourcePosition | undefined {
  let node: unknown = root;
  let found: SourcePosition | undefined = rangeStart(node) === undefined ? undefined : at(rangeStart(node)!);
  for (const segment of path) {
    let next: unknown;
    let keyStart: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair) {
        next = pair.value;
        keyStart = rangeStart(pair.key);
      }
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
      keyStart = rangeStart(next);
    }
    if (next === undefined && keyStart === undefined) break;
    if (keyStart !== undefined) found = at(keyStart);
    node = next;
  }
  return found;
}

function rangeStart(node: unknown): number | undefined {
  return node && typeof node === "object" && "range" in node ? (node as Node).range?.[0] : undefined;
}

/** Parses without positions, for detect(): JSON.parse first (fast on large JSON), then YAML; undefined when neither reads it. */
export function parseQuietly(path: string, bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (/\.json$/i.test(path)) {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  const { doc } = parseYamlDocument(text);
  return doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 1000 });
}

/**
 * `file (line 4, column 3): not valid YAML or JSON: <what>`, then the offending line and a caret under the column
 * (issue 15: the parser's own message ends in a snippet that a one-line cut lost).
 */
export function describeSyntaxError(text: string, file: string, message: string, at: { line: number; col: number } | undefined): string {
  const what = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  if (!at) return `${file}: not valid YAML or JSON: ${what}`;
  const source = text.split(/\r?\n/)[at.line - 1] ?? "";
  const gutter = String(at.line);
  return `${file} (line ${at.line}, column ${at.col}): not valid YAML or JSON: ${what}\n  ${gutter} | ${source}\n  ${" ".repeat(gutter.length)} | ${" ".repeat(Math.max(0, at.col - 1))}^`;
}
