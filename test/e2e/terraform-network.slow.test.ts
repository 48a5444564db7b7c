import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsCli, type AwsCli } from "../support/aws-cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { findTerraform, localProvider, type Terraform } from "../support/terraform.js";

/**
 * Issue 11 "small record-keeping stand-ins for what such stacks reference": the real `terraform`
 * (AWS provider v5 from the machine's mirror) applies a VPC, two subnets, a security group with
 * inline rules, one with `aws_vpc_security_group_*_rule` resources, and an ACM certificate with
 * its validation against `edgeparity up`; a second plan shows no changes, the records survive a
 * restart, and destroy removes them. The provider's reads (DescribeVpcAttribute, the VPC's main
 * route table, default network ACL and default security group, DescribeSecurityGroupRules,
 * DescribeCertificate until validation records appear) answer in the shapes it parses.
 */
const tf = await findTerraform();

const config = (endpoint: string) => `${localProvider(endpoint, ["ec2", "acm", "sts"])}
resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "tf-net" }
}
resource "aws_subnet" "a" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.20.1.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
  tags                    = { Name = "tf-net-a" }
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
  tags              = { Name = "tf-net-b" }
}
resource "aws_security_group" "web" {
  name        = "tf-web"
  description = "web tier"
  vpc_id      = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
    description = "https"
  }
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.api.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Name = "tf-web" }
}
resource "aws_security_group" "api" {
  name_prefix = "tf-api-"
  description = "api tier"
  vpc_id      = aws_vpc.main.id
}
resource "aws_vpc_security_group_ingress_rule" "api_http" {
  security_group_id = aws_security_group.api.id
  cidr_ipv4         = "10.20.0.0/16"
  from_port         = 80
  to_port           = 80
  ip_protocol       = "tcp"
  tags              = { Name = "api-http" }
}
resource "aws_vpc_security_group_egress_rule" "api_all" {
  security_group_id = aws_security_group.api.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}
resource "aws_acm_certificate" "site" {
  domain_name               = "*.net.example.test"
  subject_alternative_names = ["net.example.test"]
  validation_method         = "DNS"
  tags                      = { Name = "tf-cert" }
}
resource "aws_acm_certificate_validation" "site" {
  certificate_arn         = aws_acm_certificate.site.arn
  validation_record_fqdns = [for o in aws_acm_certificate.site.domain_validation_options : o.resource_record_name]
}
output "vpc_id" { value = aws_vpc.main.id }
output "certificate_arn" { value = aws_acm_certificate_validation.site.certificate_arn }
`;

describe(
  "e2e: terraform apply / plan / destroy of a VPC, subnets, security groups and an ACM certificate against edgeparity up (issue 11)",
  { skip: tf ? false : "terraform or its AWS provider mirror is not installed" },
  () => {
    let work: string;
    let s: CliSession;
    let aws: AwsCli;
    let vpcId = "";
    const terraform = tf as Terraform;
    const start = async () => {
      s = await startCliSession(["--config", join(work, "stack.yaml"), "--state-dir", join(work, "state")]);
    };

    before(async () => {
      work = await mkdtemp(join(tmpdir(), "ep-e2e-tfnet-"));
      await writeFile(join(work, "stack.yaml"), "{}\n");
      await start();
      aws = await awsCli(() => `http://localhost:${String(s.ready.httpPort)}`);
      await writeFile(join(work, "main.tf"), config(`http://localhost:${String(s.ready.httpPort)}`));
      await terraform(work, "init", "-input=false", "-no-color");
    });
    after(async () => {
      await aws?.cleanup();
      await s?.stop();
      await rm(work, { recursive: true, force: true });
    });

    it("terraform apply creates them all; the AWS CLI describes what Terraform made", async () => {
      const out = await terraform(work, "apply", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Apply complete! Resources: 9 added, 0 changed, 0 destroyed\./);
      vpcId = JSON.parse(await terraform(work, "output", "-json", "vpc_id")) as string;
      const subnets = JSON.parse(await aws("ec2", "describe-subnets", "--filters", `Name=vpc-id,Values=${vpcId}`)) as { Subnets: { CidrBlock: string }[] };
      assert.deepEqual(subnets.Subnets.map((x) => x.CidrBlock).sort(), ["10.20.1.0/24", "10.20.2.0/24"]);
      const groups = JSON.parse(await aws("ec2", "describe-security-groups", "--filters", `Name=group-name,Values=tf-web`)) as {
        SecurityGroups: { IpPermissions: { FromPort?: number }[] }[];
      };
      assert.deepEqual(groups.SecurityGroups[0]!.IpPermissions.map((p) => p.FromPort).sort(), [443, 8080]);
      const arn = JSON.parse(await terraform(work, "output", "-json", "certificate_arn")) as string;
      const cert = JSON.parse(await aws("acm", "describe-certificate", "--certificate-arn", arn)) as { Certificate: { Status: string } };
      assert.equal(cert.Certificate.Status, "ISSUED");
    });

    it("terraform plan afterwards shows no changes", async () => {
      const out = await terraform(work, "plan", "-input=false", "-no-color", "-detailed-exitcode");
      assert.match(out, /No changes\. Your infrastructure matches the configuration\./);
    });

    it("the records persist in the state dir: after a restart the plan still shows no changes", async () => {
      await s.stop();
      await start();
      await writeFile(join(work, "main.tf"), config(`http://localhost:${String(s.ready.httpPort)}`));
      assert.match(await readFile(join(work, "state", "api", "stack.json"), "utf8"), new RegExp(vpcId));
      const out = await terraform(work, "plan", "-input=false", "-no-color", "-detailed-exitcode");
      assert.match(out, /No changes\./);
    });

    it("terraform destroy removes them; the VPC is gone", async () => {
      const out = await terraform(work, "destroy", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Destroy complete! Resources: 9 destroyed\./);
      const vpcs = JSON.parse(await aws("ec2", "describe-vpcs")) as { Vpcs: { VpcId: string; IsDefault: boolean }[] };
      assert.deepEqual(
        vpcs.Vpcs.map((v) => v.IsDefault),
        [true],
      );
    });
  },
);
