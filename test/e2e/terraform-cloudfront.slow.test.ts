import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { BODY_SIZES, describeResult, HTTP_VERSIONS } from "../support/e2e-matrix.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";
import { findTerraform, localProvider, type Terraform } from "../support/terraform.js";

/**
 * Issue 11 "Terraform's AWS provider as a client", the whole edge: the real `terraform` (AWS
 * provider v5 from the machine's mirror) applies a CloudFront + ALB + S3 stack against
 * `edgeparity up` — a bucket with an object, CORS and a policy allowing cloudfront.amazonaws.com
 * for this distribution only (aws:SourceArn), an origin access control, a cache policy and an
 * origin request policy, a distribution with the OAC'd bucket origin and an `/api/*` behaviour to
 * an ALB (listener, rule, target group, attachment to a local server) — the stack serves on
 * HTTP/1.1 and HTTP/2, a second plan shows no changes, and destroy removes it. The provider's
 * reads after each create (bucket sub-resources, tags, GetDistribution until Deployed,
 * DescribeLoadBalancers until active) answer in the shapes it parses.
 */
const tf = await findTerraform();

const config = (endpoint: string, targetPort: number) => `${localProvider(endpoint, ["cloudfront", "elbv2", "s3", "sts", "ec2", "iam"])}
resource "aws_s3_bucket" "site" {
  bucket        = "tf-site"
  force_destroy = true
}
resource "aws_s3_object" "index" {
  bucket       = aws_s3_bucket.site.id
  key          = "index.html"
  content      = "hello from s3"
  content_type = "text/html"
}
resource "aws_s3_bucket_cors_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  cors_rule {
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["https://app.example.com"]
    allowed_headers = ["*"]
    max_age_seconds = 600
  }
}
resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowCloudFront"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "\${aws_s3_bucket.site.arn}/*"
      Condition = { StringEquals = { "aws:SourceArn" = aws_cloudfront_distribution.cdn.arn } }
    }]
  })
}
resource "aws_cloudfront_origin_access_control" "site" {
  name                              = "tf-site-oac"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}
resource "aws_cloudfront_cache_policy" "api" {
  name        = "tf-api-cache"
  min_ttl     = 0
  default_ttl = 0
  max_ttl     = 60
  parameters_in_cache_key_and_forwarded_to_origin {
    cookies_config { cookie_behavior = "none" }
    headers_config { header_behavior = "none" }
    query_strings_config { query_string_behavior = "all" }
  }
}
resource "aws_cloudfront_origin_request_policy" "api" {
  name = "tf-api-origin"
  cookies_config { cookie_behavior = "none" }
  headers_config {
    header_behavior = "whitelist"
    headers { items = ["x-api-key"] }
  }
  query_strings_config { query_string_behavior = "all" }
}
resource "aws_lb_target_group" "api" {
  name        = "tf-api"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-00000000000000000"
  health_check {
    path     = "/"
    interval = 5
    timeout  = 2
  }
}
resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = aws_lb_target_group.api.arn
  target_id        = "127.0.0.1"
  port             = ${targetPort}
}
resource "aws_lb" "api" {
  name               = "tf-api-alb"
  load_balancer_type = "application"
  subnets            = ["subnet-1", "subnet-2"]
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.api.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
      message_body = "no route"
    }
  }
}
resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  condition {
    path_pattern { values = ["/api/*"] }
  }
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}
resource "aws_cloudfront_distribution" "cdn" {
  enabled             = true
  default_root_object = "index.html"
  origin {
    origin_id                = "site"
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }
  origin {
    origin_id   = "api"
    domain_name = aws_lb.api.dns_name
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }
  ordered_cache_behavior {
    path_pattern             = "/api/*"
    target_origin_id         = "api"
    viewer_protocol_policy   = "allow-all"
    allowed_methods          = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods           = ["GET", "HEAD"]
    cache_policy_id          = aws_cloudfront_cache_policy.api.id
    origin_request_policy_id = aws_cloudfront_origin_request_policy.api.id
  }
  restrictions {
    geo_restriction { restriction_type = "none" }
  }
  viewer_certificate { cloudfront_default_certificate = true }
}
output "domain" { value = aws_cloudfront_distribution.cdn.domain_name }
`;

describe(
  "e2e: terraform apply / plan / destroy of a CloudFront + ALB + S3 stack against edgeparity up (issue 11)",
  { skip: tf ? false : "terraform or its AWS provider mirror is not installed" },
  () => {
    let work: string;
    let s: CliSession;
    let origin: OriginServer;
    let domain = "";
    let bodies: Awaited<ReturnType<typeof writeBodies>>;
    const terraform = tf as Terraform;
    const via = (http: "1.1" | "2") => {
      const port = String(http === "2" ? s.ready.httpsPort : s.ready.httpPort);
      return { base: `${http === "2" ? "https" : "http"}://${domain}:${port}`, extra: ["--connect-to", `${domain}:${port}:127.0.0.1:${port}`] };
    };

    before(async () => {
      work = await mkdtemp(join(tmpdir(), "ep-e2e-tfcf-"));
      bodies = await writeBodies(work);
      origin = await startOrigin((req, res, body) => {
        res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
        res.end(`web ${req.method} ${req.url} ${body.length}`);
      });
      await writeFile(join(work, "stack.yaml"), "{}\n");
      s = await startCliSession(["--config", join(work, "stack.yaml")]);
      await writeFile(join(work, "main.tf"), config(`http://localhost:${String(s.ready.httpPort)}`, origin.port));
      await terraform(work, "init", "-input=false", "-no-color");
    });
    after(async () => {
      await s?.stop();
      await origin?.close();
      await rm(work, { recursive: true, force: true });
    });

    it("terraform apply creates the bucket, its object, CORS and policy, the CloudFront policies, OAC and distribution, and the ALB", async () => {
      const out = await terraform(work, "apply", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Apply complete! Resources: 13 added, 0 changed, 0 destroyed\./);
      domain = JSON.parse(await terraform(work, "output", "-json", "domain")) as string;
      assert.match(domain, /^d[a-z0-9]+\.cloudfront\.localhost$/);
    });

    for (const http of HTTP_VERSIONS) {
      it(`the applied distribution serves the bucket's object through the OAC (default root object) (cloudfront.md §4, s3.md §7) [HTTP/${http}]`, async () => {
        const { base, extra } = via(http);
        const r = await curlExchange({ url: `${base}/`, method: "GET", http, cacert: s.caPath, extra });
        assert.equal(r.status, 200, describeResult(r));
        assert.equal(r.body.toString(), "hello from s3");
      });
      for (const size of BODY_SIZES)
        it(`the applied distribution sends /api/* through the ALB's rule to the target, POST ${size} (cloudfront.md §3, alb.md §5) [HTTP/${http}]`, async () => {
          const { base, extra } = via(http);
          const r = await curlExchange({ url: `${base}/api/items`, method: "POST", http, cacert: s.caPath, bodyFile: bodies[size].path, extra });
          assert.equal(r.status, 200, describeResult(r));
          assert.equal(r.body.toString(), `web POST /api/items ${bodies[size].bytes.length}`);
        });
    }

    it("the bucket policy admits only CloudFront: an anonymous GET straight to the bucket is denied (s3.md §7)", async () => {
      const port = String(s.ready.httpPort);
      const r = await curlExchange({
        url: `http://127.0.0.1:${port}/tf-site/index.html`,
        method: "GET",
        http: "1.1",
        cacert: s.caPath,
        extra: ["-H", "Host: s3.localhost"],
      });
      assert.equal(r.status, 403, describeResult(r));
    });

    it("terraform plan afterwards shows no changes", async () => {
      const out = await terraform(work, "plan", "-input=false", "-no-color", "-detailed-exitcode");
      assert.match(out, /No changes\. Your infrastructure matches the configuration\./);
    });

    // Regression: a DeleteBucketCors / DeleteBucketPolicy answered 204 was undone by a concurrent
    // revision re-applying the API's older record, so the provider's delete waiter saw the
    // configuration for 2 minutes. An API-made bucket's live configuration is now the truth.
    it("terraform destroy removes it; the distribution's host no longer serves", async () => {
      const out = await terraform(work, "destroy", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Destroy complete! Resources: 13 destroyed\./);
      const { base, extra } = via("1.1");
      const r = await curlExchange({ url: `${base}/`, method: "GET", http: "1.1", cacert: s.caPath, extra });
      assert.notEqual(r.body.toString(), "hello from s3");
    });
  },
);
