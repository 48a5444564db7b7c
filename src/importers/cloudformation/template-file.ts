import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type ScalarTag, type CollectionTag } from "yaml";
import { EdgeparityError } from "../../core/errors.js";
import type { SourcePosition } from "../importer.js";
import { locateNode } from "../structured-file.js";

/**
 * A CloudFormation template (JSON or YAML) read into plain values, the YAML short forms turned into
 * their long forms (`!Ref X` → `{ Ref: X }`, `!Sub s` → `{ "Fn::Sub": s }`), with the source
 * position of every object and list kept so warnings and errors can say file:line.
 */
export interface TemplateFile {
  file: string;
  value: unknown;
  /** Position of an object or list of `value` (intrinsic function objects included). */
  positionOf(node: object): SourcePosition | undefined;
  /** Position of the deepest node on a template path that exists (the key, for a map entry). */
  locate(path: readonly (string | number)[]): SourcePosition | undefined;
}

/**
 * The short forms CloudFormation's YAML reads (CloudFormation User Guide, "Intrinsic function
 * reference"): each is the long form's key with `Fn::` (`!Ref` and `!Condition` have none).
 */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  "!Ref": "Ref",
  "!Condition": "Condition",
  "!Base64": "Fn::Base64",
  "!Cidr": "Fn::Cidr",
  "!FindInMap": "Fn::FindInMap",
  "!GetAtt": "Fn::GetAtt",
  "!GetAZs": "Fn::GetAZs",
  "!ImportValue": "Fn::ImportValue",
  "!Join": "Fn::Join",
  "!Select": "Fn::Select",
  "!Split": "Fn::Split",
  "!Sub": "Fn::Sub",
  "!Transform": "Fn::Transform",
  "!And": "Fn::And",
  "!Equals": "Fn::Equals",
  "!If": "Fn::If",
  "!Not": "Fn::Not",
  "!Or": "Fn::Or",
  "!Length": "Fn::Length",
  "!ToJsonString": "Fn::ToJsonString",
};

/**
 * The yaml package's custom tags: each short form on a scalar, a list and a map, resolved to the
 * node itself so the walk below sees the tag and the node's range (its source position).
 */
const CUSTOM_TAGS: (ScalarTag | CollectionTag)[] = Object.keys(SHORT_FORMS).flatMap((tag) => [
  { tag, resolve: (s: string) => s } as ScalarTag,
  { tag, collection: "seq", resolve: (n: unknown) => n } as unknown as CollectionTag,
  { tag, collection: "map", resolve: (n: unknown) => n } as unknown as CollectionTag,
]);

export function parseTemplateText(text: string, file: string): TemplateFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines, customTags: CUSTOM_TAGS });
  const error = doc.errors[0] ?? doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  if (error) {
    const where = error.linePos ? `:${error.linePos[0].line}:${error.linePos[0].col}` : "";
    throw new EdgeparityError("STACK_INVALID", `${file}${where}: not a valid CloudFormation template: ${error.message.split("\n")[0]}`, { cause: error });
  }
  const at = (offset: number): SourcePosition => {
    const p = lines.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const positions = new WeakMap<object, SourcePosition>();
  const toValue = (node: unknown): unknown => {
    if (isAlias(node)) return toValue(node.resolve(doc));
    if (!node || typeof node !== "object") return node ?? null;
    const n = node as Node;
    let value: unknown;
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        out[key] = toValue(pair.value);
      }
      value = out;
    } else if (isSeq(n)) value = n.items.map((i) => toValue(i));
    else if (isScalar(n)) value = n.value;
    else value = null;
    const long = n.tag ? SHORT_FORMS[n.tag] : undefined;
    if (long !== undefined) {
      // `!GetAtt A.B` is the list form `[A, B]` (the attribute may itself hold dots: `A.B.C` → `[A, "B.C"]`).
      if (long === "Fn::GetAtt" && typeof value === "string") {
        const dot = value.indexOf(".");
        value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
        if (n.range) positions.set(value as object, at(n.range[0]));
      }
      value = { [long]: value };
    }
    if (value && typeof value === "object" && n.range) positions.set(value, at(n.range[0]));
    return value;
  };
  const value = toValue(doc.contents);
  return {
    file,
    value,
    positionOf: (o) => positions.get(o),
    locate: (path) => locateNode(doc.contents, path, at),
  };
}

/** A quick look for detect(): a template has `Resources` whose entries carry a `Type` (`AWS::…`, `Custom::…`). */
export function looksLikeTemplate(text: string): boolean {
  if (!/Resources/.test(text)) return false;
  try {
    // JSON.parse first: fast on a large JSON file that is no template (package-lock.json).
    let v: unknown = /^\s*\{/.test(text) ? parseJson(text) : undefined;
    if (v === undefined) {
      const doc = parseDocument(text, { customTags: CUSTOM_TAGS });
      if (doc.errors.length) return false;
      v = doc.toJS({ maxAliasCount: 1000 });
    }
    if (!v || typeof v !== "object" || Array.isArray(v)) return false;
    const resources = (v as Record<string, unknown>).Resources;
    if (!resources || typeof resources !== "object" || Array.isArray(resources)) return false;
    const entries = Object.values(resources);
    return entries.length > 0 && entries.every((r) => !!r && typeof r === "object" && typeof (r as { Type?: unknown }).Type === "string");
  } catch {
    return false;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
