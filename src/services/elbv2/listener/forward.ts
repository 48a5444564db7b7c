import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { Pool, errors as undiciErrors } from "undici";
import type { Clock } from "../../../core/clock.js";
import type { Ids } from "../../../core/ids.js";
import { sendAlbError } from "../errors.js";

/** A target group's registered targets with round-robin selection (alb.md §5 default algorithm). */
export class TargetGroupRuntime {
  #next = 0;
  readonly pools: readonly { url: string; pool: Pool }[];
  constructor(
    readonly name: string,
    targets: readonly string[],
    idleTimeoutMs: number,
  ) {
    this.pools = targets.map((url) => ({
      url,
      pool: new Pool(url, { headersTimeout: idleTimeoutMs, bodyTimeout: idleTimeoutMs, connect: { timeout: 10_000 } }),
    }));
  }

  pick(): { url: string; pool: Pool } | undefined {
    if (this.pools.length === 0) return undefined;
    const t = this.pools[this.#next % this.pools.length]!;
    this.#next = (this.#next + 1) % this.pools.length;
    return t;
  }

  close(): Promise<void> {
    return Promise.all(this.pools.map((p) => p.pool.close())).then(() => undefined);
  }
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings"]);

export interface ForwardContext {
  listenerPort: number;
  protocol: "http" | "https";
  clock: Clock;
  ids: Ids;
}

/** Forwards to one target, adding X-Forwarded-* and X-Amzn-Trace-Id (alb.md §7); 502/503/504 per §8.1. */
export async function forwardToTargetGroup(
  tg: TargetGroupRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  fc: ForwardContext,
): Promise<{ status: number; target: string }> {
  const target = tg.pick();
  if (!target) {
    sendAlbError(res, 503);
    return { status: 503, target: "-" };
  }
  const headers: Record<string, string | string[]> = {};
  for (const name in req.headers) {
    if (name.charCodeAt(0) === 58 || HOP_BY_HOP.has(name)) continue;
    headers[name] = req.headers[name]!;
  }
  const peer = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  const xff = req.headers["x-forwarded-for"];
  headers["x-forwarded-for"] = xff ? `${xff}, ${peer}` : peer;
  headers["x-forwarded-proto"] = fc.protocol;
  headers["x-forwarded-port"] = String(fc.listenerPort);
  headers["x-amzn-trace-id"] = traceId(req.headers["x-amzn-trace-id"] as string | undefined, fc);
  const host = (req.headers.host ?? (req.headers[":authority"] as string | undefined) ?? "").replace(/:\d+$/, "");
  // alb.md §7.4: port stripped on 80/443, appended on other listener ports.
  headers["host"] = fc.listenerPort === 80 || fc.listenerPort === 443 ? host : `${host}:${fc.listenerPort}`;
  const m = req.method ?? "GET";
  const hasBody = m !== "GET" && m !== "HEAD" && (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined);
  try {
    const r = await target.pool.request({ method: m as "GET", path: req.url ?? "/", headers, body: hasBody ? req : undefined });
    const out: Record<string, string | string[]> = {};
    for (const k in r.headers) if (!HOP_BY_HOP.has(k) && r.headers[k] !== undefined) out[k] = r.headers[k]!;
    res.writeHead(r.statusCode, out);
    pipeline(r.body, res, (err) => {
      if (err) res.destroy();
    });
    return { status: r.statusCode, target: target.url };
  } catch (e) {
    const status = e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.ConnectTimeoutError ? 504 : 502;
    sendAlbError(res, status);
    return { status, target: target.url };
  }
}

/** alb.md §7.3: `Root=1-<8 hex epoch>-<24 hex>`; an incoming Root gets a `Self=` in front. */
function traceId(incoming: string | undefined, fc: ForwardContext): string {
  const self = `1-${Math.floor(fc.clock.now() / 1000)
    .toString(16)
    .padStart(8, "0")}-${fc.ids.hex32().slice(0, 24)}`;
  if (!incoming) return `Root=${self}`;
  if (/(^|;)\s*Self=/.test(incoming)) return incoming.replace(/Self=[^;]*/, `Self=${self}`);
  if (/(^|;)\s*Root=/.test(incoming)) return `Self=${self};${incoming}`;
  return `Root=${self}`;
}
