import type { IncomingMessage } from "node:http";
import { casingOf, cfHeadersFromRaw, cfHeadersFromRecord, type CfHeaders, type NodeHeaders } from "./cf-headers.js";
import { isDisallowedHeader } from "./disallowed-headers.js";

/**
 * The viewer's headers after a viewer-request function changed them. They replace the exposed
 * headers of the request in place, so every later step — cache key, origin request, logs, the
 * viewer-response event — sees the changed request, as CloudFront's later steps do (§1.1 step 9).
 * Headers the function was not shown (§14.4) and HTTP/2 pseudo-headers stay as the viewer sent them.
 */
const CHANGED = new WeakSet<IncomingMessage>();

export function viewerHeaders(req: IncomingMessage): CfHeaders {
  return CHANGED.has(req) ? cfHeadersFromRecord(req.headers as NodeHeaders, casingOf(req.rawHeaders)) : cfHeadersFromRaw(req.rawHeaders);
}

export function replaceViewerHeaders(req: IncomingMessage, next: NodeHeaders): void {
  const h = req.headers as NodeHeaders;
  for (const name of Object.keys(h)) if (name.charCodeAt(0) !== 58 && !isDisallowedHeader(name)) delete h[name];
  Object.assign(h, next);
  CHANGED.add(req);
}
