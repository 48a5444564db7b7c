import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { errors as undiciErrors } from "undici";
import { HOP_BY_HOP, type HeaderRecord } from "../listener/forward-headers.js";
import type { Target } from "./target-group.js";

/**
 * One request to an HTTP target over a pooled keep-alive connection (alb.md §9), bodies streamed
 * both ways. Failures map to ALB's statuses (§8.1): connect refused/reset, bad response, oversized
 * headers, deregistration delay elapsed → 502; connect timeout, idle timeout → 504.
 */
export interface TargetReply {
  status: number;
  /** Set when the target answered. */
  targetStatus?: number;
  targetSeconds?: number;
  connectionError?: boolean;
}

export async function proxyToTarget(
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  headers: HeaderRecord,
  /** Called with the target's headers before they are written; returns headers to add. */
  decorate: (targetHeaders: IncomingMessage["headers"]) => Record<string, string | string[]>,
  onError: (status: number) => void,
): Promise<TargetReply> {
  const method = req.method ?? "GET";
  const hasBody = req.headers["content-length"] !== undefined ? req.headers["content-length"] !== "0" : req.headers["transfer-encoding"] !== undefined;
  const ac = new AbortController();
  const abort = () => ac.abort();
  t.aborts.add(abort);
  t.inFlight++;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    t.inFlight--;
    t.aborts.delete(abort);
  };
  const started = performance.now();
  try {
    const r = await t.pool!.request({ method, path: req.url ?? "/", headers, body: hasBody ? req : undefined, signal: ac.signal });
    const targetSeconds = (performance.now() - started) / 1000;
    const out: Record<string, string | string[]> = {};
    for (const k in r.headers) {
      const v = r.headers[k];
      if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
    }
    for (const [k, v] of Object.entries(decorate(r.headers as IncomingMessage["headers"]))) {
      const prev = out[k];
      out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), ...(Array.isArray(v) ? v : [v])];
    }
    res.writeHead(r.statusCode, out);
    pipeline(r.body, res, (err) => {
      release();
      if (err) res.destroy();
    });
    return { status: r.statusCode, targetStatus: r.statusCode, targetSeconds };
  } catch (e) {
    release();
    const err = e as Error & { code?: string };
    const timeout = err instanceof undiciErrors.ConnectTimeoutError || err instanceof undiciErrors.HeadersTimeoutError;
    const status = timeout ? 504 : 502;
    onError(status);
    return { status, connectionError: err.code === "ECONNREFUSED" || err instanceof undiciErrors.ConnectTimeoutError };
  }
}
