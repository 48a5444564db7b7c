import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { describe, it } from "node:test";
import { classifyRequest, desyncAction, type DesyncMode } from "./desync.js";

/** Desync classification and the action per mode (alb.md §9, ELB User Guide "Desync mitigation mode"). */
const req = (method: string, ...headers: [string, string][]) => ({ method, rawHeaders: headers.flat() }) as unknown as IncomingMessage;

describe("desync (alb.md §9)", () => {
  it("desync: classifies the shapes Node's parser lets through, most severe finding wins", () => {
    assert.equal(classifyRequest(req("GET", ["Host", "x"])), undefined);
    assert.equal(classifyRequest(req("POST", ["Content-Length", "5"])), undefined);
    assert.deepEqual(classifyRequest(req("GET", ["Content-Length", "0"])), { classification: "Acceptable", reason: "GetHeadZeroContentLength" });
    assert.deepEqual(classifyRequest(req("HEAD", ["Content-Length", "3"])), { classification: "Ambiguous", reason: "UndefinedContentLengthSemantics" });
    assert.deepEqual(classifyRequest(req("GET", ["Transfer-Encoding", "chunked"])), {
      classification: "Ambiguous",
      reason: "UndefinedTransferEncodingSemantics",
    });
    assert.deepEqual(classifyRequest(req("POST", ["X-Empty", ""])), { classification: "Ambiguous", reason: "EmptyHeader" });
    assert.deepEqual(classifyRequest(req("POST", ["Content_Length", "5"])), { classification: "Ambiguous", reason: "SuspiciousHeader" });
    assert.deepEqual(classifyRequest(req("POST", ["X-Name", "caf\u00e9"])), { classification: "Acceptable", reason: "NonCompliantHeader" });
    assert.deepEqual(classifyRequest(req("delete")), { classification: "Severe", reason: "BadMethod" });
    assert.deepEqual(classifyRequest(req("GET", ["X-Name", "caf\u00e9"], ["X-Empty", ""])), { classification: "Ambiguous", reason: "EmptyHeader" });
  });

  it("desync: monitor allows all, defensive blocks Severe and closes after Ambiguous, strictest blocks anything non-compliant", () => {
    const table: Record<DesyncMode, string[]> = {
      monitor: ["allow", "allow", "allow", "allow"],
      defensive: ["allow", "allow", "allow-and-close", "block"],
      strictest: ["allow", "block", "block", "block"],
    };
    for (const [mode, expected] of Object.entries(table) as [DesyncMode, string[]][]) {
      const got = [
        desyncAction(mode, undefined),
        desyncAction(mode, { classification: "Acceptable", reason: "r" }),
        desyncAction(mode, { classification: "Ambiguous", reason: "r" }),
        desyncAction(mode, { classification: "Severe", reason: "r" }),
      ];
      assert.deepEqual(got, expected, mode);
    }
  });
});
