import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { rawRequest } from "../../support/raw-http.js";
import { localS3Client } from "../../support/s3-client.js";
import { openH2, sendWire, signHeaders, WIRE_PROTOCOLS } from "../../support/s3-wire.js";

/**
 * HTTP-level behaviour S3 shows whatever the protocol (s3.md §7.1, §7.2): an Expect value S3 does
 * not understand is ignored, and an HTTP/2 request (host in :authority only) verifies like HTTP/1.1.
 * Both depend on the gateway as well (Node's own 417, :authority → host): see the report of issue 8.
 */
describe("s3 HTTP semantics", () => {
  let stack: EdgeparityStack;
  let s3: S3Client;
  const Bucket = "http-bucket";
  const HOST = `${Bucket}.s3.localhost`;
  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { [Bucket]: {} } } });
    s3 = localS3Client(stack, { requestChecksumCalculation: "WHEN_REQUIRED" });
    await s3.send(new PutObjectCommand({ Bucket, Key: "doc.txt", Body: "document" }));
  });
  after(async () => {
    s3.destroy();
    await stack.close();
  });

  for (const expect of ["200", ""]) {
    it(`Expect: ${JSON.stringify(expect)} is ignored by S3: a signed PUT with a body succeeds over HTTP/1.1 (s3.md §7.1)`, async () => {
      const body = "expect body";
      const signed = await signHeaders({ method: "PUT", host: HOST, path: "/expect.txt", body });
      const head = Object.entries({ ...signed, "content-length": String(body.length), expect })
        .map(([k, v]) => `${k}: ${v}`)
        .join("\r\n");
      const r = await rawRequest(stack.httpPort, `PUT /expect.txt HTTP/1.1\r\n${head}\r\nConnection: close\r\n\r\n${body}`);
      assert.equal(r.status, 200, r.raw.slice(0, 400));
    });
  }

  for (const protocol of WIRE_PROTOCOLS) {
    it(`Expect: 200 on a signed PUT is ignored, ${protocol} (s3.md §7.1)`, async () => {
      const r = await sendWire(stack, protocol, { method: "PUT", host: HOST, path: "/expect2.txt", headers: { expect: "200" }, body: "e" });
      assert.equal(r.status, 200, r.text);
    });
  }

  it("HTTP/2: a presigned GET whose host is only in :authority verifies and returns the object (s3.md §7.2)", async () => {
    const vhost = new S3Client({
      region: "us-east-1",
      endpoint: `https://s3.localhost:${stack.httpsPort}`,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const url = new URL(await getSignedUrl(vhost, new GetObjectCommand({ Bucket, Key: "doc.txt" }), { expiresIn: 60 }));
    vhost.destroy();
    assert.equal(url.host, `${HOST}:${stack.httpsPort}`);
    const session = openH2(stack, HOST);
    try {
      const r = await sendWire(
        stack,
        "HTTP/2",
        { method: "GET", host: `${HOST}:${stack.httpsPort}`, path: url.pathname + url.search, sign: false, h2HostHeader: false },
        session,
      );
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, "document");
    } finally {
      session.close();
    }
  });
});
