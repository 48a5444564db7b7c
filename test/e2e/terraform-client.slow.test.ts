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
 * Issue 11 "Terraform's AWS provider as a client": the real `terraform` (AWS provider v5 from the
 * machine's mirror) applies an ALB stack against `edgeparity up`, the stack serves, a second plan
 * shows no changes, and destroy removes it. The provider's waiters and reads
 * (DescribeLoadBalancers until active, DescribeCapacityReservation, attribute and tag reads,
 * DescribeTargetHealth) answer in the shapes it parses.
 */
const tf = await findTerraform();

const config = (endpoint: string, targetPort: number) => `${localProvider(endpoint, ["elbv2", "sts", "ec2", "iam", "acm"])}
resource "aws_lb_target_group" "web" {
  name        = "tf-web"
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
resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = "127.0.0.1"
  port             = ${targetPort}
}
resource "aws_lb" "main" {
  name               = "tf-alb"
  load_balancer_type = "application"
  subnets            = ["subnet-1", "subnet-2"]
  tags               = { team = "edge" }
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.alb.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
resource "aws_acm_certificate" "alb" {
  domain_name       = "alb.example.test"
  validation_method = "DNS"
}
resource "aws_lb_listener_rule" "api" {
  for_each     = { http = aws_lb_listener.http.arn, https = aws_lb_listener.https.arn }
  listener_arn = each.value
  priority     = 10
  condition {
    path_pattern { values = ["/api/*"] }
  }
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
      message_body = "api"
    }
  }
}
output "dns_name" { value = aws_lb.main.dns_name }
`;

describe(
  "e2e: terraform apply / plan / destroy of an ALB stack against edgeparity up (issue 11)",
  { skip: tf ? false : "terraform or its AWS provider mirror is not installed" },
  () => {
    let work: string;
    let s: CliSession;
    let origin: OriginServer;
    let dns = "";
    let bodies: Awaited<ReturnType<typeof writeBodies>>;
    const terraform = tf as Terraform;

    before(async () => {
      work = await mkdtemp(join(tmpdir(), "ep-e2e-tf-"));
      bodies = await writeBodies(work);
      origin = await startOrigin((req, res, body) => {
        res.writeHead(200, { "content-type": "text/plain" });
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

    it("terraform apply creates the load balancer, listeners, rules and target attachment", async () => {
      const out = await terraform(work, "apply", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Apply complete! Resources: 8 added, 0 changed, 0 destroyed\./);
      dns = JSON.parse(await terraform(work, "output", "-json", "dns_name")) as string;
      assert.match(dns, /^tf-alb-\d+\.us-east-1\.elb\.localhost$/);
    });

    for (const http of HTTP_VERSIONS)
      for (const size of BODY_SIZES)
        it(`the applied ALB serves: default → target, /api/* → fixed response, POST ${size} (alb.md §5, §6) [HTTP/${http}]`, async () => {
          const port = String(http === "2" ? s.ready.httpsPort : s.ready.httpPort);
          const base = `${http === "2" ? "https" : "http"}://${dns}:${port}`;
          const via = ["--connect-to", `${dns}:${port}:127.0.0.1:${port}`];
          const web = await curlExchange({ url: `${base}/page`, method: "POST", http, cacert: s.caPath, bodyFile: bodies[size].path, extra: via });
          assert.equal(web.status, 200, describeResult(web));
          assert.equal(web.body.toString(), `web POST /page ${bodies[size].bytes.length}`);
          const api = await curlExchange({ url: `${base}/api/x`, method: "GET", http, cacert: s.caPath, extra: via });
          assert.equal(api.body.toString(), "api", describeResult(api));
        });

    it("terraform plan afterwards shows no changes", async () => {
      const out = await terraform(work, "plan", "-input=false", "-no-color", "-detailed-exitcode");
      assert.match(out, /No changes\. Your infrastructure matches the configuration\./);
    });

    it("terraform destroy removes it; the load balancer's host no longer answers", async () => {
      const out = await terraform(work, "destroy", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Destroy complete! Resources: 8 destroyed\./);
      const port = String(s.ready.httpPort);
      const r = await curlExchange({
        url: `http://${dns}:${port}/page`,
        method: "GET",
        http: "1.1",
        cacert: s.caPath,
        extra: ["--connect-to", `${dns}:${port}:127.0.0.1:${port}`],
      });
      assert.notEqual(r.body.toString(), "web GET /page 0");
    });
  },
);
