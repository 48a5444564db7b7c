import type { ZodTypeAny } from "zod";
import type { ApiCall } from "../../../core/service.js";
import type { Stack } from "../../../model/stack.js";
import { accessDenied, alreadyExists, illegalDelete, illegalUpdate, inUse, invalidArgument, malformedInput, type CloudFrontApiError } from "./api-errors.js";
import {
  checkIfMatch,
  etagOf,
  isoNow,
  mutate,
  newResourceId,
  newUuid,
  records,
  section,
  xmlAnswer,
  type CloudFrontApiContext,
  type Operation,
} from "./operation.js";
import { readXml } from "./xml.js";

/**
 * Create / Get / GetConfig / Update / Delete for the resources that are one `<XxxConfig>` under
 * an Id in a stack section: cache, origin request and response headers policies, origin access controls
 * (API Reference, each operation's page). They differ only in names, id style, the managed
 * catalogue and who may use them, so each is a `ConfigResourceKind`; List is per kind.
 */
export interface ConfigResourceKind {
  /** The stack section, keyed by Id (`cachePolicies`). */
  section: "cachePolicies" | "originRequestPolicies" | "originAccessControls" | "responseHeadersPolicies";
  /** REST path below /2020-05-31 (`/cache-policy`). */
  path: string;
  /** The resource element and its config element (`CachePolicy`, `CachePolicyConfig`). */
  root: string;
  configRoot: string;
  /** Operation names are `Create${name}` … (`CachePolicy`). */
  name: string;
  schema: ZodTypeAny;
  /** `uuid` for policies, `E…` for origin access controls. */
  idStyle: "uuid" | "resource";
  /** Update is `PUT path/{Id}` (policies) or `PUT path/{Id}/config` (origin access controls). */
  updateAtConfig: boolean;
  /** The resource element's timestamp field, if it has one. */
  timeField?: "LastModifiedTime";
  managed?: ReadonlyMap<string, { Name: string }>;
  noSuch(): CloudFrontApiError;
  alreadyExists: [code: string, message: string];
  inUse: [code: string, message: string];
  /** Whether a distribution of the live stack names the resource. */
  isUsed(live: Stack, id: string): boolean;
}

interface Found {
  id: string;
  config: Record<string, unknown>;
  managed: boolean;
}

export function findConfigResource(kind: ConfigResourceKind, ctx: CloudFrontApiContext, id: string): Found {
  const managed = kind.managed?.get(id);
  if (managed) return { id, config: managedOut(managed), managed: true };
  const config = (ctx.stackApi.live()[kind.section] as Record<string, Record<string, unknown>>)[id];
  if (!config) throw kind.noSuch();
  return { id, config, managed: false };
}

/** AWS lists managed policies under their `Managed-` names. */
function managedOut(config: { Name: string }): Record<string, unknown> {
  return { ...config, Name: config.Name.startsWith("Managed-") ? config.Name : `Managed-${config.Name}` };
}

export function configResourceOut(kind: ConfigResourceKind, ctx: CloudFrontApiContext, f: Found): Record<string, unknown> {
  return {
    Id: f.id,
    ...(kind.timeField ? { [kind.timeField]: records(ctx).modified[f.id] ?? ctx.startedAt } : {}),
    [kind.configRoot]: f.config,
  };
}

function readConfig(kind: ConfigResourceKind, call: ApiCall): Record<string, unknown> {
  const r = readXml(call.body, kind.configRoot, kind.schema);
  if (!r.ok) throw malformedInput(r.message);
  return r.value as Record<string, unknown>;
}

/** Names are unique per account among custom resources of a kind. */
function checkName(kind: ConfigResourceKind, ctx: CloudFrontApiContext, config: Record<string, unknown>, self: string | undefined): void {
  // The API requires a Name of every kind (a stack file may leave an origin access control's out).
  if (typeof config.Name !== "string" || config.Name === "") throw invalidArgument(`The parameter Name is required in ${kind.configRoot}.`);
  const all = ctx.stackApi.live()[kind.section] as Record<string, { Name?: string }>;
  for (const [id, c] of Object.entries(all)) if (id !== self && c.Name !== undefined && c.Name === config.Name) throw alreadyExists(...kind.alreadyExists);
}

export function configResourceOperations(kind: ConfigResourceKind): Operation[] {
  const etag = (f: Found) => etagOf(f.id, f.config);
  const owned = (ctx: CloudFrontApiContext, f: Found, verb: "update" | "delete") => {
    if (f.managed) throw verb === "update" ? illegalUpdate("You cannot update a managed policy.") : illegalDelete("You cannot delete a managed policy.");
    if (ctx.stackApi.ownerOf(kind.section, f.id) !== "api")
      throw accessDenied(`${kind.name} ${f.id} is defined in the stack file; ${verb} it there (edgeparity re-applies the file when it changes).`);
  };
  const prefix = (id: string) => `${kind.section}.${id}.`;
  const create: Operation["run"] = async (call, _p, ctx) => {
    const config = readConfig(kind, call);
    const id = kind.idStyle === "uuid" ? newUuid(ctx) : newResourceId(ctx);
    await mutate(ctx, prefix(id), ({ stack, records: r }) => {
      checkName(kind, ctx, config, undefined);
      section(stack, kind.section)[id] = config;
      r.modified[id] = isoNow(ctx);
    });
    const f = findConfigResource(kind, ctx, id);
    return xmlAnswer(201, kind.root, configResourceOut(kind, ctx, f), { location: `${call.endpoint}/2020-05-31${kind.path}/${id}`, etag: etag(f) });
  };
  const get: Operation["run"] = async (_call, [id], ctx) => {
    const f = findConfigResource(kind, ctx, id!);
    return xmlAnswer(200, kind.root, configResourceOut(kind, ctx, f), { etag: etag(f) });
  };
  const getConfig: Operation["run"] = async (_call, [id], ctx) => {
    const f = findConfigResource(kind, ctx, id!);
    return xmlAnswer(200, kind.configRoot, f.config, { etag: etag(f) });
  };
  // Found and If-Match-checked inside the mutation (operation.ts `mutate`): no race between two calls.
  const update: Operation["run"] = async (call, [id], ctx) => {
    const config = readConfig(kind, call);
    await mutate(ctx, prefix(id!), ({ stack, records: r }) => {
      const f = findConfigResource(kind, ctx, id!);
      checkIfMatch(call, etag(f));
      owned(ctx, f, "update");
      checkName(kind, ctx, config, f.id);
      section(stack, kind.section)[f.id] = config;
      r.modified[f.id] = isoNow(ctx);
    });
    const after = findConfigResource(kind, ctx, id!);
    return xmlAnswer(200, kind.root, configResourceOut(kind, ctx, after), { etag: etag(after) });
  };
  const remove: Operation["run"] = async (call, [id], ctx) => {
    await mutate(ctx, prefix(id!), ({ stack, records: r }) => {
      const f = findConfigResource(kind, ctx, id!);
      checkIfMatch(call, etag(f));
      owned(ctx, f, "delete");
      if (kind.isUsed(ctx.stackApi.live(), f.id)) throw inUse(...kind.inUse);
      delete section(stack, kind.section)[f.id];
      delete r.modified[f.id];
    });
    return { status: 204 };
  };
  const at = `${kind.path}/{Id}`;
  return [
    { name: `Create${kind.name}`, method: "POST", path: kind.path, run: create },
    { name: `Get${kind.name}`, method: "GET", path: at, run: get },
    { name: `Get${kind.name}Config`, method: "GET", path: `${at}/config`, run: getConfig },
    { name: `Update${kind.name}`, method: "PUT", path: kind.updateAtConfig ? `${at}/config` : at, run: update },
    { name: `Delete${kind.name}`, method: "DELETE", path: at, run: remove },
  ];
}

/** Every custom resource of a kind in the live stack, by Id. */
export function customResources(kind: ConfigResourceKind, ctx: CloudFrontApiContext): Found[] {
  return Object.entries(ctx.stackApi.live()[kind.section] as Record<string, Record<string, unknown>>)
    .map(([id, config]) => ({ id, config, managed: false }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

export function managedResources(kind: ConfigResourceKind): Found[] {
  return [...(kind.managed ?? new Map<string, { Name: string }>())].map(([id, config]) => ({ id, config: managedOut(config), managed: true }));
}
