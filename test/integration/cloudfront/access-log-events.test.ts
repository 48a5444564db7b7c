import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { EDGE_REQUEST, type EdgeRequestEvent } from "../../../src/core/trace.js";
import { formatCloudFrontLine, formatTextLine } from "../../../src/observe/access-log/edge-log.js";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * The access-log event (cloudfront.md §16.1) is published when a viewer response closes, from the
 * service's in-flight count rather than a listener per response (issue 14): every request of a
 * distribution has its event, those of a wildcard alias (resolved per host, §1.1 step 1) included,
 * and the fields read when the line is formatted are the request's own. Bodies of 0 B and 1 KiB,
 * a miss and then a hit, on HTTP/1.1 and HTTP/2.
 */
describe("access log: events of viewer requests, wildcard aliases included (issue 14, cloudfront.md §16.1)", () => {
  let origin: Server;
  let stack: EdgeparityStack;
  const events: { text: string; cloudfront: string[]; fields: Record<string, unknown> }[] = [];
  // Read during publish, as the access log does; a copy of every field is kept for the asserts.
  const subscriber = (m: unknown) => {
    const e = m as EdgeRequestEvent;
    const fields: Record<string, unknown> = {};
    for (const k of FIELDS) fields[k] = e[k];
    events.push({ text: formatTextLine(e), cloudfront: formatCloudFrontLine(e).split("\t"), fields });
  };
  const sizes: Record<string, number> = { "/empty": 0, "/small": 1024 };
  before(async () => {
    origin = createServer((req, res) => {
      const n = sizes[`/${(req.url ?? "").split("/")[1]}`] ?? 0;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": n, "cache-control": "max-age=60" });
      res.end(Buffer.alloc(n, 97));
    });
    await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
    const port = (origin.address() as AddressInfo).port;
    stack = await startEdgeparity({
      config: {
        distributions: {
          wild: {
            Aliases: { Items: ["*.example.com"] },
            Origins: { Items: [{ Id: "o", DomainName: "origin.example.net", CustomOriginConfig: { OriginProtocolPolicy: "http-only" } }] },
            DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
          },
        },
        local: { origins: { "origin.example.net": `http://127.0.0.1:${port}` } },
      },
    });
    EDGE_REQUEST.subscribe(subscriber);
  });
  after(async () => {
    EDGE_REQUEST.unsubscribe(subscriber);
    await stack.close();
    origin.close();
  });

  const eventFor = async (host: string, path: string, n: number) => {
    for (let i = 0; i < 100; i++) {
      const found = events.filter((e) => String(e.fields.host).replace(/:\d+$/, "") === host && e.fields.path === path);
      if (found.length >= n) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`no ${n} events for ${host}${path}: ${events.map((e) => e.text).join("\n")}`);
  };

  for (const version of VIEWER_VERSIONS) {
    for (const [path, size] of Object.entries(sizes)) {
      it(`a miss then a hit of ${size} B on the distribution's domain and on a wildcard alias each have their event, HTTP/${version}`, async () => {
        const domain = stack.distributions.wild!.domain;
        for (const host of [`v${version.replace(".", "")}.example.com`, domain]) {
          const p = `${path}/${version}/${host === domain ? "domain" : "alias"}`;
          const answers = [await send(stack, version, host, p), await send(stack, version, host, p)];
          assert.deepEqual(
            answers.map((a) => [a.status, a.body.length, a.headers["x-cache"]]),
            [
              [200, size, "Miss from cloudfront"],
              [200, size, "Hit from cloudfront"],
            ],
          );
          const [miss, hit] = await eventFor(host, p, 2);
          const protocol = version === "2" ? "https" : "http";
          for (const [e, result, originId] of [
            [miss!, "Miss", "o"],
            [hit!, "Hit", "-"],
          ] as const) {
            const time = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
            assert.match(e.text, new RegExp(`^${time} GET ${host}:\\d+ ${p} 200 behavior=\\* x-cache=${result} origin=${originId} \\d+\\.\\dms$`));
            assert.equal(e.cloudfront.length, 33);
            assert.equal(e.fields.status, 200);
            assert.equal(e.fields.distributionDomain, domain);
            assert.equal(e.fields.protocol, protocol);
            assert.equal(e.fields.httpVersion, version === "2" ? "2.0" : "1.1");
            // cloudfront.md §16.1 sc-content-len / sc-content-type: the headers as sent, on both versions.
            assert.equal(e.fields.contentLength, String(size));
            assert.equal(e.fields.contentType, "application/octet-stream");
            assert.ok((e.fields.bytesSent as number) > size, `sc-bytes ${String(e.fields.bytesSent)} counts the head too`);
            assert.match(String(e.fields.tlsProtocol), version === "2" ? /^TLSv1\.[23]$/ : /^-$/);
            assert.equal(e.fields.functions, undefined);
          }
          assert.notEqual(miss!.fields.requestId, hit!.fields.requestId);
        }
      });
    }
  }
});

const FIELDS: readonly (keyof EdgeRequestEvent)[] = [
  "time",
  "distributionId",
  "distributionDomain",
  "method",
  "host",
  "path",
  "query",
  "status",
  "behavior",
  "resultType",
  "detailedResultType",
  "originId",
  "ms",
  "requestId",
  "clientIp",
  "clientPort",
  "protocol",
  "httpVersion",
  "bytesSent",
  "bytesReceived",
  "userAgent",
  "referer",
  "forwardedFor",
  "contentType",
  "contentLength",
  "tlsProtocol",
  "tlsCipher",
  "functions",
];
