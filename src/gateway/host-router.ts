import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConnectionInfo, HostPolicy, HttpHandler } from "../core/service.js";

/**
 * Host → service. Only hosts a service registered are served: edgeparity is never a proxy to an
 * arbitrary host. An unknown host gets a 404 that lists what is served, so a typo is obvious.
 */
export class HostRouter {
  #routes = new Map<string, HttpHandler>();
  #policies = new Map<string, HostPolicy>();
  /** policyFor() answers per host, memoised for the revision (it runs on every request). */
  #policyMemo = new Map<string, HostPolicy | null>();
  #fallback: HttpHandler | undefined;
  #resolvers: readonly HostResolver[] = [];

  /**
   * Replaces the whole table at once (a new stack revision). `resolvers` answer hosts that are not
   * in the table (a bucket made through the S3 API, a wildcard alias), in order, before the fallback.
   */
  setRoutes(
    routes: ReadonlyMap<string, HttpHandler>,
    o: { fallback?: HttpHandler; resolvers?: readonly HostResolver[]; policies?: ReadonlyMap<string, HostPolicy> } = {},
  ): void {
    this.#routes = new Map(routes);
    this.#policies = new Map(o.policies ?? []);
    this.#policyMemo = new Map();
    this.#fallback = o.fallback;
    this.#resolvers = o.resolvers ?? [];
  }

  get hosts(): string[] {
    return [...this.#routes.keys()].sort();
  }

  /** The handler for a lower-case host name, or undefined when nothing serves it. */
  handlerFor(host: string): HttpHandler | undefined {
    const handler = this.#routes.get(host);
    if (handler) return handler;
    for (const resolve of this.#resolvers) {
      const resolved = resolve(host);
      if (resolved) return resolved;
    }
    if (this.#fallback && isLoopbackName(host)) return this.#fallback;
    return undefined;
  }

  /** How the gateway treats a host before any handler runs (parse errors, ALPN, protocols). */
  policyFor(host: string | undefined): HostPolicy | undefined {
    if (host === undefined) return undefined;
    const memo = this.#policyMemo.get(host);
    if (memo !== undefined) return memo ?? undefined;
    let found = this.#policies.get(host);
    // A wildcard alias's policy (`*.example.com`) covers its subdomains at any depth.
    for (let i = host.indexOf("."); found === undefined && i !== -1; i = host.indexOf(".", i + 1)) found = this.#policies.get(`*${host.slice(i)}`);
    // Bounded: arbitrary Host values must not grow it without limit.
    if (this.#policyMemo.size < 10_000) this.#policyMemo.set(host, found ?? null);
    return found;
  }

  route(req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo): void {
    const raw = req.headers.host;
    const host = raw === undefined ? "" : hostName(raw);
    const handler = this.handlerFor(host);
    if (handler) return handler(req, res, conn);
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

function isLoopbackName(host: string): boolean {
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host === "::1";
}

// The last Host value and its name: a client's requests repeat one Host, and each request asks
// twice (the gateway's policy, then the route). The same name string each time also keeps its
// hash for the route and policy Map lookups, which a new string per request would compute again.
let lastHost = "";
let lastName = "";

/** `Example.COM:4480` → `example.com`; `[::1]:80` → `[::1]`. */
export function hostName(host: string): string {
  if (host === lastHost) return lastName;
  const name = parseHostName(host);
  lastHost = host;
  lastName = name;
  return name;
}

function parseHostName(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(":");
  const name = colon === -1 ? h : h.slice(0, colon);
  return name.endsWith(".") ? name.slice(0, -1) : name;
}
