import { requestTooLarge } from "../../../errors.js";
import type { EdgeContext } from "../../edge-context.js";
import { CONTINUE, RESPOND, type StageResult } from "../stage.js";

/** cloudfront.md §11.2: request line + headers ≤ 20,480 bytes; constructed URL ≤ 8,192 bytes; else 413 and close. */
const MAX_HEADER_BYTES = 20480;
const MAX_URL_BYTES = 8192;

export function checkRequestSize(ctx: EdgeContext): StageResult {
  if (ctx.isErrorPageFetch) return CONTINUE;
  const req = ctx.req;
  const url = req.url ?? "/";
  // Request line: METHOD SP URL SP HTTP/x.y CRLF
  let size = (req.method?.length ?? 0) + url.length + 12;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 58 /* ':' pseudo-header */) continue;
    size += name.length + raw[i + 1]!.length + 4;
  }
  const urlBytes = ctx.protocol.length + 3 + ctx.host.length + url.length;
  if (size > MAX_HEADER_BYTES || urlBytes > MAX_URL_BYTES) {
    ctx.response = requestTooLarge(ctx.requestId);
    return RESPOND;
  }
  return CONTINUE;
}
