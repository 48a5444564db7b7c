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
 * Issue 11 "ACM certificates (issued at once, usable as ViewerCertificate / listener
 * Certificates)" through the AWS CLI v2 against `edgeparity up` (the real CLI): the certificate is
 * ISSUED at once, ACM's errors are what the CLI reports, and an HTTPS listener (`--certificates`)
 * and a distribution's ViewerCertificate naming it are what curl is served, HTTP/1.1 and HTTP/2.
 */
describe("e2e: ACM through the AWS CLI against edgeparity up, served by an ALB listener and a distribution (issue 11)", () => {
  let work: string;
  let s: CliSession;
  let aws: AwsCli;
  let certArn = "";

  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await aws(...args)) as T;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-acm-"));
    await writeFile(join(work, "stack.yaml"), "{}\n");
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
    aws = await awsCli(() => `http://localhost:${String(s.ready.httpPort)}`);
  });
  after(async () => {
    await aws?.cleanup();
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("aws acm: request-certificate is ISSUED at once with a DNS record; get-certificate is the local CA's PEM; ResourceNotFoundException, NotImplemented (ACM API)", async () => {
    const req = await json<{ CertificateArn: string }>(
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
      "acm",
      "describe-certificate",
      "--certificate-arn",
      certArn,
    );
    assert.equal(d.Certificate.Status, "ISSUED");
    assert.equal(d.Certificate.DomainValidationOptions[0]!.ResourceRecord.Type, "CNAME");
    const pem = await json<{ Certificate: string; CertificateChain: string }>("acm", "get-certificate", "--certificate-arn", certArn);
    assert.match(pem.Certificate, /^-----BEGIN CERTIFICATE-----/);
    const missing = certArn.replace(/[0-9a-f]{12}$/, "000000000000");
    assert.match(
      await awsFailure(aws, "acm", "describe-certificate", "--certificate-arn", missing),
      /\(ResourceNotFoundException\) when calling the DescribeCertificate operation/,
    );
    assert.match(
      await awsFailure(aws, "acm", "renew-certificate", "--certificate-arn", certArn),
      /\(NotImplemented\) when calling the RenewCertificate operation/,
    );
  });

  it("an HTTPS listener with --certificates <ACM ARN> serves the certificate's names (and the ALB's DNS name) to curl; in use, it cannot be deleted; an unknown ARN is CertificateNotFound (issue 11: ACM)", async () => {
    const lb = await json<{ LoadBalancers: { LoadBalancerArn: string; DNSName: string }[] }>(
      "elbv2",
      "create-load-balancer",
      "--name",
      "acm-alb",
      "--subnets",
      "subnet-1",
      "subnet-2",
    );
    const { LoadBalancerArn, DNSName } = lb.LoadBalancers[0]!;
    const listener = (certificate: string, port: string) => [
      "elbv2",
      "create-listener",
      "--load-balancer-arn",
      LoadBalancerArn,
      "--protocol",
      "HTTPS",
      "--port",
      port,
      "--certificates",
      `CertificateArn=${certificate}`,
      "--default-actions",
      'Type=fixed-response,FixedResponseConfig={StatusCode=200,ContentType=text/plain,MessageBody="tls ok"}',
    ];
    await aws(...listener(certArn, "443"));
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
    const d = await json<{ Certificate: { InUseBy: string[] } }>("acm", "describe-certificate", "--certificate-arn", certArn);
    assert.deepEqual(d.Certificate.InUseBy, [LoadBalancerArn]);
    assert.match(
      await awsFailure(aws, "acm", "delete-certificate", "--certificate-arn", certArn),
      /\(ResourceInUseException\) when calling the DeleteCertificate operation/,
    );
    // ELBv2 looks the certificate up: an ACM ARN that names none is CertificateNotFound.
    const unknown = certArn.replace(/[0-9a-f]{12}$/, "000000000000");
    assert.match(
      await awsFailure(aws, ...listener(unknown, "8443")),
      /\(CertificateNotFound\) when calling the CreateListener operation: Certificate '.+' not found/,
    );
  });

  it("a distribution made with aws cloudfront whose ViewerCertificate names the certificate serves its alias with it (issue 11: ACM; cloudfront.md §11.3)", async () => {
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
    const host = "www.api.example.test";
    for (const http of HTTP_VERSIONS) {
      const r = await curlExchange({
        url: `https://${host}:${port}/`,
        method: "GET",
        http,
        cacert: s.caPath,
        extra: ["-v", "--connect-to", `${host}:${port}:127.0.0.1:${port}`],
      });
      assert.ok(r.status > 0, describeResult(r));
      assert.equal(r.httpVersion, http === "2" ? "2" : "1.1", describeResult(r));
      assert.match(r.stderr, /host "www\.api\.example\.test" matched cert's "\*\.api\.example\.test"/, r.stderr);
    }
  });
});
