import type { ServerResponse } from "node:http";
import { pipeline, Transform, type Readable } from "node:stream";
import { discardBody } from "../../../../../core/http/discard-body.js";
import { withWireNames } from "../../../../../core/http/header-name-case.js";
import { pumpBody } from "../../../../../core/http/pump-body.js";
import type { EdgeContext } from "../../edge-context.js";
import { closeUnfinishedStream, drainUpload, needsUploadDrain } from "./end-after-upload.js";
import { finalizeHeaders } from "./finalize-headers.js";
import { writeHitHead } from "./hit-header-block.js";

/** Sends ctx.response to the viewer, streaming the body; a broken origin stream aborts the viewer connection. */
export function writeResponse(ctx: EdgeContext): void {
  // HTTP/2 with an upload still arriving (end-after-upload.ts). A client stops sending once it sees
  // a status ≥ 300, so such an answer goes at once. An upload an origin still reads: the answer
  // streams and only its end waits for the upload. Otherwise the whole answer waits for the drain.
  if (!needsUploadDrain(ctx)) return send(ctx, false);
  if (ctx.response!.status >= 300) {
    ctx.res!.once("finish", () => closeUnfinishedStream(ctx));
    return send(ctx, false);
  }
  if (ctx.stopUpload !== undefined) return send(ctx, true);
  void drainUpload(ctx).then(() => send(ctx, false));
}

function send(ctx: EdgeContext, isEndGated: boolean): void {
  const r = ctx.response!;
  // A cache hit as stored: its object's header block, built once (hit-header-block.ts).
  // An invalid stored header: the general path answers (and logs) as for any response.
  if (r.status >= 200 && r.status !== 204 && writeHitHead(ctx, r)) return writeBody(ctx, r.status === 304, isEndGated);
  sendHeaders(ctx, isEndGated);
}

function sendHeaders(ctx: EdgeContext, isEndGated: boolean): void {
  const r = ctx.response!;
  const res = ctx.res!;
  const headers = finalizeHeaders(ctx, r);
  // RFC 9110 §8.6: a 204 has no content, so its Content-Length is meaningless; Node would wait for
  // the announced bytes and close the connection without an answer (issue 8 §6).
  const isBodiless = r.status === 204 || r.status === 304 || r.status < 200;
  if (r.status === 204 || r.status < 200) delete headers["content-length"];
  if (r.closeConnection && ctx.req.httpVersionMajor < 2) res.shouldKeepAlive = false;
  try {
    // Names an edge function set keep the spelling CloudFront writes on HTTP/1.1 (cloudfront.md §13.2).
    res.writeHead(r.status, r.headerNames !== undefined && ctx.req.httpVersionMajor < 2 ? withWireNames(headers, r.headerNames) : headers);
  } catch (e) {
    // An origin header Node refuses to write (invalid characters) is a malformed origin response.
    ctx.runtime.log.warn(`distribution ${ctx.plan.id}: origin response header rejected: ${(e as Error).message}`);
    for (const n of Object.keys(headers)) if (!["content-type", "via", "x-cache", "x-amz-cf-pop", "x-amz-cf-id"].includes(n)) delete headers[n];
    res.writeHead(502, headers);
    res.end();
    discardBody(r.body);
    return;
  }
  writeBody(ctx, isBodiless, isEndGated);
}

function writeBody(ctx: EdgeContext, isBodiless: boolean, isEndGated: boolean): void {
  const r = ctx.response!;
  const res = ctx.res!;
  const body = r.body;
  const end = (last?: Buffer) => {
    if (!isEndGated) return void res.end(last);
    void drainUpload(ctx).then(() => res.end(last));
  };
  if (body === null || ctx.method === "HEAD" || isBodiless) {
    discardBody(body);
    end();
  } else if (Buffer.isBuffer(body)) {
    if (ctx.isCountingBodyBytes) ctx.sentBodyBytes = body.length;
    end(body);
  } else if (!isEndGated) {
    if (ctx.isCountingBodyBytes) body.on("data", (c: Buffer) => (ctx.sentBodyBytes += c.length));
    pumpBody(body, res);
  } else {
    if (ctx.isCountingBodyBytes) body.on("data", (c: Buffer) => (ctx.sentBodyBytes += c.length));
    const stages: [Readable, Transform, ServerResponse] = [body, gateEnd(ctx), res];
    pipeline(stages, (err) => {
      if (err) res.destroy();
    });
  }
}

/**
 * Passes the body through one chunk behind; the last chunk and the end wait until the viewer's
 * upload is drained (a client holding a whole Content-Length body stops sending, end-after-upload.ts).
 */
function gateEnd(ctx: EdgeContext): Transform {
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const previous = held;
      held = chunk;
      cb(null, previous);
    },
    flush(cb) {
      void drainUpload(ctx).then(() => cb(null, held));
    },
  });
}
