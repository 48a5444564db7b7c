import { isDeepStrictEqual } from "node:util";
import type { StackFragment } from "../../../core/service.js";
import { fillRecords, type CloudFrontRecords } from "./operation.js";

/**
 * What `edgeparity export` cannot write of the CloudFront API's records, because a stack file has
 * no field for it (docs/fidelity.md "State: API records and export"): tags, public keys and key
 * groups (record-keeping until signed URLs are emulated), a function's DEVELOPMENT stage when it
 * differs from LIVE (a stack file's function is LIVE only), invalidation history, and the keys of
 * an API KeyValueStore (its data file stays in the state dir). One line each, naming the resource,
 * so the operator sees what the exported file leaves behind.
 */
export function describeExportGaps(raw: unknown, fragment: StackFragment): string[] {
  const r: CloudFrontRecords = fillRecords(raw as Partial<CloudFrontRecords> | undefined);
  const gaps: string[] = [];
  for (const [arn, tags] of Object.entries(r.tags))
    if (tags.length) gaps.push(`CloudFront tags of ${arn} (${tags.map((t) => t.Key).join(", ")}): a stack file's distribution has no Tags field`);
  for (const [id, k] of Object.entries(r.publicKeys))
    gaps.push(`CloudFront public key ${id} (${String(k.PublicKeyConfig.Name)}): public keys are API records only (signed URLs are not emulated)`);
  for (const [id, g] of Object.entries(r.keyGroups))
    gaps.push(`CloudFront key group ${id} (${String(g.KeyGroupConfig.Name)}): key groups are API records only (signed URLs are not emulated)`);
  const live = (fragment.functions ?? {}) as Record<string, unknown>;
  for (const [name, f] of Object.entries(r.functions)) {
    if (!(name in live)) gaps.push(`CloudFront function ${name}: never published, so it has no LIVE stage a stack file could hold`);
    else if (!isDeepStrictEqual(f.development, live[name]))
      gaps.push(`CloudFront function ${name}: its DEVELOPMENT stage (changes not yet published); the export holds the LIVE code`);
  }
  const stores = (fragment.keyValueStores ?? {}) as Record<string, { file?: string }>;
  for (const name of Object.keys(r.keyValueStores))
    if (stores[name]?.file)
      gaps.push(
        `CloudFront KeyValueStore ${name}: its keys stay in the state dir's data file ${stores[name].file}, which the export names (copy it beside the export and change \`file\` to move it)`,
      );
  for (const [id, list] of Object.entries(r.invalidations))
    if (list.length) gaps.push(`CloudFront invalidation history of distribution ${id} (${list.length}): a stack file has no field for past invalidations`);
  return gaps;
}
