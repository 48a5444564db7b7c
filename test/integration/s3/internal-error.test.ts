import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rename, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack, type Log } from "../../../src/index.js";
import { errorCode, sendWire, WIRE_PROTOCOLS } from "../../support/s3-wire.js";

/**
 * A fault inside one request (here: the bucket's files broken on disk under the running process)
 * becomes that request's S3 `500 InternalError`, is logged once with its stack, and the process
 * keeps serving (s3.md §5; helper rules "never let a request end the process").
 */
describe("s3 internal errors", () => {
  let stack: EdgeparityStack;
  let stateDir: string;
  const lines: { level: string; message: string }[] = [];
  const log: Log = {
    error: (message) => void lines.push({ level: "error", message }),
    warn: (message) => void lines.push({ level: "warn", message }),
    info: (message) => void lines.push({ level: "info", message }),
    debug: (message) => void lines.push({ level: "debug", message }),
  };
  const Bucket = "fault-bucket";
  const HOST = `${Bucket}.s3.localhost`;
  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "edgeparity-fault-"));
    stack = await startEdgeparity({
      stateDir,
      log,
      config: {
        buckets: {
          [Bucket]: {
            WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } },
            Policy: { Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${Bucket}/*` }] },
          },
        },
      },
    });
  });
  after(async () => {
    await stack.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const objectFile = (key: string) => {
    const h = createHash("sha256").update(key, "utf8").digest("hex");
    return join(stateDir, "s3", Bucket, "objects", h.slice(0, 2), h);
  };
  /** Swaps the object's file for a folder with another inode: opening works, reading its trailer throws EISDIR. */
  async function breakObject(key: string): Promise<void> {
    const spare = join(stateDir, `spare-${key}`);
    await mkdir(spare);
    await unlink(objectFile(key));
    await rename(spare, objectFile(key));
  }
  const errors = () => lines.filter((l) => l.level === "error");

  for (const protocol of WIRE_PROTOCOLS) {
    it(`a request that throws answers 500 InternalError XML, is logged once with its stack, and the next request works, ${protocol} (s3.md §5)`, async () => {
      const key = `broken-${protocol === "HTTP/2" ? "h2" : "h1"}.txt`;
      assert.equal((await sendWire(stack, protocol, { method: "PUT", host: HOST, path: `/${key}`, body: "fine" })).status, 200);
      await breakObject(key);
      const before = errors().length;
      const r = await sendWire(stack, protocol, { method: "GET", host: HOST, path: `/${key}` });
      assert.equal(r.status, 500, r.text);
      assert.equal(errorCode(r), "InternalError");
      assert.match(r.text, /<Message>We encountered an internal error. Please try again.<\/Message><RequestId>[0-9A-Z]{16}<\/RequestId>/);
      assert.equal(r.headers["server"], "AmazonS3");
      const logged = errors().slice(before);
      assert.equal(logged.length, 1, JSON.stringify(logged));
      assert.match(logged[0]!.message, /EISDIR[\s\S]*\n\s+at /);
      assert.ok(logged[0]!.message.includes(r.headers["x-amz-request-id"] as string), "the log line names the request id");
      const again = await sendWire(stack, protocol, { method: "PUT", host: HOST, path: "/after.txt", body: "still up" });
      assert.equal(again.status, 200);
    });
  }

  it("the website endpoint answers its HTML 500 InternalError for a request that throws (s3.md §9)", async () => {
    assert.equal((await sendWire(stack, "HTTP/1.1", { method: "PUT", host: HOST, path: "/index.html", body: "<h1>hi</h1>" })).status, 200);
    await breakObject("index.html");
    const before = errors().length;
    const r = await sendWire(stack, "HTTP/1.1", { method: "GET", host: `${Bucket}.s3-website.localhost`, path: "/", sign: false });
    assert.equal(r.status, 500);
    assert.match(r.text, /<h1>500 Internal Server Error<\/h1>\n<ul>\n<li>Code: InternalError<\/li>/);
    assert.equal(errors().length - before, 1);
  });
});
