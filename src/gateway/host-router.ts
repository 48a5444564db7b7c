import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConnectionInfo, HttpHandler } from "../core/service.js";

/**
 * Host → service. Only hosts a service registered are served: edgeparity is never a proxy to an
 * arbitrary host. An unknown host gets a 404 that lists what is served, so a typo is obvious.
 */
export class HostRouter {
  #routes = new Map<string, HttpHandler>();
  #fallback: HttpHandler | undefined;
  #resolve: HostResolver | undefined;

  /**
   * Replaces the whole table at once (a new stack revision). `resolve` answers hosts that appear
   * while running (a bucket made through the S3 API), after the table and before the fallback.
   */
  setRoutes(routes: ReadonlyMap<string, HttpHandler>, fallback?: HttpHandler, resolve?: HostResolver): void {
    this.#routes = new Map(routes);
    this.#fallback = fallback;
    this.#resolve = resolve;
  }

  get hosts(): string[] {
    return [...this.#routes.keys()].sort();
  }

  route(req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo): void {
    const raw = req.headers.host ?? (req.headers[":authority"] as string | undefined);
    const host = raw === undefined ? "" : hostName(raw);
    const handler = this.#routes.get(host);
    if (handler) return handler(req, res, conn);
    const resolved = this.#resolve?.(host);
    if (resolved) return resolved(req, res, conn);
    if (this.#fallback && (host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host === "::1")) return this.#fallback(req, res, conn);
    this.#unknownHost(res, raw);
  }

  #unknownHost(res: ServerResponse, raw: string | undefined): void {
    const body =
      (raw === undefined ? "edgeparity: the request has no Host header.\n" : `edgeparity: nothing is served at host "${raw}".\n`) +
      `Hosts served here:\n${this.hosts.map((h) => `  ${h}\n`).join("")}`;
    res.writeHead(raw === undefined ? 400 : 404, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }
}

/** A handler for a lower-case host name (no port) the route table lacks, or undefined. */
export type HostResolver = (host: string) => HttpHandler | undefined;

/** `Example.COM:4480` → `example.com`; `[::1]:80` → `[::1]`. */
export function hostName(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(":");
  const name = colon === -1 ? h : h.slice(0, colon);
  return name.endsWith(".") ? name.slice(0, -1) : name;
}
