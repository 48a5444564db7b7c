import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { awsCli } from "../support/aws-cli.js";
import { runCli } from "../support/cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertComplete, BODY_SIZES, describeResult, HTTP_VERSIONS, sha256 } from "../support/e2e-matrix.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";

/**
 * CloudFront Functions end to end (cloudfront.md §13): the real CLI (`edgeparity up`, a child
 * process) serving test/fixtures/stacks/e2e-functions — functions written for this project on a
 * distribution in front of a test origin — under real curl on HTTP/1.1 and HTTP/2, and code AWS
 * refuses, refused by `edgeparity validate` and `up` with its line and column.
 */
const FIXTURE = fileURLToPath(new URL("../fixtures/stacks/e2e-functions", import.meta.url));
const REFUSED = fileURLToPath(new URL("../fixtures/functions-refused", import.meta.url));
const SECRET = "edgeparity-test-secret";

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");
function jwt(claims: Record<string, unknown>, secret = SECRET): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url")}`;
}

/** The access-log line a request printed (the log is written when the response closes). */
async function waitForLine(lines: readonly string[], match: (line: string) => boolean): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const found = lines.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no access-log line matched; last lines:\n${lines.slice(-5).join("\n")}`);
}

describe("e2e: CloudFront Functions through edgeparity up (cloudfront.md §13)", () => {
  let work: string;
  let s: CliSession;
  let origin: OriginServer;
  let base: string;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  const send = (path: string, http: "1.1" | "2", o: { method?: string; headers?: string[]; body?: keyof typeof bodies } = {}) =>
    curlExchange({
      url: new URL(path, base).href,
      method: o.method ?? "GET",
      http,
      cacert: s.caPath,
      headers: o.headers,
      bodyFile: o.body ? bodies[o.body].path : undefined,
    });
  const seen = (from: number) => origin.requests.slice(from);

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-cff-"));
    origin = await startOrigin((req, res, body) => {
      const url = req.url ?? "/";
      if (url.startsWith("/index.html")) {
        res.writeHead(200, { "content-type": "text/html", "cache-control": "max-age=300" });
        return res.end("<!doctype html><title>spa</title>");
      }
      if (url.startsWith("/missing")) {
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("not here");
      }
      const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store" };
      if (url.includes("own-acao")) headers["access-control-allow-origin"] = "https://fixed.example";
      res.writeHead(200, headers);
      res.end(JSON.stringify({ method: req.method, url, sub: req.headers["x-jwt-sub"] ?? null, bytes: body.length, sha256: sha256(body) }));
    });
    await cp(FIXTURE, join(work, "stack"), { recursive: true });
    const stackFile = join(work, "stack", "stack.yaml");
    await writeFile(stackFile, (await readFile(stackFile, "utf8")).replace("ORIGIN_PORT", String(origin.port)));
    bodies = await writeBodies(work);
    s = await startCliSession(["--config", stackFile]);
    base = s.distribution("fn").url;
  });
  after(async () => {
    await s?.stop();
    await origin?.close();
    await rm(work, { recursive: true, force: true });
  });

  for (const http of HTTP_VERSIONS) {
    const tag = `[HTTP/${http}]`;

    it(`SPA rewrite: a route without extension is served /index.html, then from the cache; the viewer-response security headers come on the miss and on the hit (cloudfront.md §13.3, §1.3) ${tag}`, async () => {
      const from = origin.requests.length;
      const first = await send(`/dashboard/settings-h${http.replace(".", "")}`, http);
      assert.equal(first.status, 200, describeResult(first));
      assertComplete(first);
      assert.equal(first.httpVersion, http);
      assert.match(first.body.toString(), /<title>spa<\/title>/);
      assert.equal(first.headers["strict-transport-security"], "max-age=63072000; includeSubDomains; preload");
      assert.equal(first.headers["x-content-type-options"], "nosniff");
      for (const r of seen(from)) assert.equal(r.url, "/index.html", "the origin is asked for /index.html, never the route");
      const second = await send(`/another/route-h${http.replace(".", "")}`, http);
      assert.equal(second.status, 200, describeResult(second));
      assert.equal(second.headers["x-cache"], "Hit from cloudfront", "the rewritten URI is the cache key: a second route is a hit");
      assert.equal(second.headers["x-frame-options"], "DENY", "viewer-response runs on cache hits");
      // §13.2: the names the function set are written Example-Header-Name on HTTP/1.1 (HTTP/2 names are lower-case by protocol).
      assert.ok(second.headerNames.includes(http === "1.1" ? "X-Frame-Options" : "x-frame-options"), second.headerNames.join(", "));
      assert.ok(Number(second.headers["x-served-at"]) > 0, "Date inside the function is the invocation's time");
      // The access log names each function run with its compute utilization (cloudfront.md §13.4).
      const logged = await waitForLine(s.lines, (l) => l.includes(`/another/route-h${http.replace(".", "")}`));
      assert.match(logged, /function=spa-rewrite\/viewer-request compute=\d+ function=security-headers\/viewer-response compute=\d+/);
    });

    it(`viewer-response does not run when the origin answers 400 or more (cloudfront.md §13.3 [doc]) ${tag}`, async () => {
      const r = await send("/missing.png", http);
      assert.equal(r.status, 404, describeResult(r));
      assertComplete(r);
      assert.equal(r.headers["strict-transport-security"], undefined, describeResult(r));
    });

    it(`JWT check: no token, a bad signature, an expired token are the function's 401, generated at the edge (not cached, no origin request) (cloudfront.md §13.3, §1.2) ${tag}`, async () => {
      const from = origin.requests.length;
      const cases: [string[], string][] = [
        [[], "missing token"],
        [[`Authorization: Bearer ${jwt({ sub: "u1" }, "wrong-secret")}`], "bad signature"],
        [[`Authorization: Bearer ${jwt({ sub: "u1", exp: 1 })}`], "expired"],
      ];
      for (const [headers, reason] of cases) {
        const r = await send("/api/orders", http, { headers });
        assert.equal(r.status, 401, describeResult(r));
        assertComplete(r);
        assert.equal(r.headers["x-cache"], "FunctionGeneratedResponse from cloudfront");
        assert.equal(r.headers["www-authenticate"], 'Bearer error="invalid_token"');
        assert.equal(r.headers["content-type"], "application/json");
        assert.equal(r.headers["access-control-allow-origin"], undefined, "no viewer-response after a viewer-request answer (§1.3)");
        assert.deepEqual(JSON.parse(r.body.toString()), { message: reason });
      }
      assert.equal(seen(from).length, 0, "a generated response never reaches the origin");
    });

    for (const size of BODY_SIZES) {
      it(`JWT check: a valid token lets POST ${size} through with its body intact and the subject added; CORS echo of Origin on the way back (cloudfront.md §13.2, §13.3) ${tag}`, async () => {
        const r = await send(`/api/orders?size=${size}`, http, {
          method: "POST",
          body: size,
          headers: [`Authorization: Bearer ${jwt({ sub: "user-42", exp: Math.floor(Date.now() / 1000) + 3600 })}`, "Origin: https://app.example"],
        });
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        const echo = JSON.parse(r.body.toString()) as { method: string; url: string; sub: string; bytes: number; sha256: string };
        assert.equal(echo.method, "POST");
        assert.equal(echo.url, `/api/orders?size=${size}`);
        assert.equal(echo.sub, "user-42");
        assert.equal(echo.bytes, bodies[size].bytes.length);
        assert.equal(echo.sha256, sha256(bodies[size].bytes));
        assert.equal(r.headers["access-control-allow-origin"], "https://app.example");
      });
    }

    it(`CORS echo keeps the origin's own Access-Control-Allow-Origin (cloudfront.md §13.3) ${tag}`, async () => {
      const r = await send("/api/own-acao", http, { headers: [`Authorization: Bearer ${jwt({ sub: "u" })}`, "Origin: https://app.example"] });
      assert.equal(r.status, 200, describeResult(r));
      assert.equal(r.headers["access-control-allow-origin"], "https://fixed.example");
    });

    it(`country redirect: CloudFront-Viewer-Country (local.viewer DE, through the behaviour's origin request policy) sends /geo/* to /geo/de/* (cloudfront.md §13.2, §7.4) ${tag}`, async () => {
      const r = await send("/geo/pricing", http);
      assert.equal(r.status, 302, describeResult(r));
      assertComplete(r);
      assert.equal(r.headers.location, "/geo/de/pricing");
      assert.equal(r.headers["x-cache"], "FunctionGeneratedResponse from cloudfront");
      const there = await send("/geo/de/pricing", http);
      assert.equal(there.status, 200, describeResult(there));
      assert.equal((JSON.parse(there.body.toString()) as { url: string }).url, "/geo/de/pricing");
    });

    it(`A/B routing: the ab cookie picks the folder the KeyValueStore names (cloudfront.md §13.5) ${tag}`, async () => {
      const a = await send("/ab/page", http);
      assert.equal(a.status, 200, describeResult(a));
      assert.equal((JSON.parse(a.body.toString()) as { url: string }).url, "/blue/page");
      const b = await send("/ab/page", http, { headers: ["Cookie: theme=dark; ab=b"] });
      assert.equal((JSON.parse(b.body.toString()) as { url: string }).url, "/green/page");
      const unknown = await send("/ab/page", http, { headers: ["Cookie: ab=zzz"] });
      assert.equal((JSON.parse(unknown.body.toString()) as { url: string }).url, "/blue/page", "a missing key rejects; the function falls back");
    });

    for (const [path, runtime] of [
      ["/fresh/", "cloudfront-js-1.0"],
      ["/fresh2/", "cloudfront-js-2.0"],
    ] as const) {
      it(`no state carries over between invocations: top-level and global counters read 1 on every request (${runtime}, cloudfront.md §13.1) ${tag}`, async () => {
        for (let i = 0; i < 4; i++) {
          const r = await send(`${path}count-${i}`, http);
          assert.equal(r.status, 200, describeResult(r));
          assertComplete(r);
          assert.equal(r.headers["x-cache"], "FunctionGeneratedResponse from cloudfront");
          assert.equal(r.headers["x-top-count"], "1", `request ${i + 1}: a top-level counter`);
          assert.equal(r.headers["x-seen"], "1", `request ${i + 1}: a top-level array`);
          assert.equal(r.headers["x-global-count"], "1", `request ${i + 1}: a globalThis property`);
          if (runtime === "cloudfront-js-1.0") {
            assert.equal(r.headers["x-builtin-count"], "1", `request ${i + 1}: a property set on Math`);
            assert.equal(r.headers["x-handler-count"], "1", `request ${i + 1}: a property set on the handler`);
          }
        }
      });
    }

    it(`a function that allocates past 2 MB fails the request with CloudFront's 503 page; a small one passes (cloudfront.md §13.4 memory) ${tag}`, async () => {
      const big = await send("/memory/big", http);
      assert.equal(big.status, 503, describeResult(big));
      assertComplete(big);
      assert.match(big.body.toString(), /The CloudFront function associated with the CloudFront distribution is invalid or could not run\./);
      assert.equal(big.headers["x-cache"], "Error from cloudfront");
      const small = await send("/memory/small", http);
      assert.equal(small.status, 200, describeResult(small));
      assert.equal((JSON.parse(small.body.toString()) as { url: string }).url, "/memory/small");
      const again = await send("/memory/big", http);
      assert.equal(again.status, 503, `a second time too: ${describeResult(again)}`);
    });

    it(`a runaway function is stopped and the request is CloudFront's 503 page; the edge keeps serving (cloudfront.md §13.4) ${tag}`, async () => {
      const r = await send("/slow/anything", http);
      assert.equal(r.status, 503, describeResult(r));
      assertComplete(r);
      assert.match(r.body.toString(), /The CloudFront function associated with the CloudFront distribution is invalid or could not run\./);
      assert.equal(r.headers["x-cache"], "Error from cloudfront");
      await s.assertAlive(`after the runaway ${tag}`, new URL("/index.html", base).href);
    });
  }

  it("KeyValueStore: an edit of the bound file reaches the running functions without a new revision (cloudfront.md §13.5)", async () => {
    const file = join(work, "stack", "kvs", "ab.json");
    await writeFile(
      file,
      JSON.stringify({
        data: [
          { key: "variant-a", value: "blue" },
          { key: "variant-b", value: "red" },
        ],
      }),
    );
    let url = "";
    for (let i = 0; i < 50 && url !== "/red/page"; i++) {
      const r = await send("/ab/page", "1.1", { headers: ["Cookie: ab=b"] });
      url = (JSON.parse(r.body.toString()) as { url: string }).url;
      if (url !== "/red/page") await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(url, "/red/page");
  });

  it("live reload: an edit of a function's code file is a new revision that runs the new code (cloudfront.md §13.1; issue 9)", async () => {
    const file = join(work, "stack", "functions", "security-headers.js");
    const code = await readFile(file, "utf8");
    await writeFile(file, code.replace('headers["referrer-policy"]', 'headers["x-code-version"] = { value: "2" };\n  headers["referrer-policy"]'));
    let version: string | undefined;
    for (let i = 0; i < 100 && version !== "2"; i++) {
      const r = await send("/index.html", "1.1");
      version = r.headers["x-code-version"];
      if (version !== "2") await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(version, "2", s.stderr().slice(-2000));
  });

  it("edgeparity function test prints what aws cloudfront test-function prints (cloudfront.md §13.6)", async () => {
    const event = join(work, "event.json");
    await writeFile(
      event,
      JSON.stringify({
        version: "1.0",
        context: { eventType: "viewer-request" },
        viewer: { ip: "198.51.100.7" },
        request: { method: "GET", uri: "/geo/pricing", querystring: {}, headers: { "cloudfront-viewer-country": { value: "FR" } }, cookies: {} },
      }),
    );
    const r = await runCli(["function", "test", "country-redirect", "--event", event, "--stage", "LIVE", "--config", join(work, "stack", "stack.yaml")]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      TestResult: Record<string, unknown> & { FunctionSummary: Record<string, unknown> & { FunctionMetadata: Record<string, unknown> } };
    };
    const t = out.TestResult;
    assert.deepEqual(JSON.parse(t.FunctionOutput as string), {
      response: { statusCode: 302, statusDescription: "Found", headers: { location: { value: "/geo/fr/pricing" }, "cache-control": { value: "no-store" } } },
    });
    assert.equal(t.FunctionErrorMessage, "");
    assert.deepEqual(t.FunctionExecutionLogs, []);
    assert.match(t.ComputeUtilization as string, /^\d{1,3}$/);
    assert.equal(t.FunctionSummary.Name, "country-redirect");
    assert.equal(t.FunctionSummary.FunctionMetadata.Stage, "LIVE");
    assert.equal(t.FunctionSummary.FunctionMetadata.FunctionARN, "arn:aws:cloudfront::000000000000:function/country-redirect");

    // The same TestFunction through the AWS CLI against the running stack: the same document,
    // field for field (the utilization is measured anew, so only its form is compared).
    const aws = await awsCli(() => `http://localhost:${s.ready.httpPort as number}`);
    try {
      const described = JSON.parse(await aws("cloudfront", "describe-function", "--name", "country-redirect", "--stage", "LIVE")) as { ETag: string };
      const viaAws = JSON.parse(
        await aws(
          "cloudfront",
          "test-function",
          "--name",
          "country-redirect",
          "--if-match",
          described.ETag,
          "--stage",
          "LIVE",
          "--event-object",
          `fileb://${event}`,
        ),
      ) as typeof out;
      // Times are when each process compiled the function: compared by their form (the CLI's ISO 8601 with +00:00).
      const time = (v: unknown) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/.test(String(v)) ? "cli-time" : String(v));
      const shape = (o: typeof out) => {
        const m = o.TestResult.FunctionSummary.FunctionMetadata;
        return {
          ...o.TestResult,
          ComputeUtilization: typeof o.TestResult.ComputeUtilization,
          FunctionSummary: {
            ...o.TestResult.FunctionSummary,
            FunctionMetadata: { ...m, CreatedTime: time(m.CreatedTime), LastModifiedTime: time(m.LastModifiedTime) },
          },
        };
      };
      assert.deepEqual(shape(out), shape(viaAws));
      assert.deepEqual(Object.keys(out.TestResult), Object.keys(viaAws.TestResult));
      assert.match(viaAws.TestResult.ComputeUtilization as string, /^\d{1,3}$/);
    } finally {
      await aws.cleanup();
    }

    // No --stage: DEVELOPMENT (TestFunction's default); an execution error is FunctionErrorMessage with an empty output.
    const dev = await runCli(["function", "test", "runaway", "--event", event, "--config", join(work, "stack", "stack.yaml")]);
    assert.equal(dev.code, 0, dev.stderr);
    const d = (JSON.parse(dev.stdout) as typeof out).TestResult;
    assert.equal(d.FunctionSummary.FunctionMetadata.Stage, "DEVELOPMENT");
    assert.equal(d.FunctionOutput, "");
    assert.match(
      d.FunctionErrorMessage as string,
      /^The CloudFront function associated with the CloudFront distribution is invalid or could not run\. InternalError: /,
    );
    assert.equal(d.ComputeUtilization, "100");
  });
});

describe("e2e: edgeparity function test reports a function past its 2 MB memory (cloudfront.md §13.4, §13.6)", () => {
  it("FunctionErrorMessage names the MemoryError for a 5 MB string; a 16 KB one has no error", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ep-e2e-cff-mem-"));
    try {
      await cp(FIXTURE, join(dir, "stack"), { recursive: true });
      const stackFile = join(dir, "stack", "stack.yaml");
      await writeFile(stackFile, (await readFile(stackFile, "utf8")).replace("ORIGIN_PORT", "9"));
      const run = async (uri: string) => {
        const event = join(dir, "event.json");
        await writeFile(
          event,
          JSON.stringify({
            version: "1.0",
            context: { eventType: "viewer-request" },
            request: { method: "GET", uri, querystring: {}, headers: {}, cookies: {} },
          }),
        );
        const r = await runCli(["function", "test", "memory-hog", "--event", event, "--config", stackFile]);
        assert.equal(r.code, 0, r.stderr);
        return (JSON.parse(r.stdout) as { TestResult: { FunctionErrorMessage: string; FunctionOutput: string } }).TestResult;
      };
      const big = await run("/memory/big");
      assert.equal(
        big.FunctionErrorMessage,
        "The CloudFront function associated with the CloudFront distribution is invalid or could not run. MemoryError: the function exceeded its maximum allowed memory of 2 MB",
      );
      assert.equal(big.FunctionOutput, "");
      const small = await run("/memory/small");
      assert.equal(small.FunctionErrorMessage, "");
      assert.equal(
        (JSON.parse(small.FunctionOutput) as { request: { headers: Record<string, { value: string }> } }).request.headers["x-built"]?.value,
        "16384",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("e2e: code AWS refuses is refused at load, with line and column (cloudfront.md §13.1)", () => {
  const cases: [string, RegExp][] = [
    [
      "const-in-1.0",
      /functions\.refused\.FunctionCode: InvalidArgument: SyntaxError: Token "const" not supported in this version in const-in-1\.0\.js:4:3 \(runtime cloudfront-js-1\.0\)/,
    ],
    [
      "destructuring-in-2.0",
      /InvalidArgument: SyntaxError: Token "\{" not supported in this version in destructuring-in-2\.0\.js:3:9 \(runtime cloudfront-js-2\.0\)/,
    ],
    ["eval", /InvalidArgument: SyntaxError: Token "eval" not supported in this version in eval\.js:4:38/],
  ];
  for (const [name, message] of cases) {
    it(`edgeparity validate refuses ${name}.js`, async () => {
      const r = await runCli(["validate", "--config", join(REFUSED, `${name}.yaml`)]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, message);
    });
  }
  it("edgeparity up refuses to start on refused code, naming the line and column", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ep-e2e-cff-refused-"));
    try {
      const r = await runCli([
        "up",
        "--http-port",
        "0",
        "--https-port",
        "0",
        "--state-dir",
        join(dir, "state"),
        "--config",
        join(REFUSED, "const-in-1.0.yaml"),
      ]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, cases[0]![1]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
