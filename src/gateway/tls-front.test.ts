import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AddressInfo } from "node:net";
import { connect, createSecureContext, type TLSSocket } from "node:tls";
import { MemoryLog } from "../core/log.js";
import { loadLocalCa, type LocalCa } from "./local-ca.js";
import { clientHelloEnd, createTlsFront, type TlsFront } from "./tls-front.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("tls-front: ClientHello capture, SNI and ALPN per host (cloudfront.md §7.4, alb.md §1)", () => {
  let dir: string;
  let ca: LocalCa & { certPem: string };
  let front: TlsFront;
  let port: number;
  const seen: { alpn: string | false | null; hello: Buffer }[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "tls-front-"));
    ca = await loadLocalCa(dir, ["a.localhost", "h1only.localhost", "127.0.0.1"]);
    const ctx = createSecureContext({ key: ca.keyPem, cert: ca.certPem });
    front = createTlsFront({
      defaultCertificate: ca,
      contextFor: (name) => (name === "nohttps.localhost" ? undefined : ctx),
      allowHttp2: (name) => name !== "h1only.localhost",
      onSecure(socket: TLSSocket, hello) {
        seen.push({ alpn: socket.alpnProtocol, hello });
        socket.end("hi");
      },
      log: new MemoryLog(),
    });
    await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
    port = (front.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => front.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const handshake = (servername: string | undefined, ALPNProtocols: string[]) =>
    new Promise<{ ok: boolean; alpn?: string | false | null; data?: string; error?: string }>((resolve) => {
      const s = connect({ port, host: "127.0.0.1", servername, ca: ca.caPem, ALPNProtocols, rejectUnauthorized: servername !== undefined });
      let data = "";
      let secure = false;
      s.on("secureConnect", () => (secure = true));
      s.on("data", (d) => (data += d));
      s.on("end", () => resolve({ ok: secure, alpn: s.alpnProtocol, data }));
      s.on("close", () => resolve({ ok: secure, alpn: s.alpnProtocol, data }));
      s.on("error", (e) => resolve({ ok: false, error: e.message }));
    });

  it("captures the whole ClientHello record and still completes the handshake", async () => {
    const r = await handshake("a.localhost", ["h2", "http/1.1"]);
    assert.equal(r.ok, true);
    assert.equal(r.data, "hi");
    const last = seen.at(-1)!;
    assert.equal(last.hello[0], 0x16, "a TLS handshake record");
    assert.equal(last.hello[5], 0x01, "carrying a ClientHello");
    assert.equal(clientHelloEnd(last.hello), last.hello.length, "exactly the ClientHello records");
    assert.ok(last.hello.includes(Buffer.from("a.localhost")), "the SNI is inside");
    assert.equal(last.alpn, "h2");
  });

  it("offers h2 only to hosts whose policy allows it (routing.http2.enabled=false → http/1.1)", async () => {
    const r = await handshake("h1only.localhost", ["h2", "http/1.1"]);
    assert.equal(r.alpn, "http/1.1");
  });

  it("refuses the handshake for a host not served over HTTPS (an HTTP-only listener)", async () => {
    const r = await handshake("nohttps.localhost", ["http/1.1"]);
    assert.equal(r.ok, false);
  });

  it("serves the default certificate without SNI (an IP address as host)", async () => {
    const r = await handshake(undefined, ["http/1.1"]);
    assert.equal(r.data, "hi", r.error);
  });

  it("clientHelloEnd: needs more bytes, refuses non-TLS", () => {
    assert.equal(clientHelloEnd(Buffer.from("GET / HTTP/1.1\r\n")), -1);
    assert.equal(clientHelloEnd(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10, 0x01])), undefined);
  });
});
