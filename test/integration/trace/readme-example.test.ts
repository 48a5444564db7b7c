// The README's node:test example ("In tests"), as written there except the import path, so the
// example a user copies is known to run (issue 15).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startEdgeparity } from "../../../src/index.js";

const config = {
  distributions: {
    web: {
      Origins: {
        Items: [{ Id: "api", DomainName: "api.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }],
      },
      DefaultCacheBehavior: { TargetOriginId: "api", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" },
    },
  },
  local: { origins: { "api.example.com": "http://127.0.0.1:9" } },
} as const;

let stack: Awaited<ReturnType<typeof startEdgeparity<typeof config>>>;
before(async () => (stack = await startEdgeparity({ config, trace: true })));
after(() => stack.close());

test("plain HTTP is redirected to HTTPS", async () => {
  const r = await stack.fetch(new URL("/hello", stack.distributions.web.httpUrl), { redirect: "manual" });
  assert.equal(r.status, 301, stack.lastTrace() && JSON.stringify(stack.lastTrace()!.events.map((e) => e.message)));
  assert.equal(r.headers.get("location"), new URL("/hello", stack.distributions.web.url).href);
});
