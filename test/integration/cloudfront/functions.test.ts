import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { importObject } from "../../../src/importers/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, ALL_VIEWER_EXCEPT_HOST, CACHING_DISABLED, customOrigin } from "../../support/stacks.js";
import { rawRequest } from "../../support/raw-http.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * CloudFront Functions in the data plane (cloudfront.md §13), in-process on HTTP/1.1 and HTTP/2:
 * the event object field by field (§13.2), the return contract (§13.3), the header restrictions
 * (§14.4), the failure statuses (§13.4), the 2.0 origin helpers (§10.7), and the load-time
 * refusals of CreateFunction. Functions are inline code, each on its own behaviour.
 */
const fn = (runtime: "1.0" | "2.0", code: string) => ({ FunctionConfig: { Runtime: `cloudfront-js-${runtime}` }, FunctionCode: code });

const FUNCTIONS = {
  // Answers with the event it got, so every field can be checked.
  "echo-request-event": fn(
    "1.0",
    "function handler(event) { return { statusCode: 200, statusDescription: 'OK', headers: { 'content-type': { value: 'application/json' } }, body: JSON.stringify(event) }; }",
  ),
  // Viewer-response 2.0: replaces the body with the event it got.
  "echo-response-event": fn(
    "2.0",
    "function handler(event) { const r = event.response; r.body = { encoding: 'text', data: JSON.stringify(event) }; r.headers['content-type'] = { value: 'application/json' }; return r; }",
  ),
  "set-host": fn("1.0", "function handler(event) { event.request.headers.host = { value: 'evil.example' }; return event.request; }"),
  "add-x-cache": fn("1.0", "function handler(event) { event.request.headers['x-cache'] = { value: 'Hit' }; return event.request; }"),
  "add-country": fn("1.0", "function handler(event) { event.request.headers['cloudfront-viewer-country'] = { value: 'FR' }; return event.request; }"),
  "bad-uri": fn("1.0", "function handler(event) { event.request.uri = 'no-slash'; return event.request; }"),
  "returns-nothing": fn("1.0", "function handler(event) { }"),
  throws: fn("2.0", "function handler(event) { throw new TypeError('boom'); }"),
  "eval-at-runtime": fn("1.0", "function handler(event) { var g = this || {}; return (0, globalThis['ev' + 'al'])('1'); }"),
  "function-constructor": fn("1.0", "function handler(event) { var F = Object.getPrototypeOf(function () {}).constructor; return new F('return 1')(); }"),
  "edit-request": fn(
    "1.0",
    "function handler(event) { var r = event.request; r.headers['x-multi'].value = 'first-edited'; r.headers['x-added'] = { value: 'yes' }; r.querystring.added = { value: 'q' }; r.cookies.session = { value: 'abc' }; delete r.headers['x-drop']; r.uri = '/edited' + r.uri; return r; }",
  ),
  "edit-multivalue": fn(
    "1.0",
    "function handler(event) { var r = event.request; r.headers['x-multi'].multiValue = [{ value: 'm1' }, { value: 'm2' }, { value: 'm3' }]; return r; }",
  ),
  "set-via-response": fn("1.0", "function handler(event) { event.response.headers.via = { value: 'x' }; return event.response; }"),
  "body-v1-ignored": fn("1.0", "function handler(event) { var r = event.response; r.body = 'replaced'; r.statusCode = 201; return r; }"),
  "body-base64": fn(
    "2.0",
    "function handler(event) { const r = event.response; r.body = { encoding: 'base64', data: Buffer.from('binary!').toString('base64') }; return r; }".replace(
      "Buffer",
      "require('buffer').Buffer",
    ),
  ),
  "body-bad-base64": fn("2.0", "function handler(event) { const r = event.response; r.body = { encoding: 'base64', data: '***' }; return r; }"),
  "frozen-date": fn(
    "1.0",
    "function handler(event) { var a = Date.now(); var x = 0; for (var i = 0; i < 20000; i++) { x += i; } var b = new Date().getTime(); return { statusCode: 200, headers: { 'x-a': { value: String(a) }, 'x-b': { value: String(b) } } }; }",
  ),
  "not-found": fn("1.0", "function handler(event) { return { statusCode: 404, statusDescription: 'Not Found', body: 'function says no' }; }"),
  "select-origin": fn("2.0", "import cf from 'cloudfront';\nfunction handler(event) { cf.selectRequestOriginById('second'); return event.request; }"),
  "update-origin": fn(
    "2.0",
    "import cf from 'cloudfront';\nfunction handler(event) { cf.updateRequestOrigin({ originPath: '/prefix', customHeaders: { 'x-origin-secret': 's3cr3t' } }); return event.request; }",
  ),
  "both-request": fn("1.0", "function handler(event) { event.request.headers['x-from-viewer-request'] = { value: 'added' }; return event.request; }"),
  "both-response": fn(
    "1.0",
    "function handler(event) { var h = event.request.headers['x-from-viewer-request']; event.response.headers['x-seen'] = { value: h ? h.value : 'none' }; return event.response; }",
  ),
  "select-unknown-origin": fn("2.0", "import cf from 'cloudfront';\nfunction handler(event) { cf.selectRequestOriginById('nope'); return event.request; }"),
  // §14.4 tables: the header to add or change is named by the request's `h` query parameter.
  "set-named-request-header": fn(
    "1.0",
    "function handler(event) { event.request.headers[event.request.querystring.h.value] = { value: 'x' }; return event.request; }",
  ),
  "set-named-response-header": fn(
    "1.0",
    "function handler(event) { event.response.headers[event.request.querystring.h.value] = { value: 'x' }; return event.response; }",
  ),
  "change-method": fn("1.0", "function handler(event) { event.request.method = 'DELETE'; return event.request; }"),
  "rewrite-to-second": fn("1.0", "function handler(event) { event.request.uri = '/to-second/x'; return event.request; }"),
};

const VIEWER_REQUEST = [
  "echo-request-event",
  "set-host",
  "add-x-cache",
  "add-country",
  "bad-uri",
  "returns-nothing",
  "throws",
  "eval-at-runtime",
  "function-constructor",
  "edit-request",
  "edit-multivalue",
  "frozen-date",
  "not-found",
  "select-origin",
  "update-origin",
  "select-unknown-origin",
  "set-named-request-header",
  "change-method",
  "rewrite-to-second",
];
const VIEWER_RESPONSE = ["echo-response-event", "set-via-response", "body-v1-ignored", "body-base64", "body-bad-base64", "set-named-response-header"];

/** §14.4 "disallowed headers", one name per family (X-Amz-Cf-* and X-Edge-* by a member each). */
const DISALLOWED = [
  "connection",
  "expect",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "trailer",
  "upgrade",
  "x-accel-buffering",
  "x-accel-charset",
  "x-accel-limit-rate",
  "x-accel-redirect",
  "x-amz-cf-anything",
  "x-amzn-auth",
  "x-amzn-cf-billing",
  "x-amzn-cf-id",
  "x-amzn-cf-xff",
  "x-amzn-errortype",
  "x-amzn-fle-profile",
  "x-amzn-header-count",
  "x-amzn-header-order",
  "x-amzn-lambda-integration-tag",
  "x-amzn-requestid",
  "x-cache",
  "x-edge-anything",
  "x-forwarded-proto",
  "x-real-ip",
];

describe("CloudFront Functions in the edge (cloudfront.md §13)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  let second: OriginServer;
  let host: string;
  let id: string;
  const last = () => origin.requests.at(-1)!;

  before(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "set-cookie": ["a=1; Path=/; Secure", "b=2"], "x-origin": "yes" });
      res.end(`origin saw ${req.url}`);
    });
    second = await startOrigin((req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`second saw ${req.url}`);
    });
    const behavior = (name: string, event: "viewer-request" | "viewer-response") => ({
      PathPattern: `/${name}/*`,
      TargetOriginId: "first",
      ViewerProtocolPolicy: "allow-all",
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
      AllowedMethods: ALL_METHODS,
      FunctionAssociations: { Items: [{ EventType: event, FunctionARN: `arn:aws:cloudfront::000000000000:function/${name}` }] },
    });
    stack = await startEdgeparity({
      config: {
        functions: FUNCTIONS,
        distributions: {
          fn: {
            Origins: { Items: [customOrigin("first", "first.example.com"), customOrigin("second", "second.example.com")] },
            DefaultCacheBehavior: { TargetOriginId: "first", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
            CacheBehaviors: {
              Items: [
                ...VIEWER_REQUEST.map((n) => behavior(n, "viewer-request")),
                ...VIEWER_RESPONSE.map((n) => behavior(n, "viewer-response")),
                // No function: where rewrite-to-second's new URI would lead if the behaviour were matched again.
                { PathPattern: "/to-second/*", TargetOriginId: "second", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
                {
                  ...behavior("both-request", "viewer-request"),
                  PathPattern: "/both/*",
                  FunctionAssociations: {
                    Items: [
                      { EventType: "viewer-request", FunctionARN: "both-request" },
                      { EventType: "viewer-response", FunctionARN: "both-response" },
                    ],
                  },
                },
              ],
            },
            CustomErrorResponses: { Items: [{ ErrorCode: 404, ResponsePagePath: "/errors/404.html", ResponseCode: "200" }] },
          },
        },
        local: { origins: { "first.example.com": origin.url, "second.example.com": second.url } },
      } as never,
    });
    host = stack.distributions.fn!.domain;
    id = stack.distributions.fn!.id;
  });
  after(async () => {
    await stack?.close();
    await origin?.close();
    await second?.close();
  });

  for (const v of VIEWER_VERSIONS) {
    const tag = `[HTTP/${v}]`;

    it(`event: version, context, viewer.ip and the request with querystring, headers and cookies as { value, multiValue } maps (cloudfront.md §13.2) ${tag}`, async () => {
      const r = await send(stack, v, host, "/echo-request-event/a%20b?x=1&x=2&flag&y=%C3%A9", {
        method: "POST",
        headers: {
          "x-multi": ["one", "two"],
          "x-list": "a, b",
          Cookie: "c1=v1; c1=v2; c2=w",
          "X-Mixed-Case": "kept",
          "x-amz-cf-id": "spoofed",
          "content-type": "text/plain",
        },
        body: "payload",
      });
      assert.equal(r.status, 200, r.body.toString());
      assert.equal(r.headers["x-cache"], "FunctionGeneratedResponse from cloudfront");
      const e = JSON.parse(r.body.toString()) as {
        version: string;
        context: Record<string, string>;
        viewer: { ip: string };
        request: { method: string; uri: string; querystring: Record<string, unknown>; headers: Record<string, unknown>; cookies: Record<string, unknown> };
      };
      assert.equal(e.version, "1.0");
      assert.deepEqual(e.context, { distributionDomainName: host, distributionId: id, eventType: "viewer-request", requestId: r.headers["x-amz-cf-id"] });
      assert.equal(e.viewer.ip, "127.0.0.1");
      assert.equal(e.request.method, "POST");
      assert.equal(e.request.uri, "/echo-request-event/a%20b", "the URI as received, not decoded");
      assert.deepEqual(e.request.querystring, { x: { value: "1", multiValue: [{ value: "1" }, { value: "2" }] }, flag: { value: "" }, y: { value: "%C3%A9" } });
      assert.deepEqual(e.request.headers["x-multi"], { value: "one", multiValue: [{ value: "one" }, { value: "two" }] });
      assert.deepEqual(e.request.headers["x-mixed-case"], { value: "kept" }, "header names are lower-case");
      assert.deepEqual(e.request.headers["x-list"], { value: "a, b" }, "one header with a comma-joined value is not split (§13.2)");
      assert.equal((e.request.headers["host"] as { value: string }).value.split(":")[0], host);
      assert.equal(e.request.headers["cookie"], undefined, "Cookie is the cookies map, not a header");
      assert.equal(e.request.headers["x-amz-cf-id"], undefined, "X-Amz-Cf-* is not exposed (§14.4)");
      assert.deepEqual(e.request.cookies, { c1: { value: "v1", multiValue: [{ value: "v1" }, { value: "v2" }] }, c2: { value: "w" } });
    });

    it(`event: viewer-response has the response with statusCode, headers and Set-Cookie as cookies with attributes; 2.0 replaces the body (cloudfront.md §13.2, §13.3) ${tag}`, async () => {
      const r = await send(stack, v, host, "/echo-response-event/x");
      assert.equal(r.status, 200, r.body.toString());
      assert.equal(r.headers["content-type"], "application/json");
      assert.equal(r.headers["content-length"], String(r.body.length));
      const e = JSON.parse(r.body.toString()) as { context: { eventType: string }; request: { uri: string }; response: Record<string, unknown> };
      assert.equal(e.context.eventType, "viewer-response");
      assert.equal(e.request.uri, "/echo-response-event/x");
      assert.equal(e.response.statusCode, 200);
      assert.equal((e.response.headers as Record<string, unknown>)["x-origin"] !== undefined, true);
      assert.deepEqual((e.response.headers as Record<string, unknown>)["x-origin"], { value: "yes" });
      assert.equal((e.response.headers as Record<string, unknown>)["set-cookie"], undefined);
      assert.deepEqual(e.response.cookies, { a: { value: "1", attributes: "Path=/; Secure" }, b: { value: "2", attributes: "" } });
    });

    it(`result: edits of uri, a header's value (first of its repeats), an added header, query string and cookie reach the origin; a deleted header does not (cloudfront.md §13.2) ${tag}`, async () => {
      const r = await send(stack, v, host, "/edit-request/p?keep=1", { headers: { "x-multi": ["one", "two"], "x-drop": "gone", cookie: "old=1" } });
      assert.equal(r.status, 200, r.body.toString());
      const seen = last();
      assert.equal(seen.url, "/edited/edit-request/p?keep=1&added=q");
      assert.equal(seen.headers["x-multi"], "first-edited, two");
      assert.equal(seen.headers["x-added"], "yes");
      assert.equal(seen.headers["x-drop"], undefined);
      // AllViewerExceptHostHeader forwards every cookie.
      assert.equal(seen.headers.cookie, "old=1; session=abc");
    });

    it(`viewer-response sees the request as the viewer-request function left it (cloudfront.md §13.2) ${tag}`, async () => {
      const r = await send(stack, v, host, "/both/p");
      assert.equal(r.status, 200);
      assert.equal(r.headers["x-seen"], "added");
    });

    it(`result: an edited multiValue wins over value (cloudfront.md §13.2) ${tag}`, async () => {
      await send(stack, v, host, "/edit-multivalue/p", { headers: { "x-multi": ["one", "two"] } });
      assert.equal(last().headers["x-multi"], "m1, m2, m3");
    });

    for (const [name, why] of [
      ["set-host", "Host is read-only in viewer-request"],
      ["add-x-cache", "X-Cache is disallowed"],
      ["add-country", "CloudFront-Viewer-Country cannot be added in viewer-request"],
      ["bad-uri", "uri must start with /"],
      ["returns-nothing", "no request or response returned"],
    ] as const) {
      it(`restriction: ${why} → 502 validation error page, nothing sent to the origin (cloudfront.md §13.4, §14.4) ${tag}`, async () => {
        const before = origin.requests.length;
        const r = await send(stack, v, host, `/${name}/p`);
        assert.equal(r.status, 502, r.body.toString());
        assert.equal(r.headers["x-cache"], "Error from cloudfront");
        assert.match(r.body.toString(), /<H1>502 ERROR<\/H1>/);
        assert.match(r.body.toString(), /The CloudFront function associated with the CloudFront distribution returned an invalid value\./);
        assert.equal(origin.requests.length, before);
      });
    }

    it(`restriction: via is read-only in viewer-response → 502 (cloudfront.md §14.4) ${tag}`, async () => {
      const r = await send(stack, v, host, "/set-via-response/p");
      assert.equal(r.status, 502, r.body.toString());
    });

    for (const name of ["throws", "eval-at-runtime", "function-constructor"]) {
      it(`failure: ${name} is an execution error → CloudFront's 503 page (cloudfront.md §13.1, §13.4) ${tag}`, async () => {
        const r = await send(stack, v, host, `/${name}/p`);
        assert.equal(r.status, 503, r.body.toString());
        assert.equal(r.headers.server, "CloudFront");
        assert.match(r.body.toString(), /The CloudFront function associated with the CloudFront distribution is invalid or could not run\./);
      });
    }

    it(`viewer-response: a 1.0 function cannot replace the body but can change the status (cloudfront.md §13.3) ${tag}`, async () => {
      const r = await send(stack, v, host, "/body-v1-ignored/p");
      assert.equal(r.status, 201);
      assert.equal(r.body.toString(), "origin saw /body-v1-ignored/p");
    });

    it(`viewer-response: a 2.0 base64 body replaces the origin's, invalid base64 is a validation error (cloudfront.md §13.2) ${tag}`, async () => {
      const r = await send(stack, v, host, "/body-base64/p");
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), "binary!");
      assert.equal(r.headers["content-length"], "7");
      const bad = await send(stack, v, host, "/body-bad-base64/p");
      assert.equal(bad.status, 502);
    });

    it(`runtime: Date is the invocation's start for the whole run (cloudfront.md §13.1) ${tag}`, async () => {
      const r = await send(stack, v, host, "/frozen-date/p");
      assert.equal(r.status, 200);
      assert.equal(r.headers["x-a"], r.headers["x-b"]);
    });

    it(`generated: a function's 404 is returned as-is, no custom error page (cloudfront.md §1.3, §13.3) ${tag}`, async () => {
      const r = await send(stack, v, host, "/not-found/p");
      assert.equal(r.status, 404);
      assert.equal(r.body.toString(), "function says no");
    });

    for (const name of ["content-length", "transfer-encoding", "via", ...DISALLOWED])
      it(`restriction: viewer-request setting ${name} → 502, nothing sent to the origin (cloudfront.md §14.4) ${tag}`, async () => {
        const before = origin.requests.length;
        const r = await send(stack, v, host, `/set-named-request-header/p?h=${name}`);
        assert.equal(r.status, 502, r.body.toString());
        assert.match(r.body.toString(), /returned an invalid value\./);
        assert.equal(origin.requests.length, before);
      });

    for (const name of ["warning", "via", ...DISALLOWED])
      it(`restriction: viewer-response setting ${name} → 502 (cloudfront.md §14.4) ${tag}`, async () => {
        const r = await send(stack, v, host, `/set-named-response-header/p?h=${name}`);
        assert.equal(r.status, 502, r.body.toString());
        assert.match(r.body.toString(), /returned an invalid value\./);
      });

    it(`restriction: other headers may be set in both events (cloudfront.md §14.4) ${tag}`, async () => {
      const a = await send(stack, v, host, "/set-named-request-header/p?h=x-fine");
      assert.equal(a.status, 200, a.body.toString());
      assert.equal(last().headers["x-fine"], "x");
      const b = await send(stack, v, host, "/set-named-response-header/p?h=x-fine");
      assert.equal(b.status, 200, b.body.toString());
      assert.equal(b.headers["x-fine"], "x");
    });

    it(`event: method is read-only — a changed method never reaches the origin (cloudfront.md §13.2) ${tag}`, async () => {
      const before = origin.requests.length;
      const r = await send(stack, v, host, "/change-method/p");
      assert.equal(r.status, 502, r.body.toString());
      assert.equal(origin.requests.length, before);
    });

    it(`event: a changed uri changes the object asked for, not the behaviour or origin (cloudfront.md §13.2) ${tag}`, async () => {
      const r = await send(stack, v, host, "/rewrite-to-second/p");
      assert.equal(r.status, 200, r.body.toString());
      assert.equal(r.body.toString(), "origin saw /to-second/x", "the first origin (the matched behaviour's), not /to-second/*'s");
    });

    it(`2.0 cloudfront module: selectRequestOriginById sends the request to another origin; updateRequestOrigin changes its path and custom headers (cloudfront.md §10.7) ${tag}`, async () => {
      const a = await send(stack, v, host, "/select-origin/p");
      assert.equal(a.body.toString(), "second saw /select-origin/p");
      const b = await send(stack, v, host, "/update-origin/p");
      assert.equal(b.body.toString(), "origin saw /prefix/update-origin/p");
      assert.equal(last().headers["x-origin-secret"], "s3cr3t");
      const c = await send(stack, v, host, "/select-unknown-origin/p");
      assert.equal(c.status, 503);
    });
  }

  it("output header casing: names a function set are written Example-Header-Name on HTTP/1.1, toward the origin and the viewer (cloudfront.md §13.2)", async () => {
    const get = (path: string, extra = "") =>
      rawRequest(stack.httpPort, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nx-multi: one\r\nx-multi: two\r\n${extra}Connection: close\r\n\r\n`);
    // viewer-request: the headers it added or changed reach the origin spelt Title-Case; the others as the edge writes them.
    await get("/edit-request/p", "x-untouched: same\r\n");
    const names = last().rawHeaders.filter((_, i) => i % 2 === 0);
    assert.ok(names.includes("X-Added") && names.includes("X-Multi"), names.join(","));
    assert.ok(names.includes("x-untouched"), names.join(","));
    // A generated response: every name it returned.
    const generated = await get("/echo-request-event/p");
    assert.match(generated.raw, /\r\nContent-Type: application\/json\r\n/);
    // viewer-response: the response it returned, its own additions included.
    const both = await get("/both/p");
    assert.match(both.raw, /\r\nX-Seen: added\r\n/);
    assert.match(both.raw, /\r\nX-Origin: yes\r\n/);
    // CloudFront's own headers are not the function's.
    assert.match(both.raw, /\r\nx-cache: Miss from cloudfront\r\n/i);
  });

  it("TestFunction: output, logs (10 KB cap), error message and the 1.0/2.0 module differences (cloudfront.md §13.1, §13.6)", async () => {
    const t = stack.testFunction("throws", { version: "1.0", context: { eventType: "viewer-request" }, request: {} });
    assert.equal(t.FunctionErrorMessage, "The CloudFront function associated with the CloudFront distribution is invalid or could not run. TypeError: boom");
    assert.equal(t.FunctionOutput, "");
    assert.throws(() => stack.testFunction("throw", {}), /NoSuchFunctionExists: no function 'throw' in this stack \(did you mean 'throws'\?\)/);
  });
});

const SEALED = [
  "function handler(e) {",
  "  var out = [];",
  "  ['fs', 'http', 'https', 'net', 'tls', 'dns', 'dgram', 'child_process', 'worker_threads', 'vm', 'cloudfront'].forEach(function (m) {",
  "    try { require(m); out.push(m + ' loads'); } catch (err) { out.push(err.message); }",
  "  });",
  "  console.log(out.join(', '));",
  "  console.log([typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof process, typeof setTimeout, typeof setInterval, typeof setImmediate, typeof queueMicrotask, typeof WebAssembly].join(' '));",
  "  return e.request;",
  "}",
].join("\n");

describe("CloudFront Functions: TestFunction on the runtimes' built-ins (cloudfront.md §13.1, §13.6)", () => {
  let stack: EdgeparityStack;
  before(async () => {
    stack = await startEdgeparity({
      config: {
        functions: {
          // §13.1: no network, no file system, no timers, no process — in either runtime; 1.0 has no cloudfront module.
          "v1-sealed": fn("1.0", SEALED),
          "v2-sealed": fn("2.0", SEALED),
          "v1-bytes": fn(
            "1.0",
            "function handler(e) { console.log('abc'.toBytes(), String('\\u0101'.toBytes()), 'é'.toBytes() === '\\xe9', 'aé'.toUTF8().fromBytes().length, 'aé'.toUTF8().toBytes(1).length, String('\u0101'.fromBytes()), String.bytesFrom('6869', 'hex'), String.bytesFrom('aGk=', 'base64'), String('\xff'.fromUTF8())); return e.request; }",
          ),
          logs: fn("1.0", "function handler(event) { for (var i = 0; i < 100; i++) console.log('x'.repeat(200)); return event.request; }"),
          "v1-builtins": fn(
            "1.0",
            "var crypto = require('crypto'); function handler(e) { var d = crypto.createHash('sha256').update('abc').digest(); console.log(typeof d, d.length, 'é'.toUTF8().length, 'é'.toUTF8().fromUTF8(), String.bytesFrom([104, 105]), crypto.createHmac('md5', 'k').update('m').digest('hex')); try { require('buffer'); } catch (err) { console.log('no buffer'); } return e.request; }",
          ),
          "v2-builtins": fn(
            "2.0",
            "const crypto = require('crypto'); const qs = require('querystring'); function handler(e) { const d = crypto.createHash('sha1').update('abc').digest(); console.log(require('buffer').Buffer.isBuffer(d), typeof ''.toUTF8, qs.stringify({ a: [1, 2] }), typeof setTimeout, typeof process); try { crypto.createHash('sha512'); } catch (err) { console.log(err.message); } return e.request; }",
          ),
        },
        distributions: {
          d: {
            Origins: { Items: [customOrigin("o", "o.example.com")] },
            DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
          },
        },
        local: { origins: { "o.example.com": "http://127.0.0.1:9" } },
      } as never,
    });
  });
  after(async () => stack?.close());
  const event = {
    version: "1.0",
    context: { eventType: "viewer-request" },
    viewer: { ip: "1.2.3.4" },
    request: { method: "GET", uri: "/", querystring: {}, headers: {}, cookies: {} },
  };

  it("console.log output is kept up to 10 KB per invocation (cloudfront.md §13.1)", () => {
    const t = stack.testFunction("logs", event);
    const bytes = t.FunctionExecutionLogs.reduce((n, l) => n + Buffer.byteLength(l), 0);
    assert.equal(bytes, 10_240);
    assert.equal(t.FunctionErrorMessage, "");
    assert.deepEqual(JSON.parse(t.FunctionOutput), { request: event.request });
  });

  it("no network, file system, timers or process in either runtime; only 2.0 has the cloudfront module (cloudfront.md §13.1)", () => {
    const missing = (m: string) => `Cannot find module "${m}"`;
    const nodeModules = ["fs", "http", "https", "net", "tls", "dns", "dgram", "child_process", "worker_threads", "vm"].map(missing);
    const v1 = stack.testFunction("v1-sealed", event);
    assert.equal(v1.FunctionErrorMessage, "");
    assert.deepEqual(v1.FunctionExecutionLogs, [[...nodeModules, missing("cloudfront")].join(", "), Array(9).fill("undefined").join(" ")]);
    const v2 = stack.testFunction("v2-sealed", event);
    assert.deepEqual(v2.FunctionExecutionLogs, [[...nodeModules, "cloudfront loads"].join(", "), Array(9).fill("undefined").join(" ")]);
  });

  it("1.0: the byte-string methods toBytes, fromBytes, toUTF8, fromUTF8 and String.bytesFrom (null when a conversion cannot be made) (cloudfront.md §13.1)", () => {
    const t = stack.testFunction("v1-bytes", event);
    assert.equal(t.FunctionErrorMessage, "");
    assert.deepEqual(t.FunctionExecutionLogs, ["abc null true 3 2 null hi hi null"]);
  });

  it("1.0: digest() without encoding is a byte string, byte-string methods exist, no buffer module", () => {
    const t = stack.testFunction("v1-builtins", event, { stage: "LIVE" });
    assert.equal(t.FunctionExecutionLogs[1], "no buffer");
    assert.match(t.FunctionExecutionLogs[0]!, /^string 32 2 é hi [0-9a-f]{32}$/);
    assert.equal(t.FunctionSummary.FunctionMetadata.Stage, "LIVE");
    assert.equal(t.FunctionSummary.FunctionConfig.Runtime, "cloudfront-js-1.0");
  });

  it("2.0: digest() without encoding is a Buffer, no byte-string methods, no timers or process, only md5/sha1/sha256", () => {
    const t = stack.testFunction("v2-builtins", event);
    assert.deepEqual(t.FunctionExecutionLogs, ["true undefined a=1&a=2 undefined undefined", 'not supported algorithm: "sha512"']);
  });
});

describe("CloudFront Functions: what CreateFunction and the distribution refuse at load (cloudfront.md §13.1, §13.4)", () => {
  const base = (functions: Record<string, unknown>, association = "f", extra: Record<string, unknown> = {}) => ({
    functions,
    ...extra,
    distributions: {
      d: {
        Origins: { Items: [customOrigin("o", "o.example.com")] },
        DefaultCacheBehavior: {
          TargetOriginId: "o",
          ViewerProtocolPolicy: "allow-all",
          CachePolicyId: CACHING_DISABLED,
          FunctionAssociations: { Items: [{ EventType: "viewer-request", FunctionARN: association }] },
        },
      },
    },
    local: { origins: { "o.example.com": "http://127.0.0.1:9" } },
  });
  const ok = "function handler(event) { return event.request; }";

  it("config: an association naming an unknown function is NoSuchFunctionExists with did-you-mean", () => {
    assert.throws(
      () => importObject(base({ "spa-rewrite": fn("1.0", ok) }, "arn:aws:cloudfront::000000000000:function/spa-rewrit"), "(test)", process.cwd()),
      /DefaultCacheBehavior\.FunctionAssociations\.Items\[0\]\.FunctionARN: NoSuchFunctionExists: The specified function does not exist\..*\(did you mean 'spa-rewrite'\?\)/,
    );
  });

  it("config: one function per event type, and not a CloudFront Function and Lambda@Edge on the same viewer event (cloudfront.md §13.4 Combination)", () => {
    const twice = base({ f: fn("1.0", ok), g: fn("1.0", ok) });
    const dcb = twice.distributions.d.DefaultCacheBehavior as Record<string, unknown>;
    dcb.FunctionAssociations = {
      Items: [
        { EventType: "viewer-request", FunctionARN: "f" },
        { EventType: "viewer-request", FunctionARN: "g" },
      ],
    };
    assert.throws(
      () => importObject(twice, "(test)", process.cwd()),
      /FunctionAssociations\.Items\[1\]\.EventType: InvalidArgument: more than one function is associated with the viewer-request event/,
    );
    const mixed = base({ f: fn("1.0", ok) });
    (mixed.distributions.d.DefaultCacheBehavior as Record<string, unknown>).LambdaFunctionAssociations = {
      Items: [{ EventType: "viewer-request", LambdaFunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:edge:1" }],
    };
    assert.throws(
      () => importObject(mixed, "(test)", process.cwd()),
      /InvalidArgument: the viewer-request event has both a CloudFront function and a Lambda@Edge function/,
    );
  });

  it("config: a KeyValueStore association needs 2.0 and an existing store", () => {
    const kvs = { KeyValueStoreAssociations: { Items: [{ KeyValueStoreARN: "arn:aws:cloudfront::000000000000:key-value-store/routes" }] } };
    assert.throws(
      () => importObject(base({ f: { FunctionConfig: { Runtime: "cloudfront-js-1.0", ...kvs }, FunctionCode: ok } }), "(test)", process.cwd()),
      /functions\.f\.FunctionConfig\.KeyValueStoreAssociations: InvalidArgument: KeyValueStore associations need the cloudfront-js-2\.0 runtime/,
    );
    assert.throws(
      () => importObject(base({ f: { FunctionConfig: { Runtime: "cloudfront-js-2.0", ...kvs }, FunctionCode: ok } }), "(test)", process.cwd()),
      /EntityNotFound: The key value store 'arn:aws:cloudfront::000000000000:key-value-store\/routes' does not exist/,
    );
  });

  it("config: code over 10 KB is FunctionSizeLimitExceeded (cloudfront.md §13.4)", async () => {
    const big = `${ok}\n// ${"x".repeat(10_300)}`;
    await assert.rejects(
      startEdgeparity({ config: base({ f: fn("1.0", big) }) as never }),
      /functions\.f\.FunctionCode: FunctionSizeLimitExceeded: The function is too large\. the inline code is 10\d{3} bytes/,
    );
  });

  for (const [runtime, code, token, at] of [
    ["1.0", "function handler(e) {\n  let x = 1;\n  return e.request;\n}", "let", "2:3"],
    ["1.0", "async function handler(e) { return e.request; }", "async", "1:1"],
    ["1.0", "function handler(e) { var f = function* () {}; return e.request; }", "*", "1:39"],
    ["1.0", "var x = 1;\nimport cf from 'cloudfront';\nfunction handler(e) { return e.request; }", "import", "2:1"],
    ["1.0", "function handler(e) { return eval('e.request'); }", "eval", "1:30"],
    ["1.0", "function handler(e) { return new Function('return 1')(); }", "Function", "1:34"],
    ["2.0", "function handler(e) {\n  for (const k of []) {}\n  return e.request;\n}", "of", "2:16"],
    ["2.0", "function handler(e) { const [a] = [1]; return e.request; }", "[", "1:29"],
    ["2.0", "class A {}\nfunction handler(e) { return e.request; }", "class", "1:1"],
    ["2.0", "function handler(e) { return f(...[1]); }", "...", "1:32"],
    ["2.0", "function handler(e) { return e?.request; }", "?.", "1:31"],
    ["2.0", "function handler(e) { setTimeout(function () {}, 1); return e.request; }", "setTimeout", "1:23"],
    ["2.0", "function handler(e = {}) { return e.request; }", "=", "1:20"],
  ] as const) {
    it(`config: ${token} in cloudfront-js-${runtime} is refused with its line and column (cloudfront.md §13.1)`, async () => {
      await assert.rejects(
        startEdgeparity({ config: base({ f: fn(runtime, code) }) as never }),
        (e: Error) => e.message.includes(`InvalidArgument: SyntaxError: Token "${token}" not supported in this version in f:${at}`) || assert.fail(e.message),
      );
    });
  }

  it("config: what both runtimes allow loads (template literals, arrows, rest parameters, **, 2.0 const/let/async/await)", async () => {
    const s1 = await startEdgeparity({
      config: base({
        f: fn(
          "1.0",
          "function handler(e) { var sq = (x) => x ** 2; var j = function (...a) { return a.join(`-${sq(2)}`); }; e.request.headers.x = { value: j('a', 'b') }; return e.request; }",
        ),
      }) as never,
    });
    await s1.close();
    const s2 = await startEdgeparity({
      config: base({
        f: fn("2.0", "import cf from 'cloudfront';\nasync function handler(e) { const r = e.request; let n = 1; n += await Promise.resolve(1); return r; }"),
      }) as never,
    });
    await s2.close();
  });
});
