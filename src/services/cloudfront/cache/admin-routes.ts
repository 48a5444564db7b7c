import type { IncomingMessage, ServerResponse } from "node:http";
import type { DistributionCache } from "./distribution-cache.js";

/**
 * edgeparity's own routes for a distribution's cache (not AWS API): `GET /_edgeparity/cache` (objects,
 * TTL left, size, hits), `POST /_edgeparity/invalidations` with `{"paths": [...], "callerReference"?}`
 * or an AWS `InvalidationBatch`, and `GET /_edgeparity/invalidations`. Used by `edgeparity invalidate`,
 * tests and the console.
 */
export const ADMIN_PREFIX = "/_edgeparity/";

/** 1 MiB: far above any real InvalidationBatch. */
const MAX_ADMIN_BODY_BYTES = 1024 * 1024;

export function handleCacheAdmin(req: IncomingMessage, res: ServerResponse, resolve: (name: string | undefined) => DistributionCache | undefined): void {
  const url = new URL(req.url ?? "/", "http://x");
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body, null, 2);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
    res.end(text);
  };
  const route = url.pathname.slice(ADMIN_PREFIX.length);
  if (req.method === "GET" && (route === "cache" || route === "invalidations")) {
    const cache = resolve(url.searchParams.get("distribution") ?? undefined);
    if (!cache) return send(404, { error: "NoSuchDistribution: name one with ?distribution=<name|id|domain>" });
    if (route === "invalidations") return send(200, { distributionId: cache.distributionId, invalidations: cache.invalidations });
    cache.view().then(
      (v) => send(200, v),
      (e: unknown) => send(500, { error: `InternalError: the cache could not be listed (${(e as Error).message})` }),
    );
    return;
  }
  if (req.method === "POST" && route === "invalidations") {
    // A CreateInvalidation batch is a few KB (3,000 paths of ≤ 4,000 chars at most, cloudfront.md §12):
    // the body is capped so a huge upload cannot grow the process (issue 8 §9).
    const declared = Number(req.headers["content-length"] ?? 0);
    const tooLarge = () => {
      res.shouldKeepAlive = false;
      send(413, { error: `EntityTooLarge: the invalidation request body exceeds ${MAX_ADMIN_BODY_BYTES} bytes` });
      req.resume();
    };
    if (declared > MAX_ADMIN_BODY_BYTES) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > MAX_ADMIN_BODY_BYTES) {
        refused = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (refused) return;
      let input: {
        distribution?: string;
        paths?: unknown;
        callerReference?: unknown;
        InvalidationBatch?: { Paths?: { Items?: unknown }; CallerReference?: unknown };
      };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch (e) {
        return send(400, { error: `MalformedInput: the body is not JSON (${(e as Error).message})` });
      }
      const paths = input.paths ?? input.InvalidationBatch?.Paths?.Items;
      const ref = input.callerReference ?? input.InvalidationBatch?.CallerReference;
      if (!Array.isArray(paths) || !paths.every((p) => typeof p === "string"))
        return send(400, { error: 'InvalidArgument: send {"paths": ["/path", "/dir/*"]}' });
      const cache = resolve(input.distribution ?? url.searchParams.get("distribution") ?? undefined);
      if (!cache) return send(404, { error: `NoSuchDistribution: '${input.distribution ?? ""}' names no distribution served here` });
      cache.invalidate(paths as string[], typeof ref === "string" ? ref : undefined).then(
        (r) => {
          if ("error" in r) return send(r.status, { error: r.error });
          send(201, { Location: `/_edgeparity/invalidations/${r.invalidation.Id}`, Invalidation: r.invalidation });
        },
        (e: unknown) => send(500, { error: `InternalError: the invalidation failed (${(e as Error).message})` }),
      );
    });
    return;
  }
  send(404, { error: `edgeparity: no route ${req.method} ${url.pathname}; try GET /_edgeparity/cache, POST /_edgeparity/invalidations` });
}
