import { z } from "zod";
import { EdgeparityError } from "../../../core/errors.js";
import { awsList } from "../../../model/aws-list.js";
import type { StackApi } from "../../../core/service.js";
import type { Invalidation, InvalidationJournal } from "../cache/index.js";
import { CloudFrontApiError, inconsistentQuantities, invalidArgument, malformedInput, noSuchInvalidation } from "./api-errors.js";
import { findDistribution } from "./distributions.js";
import { fillRecords, page, recordsOf, SERVICE, xmlAnswer, type CloudFrontRecords, type Operation } from "./operation.js";
import { readXml } from "./xml.js";

/**
 * CreateInvalidation / GetInvalidation / ListInvalidations (API Reference) over the running
 * service's invalidations (cache/distribution-cache.ts, cloudfront.md §12): the objects are gone
 * when the answer is sent, so the answer says InProgress (as AWS's) and every later read Completed.
 * The records are kept with the API's records (`invalidationJournal`), so they outlive a restart
 * as AWS's do; they go when the distribution is deleted.
 */
const InvalidationBatchSchema = z.object({ Paths: awsList(z.string()), CallerReference: z.string().min(1) }).strict();

function out(i: Invalidation): Record<string, unknown> {
  return { Id: i.Id, Status: i.Status, CreateTime: i.CreateTime, InvalidationBatch: i.InvalidationBatch };
}

const createInvalidation: Operation["run"] = async (call, [id], ctx) => {
  const d = findDistribution(ctx, id!);
  const r = readXml(call.body, "InvalidationBatch", InvalidationBatchSchema);
  if (!r.ok) throw malformedInput(r.message);
  const parsed = InvalidationBatchSchema.safeParse(r.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (/Quantity is \d+ but Items has/.test(issue.message))
      throw inconsistentQuantities(`The value of Quantity and the size of Items don't match: ${issue.message}`);
    throw invalidArgument(`${issue.path.join(".")}: ${issue.message}`);
  }
  let inv: Invalidation;
  try {
    inv = await ctx.invalidations.create(d.id, parsed.data.Paths.Items ?? [], parsed.data.CallerReference);
  } catch (e) {
    // The cache's refusals read `Code: message` (cache/invalidation.ts).
    if (!(e instanceof EdgeparityError)) throw e;
    const m = /^([A-Za-z]+): (.*)$/s.exec(e.message);
    if (m?.[1] === "InvalidationBatchAlreadyExists") throw new CloudFrontApiError(409, m[1], m[2]!);
    throw invalidArgument(m ? m[2]! : e.message);
  }
  return xmlAnswer(201, "Invalidation", out(inv), { location: `${call.endpoint}/2020-05-31/distribution/${d.id}/invalidation/${inv.Id}` });
};

const getInvalidation: Operation["run"] = async (_call, [id, invalidationId], ctx) => {
  const d = findDistribution(ctx, id!);
  const inv = ctx.invalidations.list(d.id).find((i) => i.Id === invalidationId);
  if (!inv) throw noSuchInvalidation();
  return xmlAnswer(200, "Invalidation", out(inv));
};

const listInvalidations: Operation["run"] = async (call, [id], ctx) => {
  const d = findDistribution(ctx, id!);
  const p = page(ctx.invalidations.list(d.id), (i) => i.Id, call);
  return xmlAnswer(200, "InvalidationList", {
    Marker: p.marker,
    ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
    MaxItems: p.maxItems,
    IsTruncated: p.nextMarker !== undefined,
    Items: p.items.map((i) => ({ Id: i.Id, CreateTime: i.CreateTime, Status: i.Status })),
  });
};

/**
 * The invalidation records of every door (API, `edgeparity invalidate`, admin route) kept in the
 * CloudFront records of the API state (engine/api-state.ts): a records-only mutation, so no
 * revision; persisted before the invalidation is answered.
 */
export function invalidationJournal(stackApi: StackApi): InvalidationJournal {
  return {
    load: (id) => recordsOf(stackApi).invalidations[id] ?? [],
    async save(id, invalidation) {
      await stackApi.mutate<void, CloudFrontRecords>(SERVICE, (d) => {
        const r = fillRecords(d.records);
        r.invalidations[id] = [invalidation, ...(r.invalidations[id] ?? []).filter((i) => i.Id !== invalidation.Id)];
        d.records = r;
      });
    },
  };
}

export const INVALIDATION_OPERATIONS: readonly Operation[] = [
  { name: "CreateInvalidation", method: "POST", path: "/distribution/{Id}/invalidation", run: createInvalidation },
  { name: "ListInvalidations", method: "GET", path: "/distribution/{Id}/invalidation", run: listInvalidations },
  { name: "GetInvalidation", method: "GET", path: "/distribution/{Id}/invalidation/{Id}", run: getInvalidation },
];
