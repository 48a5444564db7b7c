import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateLambdaAssociations } from "../schema/lambda-function-associations.js";
import type { DistributionConfig } from "../schema/distribution-config.js";
import { cfHeadersFromRaw, cfHeadersFromRecord, nodeHeadersFromCf, parseCfHeaders, titleCase } from "./cf-headers.js";
import { checkHeaderRules } from "./header-rules.js";
import { parseGeneratedResponse, parseStatus } from "./generated-response.js";
import { parseOrigin } from "./parse-origin.js";
import { parseRequestResult } from "./parse-request-result.js";
import { parseResponseResult } from "./parse-response-result.js";
import type { CfRequest } from "./event-shape.js";
import { limitsOf } from "./limits.js";
import { decodeBody } from "./parse-body.js";

const failsWith = (f: () => unknown, text: RegExp) => assert.throws(f, (e: Error) => text.test(e.message));

describe("lambda-edge: associations CloudFront refuses (cloudfront.md §14.1)", () => {
  const dc = (items: object[]) =>
    ({ DefaultCacheBehavior: { LambdaFunctionAssociations: { Items: items } }, CacheBehaviors: undefined }) as unknown as DistributionConfig;
  const arn = "arn:aws:lambda:us-east-1:000000000000:function:edge";
  it("a numbered version passes; unqualified, $LATEST and an alias are refused with CloudFront's text", () => {
    assert.deepEqual(validateLambdaAssociations(dc([{ LambdaFunctionARN: `${arn}:3`, EventType: "viewer-request" }])), []);
    for (const bad of [arn, `${arn}:$LATEST`, `${arn}:live`, "edge", `${arn}:0`]) {
      const issues = validateLambdaAssociations(dc([{ LambdaFunctionARN: bad, EventType: "viewer-request" }]));
      assert.equal(issues.length, 1, bad);
      assert.equal(
        issues[0]![1],
        `InvalidLambdaFunctionAssociation: The function ARN must reference a specific function version. (The ARN must end with the version number.) ARN: ${bad}`,
      );
      assert.deepEqual(issues[0]![0], ["DefaultCacheBehavior", "LambdaFunctionAssociations", "Items", 0, "LambdaFunctionARN"]);
    }
  });
  it("a function outside us-east-1 is refused", () => {
    const bad = "arn:aws:lambda:eu-west-1:000000000000:function:edge:2";
    assert.equal(
      validateLambdaAssociations(dc([{ LambdaFunctionARN: bad, EventType: "origin-request" }]))[0]![1],
      `InvalidLambdaFunctionAssociation: The function must be in region 'us-east-1'. ARN: ${bad}`,
    );
  });
  it("two functions on one event type, and IncludeBody on a response event, are refused", () => {
    const two = validateLambdaAssociations(
      dc([
        { LambdaFunctionARN: `${arn}:1`, EventType: "viewer-request" },
        { LambdaFunctionARN: `${arn}:2`, EventType: "viewer-request" },
      ]),
    );
    assert.match(two[0]![1], /^InvalidLambdaFunctionAssociation: .*viewer-request/);
    const body = validateLambdaAssociations(dc([{ LambdaFunctionARN: `${arn}:1`, EventType: "origin-response", IncludeBody: true }]));
    assert.deepEqual(body[0]![0].at(-1), "IncludeBody");
  });
});

describe("lambda-edge: headers in the event (cloudfront.md §14.2, §14.4)", () => {
  it("rawHeaders → lower-case keys with the name as sent; HTTP/2 :authority is host; disallowed headers are not shown", () => {
    const h = cfHeadersFromRaw([
      ":authority",
      "d1.cloudfront.net",
      ":path",
      "/",
      "User-Agent",
      "curl",
      "X-Foo",
      "a",
      "x-foo",
      "b",
      "Connection",
      "keep-alive",
      "X-Amz-Cf-Id",
      "abc",
    ]);
    assert.deepEqual(h, {
      "user-agent": [{ key: "User-Agent", value: "curl" }],
      "x-foo": [
        { key: "X-Foo", value: "a" },
        { key: "x-foo", value: "b" },
      ],
      host: [{ key: "Host", value: "d1.cloudfront.net" }],
    });
  });
  it("a record without casing is shown in Title-Case; several values stay several entries", () => {
    assert.equal(titleCase("x-forwarded-for"), "X-Forwarded-For");
    assert.deepEqual(cfHeadersFromRecord({ "set-cookie": ["a=1", "b=2"], "x-cache": "Hit" }), {
      "set-cookie": [
        { key: "Set-Cookie", value: "a=1" },
        { key: "Set-Cookie", value: "b=2" },
      ],
    });
  });
  it("back to Node: Cookie joins with '; ', Set-Cookie stays a list, others join with ', '", () => {
    assert.deepEqual(
      nodeHeadersFromCf({
        cookie: [{ value: "a=1" }, { value: "b=2" }],
        "set-cookie": [{ value: "x" }, { value: "y" }],
        accept: [{ value: "a" }, { value: "b" }],
      }),
      {
        cookie: "a=1; b=2",
        "set-cookie": ["x", "y"],
        accept: "a, b",
      },
    );
  });
  it("a malformed headers object is a validation error: not lower-case, no value, a key for another name", () => {
    failsWith(() => parseCfHeaders({ "X-Foo": [{ value: "a" }] }), /header name must be lowercase/);
    failsWith(() => parseCfHeaders({ "x-foo": [{ key: "X-Foo" }] }), /must contain a value field/);
    failsWith(() => parseCfHeaders({ "x-foo": [{ key: "X-Bar", value: "a" }] }), /header name must be lowercase and match/);
    failsWith(() => parseCfHeaders({ "x-foo": "a" }), /must contain a value field/);
    failsWith(() => parseCfHeaders({ "x-foo": [{ value: "a\r\nx: y" }] }), /must contain a value field/);
  });
});

describe("lambda-edge: header restrictions (cloudfront.md §14.4)", () => {
  const h = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [{ key: k, value: v }]]));
  const READ_ONLY = /tried to add, delete, or change a read-only header/;
  it("read-only per event: changing, adding or removing one fails; other headers may change", () => {
    failsWith(() => checkHeaderRules("viewer-request", h({ host: "a" }), h({ host: "b" })), READ_ONLY);
    failsWith(() => checkHeaderRules("viewer-request", h({ host: "a", via: "1.1 x" }), h({ host: "a" })), READ_ONLY);
    failsWith(() => checkHeaderRules("origin-request", h({ "if-none-match": '"1"' }), h({})), READ_ONLY);
    failsWith(() => checkHeaderRules("origin-response", h({}), h({ "transfer-encoding": "chunked" })), READ_ONLY);
    failsWith(() => checkHeaderRules("viewer-response", h({}), h({ warning: "199 x" })), READ_ONLY);
    // Host is writable in origin-request; Accept-Encoding only there is read-only.
    checkHeaderRules("origin-request", h({ host: "a" }), h({ host: "b", "x-new": "1" }));
    checkHeaderRules("viewer-request", h({ "accept-encoding": "gzip" }), h({ "accept-encoding": "br" }));
  });
  it("a disallowed header may never be added; a viewer-request function may not add CloudFront-Viewer-Country", () => {
    for (const name of ["x-cache", "x-amz-cf-id", "x-edge-location", "connection", "x-real-ip", "x-forwarded-proto", "upgrade"])
      failsWith(() => checkHeaderRules("origin-response", h({}), h({ [name]: "x" })), READ_ONLY);
    failsWith(() => checkHeaderRules("viewer-request", h({}), h({ "cloudfront-viewer-country": "FR" })), READ_ONLY);
    checkHeaderRules("origin-request", h({}), h({ "cloudfront-viewer-country": "FR" }));
  });
});

describe("lambda-edge: generated responses (cloudfront.md §14.3, §14.5)", () => {
  it("only status is required; string or number 200–599; X-Cache LambdaGeneratedResponse", () => {
    const r = parseGeneratedResponse("viewer-request", { status: "302", headers: { location: [{ key: "Location", value: "/x" }] } });
    assert.equal(r.status, 302);
    assert.equal(r.resultType, "LambdaGeneratedResponse");
    assert.deepEqual(r.headers, { location: "/x", "content-length": "0", server: "CloudFront" });
    assert.equal(parseStatus(404), 404);
    for (const bad of ["199", "600", "abc", 99.5, null]) failsWith(() => parseStatus(bad), /status code is invalid/);
  });
  it("body text or base64; bad base64 fails; a viewer-request 204 with a body fails", () => {
    assert.equal((parseGeneratedResponse("origin-request", { status: 200, body: "aGk=", bodyEncoding: "base64" }).body as Buffer).toString(), "hi");
    failsWith(() => parseGeneratedResponse("viewer-request", { status: 200, body: "***", bodyEncoding: "base64" }), /body is not a string/);
    failsWith(() => parseGeneratedResponse("viewer-request", { status: 204, body: "x" }), /body is not a string/);
    failsWith(() => parseGeneratedResponse("viewer-request", { status: 200, body: 12 }), /body is not a string/);
  });
  it("size: 40 KB for viewer-request, 1 MB for origin-request (headers + body)", () => {
    parseGeneratedResponse("viewer-request", { status: 200, body: "x".repeat(40 * 1024 - 100) });
    failsWith(
      () => parseGeneratedResponse("viewer-request", { status: 200, body: "x".repeat(40 * 1024 + 1) }),
      /exceeds the maximum size|body is not a string/,
    );
    failsWith(
      () => parseGeneratedResponse("viewer-request", { status: 200, body: "x".repeat(40 * 1024 - 10), headers: { "x-pad": [{ value: "y".repeat(100) }] } }),
      /exceeds the maximum size/,
    );
    parseGeneratedResponse("origin-request", { status: 200, body: "x".repeat(1024 * 1024 - 100) });
    failsWith(() => parseGeneratedResponse("origin-request", { status: 200, body: "x".repeat(1024 * 1024 + 1) }), /maximum size/);
  });
  it("replacement body limits: 40 KB text / 53.2 KB base64 (viewer), 1 MB / 1.33 MB (origin)", () => {
    const v = limitsOf("viewer-request");
    assert.equal(decodeBody("x".repeat(40 * 1024), "text", v).length, 40 * 1024);
    failsWith(() => decodeBody("x".repeat(40 * 1024 + 1), "text", v), /maximum size/);
    failsWith(() => decodeBody("A".repeat(54480), "base64", v), /maximum size/);
    assert.equal(limitsOf("origin-response").replaceBase64Bytes, Math.floor(1.33 * 1024 * 1024));
    failsWith(() => decodeBody("x", "gzip", v), /body is not a string/);
  });
});

describe("lambda-edge: request results (cloudfront.md §14.2, §14.3, §10.7)", () => {
  const sent: CfRequest = {
    clientIp: "127.0.0.1",
    headers: { host: [{ key: "Host", value: "a.example" }] },
    method: "POST",
    querystring: "a=1",
    uri: "/p",
  };
  it("a changed uri, querystring and headers come back; a status makes it a generated response", () => {
    const r = parseRequestResult(
      "viewer-request",
      sent,
      { ...sent, uri: "/q", querystring: "b=2", headers: { ...sent.headers, "x-new": [{ value: "1" }] } },
      false,
    );
    assert.equal(r.kind, "request");
    if (r.kind === "request") {
      assert.equal(r.uri, "/q");
      assert.equal(r.querystring, "b=2");
      assert.deepEqual(r.headers["x-new"], [{ value: "1" }]);
      assert.equal(r.body, undefined);
    }
    assert.equal(parseRequestResult("viewer-request", sent, { status: "403" }, false).kind, "response");
  });
  it("uri must start with / and hold no space, # or control character; the method cannot change; uri+query under 8,192", () => {
    for (const uri of ["p", "/a b", "/a#b", "/a\u0001", "/a?b"])
      failsWith(() => parseRequestResult("viewer-request", sent, { ...sent, uri }, false), /request is invalid/);
    failsWith(() => parseRequestResult("viewer-request", sent, { ...sent, querystring: "a b" }, false), /request is invalid/);
    failsWith(() => parseRequestResult("viewer-request", sent, { ...sent, method: "GET" }, false), /request is invalid/);
    failsWith(() => parseRequestResult("viewer-request", sent, { ...sent, uri: "/" + "a".repeat(8190) }, false), /request is invalid/);
  });
  it("body: replace decodes the data; read-only keeps the body; without IncludeBody a body field is ignored", () => {
    const r = parseRequestResult("viewer-request", sent, { ...sent, body: { action: "replace", encoding: "base64", data: "aGk=" } }, true);
    assert.equal(r.kind === "request" && r.body?.toString(), "hi");
    const ro = parseRequestResult("origin-request", sent, { ...sent, body: { action: "read-only", encoding: "base64", data: "" } }, true);
    assert.equal(ro.kind === "request" && ro.body, undefined);
    const ignored = parseRequestResult("origin-request", sent, { ...sent, body: { action: "replace", data: "x" } }, false);
    assert.equal(ignored.kind === "request" && ignored.body, undefined);
    failsWith(() => parseRequestResult("viewer-request", sent, { ...sent, body: { action: "delete" } }, true), /body is not a string/);
  });
  it("origin: unchanged is no switch; a custom or s3 origin is checked field by field (§10.7)", () => {
    const custom = {
      custom: {
        domainName: "b.example.com",
        port: 443,
        protocol: "https" as const,
        path: "",
        sslProtocols: ["TLSv1.2"],
        readTimeout: 30,
        keepaliveTimeout: 5,
        customHeaders: {},
      },
    };
    const withOrigin: CfRequest = { ...sent, origin: custom };
    assert.equal(parseRequestResult("origin-request", withOrigin, { ...withOrigin }, false).kind === "request" && "unchanged", "unchanged");
    const same = parseRequestResult("origin-request", withOrigin, JSON.parse(JSON.stringify(withOrigin)) as Record<string, unknown>, false);
    assert.equal(same.kind === "request" && same.origin, undefined);
    const switched = parseRequestResult("origin-request", sent, { ...withOrigin }, false);
    assert.equal(switched.kind === "request" && switched.origin && "custom" in switched.origin && switched.origin.custom.domainName, "b.example.com");
    const c = custom.custom;
    for (const bad of [
      { ...c, domainName: "1.2.3.4" },
      { ...c, domainName: "a:80" },
      { ...c, port: 81 },
      { ...c, protocol: "ftp" },
      { ...c, readTimeout: 3 },
      { ...c, keepaliveTimeout: 61 },
      { ...c, sslProtocols: ["TLSv1.3"] },
      { ...c, path: "/trailing/" },
      { ...c, customHeaders: undefined },
    ])
      failsWith(() => parseOrigin({ custom: bad }), /origin is invalid|headers object/);
    failsWith(() => parseOrigin({ custom: c, s3: {} }), /origin is invalid/);
    const s3 = { authMethod: "none", domainName: "bucket.s3.us-east-1.amazonaws.com", path: "/p", region: "us-east-1", customHeaders: {} };
    assert.ok("s3" in parseOrigin({ s3 }));
    failsWith(() => parseOrigin({ s3: { ...s3, domainName: "Bucket.s3.amazonaws.com" } }), /origin is invalid/);
    failsWith(() => parseOrigin({ s3: { ...s3, authMethod: "origin-access-identity", region: undefined } }), /origin is invalid/);
  });
});

describe("lambda-edge: response results (cloudfront.md §14.3)", () => {
  const sent = { status: "200", statusDescription: "OK", headers: { via: [{ key: "Via", value: "1.1 x" }] } };
  it("origin-response may change the status and replace the body; an absent body keeps the origin's", () => {
    const r = parseResponseResult("origin-response", sent, { ...sent, status: "404", body: "gone" });
    assert.equal(r.status, 404);
    assert.equal(r.body?.toString(), "gone");
    assert.equal(parseResponseResult("origin-response", sent, sent).body, undefined);
    assert.equal(parseResponseResult("origin-response", sent, { ...sent, body: "" }).body?.length, 0);
  });
  it("viewer-response cannot change the status (kept, and reported as ignored)", () => {
    const r = parseResponseResult("viewer-response", sent, { ...sent, status: 500 });
    assert.equal(r.status, 200);
    assert.equal(r.ignoredStatus, 500);
  });
  it("read-only Via in response events; a viewer-response body over 40 KB fails", () => {
    failsWith(() => parseResponseResult("viewer-response", sent, { ...sent, headers: {} }), /read-only header/);
    failsWith(() => parseResponseResult("viewer-response", sent, { ...sent, body: "x".repeat(41 * 1024) }), /maximum size/);
  });
});
