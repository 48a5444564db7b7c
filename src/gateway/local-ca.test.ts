import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer, type SecureContext } from "node:tls";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { defaultCaDir, openLocalCa, type LocalCa } from "./local-ca.js";

/** A TLS server whose SNICallback asks the CA, as the gateway's HTTPS listener does. */
async function serveWith(ca: LocalCa): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer(
    {
      ALPNProtocols: ["h2", "http/1.1"],
      SNICallback: (name, cb: (err: Error | null, ctx?: SecureContext) => void) =>
        void ca.secureContextFor(name).then(
          (ctx) => cb(null, ctx),
          (e: Error) => cb(e),
        ),
    },
    (s) => s.end(),
  );
  server.on("tlsClientError", () => {});
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

function handshake(
  port: number,
  servername: string,
  caPem: string,
  alpn: string,
): Promise<{ authorized: boolean; error?: string; alpn: string | false | null; subjectaltname?: string }> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port, servername, ca: caPem, ALPNProtocols: [alpn] });
    s.once("secureConnect", () => {
      resolve({ authorized: s.authorized, alpn: s.alpnProtocol, subjectaltname: s.getPeerCertificate().subjectaltname });
      s.destroy();
    });
    s.once("error", (e) => resolve({ authorized: false, error: e.message, alpn: false }));
  });
}

describe("local CA: per-user CA, leaf certificates by SNI (design.md §TLS)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-ca-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const served = new Set(["app.example.test", "*.apps.example.test", "lb-1.elb.localhost"]);
  const serves = (h: string) => served.has(h);

  it("local CA: a new host gets its own leaf, signed by the CA, stored under hosts/", async () => {
    const ca = await openLocalCa({ dir, serves });
    const c = await ca.certificateFor("App.Example.Test.");
    assert.deepEqual(c.names, ["app.example.test"]);
    const leaf = new X509Certificate(c.certPem);
    assert.equal(leaf.checkHost("app.example.test"), "app.example.test");
    assert.ok(leaf.checkIssued(new X509Certificate(ca.caPem)));
    assert.ok((await readdir(join(dir, "hosts"))).includes("app.example.test.pem"));
    assert.match(await readFile(ca.caPath, "utf8"), /^-----BEGIN CERTIFICATE-----/);
    assert.doesNotMatch(await readFile(ca.caPath, "utf8"), /PRIVATE KEY/, "ca.pem is safe to hand to clients");
  });

  it("local CA: a second load reuses the CA, the leaf key and the stored leaf (no new key, no re-issue)", async () => {
    const a = await openLocalCa({ dir, serves });
    const first = await a.certificateFor("app.example.test");
    const b = await openLocalCa({ dir, serves });
    const second = await b.certificateFor("app.example.test");
    assert.equal(b.caPem, a.caPem);
    assert.equal(b.spkiHash, a.spkiHash);
    assert.equal(second.certPem, first.certPem, "read back from disk, not issued again");
  });

  it("local CA: two processes creating a fresh CA at once end up with one CA", async () => {
    const fresh = join(dir, "race");
    const [a, b] = await Promise.all([openLocalCa({ dir: fresh, serves }), openLocalCa({ dir: fresh, serves })]);
    assert.equal(a.caPem, b.caPem);
    assert.equal(a.keyPem, b.keyPem);
    assert.deepEqual(
      (await readdir(fresh)).filter((f) => f.endsWith(".tmp")),
      [],
    );
  });

  for (const alpn of ["h2", "http/1.1"]) {
    it(`local CA: tls.connect with only the CA verifies the chain of an SNI-issued leaf (ALPN ${alpn})`, async () => {
      const ca = await openLocalCa({ dir, serves });
      const server = await serveWith(ca);
      try {
        const r = await handshake(server.port, "lb-1.elb.localhost", ca.caPem, alpn);
        assert.equal(r.error, undefined);
        assert.equal(r.authorized, true);
        assert.equal(r.alpn, alpn);
        assert.equal(r.subjectaltname, "DNS:lb-1.elb.localhost");
      } finally {
        await server.close();
      }
    });
  }

  it("local CA: names under a served wildcard share one *.parent certificate that verifies", async () => {
    const ca = await openLocalCa({ dir, serves });
    const x = await ca.certificateFor("x.apps.example.test");
    const y = await ca.certificateFor("y.apps.example.test");
    assert.deepEqual(x.names, ["*.apps.example.test"]);
    assert.equal(y.certPem, x.certPem);
    assert.ok((await readdir(join(dir, "hosts"))).includes("_wildcard.apps.example.test.pem"));
    const server = await serveWith(ca);
    try {
      const r = await handshake(server.port, "y.apps.example.test", ca.caPem, "h2");
      assert.equal(r.authorized, true, r.error);
      assert.equal(r.subjectaltname, "DNS:*.apps.example.test");
    } finally {
      await server.close();
    }
  });

  it("local CA: a name the revision does not serve is refused, and its handshake fails", async () => {
    const ca = await openLocalCa({ dir, serves });
    await assert.rejects(ca.certificateFor("evil.example.test"), { code: "TLS_HOST_NOT_SERVED" });
    await assert.rejects(ca.certificateFor("a.b.apps.example.test"), { code: "TLS_HOST_NOT_SERVED" }, "a wildcard covers one label only");
    await assert.rejects(ca.certificateFor("../../etc/passwd"), { code: "TLS_HOST_NOT_SERVED" });
    const server = await serveWith(ca);
    try {
      const r = await handshake(server.port, "evil.example.test", ca.caPem, "http/1.1");
      assert.equal(r.authorized, false);
      assert.ok(r.error, "the handshake is aborted");
    } finally {
      await server.close();
    }
  });

  it("local CA: the serves predicate is asked per name, so a host dropped from the revision is refused next time", async () => {
    const live = new Set(["a.example.test", "b.example.test"]);
    const ca = await openLocalCa({ dir, serves: (h) => live.has(h) });
    await ca.secureContextFor("a.example.test");
    live.delete("a.example.test");
    await assert.rejects(ca.secureContextFor("a.example.test"), { code: "TLS_HOST_NOT_SERVED" });
  });

  it("local CA: one certificate for many names and IPs (clients without SNI)", async () => {
    const ca = await openLocalCa({ dir, serves });
    const c = await ca.certificateForHosts(["localhost", "127.0.0.1", "::1", "app.example.test"]);
    const leaf = new X509Certificate(c.certPem);
    assert.equal(leaf.checkIP("127.0.0.1"), "127.0.0.1");
    assert.equal(leaf.checkHost("localhost"), "localhost");
    const again = await (await openLocalCa({ dir, serves })).certificateForHosts(["app.example.test", "::1", "127.0.0.1", "localhost"]);
    assert.equal(again.certPem, c.certPem, "the stored multi-host certificate is reused (IPv6 SAN compared right)");
  });

  it("local CA: the folder is per user by default, EDGEPARITY_CA_DIR and XDG_DATA_HOME override it", () => {
    assert.equal(defaultCaDir({}, "/home/u"), join("/home/u", ".local", "share", "edgeparity", "ca"));
    assert.equal(defaultCaDir({ XDG_DATA_HOME: "/x" }, "/home/u"), join("/x", "edgeparity", "ca"));
    assert.equal(defaultCaDir({ XDG_DATA_HOME: "/x", EDGEPARITY_CA_DIR: "/ca" }, "/home/u"), "/ca");
  });
});
