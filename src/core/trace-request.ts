import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConnectionInfo } from "./service.js";
import { TRACE, TRACE_HEADER, type TraceRequestEvent, type TraceScope, type TraceService } from "./trace.js";

/**
 * Opens a request's part of its trace: a viewer-facing response carries `X-Edgeparity-Trace` when
 * the stack asks for it (`--trace`), and once the response has ended (or the client left) the
 * `request` event closes it. Nothing is allocated when no one listens and no header is asked for.
 */
export function traceRequest(
  req: IncomingMessage,
  res: ServerResponse,
  conn: ConnectionInfo | undefined,
  service: TraceService,
  traceId: string,
  scope: TraceScope | undefined = conn?.trace,
): void {
  const root = conn?.origin === undefined;
  if (root && scope?.header === true) res.setHeader(TRACE_HEADER, traceId);
  const ch = TRACE.request.channel;
  if (!ch.hasSubscribers) return;
  const started = performance.now();
  const host = String(req.headers.host ?? req.headers[":authority"] ?? "");
  const scheme = conn?.protocol ?? ((req.socket as { encrypted?: boolean }).encrypted ? "https" : "http");
  // One more listener than the service's own (ALB and CloudFront already hold several).
  res.setMaxListeners(res.getMaxListeners() + 1);
  res.once("close", () => {
    const e: TraceRequestEvent = {
      traceId,
      service,
      kind: "request",
      message: `HTTP/${req.httpVersion}`,
      root,
      scope,
      method: req.method ?? "",
      url: `${scheme}://${host}${req.url ?? ""}`,
      status: res.writableFinished ? res.statusCode : 0,
      ms: performance.now() - started,
    };
    ch.publish(e);
  });
}
