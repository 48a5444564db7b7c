import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MemoryLog } from "../../core/log.js";
import { randomIds } from "../../core/ids.js";
import { s3RejectRequest } from "./gateway-rejection.js";
import { bucketHosts, S3_PATH_STYLE_HOST, startS3, websiteHosts } from "./index.js";

/** Parses a raw HTTP/1.1 response into status, lower-case headers and body. */
function parse(raw: string): { status: number; reason: string; headers: Map<string, string>; body: string } {
  const end = raw.indexOf("\r\n\r\n");
  const [statusLine, ...lines] = raw.slice(0, end).split("\r\n");
  const m = /^HTTP\/1\.1 (\d{3}) (.+)$/.exec(statusLine!)!;
  const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()] as [string, string]));
  return { status: Number(m[1]), reason: m[2]!, headers, body: raw.slice(end + 4) };
}

const deps = { now: () => Date.UTC(2026, 0, 2, 3, 4, 5), hex32: () => "0123456789abcdef0123456789abcdef" };

describe("s3 gateway rejections", () => {
  it("s3 rejectRequest: an unparseable request is S3's 400 BadRequest XML with Server, request id and Connection: close (s3.md §5)", () => {
    const r = parse(s3RejectRequest("malformed", "HPE_INVALID_HEADER_TOKEN", deps));
    assert.equal(r.status, 400);
    assert.equal(r.reason, "Bad Request");
    assert.equal(r.headers.get("server"), "AmazonS3");
    assert.equal(r.headers.get("connection"), "close");
    assert.equal(r.headers.get("content-type"), "application/xml");
    assert.equal(r.headers.get("x-amz-request-id"), "0123456789ABCDEF");
    assert.equal(r.headers.get("date"), "Fri, 02 Jan 2026 03:04:05 GMT");
    assert.equal(Number(r.headers.get("content-length")), Buffer.byteLength(r.body));
    assert.match(
      r.body,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>BadRequest<\/Code><Message>An error occurred when parsing the HTTP request.<\/Message>/,
    );
    assert.match(r.body, /<RequestId>0123456789ABCDEF<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
    assert.ok(!r.body.includes("HPE_"), "the gateway's diagnostic is not echoed");
  });

  it("s3 rejectRequest: a too-large head is 400 RequestHeaderSectionTooLarge with MaxSizeAllowed 8192 (s3.md §5)", () => {
    const r = parse(s3RejectRequest("head-too-large", "", deps));
    assert.equal(r.status, 400);
    assert.match(
      r.body,
      /<Code>RequestHeaderSectionTooLarge<\/Code><Message>Your request header section exceeds the maximum allowed size.<\/Message><MaxSizeAllowed>8192<\/MaxSizeAllowed><RequestId>/,
    );
    assert.match(parse(s3RejectRequest("timeout", "", deps)).body, /<Code>RequestTimeout<\/Code>/);
    assert.match(parse(s3RejectRequest("method", "", deps)).body, /<Code>BadRequest<\/Code>/);
  });

  it("s3 hostPolicies: every S3 host (path style, virtual-hosted, website) answers rejections as S3 (s3.md §1, §5)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edgeparity-s3-policy-"));
    const s3 = await startS3([{ name: "pol-bucket", folder: join(dir, "s3", "pol-bucket") }], {
      ids: randomIds,
      log: new MemoryLog(),
      region: "us-east-1",
      stateDir: dir,
    });
    try {
      const hosts = [S3_PATH_STYLE_HOST, ...bucketHosts("pol-bucket", "us-east-1"), ...websiteHosts("pol-bucket", "us-east-1")];
      for (const h of hosts) {
        const policy = s3.hostPolicies?.get(h);
        assert.ok(policy?.rejectRequest, `no S3 host policy for ${h}`);
        assert.match(policy.rejectRequest("malformed", ""), /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\nServer: AmazonS3\r\n/);
      }
      assert.deepEqual([...s3.routes.keys()].sort(), [...s3.hostPolicies!.keys()].sort(), "a route without a host policy");
    } finally {
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
