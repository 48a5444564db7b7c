import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../../core/clock.js";
import { randomIds } from "../../../core/ids.js";
import { MemoryLog } from "../../../core/log.js";
import { startElbv2 } from "../index.js";
import { LoadBalancerSchema } from "../schema/load-balancer.js";
import { buildHostPolicy, rejectionFor, rejectionStatus, rejectRequest } from "./host-policy.js";

/** The gateway's answers for a load balancer host (core/service.ts HostPolicy; issue 8 §7). */
const PAGE_400 = "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n</body>\r\n</html>\r\n";

describe("host-policy (alb.md §7.5, §8, §9)", () => {
  it("host-policy: parser rejections map to ALB's statuses — 400 for malformed and oversized heads (no 431), 408 on a stalled head, 501 for a bad Transfer-Encoding", () => {
    assert.equal(rejectionStatus("malformed", "HPE_INVALID_HEADER_TOKEN"), 400);
    assert.equal(rejectionStatus("head-too-large", "HPE_HEADER_OVERFLOW"), 400);
    assert.equal(rejectionStatus("timeout", ""), 408);
    assert.equal(rejectionStatus("method", "HPE_INVALID_METHOD"), 400);
    assert.equal(rejectionStatus("malformed", "HPE_INVALID_TRANSFER_ENCODING"), 501);
    assert.equal(rejectionFor("HPE_HEADER_OVERFLOW"), "head-too-large");
    assert.equal(rejectionFor("ERR_HTTP_REQUEST_TIMEOUT"), "timeout");
    assert.equal(rejectionFor("HPE_INVALID_METHOD"), "method");
    assert.equal(rejectionFor("HPE_CR_EXPECTED"), "malformed");
  });

  it("host-policy: the raw answer is ALB's error page byte for byte, closing the connection, Server header per routing.http.response.server.enabled (alb.md §8.2, §7.6)", () => {
    const now = Date.UTC(2026, 0, 1);
    const r = rejectRequest("head-too-large", "HPE_HEADER_OVERFLOW", true, now);
    assert.equal(
      r,
      `HTTP/1.1 400 Bad Request\r\nServer: awselb/2.0\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Type: text/html\r\nContent-Length: 122\r\nConnection: close\r\n\r\n${PAGE_400}`,
    );
    assert.doesNotMatch(rejectRequest("timeout", "", false, now), /Server:/);
    assert.match(rejectRequest("timeout", "", false, now), /^HTTP\/1\.1 408 Request Time-out\r\n[\s\S]*Content-Length: 132\r\n/);
  });

  it("host-policy: protocols from the listeners, http2 from routing.http2.enabled, idle timeout from the attribute", () => {
    const clock = new ManualClock();
    const p = buildHostPolicy({ protocols: ["http", "http"], http2: false, idleTimeoutMs: 7000, server: true }, clock);
    assert.deepEqual(p.protocols, ["http"]);
    assert.equal(p.http2, false);
    assert.equal(p.idleTimeoutMs, 7000);
    assert.match(p.rejectRequest!("malformed", "x"), /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n/);
  });

  it("host-policy: every load balancer gives its gateway host names (local and AWS spelling) its policy", async () => {
    const lb = (Name: string, Listeners: unknown[], Attributes: unknown[]) => LoadBalancerSchema.parse({ Name, Listeners, Attributes });
    const fixed = [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "200" } }];
    const svc = startElbv2({ clock: new ManualClock(), ids: randomIds, log: new MemoryLog(), region: "eu-west-1" });
    await svc.apply({
      loadBalancers: [
        lb("plain", [{ Protocol: "HTTP", Port: 80, DefaultActions: fixed }], [{ Key: "idle_timeout.timeout_seconds", Value: "5" }]),
        lb(
          "both",
          [
            { Protocol: "HTTP", Port: 80, DefaultActions: fixed },
            { Protocol: "HTTPS", Port: 443, DefaultActions: fixed },
          ],
          [{ Key: "routing.http2.enabled", Value: "false" }],
        ),
      ],
      targetGroups: [],
      targets: new Map(),
    });
    try {
      const hosts = [...svc.hostPolicies!.keys()].sort();
      assert.equal(hosts.length, 4);
      assert.ok(hosts.every((h) => svc.routes.has(h)));
      const plain = hosts.filter((h) => h.startsWith("plain-")).map((h) => svc.hostPolicies!.get(h)!);
      assert.deepEqual(
        plain.map((p) => [p.protocols, p.http2, p.idleTimeoutMs]),
        [
          [["http"], true, 5000],
          [["http"], true, 5000],
        ],
      );
      assert.ok(hosts.some((h) => /^plain-\d+\.eu-west-1\.elb\.amazonaws\.com$/.test(h)));
      const both = svc.hostPolicies!.get(hosts.find((h) => h.startsWith("both-"))!)!;
      assert.deepEqual([both.protocols, both.http2, both.idleTimeoutMs], [["http", "https"], false, 60000]);
    } finally {
      await svc.close();
    }
  });
});
