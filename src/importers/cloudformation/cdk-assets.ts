import { readdir, readFile } from "node:fs/promises";
import { join, posix } from "node:path";

/**
 * A CDK cloud assembly's assets (`cdk.out`): `<Stack>.assets.json` says which folder each
 * published object key (`<hash>.zip`) is built from (CDK cloud-assembly schema, asset manifest:
 * `files.<id>.source.path` and `destinations.*.objectKey`), and the `asset.<hash>` folders hold the
 * files. Read once per import, so later look-ups do no I/O.
 */
export interface CdkAssets {
  /** Object key (`<hash>.zip`) → asset folder, relative to the template's folder. */
  byObjectKey: Map<string, string>;
  /** Asset folder → the files in it (relative, `/`-separated), a few levels deep. */
  files: Map<string, Set<string>>;
}

const MAX_DEPTH = 3;

export async function readCdkAssets(dir: string): Promise<CdkAssets> {
  const assets: CdkAssets = { byObjectKey: new Map(), files: new Map() };
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isFile() && e.name.endsWith(".assets.json")) {
      const manifest = await readFile(join(dir, e.name), "utf8")
        .then((t) => JSON.parse(t) as unknown)
        .catch(() => undefined);
      const files = isRecord(manifest) && isRecord(manifest.files) ? manifest.files : {};
      for (const asset of Object.values(files)) {
        if (!isRecord(asset) || !isRecord(asset.source) || typeof asset.source.path !== "string") continue;
        for (const d of Object.values(isRecord(asset.destinations) ? asset.destinations : {}))
          if (isRecord(d) && typeof d.objectKey === "string") assets.byObjectKey.set(d.objectKey, asset.source.path);
      }
    } else if (e.isDirectory() && e.name.startsWith("asset.")) assets.files.set(e.name, await listFiles(join(dir, e.name)));
  }
  return assets;
}

async function listFiles(root: string, rel = "", depth = 0, out = new Set<string>()): Promise<Set<string>> {
  for (const e of await readdir(join(root, rel), { withFileTypes: true }).catch(() => [])) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isFile()) out.add(p);
    else if (e.isDirectory() && depth < MAX_DEPTH && e.name !== "node_modules") await listFiles(root, p, depth + 1, out);
  }
  return out;
}

/** The asset folder an uploaded object key was built from: the asset manifest's word, else `asset.<hash>` by name. */
export function findAssetFolder(assets: CdkAssets, objectKey: string): string | undefined {
  const named = assets.byObjectKey.get(objectKey);
  if (named !== undefined && assets.files.has(named)) return named;
  const byName = `asset.${objectKey.replace(/\.zip$/, "")}`;
  return assets.files.has(byName) ? byName : undefined;
}

/**
 * The file a Lambda `Handler` (`index.handler`, `src/app.main`) names in an asset folder: the part
 * before the last dot is the module, tried as .mjs, .js and .cjs as the Node.js runtime does.
 */
export function findHandlerFile(assets: CdkAssets, assetPath: string, handler: string): { path: string; exportName: string } | undefined {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const files = assets.files.get(assetPath);
  const module = handler.slice(0, dot);
  for (const ext of [".mjs", ".js", ".cjs"])
    if (files?.has(`${module}${ext}`)) return { path: posix.join(assetPath, `${module}${ext}`), exportName: handler.slice(dot + 1) };
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
