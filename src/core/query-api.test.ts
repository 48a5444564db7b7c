import assert from "node:assert/strict";
import { test } from "node:test";
import { answerQuery, QueryApiError, queryInteger } from "./query-api.js";
import type { ApiCall } from "./service.js";

// The dispatcher STS and IAM share (issue 11: "known-but-unserved 501 NotImplemented naming the action; unknown actions InvalidAction").
const answer = answerQuery({
  protocol: { kind: "query", xmlns: "urn:svc", title: "Svc" },
  version: "2020-01-01",
  unserved: new Set(["Later"]),
  operations: {
    Echo: (p) => ({ Got: String(p.Name), Count: queryInteger(p, "Count", 1, 5) }),
    Fail: () => {
      throw new QueryApiError("NoSuchThing", "gone", 404);
    },
  },
});
const call = (method: string, query: string, body = ""): ApiCall => ({
  method,
  path: "/",
  query: new URLSearchParams(query),
  headers: {},
  body: Buffer.from(body),
  requestId: "rid",
  accessKeyId: "test",
  endpoint: "http://localhost",
});

test("Query API: the Action and parameters come from the form body (POST) or the query string (GET)", async () => {
  const post = await answer(call("POST", "", "Action=Echo&Version=2020-01-01&Name=a%26b&Count=2"));
  assert.equal(post.status, 200);
  assert.equal(
    post.body,
    '<EchoResponse xmlns="urn:svc"><EchoResult><Got>a&amp;b</Got><Count>2</Count></EchoResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></EchoResponse>',
  );
  const get = await answer(call("GET", "Action=Echo&Name=q"));
  assert.match(String(get.body), /<Got>q<\/Got>/);
});

test("Query API: an action the API has but edgeparity does not serve → 501 NotImplemented naming it; any other → 400 InvalidAction", async () => {
  const later = await answer(call("POST", "", "Action=Later&Version=2020-01-01"));
  assert.equal(later.status, 501);
  assert.match(
    String(later.body),
    /<Type>Receiver<\/Type><Code>NotImplemented<\/Code><Message>edgeparity does not implement the Svc operation Later yet; nothing was changed\.<\/Message>/,
  );
  const unknown = await answer(call("POST", "", "Action=Nope&Version=2020-01-01"));
  assert.equal(unknown.status, 400);
  assert.match(String(unknown.body), /<Code>InvalidAction<\/Code><Message>Could not find operation Nope for version 2020-01-01<\/Message>/);
  const otherVersion = await answer(call("POST", "", "Action=Echo&Version=1999-01-01"));
  assert.match(String(otherVersion.body), /Could not find operation Echo for version 1999-01-01/);
  assert.equal((await answer(call("POST", "", "Version=2020-01-01"))).status, 400);
});

test("Query API: a thrown QueryApiError is the service's ErrorResponse with its status; constraint violations name the member", async () => {
  const fail = await answer(call("POST", "", "Action=Fail"));
  assert.equal(fail.status, 404);
  assert.equal(
    fail.body,
    '<ErrorResponse xmlns="urn:svc"><Error><Type>Sender</Type><Code>NoSuchThing</Code><Message>gone</Message></Error><RequestId>rid</RequestId></ErrorResponse>',
  );
  const bad = await answer(call("POST", "", "Action=Echo&Count=9"));
  assert.match(
    String(bad.body),
    /<Code>ValidationError<\/Code><Message>1 validation error detected: Value &apos;9&apos; at &apos;count&apos; failed to satisfy constraint: Member must have value less than or equal to 5<\/Message>/,
  );
});
