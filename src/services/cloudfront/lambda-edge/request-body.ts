import { Readable } from "node:stream";
import type { EdgeContext } from "../edge/edge-context.js";

/**
 * The viewer's body for IncludeBody (cloudfront.md §14.2, §14.5). Up to the event's limit is read
 * and shown to the function; with action "read-only" the origin still gets the whole body, as
 * sent: what was read first, then the rest as it streams (`ctx.requestBody`). Read bytes are kept
 * per request, so a viewer-request and an origin-request function read the same prefix once.
 * A replacement body (action "replace") takes the place of the viewer's, whose rest is drained.
 */
interface BodyState {
  chunks: Buffer[];
  size: number;
  ended: boolean;
  /** A function replaced the body: this is the request's body from now on. */
  replacement: Buffer | undefined;
  /** The viewer's body broke (reset, closed early): the origin's copy fails too, never ends short. */
  error: Error | undefined;
}

const STATES = new WeakMap<EdgeContext, BodyState>();

export interface ExposedBody {
  data: Buffer;
  inputTruncated: boolean;
}

/** Reads (at most `limit` + one chunk of) the body and returns what a function may see of it. */
export async function exposeRequestBody(ctx: EdgeContext, limit: number): Promise<ExposedBody> {
  let st = STATES.get(ctx);
  if (st === undefined)
    STATES.set(ctx, (st = { chunks: [], size: 0, ended: !ctx.hasRequestBody || ctx.req.readableEnded, replacement: undefined, error: undefined }));
  if (st.replacement !== undefined) return { data: st.replacement.subarray(0, limit), inputTruncated: st.replacement.length > limit };
  if (!st.ended && st.error === undefined && st.size <= limit) await readMore(ctx.req, st, limit);
  const all = st.chunks.length === 1 ? st.chunks[0]! : Buffer.concat(st.chunks);
  st.chunks = [all];
  const truncated = all.length > limit || !st.ended;
  // The origin gets the body from what was read on: the viewer's stream is not read again.
  if (ctx.hasRequestBody) ctx.requestBody = replay(ctx.req, st);
  return { data: all.subarray(0, limit), inputTruncated: truncated };
}

/** The function's replacement body is the request's body; the viewer's rest is read and dropped. */
export function replaceRequestBody(ctx: EdgeContext, body: Buffer): void {
  let st = STATES.get(ctx);
  if (st === undefined) STATES.set(ctx, (st = { chunks: [], size: 0, ended: true, replacement: undefined, error: undefined }));
  st.replacement = body;
  ctx.requestBody = Readable.from([body]);
  if (!ctx.req.readableEnded) ctx.req.resume();
}

/** A generated response needs no body: the viewer's rest is read and dropped (write-response drains HTTP/2). */
export function dropRequestBody(ctx: EdgeContext): void {
  if (!STATES.has(ctx)) return;
  ctx.requestBody = undefined;
  if (!ctx.req.readableEnded) ctx.req.resume();
}

/** Reads on until past `limit` or the end; a broken body is kept as `st.error` (the viewer is gone, nothing to answer). */
function readMore(src: Readable, st: BodyState, limit: number): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      src.off("data", onData);
      src.off("end", onEnd);
      src.off("error", onError);
      src.off("close", onClose);
      src.pause();
    };
    const onData = (c: Buffer) => {
      st.chunks.push(c);
      st.size += c.length;
      if (st.size > limit) {
        stop();
        resolve();
      }
    };
    const onEnd = () => {
      st.ended = true;
      stop();
      resolve();
    };
    const onError = (e: Error) => {
      st.error = e;
      stop();
      resolve();
    };
    const onClose = () => {
      if (st.ended) return;
      onError(new Error("the viewer closed the connection before its request body was complete"));
    };
    src.on("data", onData);
    src.once("end", onEnd);
    src.once("error", onError);
    src.once("close", onClose);
    src.resume();
  });
}

/** What was read, then the rest of the viewer's stream as it arrives (with its backpressure). */
function replay(src: Readable, st: BodyState): Readable {
  let attached = false;
  const out: Readable = new Readable({
    read() {
      if (attached) return void src.resume();
      attached = true;
      for (const c of st.chunks) out.push(c);
      if (st.error) return void out.destroy(st.error);
      if (st.ended) return void out.push(null);
      src.on("data", (c: Buffer) => {
        if (!out.push(c)) src.pause();
      });
      src.once("end", () => out.push(null));
      src.once("error", (e) => out.destroy(e));
      src.resume();
    },
  });
  return out;
}
