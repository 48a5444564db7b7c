import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { EDGE_REQUEST } from "../../../src/core/trace.js";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * A streamed origin answer (a miss, cloudfront.md §1.1 steps 10–12) adds a bounded number of
 * listeners to the viewer's response: with pipeline() Node warned of a listener leak on every
 * concurrent miss once the access log listened, each warning a stack capture and a synchronous
 * stderr write (issue 14). Bodies of 0 B, 1 KiB and 2 MiB stream whole.
 */
describe("cloudfront: response listeners of streamed misses (issue 14)", () => {
  let origin: Server;
  let stack: EdgeparityStack;
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  const subscriber = () => {};
  const sizes: Record<string, number> = { "/empty": 0, "/small": 1024, "/large": 2 * 1024 * 1024 };
  before(async () => {
    origin = createServer((req, res) => {
      const n = sizes[`/${(req.url ?? "").split("/")[1]}`] ?? 0;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": n });
      res.end(Buffer.alloc(n, 97));
    });
    await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
    const port = (origin.address() as AddressInfo).port;
    stack = await startEdgeparity({
      config: {
        distributions: {
          pass: {
            Origins: { Items: [{ Id: "o", DomainName: "origin.example.com", CustomOriginConfig: { OriginProtocolPolicy: "http-only" } }] },
            // CachingOptimized, a new path per request: every one is a miss that leads its collapse (§4.9).
            DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
          },
        },
        local: { origins: { "origin.example.com": `http://127.0.0.1:${port}` } },
      },
    });
    EDGE_REQUEST.subscribe(subscriber);
    process.on("warning", onWarning);
  });
  after(async () => {
    process.off("warning", onWarning);
    EDGE_REQUEST.unsubscribe(subscriber);
    await stack.close();
    origin.close();
  });

  for (const version of VIEWER_VERSIONS) {
    it(`concurrent misses answer whole bodies without a MaxListenersExceededWarning, HTTP/${version}`, async () => {
      const host = stack.distributions.pass!.domain;
      const paths = Object.keys(sizes).flatMap((p) => [1, 2, 3].map((i) => `${p}/${version}-${i}`));
      const answers = await Promise.all(paths.map((p) => send(stack, version, host, p)));
      answers.forEach((r, i) => {
        assert.equal(r.status, 200);
        assert.equal(r.body.length, sizes[`/${paths[i]!.split("/")[1]}`]);
      });
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(
        warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message),
        [],
      );
    });
  }
});
