import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { connect } from "node:tls";
import { ja3, ja3Text, ja4, parseClientHello } from "./tls-fingerprint.js";

/** A ClientHello record built by hand: ciphers and extensions (type → data) in wire order. */
function clientHello(ciphers: number[], extensions: [number, Buffer][]): Buffer {
  const u16 = (v: number) => Buffer.from([v >> 8, v & 0xff]);
  const ext = Buffer.concat(extensions.map(([t, d]) => Buffer.concat([u16(t), u16(d.length), d])));
  const body = Buffer.concat([
    u16(0x0303),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    u16(ciphers.length * 2),
    ...ciphers.map(u16),
    Buffer.from([1, 0]),
    u16(ext.length),
    ext,
  ]);
  const hs = Buffer.concat([Buffer.from([1, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([22, 3, 1]), u16(hs.length), hs]);
}
const list16 = (values: number[], prefix: 1 | 2 = 2) => {
  const b = Buffer.alloc(prefix + values.length * 2);
  if (prefix === 2) b.writeUInt16BE(values.length * 2, 0);
  else b[0] = values.length * 2;
  values.forEach((v, i) => b.writeUInt16BE(v, prefix + i * 2));
  return b;
};
const sni = (host: string) => Buffer.concat([list16([host.length + 3]), Buffer.from([0]), list16([host.length]).subarray(2), Buffer.from(host)]);
const alpn = (...names: string[]) => {
  const items = Buffer.concat(names.map((n) => Buffer.concat([Buffer.from([n.length]), Buffer.from(n)])));
  return Buffer.concat([list16([items.length]).subarray(2), items]);
};

describe("TLS fingerprints (cloudfront.md §7.4 CloudFront-Viewer-JA3/JA4-Fingerprint)", () => {
  it("ja3: GREASE removed, decimal lists, MD5 computed by hand (cloudfront.md §7.4)", () => {
    const hello = clientHello(
      [0x0a0a, 0x1301, 0x1302, 0xc02b],
      [
        [0x1a1a, Buffer.alloc(0)],
        [0, sni("www.example.com")],
        [16, alpn("h2", "http/1.1")],
        [10, list16([0x2a2a, 29, 23])],
        [11, Buffer.from([1, 0])],
        [13, list16([0x0403, 0x0804])],
        [43, list16([0x3a3a, 0x0304, 0x0303], 1)],
      ],
    );
    const h = parseClientHello(hello)!;
    assert.equal(ja3Text(h), "771,4865-4866-49195,0-16-10-11-13-43,29-23,0");
    // `printf '771,4865-4866-49195,0-16-10-11-13-43,29-23,0' | md5sum`
    assert.equal(ja3(h), "3736761f91e3f9597a641ce4c92f256c");
    // 3 ciphers, 6 extensions, TLS 1.3 from supported_versions; hashes by `sha256sum`.
    assert.equal(ja4(h), "t13d0306h2_5559582ccdc4_fb71836bce29");
  });

  it("ja4: FoxIO's worked example gives t13d1516h2_8daaf6152771_e5627efa2ab1 (cloudfront.md §7.4)", () => {
    const ciphers = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
    const exts = [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015];
    const data = (t: number): Buffer =>
      t === 0
        ? sni("example.com")
        : t === 16
          ? alpn("h2")
          : t === 13
            ? list16([0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601])
            : t === 43
              ? list16([0x0304, 0x0303], 1)
              : Buffer.alloc(0);
    const h = parseClientHello(clientHello([0x5a5a, ...ciphers], [[0x6a6a, Buffer.alloc(0)], ...exts.map((t) => [t, data(t)] as [number, Buffer])]))!;
    assert.equal(ja4(h), "t13d1516h2_8daaf6152771_e5627efa2ab1");
  });

  it("fingerprints: a ClientHello captured from Node's TLS client parses (cloudfront.md §7.4)", async () => {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const captured = new Promise<Buffer>((resolve) =>
      server.once("connection", (s) => {
        s.once("data", (d: Buffer) => {
          resolve(d);
          s.destroy();
        });
      }),
    );
    const client = connect({
      port: (server.address() as AddressInfo).port,
      host: "127.0.0.1",
      servername: "www.example.com",
      ALPNProtocols: ["h2", "http/1.1"],
    });
    client.on("error", () => {});
    const bytes = await captured;
    client.destroy();
    server.close();
    const h = parseClientHello(bytes);
    assert.ok(h, "parsed");
    assert.equal(h.version, 0x0303);
    assert.equal(h.hasSni, true);
    assert.equal(h.firstAlpn?.toString(), "h2");
    assert.match(ja4(h), /^t13d\d{4}h2_[0-9a-f]{12}_[0-9a-f]{12}$/);
    assert.match(ja3(h), /^[0-9a-f]{32}$/);
    assert.equal(parseClientHello(Buffer.from("GET / HTTP/1.1\r\n\r\n")), undefined, "not a ClientHello");
  });
});
