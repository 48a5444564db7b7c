import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "../support/cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertComplete, describeResult, HTTP_VERSIONS } from "../support/e2e-matrix.js";

/**
 * The real CLI serving Terraform: `edgeparity up --config <folder>` on each Terraform fixture, with
 * a request through every cache behaviour of every distribution, with curl on HTTP/1.1 and HTTP/2:
 * the golden SPA (S3 with OAC, SPA fallback, /api/* through the ALB, custom error page;
 * cloudfront.md §9.1, §10.4), the for_each sites built with a local module, CloudFront → API Gateway
 * → Lambda (apigateway.md §5), and CloudFront → ALB over HTTPS with its HTTP → HTTPS redirect
 * (alb.md §3). An edit of a .tf file becomes the next revision.
 */
const FIXTURES = fileURLToPath(new URL("../fixtures/stacks/", import.meta.url));

async function copyFixture(work: string, name: string): Promise<string> {
  const d = join(work, name);
  await cp(join(FIXTURES, name === "tf-validate" ? "tf-spa" : name), d, { recursive: true });
  await rm(join(d, "plan.json"), { force: true });
  return d;
}

/** Polls `probe` every 50 ms until it returns true or `ms` pass. */
async function until(what: string, probe: () => Promise<boolean>, ms = 8000): Promise<void> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: not within ${ms} ms`);
}

describe("e2e: edgeparity up --config <Terraform folder>", () => {
  let work: string;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-tf-"));
    bodies = await writeBodies(work);
  });
  after(() => rm(work, { recursive: true, force: true }));

  it("tf e2e: edgeparity validate reads a Terraform folder with --var and --var-file and lists what to bind with file:line", async () => {
    const dir = await copyFixture(work, "tf-validate");
    await rm(join(dir, "edgeparity.yaml"));
    await writeFile(join(work, "port.tfvars"), "api_port = 8080\n");
    const r = await runCli(["validate", "--config", dir, "--var", "site_name=other", "--var-file", join(work, "port.tfvars")], undefined, {
      TF_VAR_env: "prod",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: valid — 1 distribution\(s\), 1 bucket\(s\), 1 load balancer\(s\), 2 target group\(s\)/);
    assert.match(r.stderr, /warning: .*main\.tf:\d+: buckets\.other-site: bucket other-site has no local folder/);
    assert.match(r.stderr, /warning: .*main\.tf:\d+: targetGroups\[1\]: target group other-api has no local target/);
    const bad = await runCli(["validate", "--config", dir, "--var", "nope"]);
    assert.equal(bad.code === 0, false);
    assert.match(bad.stderr, /--var takes name=value/);
  });

  describe("tf-spa (the golden stack)", () => {
    let s: CliSession;
    let base: string;
    let dir: string;
    before(async () => {
      dir = await copyFixture(work, "tf-spa");
      s = await startCliSession(["--config", dir]);
      base = s.distribution("Distribution").url;
    });
    after(() => s?.stop());

    for (const http of HTTP_VERSIONS) {
      const get = (path: string, extra: Partial<Parameters<typeof curlExchange>[0]> = {}) =>
        curlExchange({ url: new URL(path, base).href, method: "GET", http, cacert: s.caPath, ...extra });

      it(`tf e2e: the default behaviour serves the bucket through OAC, and a deep link falls back to /index.html (cloudfront.md §9.1, §10.4) [HTTP/${http}]`, async () => {
        const r = await get("/");
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        assert.equal(r.httpVersion, http);
        assert.match(r.body.toString(), /tf-spa fixture: single-page app/);
        const deep = await get("/app/settings");
        assert.equal(deep.status, 200, describeResult(deep));
        assert.match(deep.body.toString(), /single-page app/);
      });

      it(`tf e2e: the aws_cloudfront_function on the default behaviour's viewer request rewrites a deep link to /index.html, where a file path still gets the 403 error page (cloudfront.md §13, §9.1) [HTTP/${http}]`, async () => {
        // The function serves /deep/link as the object /index.html (a normal hit or miss); without it the
        // bucket's 403 would become the custom error response, which says `Error from cloudfront`.
        const deep = await get("/deep/link");
        assert.equal(deep.status, 200, describeResult(deep));
        assertComplete(deep);
        assert.equal(deep.httpVersion, http);
        assert.match(deep.body.toString(), /tf-spa fixture: single-page app/);
        assert.doesNotMatch(deep.headers["x-cache"] ?? "", /Error from cloudfront/, describeResult(deep));
        const file = await get("/deep/missing.png");
        assert.equal(file.status, 200, describeResult(file));
        assert.match(file.headers["x-cache"] ?? "", /Error from cloudfront/, describeResult(file));
      });

      it(`tf e2e: /api/admin/* matches the priority-5 rule and reaches the second target group (alb.md §3) [HTTP/${http}]`, async () => {
        const r = await get("/api/admin/users");
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        assert.deepEqual(JSON.parse(r.body.toString()), { api: true, method: "GET", path: "/api/admin/users", bytes: 0 });
      });

      it(`tf e2e: /api/* reaches the listener rule's target group and its bound command, GET and POST with a body (alb.md §3) [HTTP/${http}]`, async () => {
        const g = await get("/api/hello");
        assert.equal(g.status, 200, describeResult(g));
        assertComplete(g);
        assert.deepEqual(JSON.parse(g.body.toString()), { api: true, method: "GET", path: "/api/hello", bytes: 0 });
        const p = await get("/api/items", { method: "POST", bodyFile: bodies["1KB"].path });
        assert.equal(p.status, 200, describeResult(p));
        assert.deepEqual(JSON.parse(p.body.toString()), { api: true, method: "POST", path: "/api/items", bytes: bodies["1KB"].bytes.length });
        const missing = await get("/api/missing");
        assert.equal(missing.status, 404, describeResult(missing));
        assert.match(missing.body.toString(), /tf-spa fixture: custom 404 page/);
      });
    }

    it("tf e2e: an edit of a .tf file is served as the next revision (issue 9 live reload)", async () => {
      const main = join(dir, "main.tf");
      await writeFile(main, (await readFile(main, "utf8")).replace('default_root_object = "index.html"', 'default_root_object = "errors/404.html"'));
      await until("the edited DefaultRootObject", async () => {
        const r = await curlExchange({ url: base, method: "GET", http: "2", cacert: s.caPath });
        return r.status === 200 && /custom 404 page/.test(r.body.toString());
      });
      assert.ok(
        s.lines.some((l) => l.includes('"event":"revision"')),
        s.lines.join("\n"),
      );
    });
  });

  describe("tf-modules (variables, locals, a local module, for_each)", () => {
    let s: CliSession;
    before(async () => {
      s = await startCliSession(["--config", await copyFixture(work, "tf-modules"), "--var", "project=acme"]);
    });
    after(() => s?.stop());

    for (const http of HTTP_VERSIONS)
      it(`tf e2e: each for_each distribution serves its own bucket: root object, /assets/*, custom 404 (cloudfront.md §2, §9.1) [HTTP/${http}]`, async () => {
        for (const [site, home, color] of [
          ["blog", /blog home/, "blue"],
          ["docs", /docs start/, "green"],
        ] as const) {
          const base = s.distribution(`site-${site}`).url;
          const get = (path: string) => curlExchange({ url: new URL(path, base).href, method: "GET", http, cacert: s.caPath });
          const r = await get("/");
          assert.equal(r.status, 200, describeResult(r));
          assertComplete(r);
          assert.equal(r.httpVersion, http);
          assert.match(r.body.toString(), home);
          const css = await get("/assets/site.css");
          assert.equal(css.status, 200, describeResult(css));
          assert.match(css.body.toString(), new RegExp(`color: ?${color}`));
          const nf = await get("/nope");
          assert.equal(nf.status, 404, describeResult(nf));
          assert.match(nf.body.toString(), new RegExp(`${site} 404`));
        }
      });
  });

  describe("tf-apigw (CloudFront → API Gateway REST API → Lambda)", () => {
    let s: CliSession;
    let base: string;
    before(async () => {
      s = await startCliSession(["--config", await copyFixture(work, "tf-apigw")]);
      base = s.distribution("api").url;
    });
    after(() => s?.stop());

    for (const http of HTTP_VERSIONS)
      it(`tf e2e: the default behaviour and /items/* reach the Lambda proxy through the prod stage (apigateway.md §5) [HTTP/${http}]`, async () => {
        const get = (path: string, extra: Partial<Parameters<typeof curlExchange>[0]> = {}) =>
          curlExchange({ url: new URL(path, base).href, method: "GET", http, cacert: s.caPath, ...extra });
        const list = await get("/items");
        assert.equal(list.status, 200, describeResult(list));
        assertComplete(list);
        assert.equal(list.httpVersion, http);
        const body = JSON.parse(list.body.toString());
        assert.deepEqual(
          { lambda: body.lambda, greeting: body.greeting, method: body.method, resource: body.resource, bytes: body.bytes },
          { lambda: true, greeting: "hello from terraform", method: "GET", resource: "/items", bytes: 0 },
        );
        // A text body: without BinaryMediaTypes API Gateway hands the function the body as UTF-8 text (apigateway.md §5).
        const text = join(work, "item.json");
        await writeFile(text, JSON.stringify({ name: "x".repeat(1000) }));
        const post = await get("/items", { method: "POST", bodyFile: text, headers: ["content-type: application/json"] });
        assert.equal(post.status, 200, describeResult(post));
        assert.equal(JSON.parse(post.body.toString()).bytes, 1011);
        const one = await get("/items/42");
        assert.equal(one.status, 200, describeResult(one));
        assert.deepEqual(JSON.parse(one.body.toString()).id, "42");
        assert.equal(JSON.parse(one.body.toString()).resource, "/items/{id}");
      });
  });

  describe("tf-alb (CloudFront → ALB over HTTPS, HTTP listener redirect, health-checked targets)", () => {
    let s: CliSession;
    let base: string;
    before(async () => {
      s = await startCliSession(["--config", await copyFixture(work, "tf-alb")]);
      base = s.distribution("web").url;
    });
    after(() => s?.stop());

    for (const http of HTTP_VERSIONS) {
      it(`tf e2e: the default behaviour reaches the HTTPS listener's app target with the origin custom header; /static/* the second target group; a fixed-response rule answers 503 (alb.md §3) [HTTP/${http}]`, async () => {
        const get = (path: string, extra: Partial<Parameters<typeof curlExchange>[0]> = {}) =>
          curlExchange({ url: new URL(path, base).href, method: "GET", http, cacert: s.caPath, ...extra });
        const app = await get("/hello");
        assert.equal(app.status, 200, describeResult(app));
        assertComplete(app);
        assert.equal(app.httpVersion, http);
        assert.deepEqual(JSON.parse(app.body.toString()), { target: "app", method: "GET", path: "/hello", bytes: 0, fromCloudFront: "tf-alb" });
        const post = await get("/orders", { method: "POST", bodyFile: bodies["1KB"].path });
        assert.equal(post.status, 200, describeResult(post));
        assert.equal(JSON.parse(post.body.toString()).bytes, bodies["1KB"].bytes.length);
        const st = await get("/static/app.css");
        assert.equal(st.status, 200, describeResult(st));
        assert.equal(JSON.parse(st.body.toString()).target, "static");
        const down = await get("/maintenance");
        assert.equal(down.status, 503, describeResult(down));
        assert.equal(down.body.toString(), "down for maintenance");
      });

      it(`tf e2e: the load balancer's port-80 listener redirects to HTTPS with 301 (alb.md §3 redirect actions) [HTTP/${http}]`, async () => {
        const lbs = s.ready.loadBalancers as Record<string, { httpUrl: string; url: string }>;
        const lb = lbs["tf-alb-web"];
        assert.ok(lb, JSON.stringify(s.ready.loadBalancers));
        // The HTTP listener is plain HTTP: HTTP/2 is reached through the HTTPS listener, where the app answers.
        const r = await curlExchange({ url: new URL("/x?y=1", http === "1.1" ? lb.httpUrl : lb.url).href, method: "GET", http, cacert: s.caPath });
        if (http === "1.1") {
          assert.equal(r.status, 301, describeResult(r));
          assert.match(r.headers.location ?? "", /^https:\/\/[^/]+\/x\?y=1$/);
        } else {
          assert.equal(r.status, 200, describeResult(r));
          assert.equal(r.httpVersion, "2");
          assert.equal(JSON.parse(r.body.toString()).target, "app");
        }
      });
    }
  });
});
