import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { importStack } from "../../src/importers/index.js";

/**
 * Terraform's evaluation rules as the folder importer applies them (Terraform docs: "The count
 * Meta-Argument", "The for_each Meta-Argument", "dynamic Blocks", "Modules", "JSON Configuration
 * Syntax", "templatefile"), each checked on the model it produces.
 */
const FIXTURES = fileURLToPath(new URL("../fixtures/stacks/", import.meta.url));

const BEHAVIOR = `
  default_cache_behavior {
    target_origin_id       = "o"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }`;

describe("importers: Terraform evaluation", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-tf-eval-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function folder(name: string, files: Record<string, string>): Promise<string> {
    const d = join(dir, name);
    await mkdir(d, { recursive: true });
    for (const [f, text] of Object.entries(files)) {
      await mkdir(dirname(join(d, f)), { recursive: true });
      await writeFile(join(d, f), text);
    }
    return d;
  }

  it("terraform: count makes one instance per index, keyed name-N, with count.index (Terraform: count)", async () => {
    const d = await folder("count", {
      "main.tf": `resource "aws_s3_bucket" "b" {\n  count  = 2\n  bucket = "bucket-\${count.index}"\n}\n`,
      "edgeparity.yaml": "local:\n  buckets:\n    bucket-0: { folder: . }\n    bucket-1: { folder: . }\n",
    });
    assert.deepEqual(Object.keys((await importStack(d)).stack.buckets), ["bucket-0", "bucket-1"]);
  });

  it("terraform: dynamic blocks with an iterator, for_each over a set, splat and for expressions (Terraform: dynamic blocks)", async () => {
    const d = await folder("dynamic", {
      "main.tf": `
locals {
  origins = { a = "a.example.com", b = "b.example.com" }
}
resource "aws_cloudfront_distribution" "web" {
  for_each = toset(["x"])
  enabled  = true
  comment  = join(",", [for k, v in local.origins : "\${k}=\${v}"])
  aliases  = [for o in values(local.origins) : "www.\${o}"]
  dynamic "origin" {
    for_each = local.origins
    iterator = o
    content {
      origin_id   = o.key
      domain_name = o.value
      custom_origin_config {
        http_port              = 80
        https_port             = 443
        origin_protocol_policy = "http-only"
        origin_ssl_protocols   = ["TLSv1.2"]
      }
    }
  }
${BEHAVIOR.replace('"o"', "keys(local.origins)[0]")}
}
`,
      "edgeparity.yaml": "local:\n  origins:\n    a.example.com: http://127.0.0.1:9\n    b.example.com: http://127.0.0.1:9\n",
    });
    const s = await importStack(d);
    const dc = s.stack.distributions["web-x"]!;
    assert.equal(dc.Comment, "a=a.example.com,b=b.example.com");
    assert.deepEqual(dc.Aliases?.Items, ["www.a.example.com", "www.b.example.com"]);
    assert.deepEqual(
      dc.Origins.Items!.map((o) => [o.Id, o.DomainName]),
      [
        ["a", "a.example.com"],
        ["b", "b.example.com"],
      ],
    );
  });

  it("terraform: a local module's outputs, path.module and templatefile (Terraform: Modules, templatefile)", async () => {
    const d = await folder("module", {
      "main.tf": `
module "policy" {
  source = "./mod"
  prefix = "acme"
}
resource "aws_s3_bucket" "b" {
  bucket = module.policy.bucket_name
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = module.policy.policy
}
`,
      "mod/main.tf": `
variable "prefix" {
  type = string
}
output "bucket_name" {
  value = "\${var.prefix}-assets"
}
output "policy" {
  value = templatefile("\${path.module}/policy.json.tpl", { bucket = "\${var.prefix}-assets", actions = ["s3:GetObject"] })
}
`,
      "mod/policy.json.tpl": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":\${jsonencode(actions)},"Resource":"arn:aws:s3:::\${bucket}/*"}]}\n`,
      "edgeparity.yaml": "local:\n  buckets:\n    acme-assets: { folder: . }\n",
    });
    const s = await importStack(d);
    assert.deepEqual(s.stack.buckets["acme-assets"]?.Policy, {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme-assets/*" }],
    });
    // The module's files and the template are sources: editing them reloads.
    assert.ok(s.sources.includes(join(d, "mod", "main.tf")) && s.sources.includes(join(d, "mod", "policy.json.tpl")), s.sources.join("\n"));
  });

  it("terraform: a .tf.json file reads like its .tf form: the golden stack's distribution as JSON (Terraform: JSON Configuration Syntax)", async () => {
    const golden = await importStack(join(FIXTURES, "tf-spa"));
    const d = await folder("json", {});
    for (const f of ["variables.tf", "edgeparity.yaml", "api.mjs", "rewrite.js"]) await writeFile(join(d, f), await readFile(join(FIXTURES, "tf-spa", f)));
    await mkdir(join(d, "site", "errors"), { recursive: true });
    const main = await readFile(join(FIXTURES, "tf-spa", "main.tf"), "utf8");
    // Everything but the distribution stays HCL; the distribution is written as .tf.json.
    const start = main.indexOf('resource "aws_cloudfront_distribution"');
    await writeFile(join(d, "main.tf"), main.slice(0, start));
    const origin = (id: string, domain: string, extra: object) => ({ origin_id: id, domain_name: domain, ...extra });
    await writeFile(
      join(d, "cdn.tf.json"),
      JSON.stringify(
        {
          resource: {
            aws_cloudfront_distribution: {
              Distribution: {
                enabled: true,
                comment: '${local.is_prod ? "production SPA" : "SPA ${var.env} from S3, /api/* through the ALB"}',
                default_root_object: "index.html",
                http_version: "http2",
                origin: [
                  origin("spa-bucket", "${aws_s3_bucket.site.bucket_regional_domain_name}", {
                    origin_access_control_id: "${aws_cloudfront_origin_access_control.Oac.id}",
                  }),
                  origin("api-alb", "${aws_lb.alb.dns_name}", {
                    custom_origin_config: { http_port: 80, https_port: 443, origin_protocol_policy: "http-only", origin_ssl_protocols: ["TLSv1.2"] },
                  }),
                ],
                default_cache_behavior: {
                  target_origin_id: "spa-bucket",
                  viewer_protocol_policy: "allow-all",
                  cache_policy_id: "${aws_cloudfront_cache_policy.SpaCachePolicy.id}",
                  allowed_methods: ["GET", "HEAD"],
                  cached_methods: ["GET", "HEAD"],
                  compress: true,
                  function_association: { event_type: "viewer-request", function_arn: "${aws_cloudfront_function.rewrite.arn}" },
                },
                ordered_cache_behavior: [
                  {
                    path_pattern: "/api/*",
                    target_origin_id: "api-alb",
                    viewer_protocol_policy: "allow-all",
                    cache_policy_id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
                    origin_request_policy_id: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
                    allowed_methods: "${local.api_methods}",
                    cached_methods: ["GET", "HEAD"],
                  },
                ],
                custom_error_response: [
                  { error_code: 403, response_page_path: "/index.html", response_code: 200, error_caching_min_ttl: 10 },
                  { error_code: 404, response_page_path: "/errors/404.html", response_code: 404, error_caching_min_ttl: 0 },
                ],
                restrictions: { geo_restriction: { restriction_type: "none" } },
                viewer_certificate: { cloudfront_default_certificate: true },
              },
            },
          },
        },
        null,
        2,
      ),
    );
    const s = await importStack(d);
    assert.deepEqual(s.stack, { ...golden.stack, local: { ...golden.stack.local, buckets: { "cfn-spa-site": { folder: "site" } } } });
  });

  it("terraform: an ALB target group of type lambda binds to the function archive_file zips (alb.md §10; provider docs, aws_lb_target_group_attachment)", async () => {
    const d = await folder("alb-lambda", {
      "main.tf": `
data "archive_file" "fn" {
  type        = "zip"
  source_dir  = "\${path.module}/src"
  output_path = "\${path.module}/build/fn.zip"
}
resource "aws_lambda_function" "fn" {
  function_name = "hello"
  role          = "arn:aws:iam::000000000000:role/x"
  handler       = "app.main"
  runtime       = "nodejs20.x"
  filename      = data.archive_file.fn.output_path
}
resource "aws_lb_target_group" "fn" {
  name        = "hello-fn"
  target_type = "lambda"
}
resource "aws_lb_target_group_attachment" "fn" {
  target_group_arn = aws_lb_target_group.fn.arn
  target_id        = aws_lambda_function.fn.arn
}
`,
      "src/app.mjs": "export const main = async () => ({ statusCode: 200, body: 'hi' });\n",
    });
    const s = await importStack(d);
    assert.deepEqual(s.stack.local.targetGroups["hello-fn"]?.targets, [{ lambda: "src/app.mjs", handler: "main" }]);
    assert.equal(s.stack.local.functions.hello?.handler, "src/app.mjs");
    assert.equal(
      s.warnings.find((w) => /has no local target/.test(w.message)),
      undefined,
    );
  });

  it("terraform: an HTTP API's integration, route and stage map to httpApis; a route's target names the integration (provider docs, aws_apigatewayv2_*)", async () => {
    const d = await folder("http-api", {
      "main.tf": `
resource "aws_lambda_function" "fn" {
  function_name = "http-fn"
  role          = "arn:aws:iam::000000000000:role/x"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "fn.zip"
}
resource "aws_apigatewayv2_api" "api" {
  name          = "http-api"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://example.com"]
    allow_methods = ["POST", "GET"]
  }
}
resource "aws_apigatewayv2_integration" "fn" {
  api_id                 = aws_apigatewayv2_api.api.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.fn.invoke_arn
  payload_format_version = "2.0"
}
resource "aws_apigatewayv2_route" "any" {
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "ANY /{proxy+}"
  target    = "integrations/\${aws_apigatewayv2_integration.fn.id}"
}
resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.api.id
  name        = "$default"
  auto_deploy = true
}
`,
      "fn/index.mjs": "export const handler = async () => ({ statusCode: 200 });\n",
    });
    const s = await importStack(d);
    const api = s.stack.httpApis["http-api"]!;
    assert.deepEqual(api.Routes["ANY /{proxy+}"]?.Target, "integrations/fn");
    assert.equal(api.Integrations.fn?.PayloadFormatVersion, "2.0");
    assert.deepEqual(api.CorsConfiguration?.AllowMethods, ["GET", "POST"]);
    assert.deepEqual(api.Stages.$default, { AutoDeploy: true });
    assert.equal(s.stack.local.functions["http-fn"]?.handler, "fn/index.mjs", "fn.zip is built from the folder fn beside it");
    assert.match(s.stack.local.httpApis["http-api"]?.apiId ?? "", /^[a-z0-9]{10}$/);
  });

  it("terraform: a cycle between locals, a for_each over a list of objects and an unknown module argument are errors with file:line", async () => {
    const cycle = await folder("cycle", { "main.tf": 'locals {\n  a = local.b\n  b = local.a\n}\nresource "aws_s3_bucket" "x" {\n  bucket = local.a\n}\n' });
    await assert.rejects(importStack(cycle), /main\.tf:\d+: .*local\.a refers to itself/);
    const fe = await folder("for-each-list", { "main.tf": 'resource "aws_s3_bucket" "x" {\n  for_each = [{ a = 1 }]\n  bucket = "x"\n}\n' });
    await assert.rejects(importStack(fe), /main\.tf:2: aws_s3_bucket\.x\.for_each: for_each takes a map or a set of strings/);
    const mod = await folder("module-unknown-arg", {
      "main.tf": 'module "m" {\n  source = "./m"\n  nope   = 2\n}\n',
      "m/main.tf": 'resource "aws_s3_bucket" "x" {\n  bucket = "xyz-assets"\n}\n',
    });
    await assert.rejects(importStack(mod), /main\.tf:3: module\.m: the module at \.\/m has no variable "nope"/);
  });

  it("terraform: for_each and count on a module call make one module instance per key, keyed module-key-resource (Terraform: Modules)", async () => {
    const d = await folder("module-for-each", {
      "main.tf": `
module "site" {
  source   = "./site"
  for_each = toset(["blog", "docs"])
  name     = "acme-\${each.key}"
}
module "extra" {
  source = "./site"
  count  = 1
  name   = "acme-extra-\${count.index}"
}
output "buckets" {
  value = [for k, m in module.site : m.bucket]
}
resource "aws_s3_bucket" "all" {
  bucket = join("-", concat(["all"], [for m in values(module.site) : m.bucket], [module.extra[0].bucket]))
}
`,
      "site/main.tf":
        'variable "name" {\n  type = string\n}\nresource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\noutput "bucket" {\n  value = aws_s3_bucket.b.bucket\n}\n',
    });
    const s = await importStack(d);
    assert.deepEqual(Object.keys(s.stack.buckets).sort(), ["acme-blog", "acme-docs", "acme-extra-0", "all-acme-blog-acme-docs-acme-extra-0"]);
    const w = s.warnings.find((x) => x.path === "buckets.acme-blog");
    assert.equal(w?.file, join(d, "site", "main.tf"));
  });

  it("terraform: a registry module is listed as not resolvable locally, not an error (Terraform: Module Sources)", async () => {
    const d = await folder("registry", {
      "main.tf":
        'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n}\nresource "aws_s3_bucket" "x" {\n  bucket = "xyz-assets"\n}\n',
      "edgeparity.yaml": "local:\n  buckets:\n    xyz-assets: { folder: . }\n",
    });
    const s = await importStack(d);
    const w = s.warnings.find((x) => x.path === "module.vpc");
    assert.equal(w?.line, 1);
    assert.match(w?.message ?? "", /is not a local path .*not resolvable locally/);
  });
});
