import { LOCAL_ACCOUNT_ID } from "../../../core/account.js";
import type { Clock } from "../../../core/clock.js";
import { stableId } from "../../../core/ids.js";
import type { Ids } from "../../../core/ids.js";
import type { ApiAnswer, ApiCall, MutationDraft, StackApi } from "../../../core/service.js";
import type { Invalidation } from "../cache/index.js";
import type { CloudFrontFunction, KeyValueStore } from "../functions/index.js";
import type { FunctionEntry } from "../schema/functions.js";
import type { z } from "zod";
import { invalidArgument, invalidIfMatchVersion, malformedInput, preconditionFailed, stackProblemError } from "./api-errors.js";
import { readXml, writeXml } from "./xml.js";

/**
 * What every CloudFront API operation gets, and the helpers they share: the records kept beside
 * the stack (core/service.ts StackApi), ETags, ARNs, If-Match, and the XML answer.
 */
export interface CloudFrontApiContext {
  stackApi: StackApi;
  ids: Ids;
  clock: Clock;
  /** The running service's invalidations (cache/distribution-cache.ts), by distribution id. */
  invalidations: {
    create(distributionId: string, paths: readonly string[], callerReference: string): Promise<Invalidation>;
    list(distributionId: string): readonly Invalidation[];
  };
  /** LastModifiedTime of resources the API never changed (the stack file's): when the service started. */
  startedAt: string;
  /** The running revision's CloudFront Functions (its LIVE stage) and KeyValueStores (module.ts). */
  functions(): ReadonlyMap<string, CloudFrontFunction>;
  keyValueStores(): readonly KeyValueStore[];
  /** Where a KeyValueStore created through the API keeps its data file. */
  stateDir: string;
  /** The names an ACM certificate covers, or undefined when no certificate has this ARN (ServiceContext.certificateNames). */
  certificateNames(arn: string): readonly string[] | undefined;
}

/** One REST operation: `METHOD /2020-05-31/<path>` with `{Id}` segments. */
export interface Operation {
  name: string;
  method: string;
  /** e.g. `/distribution/{Id}/config`, below `/2020-05-31`. */
  path: string;
  /** `?WithTags`, `?Operation=Tag`: a query parameter the route needs (present, or with this value). */
  query?: [name: string, value?: string];
  run(call: ApiCall, params: string[], ctx: CloudFrontApiContext): Promise<ApiAnswer>;
}

/** JSON bookkeeping the stack has no field for, persisted with the API's fragment. */
export interface CloudFrontRecords {
  /** Resource id → last change through the API (ISO 8601). */
  modified: Record<string, string>;
  /** Resource ARN → its tags. */
  tags: Record<string, { Key: string; Value?: string }[]>;
  /** Record-keeping resources (nothing serves them yet): PublicKey and KeyGroup by Id. */
  publicKeys: Record<string, { CreatedTime: string; PublicKeyConfig: Record<string, unknown> }>;
  keyGroups: Record<string, { LastModifiedTime: string; KeyGroupConfig: Record<string, unknown> }>;
  /**
   * CloudFront Functions created through the API, by name: the DEVELOPMENT stage (what
   * UpdateFunction changes and TestFunction runs by default) and its times. The LIVE stage is the
   * `functions:` entry of the fragment, written by PublishFunction: only LIVE code runs at the edge.
   */
  functions: Record<string, { development: FunctionEntry; created: string; developmentModified: string; liveModified?: string }>;
  /**
   * KeyValueStores created through the API, by name: AWS's id and times; `dataVersion` and
   * `dataModified` count and date the data-plane writes (kvs-api/: the data's ETag and LastModified).
   */
  keyValueStores: Record<string, { Id: string; created: string; modified: string; dataVersion?: number; dataModified?: string }>;
  /**
   * Invalidation records by distribution id, newest first (every door: the API, `edgeparity
   * invalidate`, the admin route), so Get/ListInvalidations answer the same after a restart.
   */
  invalidations: Record<string, Invalidation[]>;
}

export const SERVICE = "cloudfront";

export function records(ctx: { stackApi: StackApi }): CloudFrontRecords {
  return recordsOf(ctx.stackApi);
}

export function recordsOf(stackApi: StackApi): CloudFrontRecords {
  return fillRecords(stackApi.records<CloudFrontRecords>(SERVICE));
}

/** Records as persisted (sections absent until first written) with every section present. */
export function fillRecords(r: Partial<CloudFrontRecords> | undefined): CloudFrontRecords {
  return {
    modified: r?.modified ?? {},
    tags: r?.tags ?? {},
    publicKeys: r?.publicKeys ?? {},
    keyGroups: r?.keyGroups ?? {},
    functions: r?.functions ?? {},
    keyValueStores: r?.keyValueStores ?? {},
    invalidations: r?.invalidations ?? {},
  };
}

/**
 * A mutation of the API's fragment and records; a revision the stack checks refuse becomes the
 * CloudFront error of its first problem (`problemPrefix` is the resource's stack path, e.g.
 * `distributions.api-x.`, cut from the message so it names the field as the API sees it; a
 * function when the change itself decides the name). `change` runs after every earlier mutation
 * has been served: checks made inside it (If-Match, names in use) cannot race another call.
 */
export async function mutate<T>(
  ctx: CloudFrontApiContext,
  problemPrefix: string | (() => string),
  change: (draft: { stack: MutationDraft<CloudFrontRecords>["stack"]; records: CloudFrontRecords }) => T,
): Promise<T> {
  try {
    const { result } = await ctx.stackApi.mutate<T, CloudFrontRecords>(SERVICE, (d) => {
      const r = fillRecords(d.records);
      const out = change({ stack: d.stack, records: r });
      d.records = r;
      return out;
    });
    return result;
  } catch (e) {
    // An operation's own CloudFrontApiError passes through; the stack's refusal is translated.
    throw stackProblemError(e, typeof problemPrefix === "string" ? problemPrefix : problemPrefix());
  }
}

/** A section of the fragment as a record, created when absent. */
export function section<T = unknown>(stack: Record<string, unknown>, name: string): Record<string, T> {
  const s = stack[name];
  if (typeof s === "object" && s !== null && !Array.isArray(s)) return s as Record<string, T>;
  const created: Record<string, T> = {};
  stack[name] = created;
  return created;
}

/**
 * The ETag of a resource's current configuration: derived from its id and content, so it is the
 * same in every read and after a restart, and changes with the configuration (E + 13 characters,
 * as CloudFront's look: `E2QWRUHAPOMQZL`).
 */
export function etagOf(id: string, config: unknown): string {
  return stableId(`etag:${id}:${JSON.stringify(config)}`);
}

/** `If-Match` as CloudFront checks it: missing → InvalidIfMatchVersion (400); another version → PreconditionFailed (412). */
export function checkIfMatch(call: ApiCall, etag: string): void {
  const given = call.headers["if-match"];
  if (typeof given !== "string" || given === "") throw invalidIfMatchVersion();
  if (given !== etag) throw preconditionFailed();
}

export function arnOf(kind: string, id: string): string {
  return `arn:aws:cloudfront::${LOCAL_ACCOUNT_ID}:${kind}/${id}`;
}

export function isoNow(ctx: CloudFrontApiContext): string {
  return new Date(ctx.clock.now()).toISOString();
}

/** An id as CloudFront mints policy ids: a UUID. */
export function newUuid(ctx: CloudFrontApiContext): string {
  return ctx.ids.uuid();
}

/** An id as CloudFront mints distribution, OAC, key ids: `E` + 13 upper-case alphanumerics. */
export function newResourceId(ctx: CloudFrontApiContext): string {
  return stableId(`api:${ctx.ids.uuid()}`);
}

/** A 2xx answer with a CloudFront XML document. */
export function xmlAnswer(status: number, root: string, value: unknown, headers: Record<string, string> = {}): ApiAnswer {
  return { status, headers: { "content-type": "text/xml", ...headers }, body: writeXml(root, withQuantities(value)) };
}

/**
 * Every AWS list (`{ Items }`) with its Quantity, as CloudFront always writes it and the CLI's
 * input validation insists on when a `get-distribution-config` answer is sent back.
 */
export function withQuantities(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withQuantities);
  if (typeof value !== "object" || value === null) return value;
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (Array.isArray(v.Items) && v.Quantity === undefined) out.Quantity = v.Items.length;
  for (const [k, x] of Object.entries(v)) out[k] = withQuantities(x);
  if (Array.isArray(v.Items) && v.Items.length === 0) delete out.Items;
  return out;
}

/** Marker/MaxItems paging as CloudFront's List* operations do: items after the marker, at most MaxItems. */
export function page<T>(items: readonly T[], keyOf: (t: T) => string, call: ApiCall): { items: T[]; marker: string; maxItems: number; nextMarker?: string } {
  const marker = call.query.get("Marker") ?? "";
  const maxItems = Math.max(1, Math.min(1000, Number(call.query.get("MaxItems") ?? "100") || 100));
  const start = marker ? items.findIndex((t) => keyOf(t) === marker) + 1 : 0;
  const slice = items.slice(start, start + maxItems);
  const truncated = start + maxItems < items.length;
  return { items: slice, marker, maxItems, ...(truncated ? { nextMarker: keyOf(slice[slice.length - 1]!) } : {}) };
}

/**
 * A request body's `root` element read as `schema` and validated: not XML or another root →
 * MalformedInput; a field the schema refuses → InvalidArgument naming it (`Root.Field: why`).
 */
export function readRequest<S extends z.ZodTypeAny>(call: ApiCall, root: string, schema: S): z.output<S> {
  const r = readXml(call.body, root, schema);
  if (!r.ok) throw malformedInput(r.message);
  const parsed = schema.safeParse(r.value);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw invalidArgument(`${root}.${i.path.join(".")}: ${i.message}`);
  }
  return parsed.data as z.output<S>;
}
