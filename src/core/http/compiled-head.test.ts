import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { compileHead, writeCompiledHead } from "./compiled-head.js";

/**
 * A compiled head must put on the wire the bytes Node's own `writeHead(status, list)` puts there,
 * on the Node that runs this test (issue 14: the hit path's head, cloudfront.md §7.1 headers
 * unchanged). Each case answers one request through Node and the next, on the same kept-alive
 * connection, through the compiled head; the two heads must be equal but for Date's value.
 */
const LIST = [
  "Content-Type",
  "text/plain",
  "Content-Length",
  "5",
  "Set-Cookie",
  ["a=1", "b=2"],
  "Via",
  "1.1 x.cloudfront.net (CloudFront)",
  "X-Amz-Cf-Id",
  "",
  "Age",
  "",
];
const ID = 9;
const AGE = 11;

interface Case {
  readonly list: (string | string[])[];
  readonly slotA: number;
  readonly slotB: number;
  readonly method?: string;
  readonly sendDate?: boolean;
  readonly server?: (s: Server) => void;
}

const CASES: Record<string, Case> = {
  "plain list, an array value written line by line": { list: LIST, slotA: ID, slotB: AGE },
  "an origin's Age before X-Amz-Cf-Id": { list: ["Age", "", "Content-Length", "5", "X-Amz-Cf-Id", ""], slotA: 5, slotB: 1 },
  "a stored Date: Node adds none": { list: ["Date", "Tue, 01 Dec 2026 00:00:00 GMT", "Content-Length", "5", "X-Amz-Cf-Id", "", "Age", ""], slotA: 5, slotB: 7 },
  HEAD: { list: LIST, slotA: ID, slotB: AGE, method: "HEAD" },
  "sendDate off": { list: LIST, slotA: ID, slotB: AGE, sendDate: false },
  "keepAliveTimeout 65 s and maxRequestsPerSocket 100": {
    list: LIST,
    slotA: ID,
    slotB: AGE,
    server: (s) => {
      s.keepAliveTimeout = 65_000;
      s.maxRequestsPerSocket = 100;
    },
  },
  "keepAliveTimeout 0: no Keep-Alive line": { list: LIST, slotA: ID, slotB: AGE, server: (s) => (s.keepAliveTimeout = 0) },
};

/** Reads `count` responses off one connection, each with a Content-Length (none after HEAD). */
async function exchange(port: number, requests: string, count: number, isHead: boolean): Promise<string[]> {
  const s = connect(port, "127.0.0.1");
  s.write(requests);
  let raw = "";
  const heads: string[] = [];
  for await (const chunk of s) {
    raw += (chunk as Buffer).toString("latin1");
    for (;;) {
      const end = raw.indexOf("\r\n\r\n");
      if (end < 0) break;
      const head = raw.slice(0, end + 4);
      const length = isHead ? 0 : Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (raw.length < end + 4 + length) break;
      heads.push(head);
      raw = raw.slice(end + 4 + length);
    }
    if (heads.length === count) break;
  }
  s.destroy();
  return heads;
}

const servers: Server[] = [];
async function serve(handler: (res: ServerResponse, path: string) => void, configure?: (s: Server) => void): Promise<number> {
  const server = createServer((req, res) => handler(res, req.url ?? ""));
  configure?.(server);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

describe("compiled-head: the bytes of Node's writeHead (issue 14)", () => {
  after(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const head = compileHead(200, c.list, c.slotA, c.slotB);
      assert.ok(head, "compiled");
      const took: boolean[] = [];
      const port = await serve((res, path) => {
        if (c.sendDate === false) res.sendDate = false;
        if (path === "/node") {
          const list = [...c.list];
          list[c.slotA] = "id-1";
          list[c.slotB] = "7";
          res.writeHead(200, list);
        } else {
          took.push(writeCompiledHead(res, head, "id-1", "7"));
        }
        res.end("hello");
      }, c.server);
      const method = c.method ?? "GET";
      const heads = await exchange(port, `${method} /node HTTP/1.1\r\nHost: a\r\n\r\n${method} /compiled HTTP/1.1\r\nHost: a\r\n\r\n`, 2, method === "HEAD");
      assert.deepEqual(took, [true]);
      const [viaNode, viaCompiled] = heads.map((h) => h.replace(/\r\nDate: [^\r]+\r\n/, "\r\nDate: -\r\n"));
      assert.equal(viaCompiled, viaNode);
      assert.match(viaCompiled!, /\r\nX-Amz-Cf-Id: id-1\r\n/);
      if (c.sendDate !== false && !c.list.includes("Date")) {
        const date = /\r\nDate: ([^\r]+)\r\n/.exec(heads[1]!)?.[1];
        assert.ok(date && Math.abs(Date.parse(date) - Date.now()) < 2000, `Date ${date}`);
      }
    });
  }

  it("declines, leaving the response to writeHead: Connection: close, HTTP/1.0, last request of a connection, setHeader used, Expect: 100-continue", async () => {
    const head = compileHead(200, LIST, ID, AGE)!;
    const took: boolean[] = [];
    const port = await serve(
      (res, path) => {
        if (path === "/set") res.setHeader("X-Early", "1");
        const ok = writeCompiledHead(res, head, "id-1", "7");
        took.push(ok);
        if (!ok) {
          const list = [...LIST];
          list[ID] = "id-1";
          list[AGE] = "7";
          res.writeHead(200, list);
        }
        res.end("hello");
      },
      (s) => (s.maxRequestsPerSocket = 2),
    );
    const closeHeads = await exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1, false);
    assert.match(closeHeads[0]!, /\r\nConnection: close\r\n/);
    await exchange(port, "GET / HTTP/1.0\r\n\r\n", 1, false);
    const lastHeads = await exchange(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 2, false);
    assert.match(lastHeads[1]!, /\r\nConnection: close\r\n/);
    const setHeads = await exchange(port, "GET /set HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1, false);
    assert.match(setHeads[0]!, /\r\nX-Early: 1\r\n/);
    await exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 1, false);
    // The first request of the pipelined pair is the only one compiled.
    assert.deepEqual(took, [false, false, true, false, false, false]);
  });

  it("compiles only lists Node writes as plain lines", () => {
    const base = ["Content-Length", "5", "X-Amz-Cf-Id", "", "Age", ""];
    assert.ok(compileHead(200, base, 3, 5));
    assert.equal(compileHead(304, base, 3, 5), undefined, "304 has no body");
    assert.equal(compileHead(204, base, 3, 5), undefined);
    assert.equal(compileHead(200, ["X-Amz-Cf-Id", "", "Age", ""], 1, 3), undefined, "no Content-Length");
    for (const special of ["Connection", "Transfer-Encoding", "Keep-Alive", "Trailer", "Expect", "Content-Disposition", "Cookie"]) {
      assert.equal(compileHead(200, [...base, special, "x"], 3, 5), undefined, special);
    }
    assert.equal(compileHead(200, [...base, "X-Bad", "a\nb"], 3, 5), undefined, "a value Node refuses");
    assert.equal(compileHead(200, [...base, "Bad Name", "x"], 3, 5), undefined, "a name Node refuses");
    assert.equal(compileHead(200, ["Content-Length", ["5", "5"], "X-Amz-Cf-Id", "", "Age", ""], 3, 5), undefined, "two lengths");
  });
});
