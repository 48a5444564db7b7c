import { z } from "zod";
import { listItems } from "../../../model/aws-list.js";
import { alreadyExists, inUse, invalidArgument, noSuchPublicKey, noSuchResource } from "./api-errors.js";
import {
  checkIfMatch,
  etagOf,
  readRequest,
  isoNow,
  mutate,
  newResourceId,
  page,
  records,
  xmlAnswer,
  type CloudFrontApiContext,
  type Operation,
} from "./operation.js";

/**
 * PublicKey and KeyGroup CRUD (API Reference: CreatePublicKey … ListKeyGroups). Record-keeping:
 * they live in the API's records, not in the stack, until signed URLs and cookies are emulated
 * (a behaviour's TrustedKeyGroups is accepted with a "not emulated yet" warning).
 */
const PublicKeyConfigSchema = z
  .object({ CallerReference: z.string().min(1), Name: z.string().min(1), EncodedKey: z.string().min(1), Comment: z.string().optional() })
  .strict();
const KeyGroupConfigSchema = z.object({ Name: z.string().min(1), Items: z.array(z.string()).min(1), Comment: z.string().optional() }).strict();

function findPublicKey(ctx: CloudFrontApiContext, id: string) {
  const k = records(ctx).publicKeys[id];
  if (!k) throw noSuchPublicKey();
  return { id, ...k, etag: etagOf(id, k.PublicKeyConfig) };
}

function findKeyGroup(ctx: CloudFrontApiContext, id: string) {
  const g = records(ctx).keyGroups[id];
  if (!g) throw noSuchResource();
  return { id, ...g, etag: etagOf(id, g.KeyGroupConfig) };
}

const publicKeyOut = (k: ReturnType<typeof findPublicKey>) => ({ Id: k.id, CreatedTime: k.CreatedTime, PublicKeyConfig: k.PublicKeyConfig });
const keyGroupOut = (g: ReturnType<typeof findKeyGroup>) => ({ Id: g.id, LastModifiedTime: g.LastModifiedTime, KeyGroupConfig: { ...g.KeyGroupConfig } });

function checkKeys(ctx: CloudFrontApiContext, ids: readonly string[]): void {
  const keys = records(ctx).publicKeys;
  for (const id of ids) if (!keys[id]) throw noSuchPublicKey();
}

const createPublicKey: Operation["run"] = async (call, _p, ctx) => {
  const config = readRequest(call, "PublicKeyConfig", PublicKeyConfigSchema);
  if (Object.values(records(ctx).publicKeys).some((k) => k.PublicKeyConfig.CallerReference === config.CallerReference))
    throw alreadyExists("PublicKeyAlreadyExists", "The specified public key already exists.");
  const id = `K${newResourceId(ctx).slice(1)}`;
  await mutate(ctx, "", ({ records: r }) => void (r.publicKeys[id] = { CreatedTime: isoNow(ctx), PublicKeyConfig: config }));
  const k = findPublicKey(ctx, id);
  return xmlAnswer(201, "PublicKey", publicKeyOut(k), { location: `${call.endpoint}/2020-05-31/public-key/${id}`, etag: k.etag });
};

const updatePublicKey: Operation["run"] = async (call, [id], ctx) => {
  const k = findPublicKey(ctx, id!);
  checkIfMatch(call, k.etag);
  const config = readRequest(call, "PublicKeyConfig", PublicKeyConfigSchema);
  // API Reference (UpdatePublicKey): only the comment can change.
  if (config.EncodedKey !== k.PublicKeyConfig.EncodedKey || config.CallerReference !== k.PublicKeyConfig.CallerReference) illegal();
  await mutate(ctx, "", ({ records: r }) => void (r.publicKeys[k.id] = { CreatedTime: k.CreatedTime, PublicKeyConfig: config }));
  const after = findPublicKey(ctx, k.id);
  return xmlAnswer(200, "PublicKey", publicKeyOut(after), { etag: after.etag });
};

function illegal(): never {
  throw invalidArgument("You can update only the Comment (and Name) of a public key; EncodedKey and CallerReference cannot change.");
}

const deletePublicKey: Operation["run"] = async (call, [id], ctx) => {
  const k = findPublicKey(ctx, id!);
  checkIfMatch(call, k.etag);
  if (Object.values(records(ctx).keyGroups).some((g) => (g.KeyGroupConfig.Items as string[]).includes(k.id)))
    throw inUse("PublicKeyInUse", "The specified public key is in use.");
  await mutate(ctx, "", ({ records: r }) => void delete r.publicKeys[k.id]);
  return { status: 204 };
};

const listPublicKeys: Operation["run"] = async (call, _p, ctx) => {
  const all = Object.keys(records(ctx).publicKeys)
    .sort()
    .map((id) => findPublicKey(ctx, id));
  const p = page(all, (k) => k.id, call);
  return xmlAnswer(200, "PublicKeyList", {
    ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
    MaxItems: p.maxItems,
    Items: p.items.map((k) => ({
      Id: k.id,
      Name: k.PublicKeyConfig.Name,
      CreatedTime: k.CreatedTime,
      EncodedKey: k.PublicKeyConfig.EncodedKey,
      Comment: k.PublicKeyConfig.Comment ?? "",
    })),
  });
};

const createKeyGroup: Operation["run"] = async (call, _p, ctx) => {
  const config = readRequest(call, "KeyGroupConfig", KeyGroupConfigSchema);
  if (Object.values(records(ctx).keyGroups).some((g) => g.KeyGroupConfig.Name === config.Name))
    throw alreadyExists(
      "KeyGroupAlreadyExists",
      "A key group with this name already exists. You must provide a unique name. To modify an existing key group, use UpdateKeyGroup.",
    );
  checkKeys(ctx, config.Items);
  const id = newResourceId(ctx).toLowerCase();
  await mutate(ctx, "", ({ records: r }) => void (r.keyGroups[id] = { LastModifiedTime: isoNow(ctx), KeyGroupConfig: config }));
  const g = findKeyGroup(ctx, id);
  return xmlAnswer(201, "KeyGroup", keyGroupOut(g), { location: `${call.endpoint}/2020-05-31/key-group/${id}`, etag: g.etag });
};

const updateKeyGroup: Operation["run"] = async (call, [id], ctx) => {
  const g = findKeyGroup(ctx, id!);
  checkIfMatch(call, g.etag);
  const config = readRequest(call, "KeyGroupConfig", KeyGroupConfigSchema);
  if (Object.entries(records(ctx).keyGroups).some(([other, x]) => other !== g.id && x.KeyGroupConfig.Name === config.Name))
    throw alreadyExists(
      "KeyGroupAlreadyExists",
      "A key group with this name already exists. You must provide a unique name. To modify an existing key group, use UpdateKeyGroup.",
    );
  checkKeys(ctx, config.Items);
  await mutate(ctx, "", ({ records: r }) => void (r.keyGroups[g.id] = { LastModifiedTime: isoNow(ctx), KeyGroupConfig: config }));
  const after = findKeyGroup(ctx, g.id);
  return xmlAnswer(200, "KeyGroup", keyGroupOut(after), { etag: after.etag });
};

const deleteKeyGroup: Operation["run"] = async (call, [id], ctx) => {
  const g = findKeyGroup(ctx, id!);
  checkIfMatch(call, g.etag);
  const used = Object.values(ctx.stackApi.live().distributions).some((dc) =>
    [dc.DefaultCacheBehavior, ...listItems(dc.CacheBehaviors)].some((b) => listItems(b.TrustedKeyGroups).includes(g.id)),
  );
  if (used) throw inUse("ResourceInUse", "Cannot delete this resource because it is in use.");
  await mutate(ctx, "", ({ records: r }) => void delete r.keyGroups[g.id]);
  return { status: 204 };
};

const listKeyGroups: Operation["run"] = async (call, _p, ctx) => {
  const all = Object.keys(records(ctx).keyGroups)
    .sort()
    .map((id) => findKeyGroup(ctx, id));
  const p = page(all, (g) => g.id, call);
  return xmlAnswer(200, "KeyGroupList", {
    ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
    MaxItems: p.maxItems,
    Items: p.items.map((g) => ({ KeyGroup: keyGroupOut(g) })),
  });
};

export const KEY_OPERATIONS: readonly Operation[] = [
  { name: "CreatePublicKey", method: "POST", path: "/public-key", run: createPublicKey },
  { name: "ListPublicKeys", method: "GET", path: "/public-key", run: listPublicKeys },
  {
    name: "GetPublicKey",
    method: "GET",
    path: "/public-key/{Id}",
    run: async (_c, [id], ctx) => {
      const k = findPublicKey(ctx, id!);
      return xmlAnswer(200, "PublicKey", publicKeyOut(k), { etag: k.etag });
    },
  },
  {
    name: "GetPublicKeyConfig",
    method: "GET",
    path: "/public-key/{Id}/config",
    run: async (_c, [id], ctx) => {
      const k = findPublicKey(ctx, id!);
      return xmlAnswer(200, "PublicKeyConfig", k.PublicKeyConfig, { etag: k.etag });
    },
  },
  { name: "UpdatePublicKey", method: "PUT", path: "/public-key/{Id}/config", run: updatePublicKey },
  { name: "DeletePublicKey", method: "DELETE", path: "/public-key/{Id}", run: deletePublicKey },
  { name: "CreateKeyGroup", method: "POST", path: "/key-group", run: createKeyGroup },
  { name: "ListKeyGroups", method: "GET", path: "/key-group", run: listKeyGroups },
  {
    name: "GetKeyGroup",
    method: "GET",
    path: "/key-group/{Id}",
    run: async (_c, [id], ctx) => {
      const g = findKeyGroup(ctx, id!);
      return xmlAnswer(200, "KeyGroup", keyGroupOut(g), { etag: g.etag });
    },
  },
  {
    name: "GetKeyGroupConfig",
    method: "GET",
    path: "/key-group/{Id}/config",
    run: async (_c, [id], ctx) => {
      const g = findKeyGroup(ctx, id!);
      return xmlAnswer(200, "KeyGroupConfig", g.KeyGroupConfig, { etag: g.etag });
    },
  },
  { name: "UpdateKeyGroup", method: "PUT", path: "/key-group/{Id}", run: updateKeyGroup },
  { name: "DeleteKeyGroup", method: "DELETE", path: "/key-group/{Id}", run: deleteKeyGroup },
];
