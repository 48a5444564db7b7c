// The benchmark suite's helper servers, in plain JavaScript so they run under bare node (no loader):
//   node bench/fixtures.mjs bare <dir>    the baselines: node:http serving /1k and /100k from memory,
//                                         writing each PUT body to a file (and, for a PUT of /put-md5,
//                                         hashing it with MD5 too: S3's ETag), and /1k-cf, /100k-cf: /1k,
//                                         /100k with the wire work of a CloudFront hit; node:http2 over
//                                         TLS serving /1k and /1k-cf
//   node bench/fixtures.mjs origin        the origin / ALB target edgeparity and nginx sit in front of
//   node bench/fixtures.mjs proxy <port>  a bare reverse proxy (node:http server, undici Pool client) to
//                                         127.0.0.1:<port>: what one proxied hop costs in node itself
// Prints one JSON line with its ports, then serves until killed.
import { execFileSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { createWriteStream, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createSecureServer } from "node:http2";
import { join } from "node:path";
import { Pool } from "undici";
import { keepTickObjectShape } from "../dist/cli/tick-object-shape.js";

// The baselines get what `edgeparity up` does (src/cli/tick-object-shape.ts): without it a bare
// node server lands, by chance of when a GC runs, in a state ~25 % slower per request, and a
// ratio against it would flatter the edge.
keepTickObjectShape();

const BODIES = { "/1k": Buffer.alloc(1024, 120), "/100k": Buffer.alloc(100 * 1024, 120) };
const listen = (s) => new Promise((r) => s.listen(0, "127.0.0.1", () => r(s.address().port)));

/** Same header set for every server: what an origin would send for a cacheable object. */
function serveBody(req, res) {
  const body = BODIES[req.url];
  if (req.url === "/") return void res.writeHead(200, { "content-length": 2 }).end("ok"); // ALB health checks
  if (!body) return void res.writeHead(404, { "content-length": 0 }).end();
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length, "cache-control": "max-age=3600" });
  res.end(body);
}

/**
 * What a CloudFront cache hit must put on the wire besides the bare answer, done by bare node: the
 * request's Host read, CloudFront's headers (Via, X-Cache, X-Amz-Cf-Pop, a fresh 40-byte
 * X-Amz-Cf-Id, Age; cloudfront.md §7) and an access-log line per response, gathered per event-loop
 * turn into a file, its timestamp formatted once per millisecond — as edgeparity's default log
 * does. Row 21 of the suite: what is left between it and edgeparity is edgeparity's own work.
 */
function serveLikeAHit(log) {
  const via = "1.1 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)";
  const pool = Buffer.alloc(4096);
  let at = pool.length;
  const requestId = () => {
    if (at + 40 > pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    at += 40;
    return pool.toString("base64url", at - 40, at);
  };
  let pending = "";
  const flush = () => {
    log.write(pending);
    pending = "";
  };
  let isoMs = 0;
  let iso = "";
  return (req, res) => {
    const started = performance.now();
    const body = req.url === "/100k-cf" ? BODIES["/100k"] : BODIES["/1k"];
    const host = req.headers.host ?? "-";
    const id = requestId();
    // As edgeparity writes them: a flat list on HTTP/1.1, an object on HTTP/2 (hit-header-block.ts).
    if (req.httpVersionMajor === 2)
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": String(body.length),
        "cache-control": "max-age=3600",
        via,
        "x-cache": "Hit from cloudfront",
        "x-amz-cf-pop": "LOC50-C1",
        "x-amz-cf-id": id,
        age: "0",
      });
    else
      res.writeHead(200, [
        "content-type",
        "application/octet-stream",
        "content-length",
        String(body.length),
        "cache-control",
        "max-age=3600",
        "via",
        via,
        "x-cache",
        "Hit from cloudfront",
        "x-amz-cf-pop",
        "LOC50-C1",
        "x-amz-cf-id",
        id,
        "age",
        "0",
      ]);
    res.end(body);
    const now = Date.now();
    if (now !== isoMs) {
      isoMs = now;
      iso = new Date(now).toISOString();
    }
    if (pending === "") setImmediate(flush);
    pending += `${iso} ${req.method} ${host} ${req.url} 200 behavior=* x-cache=Hit origin=- ${(performance.now() - started).toFixed(1)}ms\n`;
  };
}

const [role, dir] = process.argv.slice(2);
if (role === "origin") {
  const port = await listen(createServer(serveBody));
  process.stdout.write(`${JSON.stringify({ port })}\n`);
} else if (role === "proxy") {
  // The floor of the per-hop latency rows: the least a node proxy does (parse the request, send it
  // on a keep-alive connection with TCP_NODELAY, stream the answer back), in the same placement as
  // the edge, so "added per hop" can be told apart from what node:http + undici cost themselves.
  const pool = new Pool(`http://127.0.0.1:${dir}`, { connections: 64 });
  const port = await listen(
    createServer((req, res) => {
      pool.request({ method: req.method, path: req.url, headers: req.headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : req }).then(
        (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.body.pipe(res);
        },
        () => void res.writeHead(502, { "content-length": 0 }).end(),
      );
    }),
  );
  process.stdout.write(`${JSON.stringify({ port })}\n`);
} else if (role === "bare") {
  let n = 0;
  const likeAHit = serveLikeAHit(createWriteStream(join(dir, "bare-access.log")));
  const http1 = createServer((req, res) => {
    if (req.url === "/1k-cf" || req.url === "/100k-cf") return likeAHit(req, res);
    if (req.method !== "PUT") return serveBody(req, res);
    // The floor S3 PutObject is measured against: stream the body to a file, then answer.
    const out = createWriteStream(join(dir, `put-${n++ % 8}`));
    // The least a PutObject must do besides: the MD5 of the body is its ETag (s3.md §4.2).
    const md5 = req.url === "/put-md5" ? createHash("md5") : undefined;
    if (md5) req.on("data", (c) => md5.update(c));
    req.pipe(out);
    out.on("finish", () => res.writeHead(200, { etag: `"${md5 ? md5.digest("hex") : "x"}"`, "content-length": 0 }).end());
  });
  const key = join(dir, "bare-key.pem");
  const cert = join(dir, "bare-cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-days",
      "2",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    {
      stdio: "ignore",
    },
  );
  const http2 = createSecureServer({ key: readFileSync(key), cert: readFileSync(cert), allowHTTP1: false }, (req, res) =>
    req.url === "/1k-cf" ? likeAHit(req, res) : serveBody(req, res),
  );
  process.stdout.write(`${JSON.stringify({ http1: await listen(http1), http2: await listen(http2) })}\n`);
} else {
  console.error("usage: node bench/fixtures.mjs bare <dir> | origin | proxy <port>");
  process.exit(2);
}
