import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ListFunctionsCommand, ListKeyValueStoresCommand } from "@aws-sdk/client-cloudfront";
import { cloudFrontClients } from "../support/cloudfront-client.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange } from "../support/curl-exchange.js";
import { describeResult, HTTP_VERSIONS } from "../support/e2e-matrix.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";
import { findTerraform, localProvider, type Terraform } from "../support/terraform.js";

/**
 * Issue 11 "Terraform's AWS provider as a client", the function of its stack: the real `terraform`
 * (AWS provider v5 from the machine's mirror) applies an `aws_cloudfront_key_value_store`, an
 * `aws_cloudfront_function` (cloudfront-js-2.0, publish = true, associated with the store) and a
 * distribution whose default behaviour runs it as viewer-request — the function visibly runs on
 * HTTP/1.1 and HTTP/2 (it rewrites the URI and adds a request header; its lookup in the associated
 * store answers "none" for a missing key, where an unassociated `cf.kvs()` would fail), a plan
 * against `edgeparity up` restarted on the same state dir shows no changes, a change of the code
 * is applied (UpdateFunction with If-Match, PublishFunction) and serves at once, and destroy
 * removes all three (the provider deletes the function only after the distribution, and the store
 * after the function).
 */
const tf = await findTerraform();

/** Viewer-request code: `/` → `/home`, and `x-fn: <version>-<greeting from the store or none>`. */
const code = (version: string) => `import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  var request = event.request;
  var greeting = 'none';
  try { greeting = await kvs.get('greeting'); } catch (e) { greeting = 'none'; }
  if (request.uri === '/') request.uri = '/home';
  request.headers['x-fn'] = { value: '${version}-' + greeting };
  return request;
}
`;

const config = (endpoint: string, version: string) => `${localProvider(endpoint, ["cloudfront", "sts"])}
resource "aws_cloudfront_key_value_store" "kv" {
  name    = "tf-kv"
  comment = "greetings for the function"
}
resource "aws_cloudfront_function" "edge" {
  name                         = "tf-edge"
  runtime                      = "cloudfront-js-2.0"
  comment                      = "rewrites / and tags the request"
  publish                      = true
  key_value_store_associations = [aws_cloudfront_key_value_store.kv.arn]
  code                         = <<-EOT
${code(version)}  EOT
}
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    origin_id   = "web"
    domain_name = "web.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "web"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    # AllViewerExceptHostHeader: the header the function adds reaches the origin (cloudfront.md §5).
    origin_request_policy_id = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.edge.arn
    }
  }
  restrictions {
    geo_restriction { restriction_type = "none" }
  }
  viewer_certificate { cloudfront_default_certificate = true }
  # Status is Deployed at the first read anyway; this skips the provider's fixed 30 s first wait
  # (terraform-cloudfront.slow.test.ts keeps the waiter).
  wait_for_deployment = false
}
output "domain" { value = aws_cloudfront_distribution.cdn.domain_name }
`;

describe(
  "e2e: terraform apply / plan / change / destroy of a CloudFront Function with a KeyValueStore on a behaviour against edgeparity up (issue 11)",
  { skip: tf ? false : "terraform or its AWS provider mirror is not installed" },
  () => {
    let work: string;
    let s: CliSession;
    let origin: OriginServer;
    let domain = "";
    const terraform = tf as Terraform;
    const endpoint = () => `http://localhost:${String(s.ready.httpPort)}`;
    const get = (http: "1.1" | "2", path: string) => {
      const port = String(http === "2" ? s.ready.httpsPort : s.ready.httpPort);
      const base = `${http === "2" ? "https" : "http"}://${domain}:${port}`;
      return curlExchange({ url: `${base}${path}`, method: "GET", http, cacert: s.caPath, extra: ["--connect-to", `${domain}:${port}:127.0.0.1:${port}`] });
    };

    before(async () => {
      work = await mkdtemp(join(tmpdir(), "ep-e2e-tfcff-"));
      origin = await startOrigin((req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
        res.end(`web ${req.url} x-fn=${String(req.headers["x-fn"] ?? "")}`);
      });
      await writeFile(join(work, "stack.yaml"), `local:\n  origins:\n    web.example.com: ${origin.url}\n`);
      s = await startCliSession(["--config", join(work, "stack.yaml"), "--state-dir", join(work, "state")]);
      await writeFile(join(work, "main.tf"), config(endpoint(), "v1"));
      await terraform(work, "init", "-input=false", "-no-color");
    });
    after(async () => {
      await s?.stop();
      await origin?.close();
      await rm(work, { recursive: true, force: true });
    });

    it("terraform apply creates the KeyValueStore, the published function and the distribution running it (cloudfront.md §13)", async () => {
      const out = await terraform(work, "apply", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Apply complete! Resources: 3 added, 0 changed, 0 destroyed\./);
      // The output from apply's own stdout: every terraform run costs seconds of provider start-up.
      domain = /^domain = "([^"]+)"$/m.exec(out)?.[1] ?? "";
      assert.match(domain, /^d[a-z0-9]+\.cloudfront\.localhost$/, out);
    });

    for (const http of HTTP_VERSIONS)
      it(`the function runs as viewer-request: / is rewritten to /home and the origin sees its header (cloudfront.md §13.2) [HTTP/${http}]`, async () => {
        const r = await get(http, "/");
        assert.equal(r.status, 200, describeResult(r));
        assert.equal(r.body.toString(), "web /home x-fn=v1-none");
        const other = await get(http, "/page");
        assert.equal(other.body.toString(), "web /page x-fn=v1-none");
      });

    // One plan for both checks (the file's time budget is 7 minutes on a loaded machine): no changes
    // after apply, with every read answered from the state dir by a restarted edgeparity.
    it("terraform plan afterwards shows no changes — after a restart of edgeparity up on the same state dir — and the function still serves (issue 11 §State)", async () => {
      await s.stop();
      s = await startCliSession(["--config", join(work, "stack.yaml"), "--state-dir", join(work, "state")]);
      await writeFile(join(work, "main.tf"), config(endpoint(), "v1"));
      const out = await terraform(work, "plan", "-input=false", "-no-color", "-detailed-exitcode");
      assert.match(out, /No changes\. Your infrastructure matches the configuration\./);
      for (const http of HTTP_VERSIONS) {
        const r = await get(http, "/");
        assert.equal(r.body.toString(), "web /home x-fn=v1-none", `[HTTP/${http}] ${describeResult(r)}`);
      }
    });

    it("a change of the function's code is applied in place (UpdateFunction + PublishFunction) and the new code serves at once", async () => {
      await writeFile(join(work, "main.tf"), config(endpoint(), "v2"));
      const out = await terraform(work, "apply", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Apply complete! Resources: 0 added, 1 changed, 0 destroyed\./);
      for (const http of HTTP_VERSIONS) {
        const r = await get(http, "/");
        assert.equal(r.body.toString(), "web /home x-fn=v2-none", `[HTTP/${http}] ${describeResult(r)}`);
      }
    });

    it("terraform destroy removes the distribution, the function and the store", async () => {
      const out = await terraform(work, "destroy", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Destroy complete! Resources: 3 destroyed\./);
      const r = await get("1.1", "/");
      assert.doesNotMatch(r.body.toString(), /x-fn=/);
      const cf = cloudFrontClients({ httpPort: s.ready.httpPort as number, httpsPort: s.ready.httpsPort as number, caPem: s.caPem });
      try {
        for (const c of [cf.h1, cf.h2]) {
          for (const Stage of ["DEVELOPMENT", "LIVE"] as const)
            assert.equal((await c.send(new ListFunctionsCommand({ Stage }))).FunctionList?.Quantity ?? 0, 0);
          assert.equal((await c.send(new ListKeyValueStoresCommand({}))).KeyValueStoreList?.Quantity ?? 0, 0);
        }
      } finally {
        cf.destroy();
      }
    });
  },
);
