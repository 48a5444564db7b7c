import { pipeline } from "node:stream";
import { discardBody } from "../../../../../core/http/discard-body.js";
import type { EdgeContext } from "../../edge-context.js";
import { finalizeHeaders } from "./finalize-headers.js";

/** Sends ctx.response to the viewer, streaming the body; a broken origin stream aborts the viewer connection. */
export function writeResponse(ctx: EdgeContext): void {
  const r = ctx.response!;
  const res = ctx.res!;
  const headers = finalizeHeaders(ctx, r);
  // RFC 9110 §8.6: a 204 has no content, so its Content-Length is meaningless; Node would wait for
  // the announced bytes and close the connection without an answer (issue 8 §6).
  const isBodiless = r.status === 204 || r.status === 304 || r.status < 200;
  if (r.status === 204 || r.status < 200) delete headers["content-length"];
  if (r.closeConnection && ctx.req.httpVersionMajor < 2) res.shouldKeepAlive = false;
  try {
    res.writeHead(r.status, headers);
  } catch (e) {
    // An origin header Node refuses to write (invalid characters) is a malformed origin response.
    ctx.runtime.log.warn(`distribution ${ctx.plan.id}: origin response header rejected: ${(e as Error).message}`);
    for (const n of Object.keys(headers)) if (!["content-type", "via", "x-cache", "x-amz-cf-pop", "x-amz-cf-id"].includes(n)) delete headers[n];
    res.writeHead(502, headers);
    res.end();
    discardBody(r.body);
    return;
  }
  const body = r.body;
  if (body === null || ctx.method === "HEAD" || isBodiless) {
    discardBody(body);
    res.end();
  } else if (Buffer.isBuffer(body)) {
    res.end(body);
  } else {
    pipeline(body, res, (err) => {
      if (err) res.destroy();
    });
  }
}
