import assert from "node:assert/strict";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  ACMClient,
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ExportCertificateCommand,
  GetCertificateCommand,
  ImportCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
} from "@aws-sdk/client-acm";
import { CloudFrontClient, CreateDistributionCommand, GetDistributionConfigCommand, UpdateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { NodeHttp2Handler } from "@smithy/node-http-handler";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../../../src/core/sha256.js";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { curl } from "../../support/curl.js";
import { sdkFailure as failure } from "../../support/sdk-failure.js";

/**
 * Issue 11 "ACM certificates (issued at once, usable as ViewerCertificate / listener
 * Certificates)" through the AWS SDK v3 on HTTP/1.1 and HTTP/2: RequestCertificate is ISSUED at
 * once with DNS validation records, GetCertificate returns the local CA's PEM for the names, tags,
 * ACM's error codes, and a distribution whose ViewerCertificate names the certificate is served
 * to curl with a certificate for exactly the requested names (docs/fidelity.md "ACM").
 */
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

describe("ACM API through the AWS SDK v3 (issue 11: ACM)", () => {
  let dir: string;
  let stack: EdgeparityStack;
  let clients: { name: string; acm: ACMClient }[];
  let cf: CloudFrontClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-acm-"));
    await writeFile(join(dir, "edgeparity.yaml"), "{}\n");
    stack = await startEdgeparity({ config: join(dir, "edgeparity.yaml") });
    clients = [
      { name: "HTTP/1.1", acm: new ACMClient({ region: "us-east-1", endpoint: `http://localhost:${stack.httpPort}`, credentials, maxAttempts: 1 }) },
      {
        name: "HTTP/2",
        acm: new ACMClient({
          region: "us-east-1",
          endpoint: `https://localhost:${stack.httpsPort}`,
          credentials,
          maxAttempts: 1,
          requestHandler: new NodeHttp2Handler({ nodeHttp2ConnectOptions: { ca: stack.caPem } }),
        }),
      },
    ];
    cf = new CloudFrontClient({ region: "us-east-1", endpoint: `http://localhost:${stack.httpPort}`, credentials, maxAttempts: 1 });
  });
  after(async () => {
    for (const c of clients ?? []) c.acm.destroy();
    cf?.destroy();
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const i of [0, 1]) {
    it(`RequestCertificate is ISSUED at once with a DNS ResourceRecord per name; Describe/List/Get agree (ACM API Reference: RequestCertificate) [client ${i}]`, async () => {
      const { name, acm } = clients[i]!;
      const domain = `*.site${i}.example.test`;
      const { CertificateArn } = await acm.send(
        new RequestCertificateCommand({
          DomainName: domain,
          SubjectAlternativeNames: [`site${i}.example.test`],
          ValidationMethod: "DNS",
          Tags: [{ Key: "team", Value: "edge" }],
        }),
      );
      assert.match(CertificateArn!, /^arn:aws:acm:us-east-1:000000000000:certificate\/[0-9a-f-]{36}$/, name);
      const { Certificate: d } = await acm.send(new DescribeCertificateCommand({ CertificateArn }));
      assert.equal(d?.Status, "ISSUED");
      assert.equal(d?.Type, "AMAZON_ISSUED");
      assert.equal(d?.DomainName, domain);
      assert.deepEqual(d?.SubjectAlternativeNames, [domain, `site${i}.example.test`]);
      assert.ok(d?.NotAfter instanceof Date && d.NotAfter.getTime() > Date.now());
      const dvo = d?.DomainValidationOptions ?? [];
      assert.equal(dvo.length, 2);
      for (const o of dvo) {
        assert.equal(o.ValidationStatus, "SUCCESS");
        assert.equal(o.ResourceRecord?.Type, "CNAME");
        assert.match(o.ResourceRecord?.Name ?? "", new RegExp(`^_[0-9a-f]{32}\\.site${i}\\.example\\.test\\.$`));
      }
      // A wildcard and its parent share one validation record.
      assert.equal(dvo[0]!.ResourceRecord?.Name, dvo[1]!.ResourceRecord?.Name);
      const list = await acm.send(new ListCertificatesCommand({}));
      assert.ok(list.CertificateSummaryList?.some((s) => s.CertificateArn === CertificateArn && s.Status === "ISSUED"));
      const pem = await acm.send(new GetCertificateCommand({ CertificateArn }));
      const leaf = new X509Certificate(pem.Certificate!);
      assert.match(leaf.subjectAltName ?? "", new RegExp(`DNS:\\*\\.site${i}\\.example\\.test`));
      assert.ok(leaf.verify(new X509Certificate(pem.CertificateChain!).publicKey), "signed by the chain's CA");
      assert.equal(new X509Certificate(pem.CertificateChain!).fingerprint256, new X509Certificate(stack.caPem).fingerprint256);
      const tags = await acm.send(new ListTagsForCertificateCommand({ CertificateArn }));
      assert.deepEqual(tags.Tags, [{ Key: "team", Value: "edge" }]);
      await acm.send(new AddTagsToCertificateCommand({ CertificateArn, Tags: [{ Key: "env", Value: "dev" }] }));
      await acm.send(new RemoveTagsFromCertificateCommand({ CertificateArn, Tags: [{ Key: "team" }] }));
      assert.deepEqual((await acm.send(new ListTagsForCertificateCommand({ CertificateArn }))).Tags, [{ Key: "env", Value: "dev" }]);
      await acm.send(new DeleteCertificateCommand({ CertificateArn }));
      const gone = await failure(acm.send(new DescribeCertificateCommand({ CertificateArn })));
      assert.equal(gone.name, "ResourceNotFoundException");
      assert.equal(gone.status, 400);
    });

    it(`ACM's errors: ResourceNotFoundException, InvalidArnException, ValidationException, InvalidDomainValidationOptionsException, 501 NotImplemented (ACM API Reference: Errors) [client ${i}]`, async () => {
      const { acm } = clients[i]!;
      const nf = await failure(
        acm.send(new DescribeCertificateCommand({ CertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000" })),
      );
      assert.deepEqual([nf.name, nf.status], ["ResourceNotFoundException", 400]);
      const bad = await failure(acm.send(new GetCertificateCommand({ CertificateArn: "arn:aws:acm:us-east-1:000000000000:notacert" })));
      assert.deepEqual([bad.name, bad.status], ["InvalidArnException", 400]);
      const val = await failure(acm.send(new DescribeCertificateCommand({ CertificateArn: "not-an-arn-at-all-really" })));
      assert.deepEqual([val.name, val.status], ["ValidationException", 400]);
      const dom = await failure(acm.send(new RequestCertificateCommand({ DomainName: "bad..name", ValidationMethod: "DNS" })));
      assert.deepEqual([dom.name, dom.status], ["InvalidDomainValidationOptionsException", 400]);
      const reserved = await failure(
        acm.send(new RequestCertificateCommand({ DomainName: "t.example.test", ValidationMethod: "DNS", Tags: [{ Key: "aws:x", Value: "y" }] })),
      );
      assert.deepEqual([reserved.name, reserved.status], ["InvalidTagException", 400]);
      const pca = await failure(
        acm.send(
          new RequestCertificateCommand({
            DomainName: "p.example.test",
            CertificateAuthorityArn: "arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/x",
          }),
        ),
      );
      assert.deepEqual([pca.name, pca.status], ["InvalidParameterException", 400]);
      const { CertificateArn: tagged } = await acm.send(new RequestCertificateCommand({ DomainName: `tags${i}.example.test`, ValidationMethod: "DNS" }));
      const many = Array.from({ length: 51 }, (_, n) => ({ Key: `k${n}`, Value: "v" }));
      const tooMany = await failure(acm.send(new AddTagsToCertificateCommand({ CertificateArn: tagged, Tags: many })));
      assert.deepEqual([tooMany.name, tooMany.status], ["TooManyTagsException", 400]);
      const ni = await failure(
        acm.send(new ExportCertificateCommand({ CertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/x", Passphrase: Buffer.from("pass-phrase") })),
      );
      assert.equal(ni.status, 501);
      assert.match(ni.message, /ExportCertificate/);
    });
  }

  it("a target that names no ACM action is UnknownOperationException; a body that is not JSON SerializationException (JSON 1.1 protocol errors)", async () => {
    const signer = new SignatureV4({ credentials, region: "us-east-1", service: "acm", sha256: Sha256 });
    const send = async (target: string, body: string) => {
      const signed = await signer.sign({
        method: "POST",
        protocol: "http:",
        hostname: "localhost",
        port: stack.httpPort,
        path: "/",
        headers: { host: `localhost:${stack.httpPort}`, "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
        body,
      });
      const r = await fetch(`http://localhost:${stack.httpPort}/`, { method: "POST", headers: signed.headers as Record<string, string>, body });
      return { status: r.status, type: r.headers.get("x-amzn-errortype"), body: (await r.json()) as { __type: string } };
    };
    const unknown = await send("CertificateManager.FrobnicateCertificate", "{}");
    assert.deepEqual([unknown.status, unknown.type, unknown.body.__type], [400, "UnknownOperationException", "UnknownOperationException"]);
    const notJson = await send("CertificateManager.ListCertificates", "{nope");
    assert.deepEqual([notJson.status, notJson.body.__type], [400, "SerializationException"]);
  });

  it("ImportCertificate reads names and dates from the PEM and refuses a key that does not match (ACM API Reference: ImportCertificate)", async () => {
    const { acm } = clients[0]!;
    const issued = await stack.caPem; // any certificate and a key that is not its own
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const mismatch = await failure(acm.send(new ImportCertificateCommand({ Certificate: Buffer.from(issued), PrivateKey: Buffer.from(other) })));
    assert.equal(mismatch.name, "ValidationException");
    // A real pair: the local CA's leaf for a name and the key it carries, as GetCertificate gives it.
    const { CertificateArn: requested } = await acm.send(new RequestCertificateCommand({ DomainName: "imported.example.test", ValidationMethod: "DNS" }));
    const pem = await acm.send(new GetCertificateCommand({ CertificateArn: requested }));
    const { readFile } = await import("node:fs/promises");
    const key = await readFile(join(stack.caPath, "..", "leaf-key.pem"), "utf8");
    const { CertificateArn } = await acm.send(
      new ImportCertificateCommand({
        Certificate: Buffer.from(pem.Certificate!),
        PrivateKey: Buffer.from(key),
        CertificateChain: Buffer.from(pem.CertificateChain!),
      }),
    );
    const { Certificate: d } = await acm.send(new DescribeCertificateCommand({ CertificateArn }));
    assert.equal(d?.Type, "IMPORTED");
    assert.equal(d?.DomainName, "imported.example.test");
    assert.equal(d?.DomainValidationOptions, undefined);
    assert.equal((await acm.send(new GetCertificateCommand({ CertificateArn }))).Certificate, pem.Certificate);
  });

  it("a distribution whose ViewerCertificate names an ACM certificate serves its aliases with that certificate's names, HTTP/1.1 and HTTP/2; the certificate is in use (issue 11: ACM; cloudfront.md §ViewerCertificate)", async () => {
    const { acm } = clients[0]!;
    const { CertificateArn } = await acm.send(
      new RequestCertificateCommand({ DomainName: "*.shop.example.test", SubjectAlternativeNames: ["shop.example.test"], ValidationMethod: "DNS" }),
    );
    const created = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "acm-tls",
          Comment: "",
          Enabled: true,
          Aliases: { Quantity: 1, Items: ["www.shop.example.test"] },
          Origins: { Quantity: 1, Items: [{ Id: "none", DomainName: "none.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
          DefaultCacheBehavior: { TargetOriginId: "none", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
          ViewerCertificate: { ACMCertificateArn: CertificateArn, SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" },
        },
      }),
    );
    // CloudFront looks the certificate up: one that does not exist, or does not cover an alias, is InvalidViewerCertificate.
    const base = (await cf.send(new GetDistributionConfigCommand({ Id: created.Distribution!.Id }))).DistributionConfig!;
    for (const [ref, aliases, arn] of [
      ["acm-missing", ["x.shop.example.test"], CertificateArn!.replace(/[0-9a-f]{12}$/, "000000000000")],
      ["acm-uncovered", ["a.b.shop.example.test"], CertificateArn!],
    ] as const) {
      const e = await failure(
        cf.send(
          new CreateDistributionCommand({
            DistributionConfig: {
              ...base,
              CallerReference: ref,
              Aliases: { Quantity: aliases.length, Items: [...aliases] },
              ViewerCertificate: { ACMCertificateArn: arn, SSLSupportMethod: "sni-only" },
            },
          }),
        ),
      );
      assert.deepEqual([e.name, e.status], ["InvalidViewerCertificate", 400], e.message);
    }
    for (const http2 of [false, true]) {
      const r = await curl(`https://www.shop.example.test:${stack.httpsPort}/`, { ca: stack.caPem, http2 });
      assert.ok(r.status > 0, r.stderr);
      // curl names the certificate's own subject and the SAN entry that matched: the ACM wildcard, not a per-host leaf.
      assert.match(r.stderr, /subject: CN=\*\.shop\.example\.test/, r.stderr);
      assert.match(r.stderr, /host "www\.shop\.example\.test" matched cert's "\*\.shop\.example\.test"/);
    }
    const { Certificate: d } = await acm.send(new DescribeCertificateCommand({ CertificateArn }));
    assert.deepEqual(d?.InUseBy, [`arn:aws:cloudfront::000000000000:distribution/${created.Distribution!.Id}`]);
    const inUse = await failure(acm.send(new DeleteCertificateCommand({ CertificateArn })));
    assert.deepEqual([inUse.name, inUse.status], ["ResourceInUseException", 400]);
    // Once the distribution names another certificate, the first one may go.
    const cfg = await cf.send(new GetDistributionConfigCommand({ Id: created.Distribution!.Id }));
    await cf.send(
      new UpdateDistributionCommand({
        Id: created.Distribution!.Id,
        IfMatch: cfg.ETag,
        DistributionConfig: { ...cfg.DistributionConfig!, ViewerCertificate: { CloudFrontDefaultCertificate: true } },
      }),
    );
    await acm.send(new DeleteCertificateCommand({ CertificateArn }));
  });
});
