import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertComplete, describeResult, HTTP_VERSIONS } from "../support/e2e-matrix.js";

/**
 * The real CLI serving CloudFormation: `edgeparity up --config <folder>` on the SPA template (short
 * forms, an overlay binding the ALB's target group to a command) and on a hand-made CDK `cdk.out`
 * (no overlay at all). Every behaviour of each distribution gets a request with curl on HTTP/1.1 and
 * HTTP/2: the S3 default behaviour (DefaultRootObject, SPA fallback on S3's 403 — cloudfront.md §9.1),
 * `/api/*` through the ALB (GET and a POST with a body), and the 404 custom error page.
 */
const FIXTURES = fileURLToPath(new URL("../fixtures/stacks/", import.meta.url));

describe("e2e: edgeparity up --config <CloudFormation template folder>", () => {
  let work: string;
  let s: CliSession;
  let base: string;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-cfn-"));
    await cp(join(FIXTURES, "cfn-spa"), join(work, "stack"), { recursive: true });
    bodies = await writeBodies(work);
    s = await startCliSession(["--config", join(work, "stack")]);
    base = s.distribution("Distribution").url;
  });
  after(async () => {
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const http of HTTP_VERSIONS) {
    const get = (path: string, extra: Partial<Parameters<typeof curlExchange>[0]> = {}) =>
      curlExchange({ url: new URL(path, base).href, method: "GET", http, cacert: s.caPath, ...extra });

    it(`cfn e2e: the default behaviour serves the bucket's DefaultRootObject through OAC (cloudfront.md §10.4) [HTTP/${http}]`, async () => {
      const r = await get("/");
      assert.equal(r.status, 200, describeResult(r));
      assertComplete(r);
      assert.equal(r.httpVersion, http);
      assert.match(r.body.toString(), /cfn-spa fixture: single-page app/);
    });

    it(`cfn e2e: a deep link is S3's 403 turned into /index.html with 200 by CustomErrorResponses (cloudfront.md §9.1) [HTTP/${http}]`, async () => {
      const r = await get("/app/settings");
      assert.equal(r.status, 200, describeResult(r));
      assertComplete(r);
      assert.match(r.body.toString(), /single-page app/);
    });

    it(`cfn e2e: /api/* reaches the ALB's rule and its bound target, GET and POST with a body (alb.md §3) [HTTP/${http}]`, async () => {
      const g = await get("/api/hello");
      assert.equal(g.status, 200, describeResult(g));
      assertComplete(g);
      assert.deepEqual(JSON.parse(g.body.toString()), { api: true, method: "GET", path: "/api/hello", bytes: 0 });
      // The full method × body-size matrix runs in cli-edge-traffic.test.ts; here one empty and one small body prove the route.
      for (const size of ["0B", "1KB"] as const) {
        const p = await get("/api/items", { method: "POST", bodyFile: bodies[size].path });
        assert.equal(p.status, 200, describeResult(p));
        assertComplete(p);
        assert.deepEqual(JSON.parse(p.body.toString()), { api: true, method: "POST", path: "/api/items", bytes: bodies[size].bytes.length });
      }
    });

    it(`cfn e2e: an origin 404 is replaced by the custom error page from the bucket, status 404 kept (cloudfront.md §9.1) [HTTP/${http}]`, async () => {
      const r = await get("/api/missing");
      assert.equal(r.status, 404, describeResult(r));
      assertComplete(r);
      assert.match(r.body.toString(), /cfn-spa fixture: custom 404 page/);
    });
  }
});

describe("e2e: edgeparity up --config cdk.out (a CDK static site + Lambda API, no overlay)", () => {
  let s: CliSession;
  let base: string;
  before(async () => {
    s = await startCliSession(["--config", join(FIXTURES, "cdk-site", "cdk.out")]);
    base = s.distribution("SiteDistribution3FF9535D").url;
  });
  after(async () => {
    await s?.stop();
  });

  for (const http of HTTP_VERSIONS) {
    it(`cdk e2e: / and an asset come from the BucketDeployment's asset folder; /api/* runs the function's code asset (alb.md §10) [HTTP/${http}]`, async () => {
      const get = (path: string) => curlExchange({ url: new URL(path, base).href, method: "GET", http, cacert: s.caPath });
      const index = await get("/");
      assert.equal(index.status, 200, describeResult(index));
      assertComplete(index);
      assert.equal(index.httpVersion, http);
      assert.match(index.body.toString(), /cdk-site fixture: deployed by BucketDeployment/);
      const js = await get("/assets/app.js");
      assert.equal(js.status, 200, describeResult(js));
      assert.equal(js.body.toString(), 'console.log("cdk-site");\n');
      const api = await get("/api/ping");
      assert.equal(api.status, 200, describeResult(api));
      assertComplete(api);
      assert.deepEqual(JSON.parse(api.body.toString()), { lambda: true, method: "GET", path: "/api/ping" });
    });
  }
});
