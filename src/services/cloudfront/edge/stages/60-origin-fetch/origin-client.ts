import type { Readable } from "node:stream";
import { Pool, errors as undiciErrors } from "undici";
import type { OriginEndpoint, OriginPlan } from "../../../compile/plan.js";

/**
 * One keep-alive pool per (origin, scheme), made once at start (never per request). Applies the
 * origin's ConnectionTimeout, OriginReadTimeout and OriginKeepaliveTimeout (cloudfront.md §10.2–10.3).
 */
export interface OriginRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: Readable | null;
  /** GET/HEAD may be retried after a read timeout; other methods are not (cloudfront.md §10.3). */
  idempotent: boolean;
}

export interface OriginReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export type OriginFailure = "connect" | "timeout" | "invalid";

export class OriginFetchError extends Error {
  constructor(
    readonly kind: OriginFailure,
    options: { cause: unknown },
  ) {
    super(`origin ${kind} failure`, options);
  }
}

export class OriginClient {
  readonly #pool: Pool;
  constructor(
    readonly origin: OriginPlan,
    readonly endpoint: OriginEndpoint,
    ca: string | undefined,
  ) {
    this.#pool = new Pool(endpoint.connectUrl, {
      connect: { timeout: origin.connectionTimeoutMs, servername: endpoint.servername, ...(ca ? { ca } : {}) },
      headersTimeout: origin.readTimeoutMs,
      bodyTimeout: origin.readTimeoutMs,
      keepAliveTimeout: origin.keepAliveMs,
      keepAliveMaxTimeout: origin.keepAliveMs,
    });
  }

  async request(r: OriginRequest): Promise<OriginReply> {
    const attempts = this.origin.connectionAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.#pool.request({ method: r.method as "GET", path: r.path, headers: r.headers, body: r.body ?? undefined });
        return { status: res.statusCode, headers: res.headers, body: res.body };
      } catch (cause) {
        const kind = classify(cause);
        // Connect failures are retried up to ConnectionAttempts; read timeouts only for GET/HEAD.
        const retry = attempt < attempts && (kind === "connect" || (kind === "timeout" && r.idempotent)) && r.body === null;
        if (!retry) throw new OriginFetchError(kind, { cause });
      }
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

function classify(e: unknown): OriginFailure {
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) return "timeout";
  if (e instanceof undiciErrors.ConnectTimeoutError) return "connect";
  const code = (e as { code?: string }).code;
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EHOSTUNREACH" || code === "ENOTFOUND" || code === "EPIPE") return "connect";
  if (e instanceof undiciErrors.SocketError) return "connect";
  if (
    code?.startsWith("ERR_TLS") ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "CERT_HAS_EXPIRED" ||
    code === "ERR_TLS_CERT_ALTNAME_INVALID"
  )
    return "connect";
  return "invalid";
}
