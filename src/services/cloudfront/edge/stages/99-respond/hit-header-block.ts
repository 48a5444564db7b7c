import { compileHead, writeCompiledHead, type CompiledHead } from "../../../../../core/http/compiled-head.js";
import type { CachedObject } from "../../../cache/index.js";
import type { BehaviorPlan, DistributionPlan } from "../../../compile/plan.js";
import type { EdgeResponse } from "../../../response/edge-response.js";
import type { EdgeContext } from "../../edge-context.js";
import { finalizeHeaders } from "./finalize-headers.js";

/**
 * The viewer header block of a cached object, built once and reused by every hit (issue 14): what
 * finalize-headers.ts makes of the stored headers is the same for each hit of the object through
 * the same behaviour; only X-Amz-Cf-Id and Age differ (Date is Node's own, written per response).
 * Kept as the flat `[name, value, …]` list HTTP/1.x `writeHead` takes, in the order finalizeHeaders
 * gives (an origin's own Via or Age keeps its place), with the two per-request values' slots noted;
 * HTTP/2's compatibility `writeHead` does more work per entry for a list than for an object (it
 * appends each), so HTTP/2 gets the block as an object, its two keys set per response the same way
 * (that `writeHead` copies each entry into the response's own headers and keeps no reference). A
 * copy per response (`{ ...object, … }`) cost a clone, and its two keys went through V8's literal
 * definition, whose feedback turns megamorphic once objects of several header sets pass.
 * On a kept-alive HTTP/1.1 connection the block's head is written as text compiled once
 * (core/http/compiled-head.ts): Node's `writeHead` validated and matched every header of every hit.
 * Entries are immutable, so a block stays right for its object; a new revision's behaviour or
 * another result type (Hit, RefreshHit, Error) builds a new one.
 */
interface HitHeaderBlock {
  readonly plan: DistributionPlan;
  readonly behavior: BehaviorPlan | undefined;
  readonly resultType: EdgeResponse["resultType"];
  /** Mutable only in their two per-response slots (hitHeaders). */
  readonly flat: (string | string[])[];
  readonly object: Record<string, string | string[]>;
  readonly idSlot: number;
  readonly ageSlot: number;
  /** The HTTP/1.1 head as text, where Node would write the list as plain lines. */
  readonly head: CompiledHead | undefined;
}

const BLOCKS = new WeakMap<CachedObject, HitHeaderBlock>();

/**
 * Writes the head of a hit as stored from its block: true when written, false when the response is
 * not a cached object's as stored or a stored header is one Node refuses (the general path answers).
 */
export function writeHitHead(ctx: EdgeContext, r: EdgeResponse): boolean {
  const block = blockOf(ctx, r);
  if (block === undefined) return false;
  const res = ctx.res!;
  const age = String(r.age);
  if (block.head !== undefined && ctx.req.httpVersionMajor === 1 && writeCompiledHead(res, block.head, ctx.requestId, age)) return true;
  // The block itself, its two slots set for this response: `writeHead` serialises a list (HTTP/1.x)
  // or copies an object (HTTP/2) before it returns, so no other response sees these values.
  let headers: (string | string[])[] | Record<string, string | string[]>;
  if (ctx.req.httpVersionMajor === 2) {
    const object = block.object;
    object["x-amz-cf-id"] = ctx.requestId;
    object.age = age;
    headers = object;
  } else {
    const list = block.flat;
    list[block.idSlot] = ctx.requestId;
    list[block.ageSlot] = age;
    headers = list;
  }
  try {
    res.writeHead(r.status, headers);
  } catch {
    return false;
  }
  return true;
}

function blockOf(ctx: EdgeContext, r: EdgeResponse): HitHeaderBlock | undefined {
  const o = r.cached;
  // A later stage (response headers policy, viewer-response function) gave the response other headers.
  if (o === undefined || r.headers !== o.headers || r.generated || r.age === undefined || r.closeConnection || r.headerNames !== undefined) return undefined;
  let block = BLOCKS.get(o);
  if (block === undefined || block.plan !== ctx.plan || block.behavior !== ctx.behavior || block.resultType !== r.resultType) {
    block = buildBlock(ctx, r);
    BLOCKS.set(o, block);
  }
  return block;
}

function buildBlock(ctx: EdgeContext, r: EdgeResponse): HitHeaderBlock {
  const headers = finalizeHeaders(ctx, r);
  const flat: (string | string[])[] = [];
  let idSlot = -1;
  let ageSlot = -1;
  for (const name in headers) {
    if (name === "x-amz-cf-id") idSlot = flat.length + 1;
    else if (name === "age") ageSlot = flat.length + 1;
    flat.push(name, headers[name]!);
  }
  const head = compileHead(r.status, flat, idSlot, ageSlot);
  return { plan: ctx.plan, behavior: ctx.behavior, resultType: r.resultType, flat, object: headers, idSlot, ageSlot, head };
}
