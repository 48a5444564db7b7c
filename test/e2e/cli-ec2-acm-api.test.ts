import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsCli, awsFailure, type AwsCli } from "../support/aws-cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange } from "../support/curl-exchange.js";
import { describeResult, HTTP_VERSIONS } from "../support/e2e-matrix.js";

/**
 * Issue 11 "small record-keeping stand-ins": EC2 (VPCs, subnets, security groups) and ACM through
 * the AWS CLI v2 against `edgeparity up` (the real CLI), over HTTP and HTTPS, with EC2's and
 * ACM's error codes as the CLI reports them; an ACM certificate named by an HTTPS listener
 * (`--certificates`) and by a distribution's ViewerCertificate is what curl is served.
 */
describe("e2e: EC2 and ACM through the AWS CLI against edgeparity up (issue 11)", () => {
  let work: string;
  let s: CliSession;
  let aws: AwsCli;
  let awsTls: AwsCli;
  let certArn = "";

  const json = async <T>(cli: AwsCli, ...args: string[]): Promise<T> => JSON.parse(await cli(...args)) as T;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-ec2acm-"));
    await writeFile(join(work, "stack.yaml"), "{}\n");
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
    aws = await awsCli(() => `http://localhost:${String(s.ready.httpPort)}`);
    awsTls = await awsCli(() => `https://localhost:${String(s.ready.httpsPort)}`);
  });
  after(async () => {
    await aws?.cleanup();
    await awsTls?.cleanup();
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const [scheme, cli] of [
    ["http", () => aws],
    ["https", () => awsTls],
  ] as const)
    it(`aws ec2: create-vpc, create-subnet ×2, create-security-group + authorize, describe with filters, delete (EC2 API) [${scheme}]`, async () => {
      const c = cli();
      const ca = scheme === "https" ? ["--ca-bundle", s.caPath] : [];
      const n = scheme === "http" ? 1 : 2;
      const vpc = await json<{ Vpc: { VpcId: string } }>(
        c,
        "ec2",
        "create-vpc",
        "--cidr-block",
        `10.${n}.0.0/16`,
        "--tag-specifications",
        `ResourceType=vpc,Tags=[{Key=Name,Value=cli-${n}}]`,
        ...ca,
      );
      const vpcId = vpc.Vpc.VpcId;
      for (const [cidr, az] of [
        [`10.${n}.1.0/24`, "us-east-1a"],
        [`10.${n}.2.0/24`, "us-east-1b"],
      ])
        await c("ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", cidr!, "--availability-zone", az!, ...ca);
      const sg = await json<{ GroupId: string }>(
        c,
        "ec2",
        "create-security-group",
        "--group-name",
        "web",
        "--description",
        "web tier",
        "--vpc-id",
        vpcId,
        ...ca,
      );
      await c("ec2", "authorize-security-group-ingress", "--group-id", sg.GroupId, "--protocol", "tcp", "--port", "443", "--cidr", "0.0.0.0/0", ...ca);
      const groups = await json<{ SecurityGroups: { GroupId: string; IpPermissions: { FromPort: number; IpRanges: { CidrIp: string }[] }[] }[] }>(
        c,
        "ec2",
        "describe-security-groups",
        "--filters",
        `Name=vpc-id,Values=${vpcId}`,
        "Name=group-name,Values=web",
        ...ca,
      );
      assert.equal(groups.SecurityGroups.length, 1);
      assert.deepEqual(
        groups.SecurityGroups[0]!.IpPermissions.map((p) => [p.FromPort, p.IpRanges[0]!.CidrIp]),
        [[443, "0.0.0.0/0"]],
      );
      const subnets = await json<{ Subnets: { SubnetId: string; AvailabilityZone: string }[] }>(
        c,
        "ec2",
        "describe-subnets",
        "--filters",
        `Name=vpc-id,Values=${vpcId}`,
        ...ca,
      );
      assert.deepEqual(
        subnets.Subnets.map((x) => x.AvailabilityZone),
        ["us-east-1a", "us-east-1b"],
      );
      const byTag = await json<{ Vpcs: { VpcId: string }[] }>(c, "ec2", "describe-vpcs", "--filters", `Name=tag:Name,Values=cli-${n}`, ...ca);
      assert.deepEqual(
        byTag.Vpcs.map((v) => v.VpcId),
        [vpcId],
      );

      assert.match(await awsFailure(c, "ec2", "delete-vpc", "--vpc-id", vpcId, ...ca), /\(DependencyViolation\) when calling the DeleteVpc operation/);
      assert.match(
        await awsFailure(c, "ec2", "create-security-group", "--group-name", "web", "--description", "again", "--vpc-id", vpcId, ...ca),
        /\(InvalidGroup\.Duplicate\) when calling the CreateSecurityGroup operation: The security group 'web' already exists for VPC/,
      );
      assert.match(await awsFailure(c, "ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.99.0.0/24", ...ca), /\(InvalidSubnet\.Range\)/);
      assert.match(await awsFailure(c, "ec2", "create-vpc", "--cidr-block", "10.0.0.0/12", ...ca), /\(InvalidVpc\.Range\)/);
      assert.match(await awsFailure(c, "ec2", "create-vpc", "--cidr-block", "not-a-cidr", ...ca), /\(InvalidParameterValue\)/);
      assert.match(
        await awsFailure(c, "ec2", "describe-instances", ...ca),
        /\(NotImplemented\) when calling the DescribeInstances operation: edgeparity does not implement/,
      );

      await c("ec2", "delete-security-group", "--group-id", sg.GroupId, ...ca);
      for (const sn of subnets.Subnets) await c("ec2", "delete-subnet", "--subnet-id", sn.SubnetId, ...ca);
      await c("ec2", "delete-vpc", "--vpc-id", vpcId, ...ca);
      assert.match(
        await awsFailure(c, "ec2", "describe-vpcs", "--vpc-ids", vpcId, ...ca),
        /\(InvalidVpcID\.NotFound\) when calling the DescribeVpcs operation: The vpc ID '.+' does not exist/,
      );
      assert.match(await awsFailure(c, "ec2", "describe-subnets", "--subnet-ids", subnets.Subnets[0]!.SubnetId, ...ca), /\(InvalidSubnetID\.NotFound\)/);
      assert.match(await awsFailure(c, "ec2", "describe-security-groups", "--group-ids", sg.GroupId, ...ca), /\(InvalidGroup\.NotFound\)/);
    });

  it("aws acm: request-certificate is ISSUED at once; get-certificate is the local CA's PEM; ACM's errors (ACM API)", async () => {
    const req = await json<{ CertificateArn: string }>(
      aws,
      "acm",
      "request-certificate",
      "--domain-name",
      "*.api.example.test",
      "--subject-alternative-names",
      "api.example.test",
      "--validation-method",
      "DNS",
    );
    certArn = req.CertificateArn;
    const d = await json<{ Certificate: { Status: string; DomainValidationOptions: { ResourceRecord: { Type: string } }[] } }>(
      awsTls,
      "acm",
      "describe-certificate",
      "--certificate-arn",
      certArn,
      "--ca-bundle",
      s.caPath,
    );
    assert.equal(d.Certificate.Status, "ISSUED");
    assert.equal(d.Certificate.DomainValidationOptions[0]!.ResourceRecord.Type, "CNAME");
    const pem = await json<{ Certificate: string; CertificateChain: string }>(aws, "acm", "get-certificate", "--certificate-arn", certArn);
    assert.match(pem.Certificate, /^-----BEGIN CERTIFICATE-----/);
    const missing = certArn.replace(/[0-9a-f]{12}$/, "000000000000");
    assert.match(
      await awsFailure(aws, "acm", "describe-certificate", "--certificate-arn", missing),
      /\(ResourceNotFoundException\) when calling the DescribeCertificate operation/,
    );
    assert.match(await awsFailure(aws, "acm", "get-certificate", "--certificate-arn", "arn:aws:acm:us-east-1:000000000000:bogus"), /\(InvalidArnException\)/);
    assert.match(
      await awsFailure(aws, "acm", "renew-certificate", "--certificate-arn", certArn),
      /\(NotImplemented\) when calling the RenewCertificate operation/,
    );
  });

  it("an HTTPS listener with --certificates <ACM ARN> serves the certificate's names (and the ALB's DNS name) to curl (issue 11: ACM; alb.md listeners)", async () => {
    const lb = await json<{ LoadBalancers: { LoadBalancerArn: string; DNSName: string }[] }>(
      aws,
      "elbv2",
      "create-load-balancer",
      "--name",
      "acm-alb",
      "--subnets",
      "subnet-1",
      "subnet-2",
    );
    const { LoadBalancerArn, DNSName } = lb.LoadBalancers[0]!;
    await aws(
      "elbv2",
      "create-listener",
      "--load-balancer-arn",
      LoadBalancerArn,
      "--protocol",
      "HTTPS",
      "--port",
      "443",
      "--certificates",
      `CertificateArn=${certArn}`,
      "--default-actions",
      'Type=fixed-response,FixedResponseConfig={StatusCode=200,ContentType=text/plain,MessageBody="tls ok"}',
    );
    const port = String(s.ready.httpsPort);
    for (const http of HTTP_VERSIONS) {
      const r = await curlExchange({
        url: `https://${DNSName}:${port}/`,
        method: "GET",
        http,
        cacert: s.caPath,
        extra: ["-v", "--connect-to", `${DNSName}:${port}:127.0.0.1:${port}`],
      });
      assert.equal(r.status, 200, describeResult(r));
      assert.equal(r.body.toString(), "tls ok");
      assert.match(r.stderr, /subject: CN=\*\.api\.example\.test/, r.stderr);
    }
    const d = await json<{ Certificate: { InUseBy: string[] } }>(aws, "acm", "describe-certificate", "--certificate-arn", certArn);
    assert.deepEqual(d.Certificate.InUseBy, [LoadBalancerArn]);
    // ELBv2 looks the certificate up: an ACM ARN that names none is CertificateNotFound.
    const unknown = certArn.replace(/[0-9a-f]{12}$/, "000000000000");
    assert.match(
      await awsFailure(
        aws,
        "elbv2",
        "create-listener",
        "--load-balancer-arn",
        LoadBalancerArn,
        "--protocol",
        "HTTPS",
        "--port",
        "8443",
        "--certificates",
        `CertificateArn=${unknown}`,
        "--default-actions",
        "Type=fixed-response,FixedResponseConfig={StatusCode=200}",
      ),
      /\(CertificateNotFound\) when calling the CreateListener operation: Certificate '.+' not found/,
    );
    assert.match(
      await awsFailure(aws, "acm", "delete-certificate", "--certificate-arn", certArn),
      /\(ResourceInUseException\) when calling the DeleteCertificate operation/,
    );
  });

  it("a distribution made with aws cloudfront whose ViewerCertificate names the certificate serves its alias with it (issue 11: ACM; cloudfront.md ViewerCertificate)", async () => {
    const cfg = {
      CallerReference: "acm-cli",
      Comment: "",
      Enabled: true,
      Aliases: { Quantity: 1, Items: ["www.api.example.test"] },
      Origins: { Quantity: 1, Items: [{ Id: "none", DomainName: "none.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
      DefaultCacheBehavior: { TargetOriginId: "none", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
      ViewerCertificate: { ACMCertificateArn: certArn, SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" },
    };
    await writeFile(join(work, "dist.json"), JSON.stringify(cfg));
    await aws("cloudfront", "create-distribution", "--distribution-config", `file://${join(work, "dist.json")}`);
    const port = String(s.ready.httpsPort);
    for (const http of HTTP_VERSIONS) {
      const host = "www.api.example.test";
      const r = await curlExchange({
        url: `https://${host}:${port}/`,
        method: "GET",
        http,
        cacert: s.caPath,
        extra: ["-v", "--connect-to", `${host}:${port}:127.0.0.1:${port}`],
      });
      assert.ok(r.status > 0, describeResult(r));
      assert.match(r.stderr, /host "www\.api\.example\.test" matched cert's "\*\.api\.example\.test"/, r.stderr);
    }
  });
});
