import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createSecureServer } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer, type SecureContext } from "node:tls";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import forge from "node-forge";
import { curl } from "../../test/support/curl.js";
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

/** An HTTPS server (HTTP/2 and HTTP/1.1 by ALPN) answering 200 `ok` with the CA's certificate for each SNI name. */
async function serveHttpsWith(ca: LocalCa): Promise<{ port: number; close(): Promise<void> }> {
  const server = createSecureServer(
    {
      allowHTTP1: true,
      SNICallback: (name, cb: (err: Error | null, ctx?: SecureContext) => void) =>
        void ca.secureContextFor(name).then(
          (ctx) => cb(null, ctx),
          (e: Error) => cb(e),
        ),
    },
    (_req, res) => res.end("ok"),
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** A CA folder as edgeparity ≤ 0.1 made it (node-forge, RSA 2048 PKCS#1 keys), for the compatibility test. */
async function writeForgeRsaCa(dir: string): Promise<string> {
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const leafKeys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = caKeys.publicKey;
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 86400_000);
  cert.validity.notAfter = new Date(Date.now() + 3650 * 86400_000);
  const attrs = [
    { name: "commonName", value: "edgeparity local CA" },
    { name: "organizationName", value: "edgeparity" },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  await mkdir(join(dir, "hosts"), { recursive: true });
  await writeFile(join(dir, "ca-key.pem"), forge.pki.privateKeyToPem(caKeys.privateKey) + certPem);
  await writeFile(join(dir, "leaf-key.pem"), forge.pki.privateKeyToPem(leafKeys.privateKey));
  return certPem;
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

  it("local CA: a new CA and its leaves are ECDSA P-256 signed with ecdsa-with-SHA256, verified by node's X509Certificate and by curl (issue 14: cold start)", async () => {
    const ca = await openLocalCa({ dir: join(dir, "ec"), serves });
    const root = new X509Certificate(ca.caPem);
    const c = await ca.certificateFor("app.example.test");
    const leaf = new X509Certificate(c.certPem);
    for (const x of [root, leaf]) {
      assert.equal(x.publicKey.asymmetricKeyType, "ec");
      assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
    }
    assert.ok(root.ca, "basicConstraints cA");
    assert.ok(root.verify(root.publicKey), "the CA is self-signed");
    assert.ok(leaf.checkIssued(root) && leaf.verify(root.publicKey), "the leaf is signed by the CA");
    assert.equal(leaf.ca, false);
    assert.equal(leaf.subjectAltName, "DNS:app.example.test");
    assert.match(c.keyPem, /^-----BEGIN PRIVATE KEY-----/);
    // Chromium's --ignore-certificate-errors-spki-list: base64 SHA-256 of the served leaf's SubjectPublicKeyInfo.
    assert.equal(
      ca.spkiHash,
      createHash("sha256")
        .update(leaf.publicKey.export({ type: "spki", format: "der" }))
        .digest("base64"),
    );
    const server = await serveHttpsWith(ca);
    try {
      for (const http2 of [false, true]) {
        const r = await curl(`https://app.example.test:${server.port}/`, { ca: ca.caPem, http2 });
        assert.equal(r.status, 200, r.stderr);
        assert.equal(r.body, "ok");
        assert.match(r.stderr, http2 ? /using HTTP\/2/ : /HTTP\/1\.1 200/);
      }
    } finally {
      await server.close();
    }
  });

  it("local CA: a CA folder an older edgeparity made (node-forge, RSA keys) is used as is; its new leaves are RSA-signed and verify (issue 14)", async () => {
    const old = join(dir, "rsa");
    const certPem = await writeForgeRsaCa(old);
    const ca = await openLocalCa({ dir: old, serves });
    assert.ok(new X509Certificate(ca.caPem).raw.equals(new X509Certificate(certPem).raw), "the trusted CA is kept");
    assert.equal(await readFile(ca.caPath, "utf8"), ca.caPem);
    const root = new X509Certificate(ca.caPem);
    const c = await ca.certificateFor("app.example.test");
    const leaf = new X509Certificate(c.certPem);
    assert.equal(leaf.publicKey.asymmetricKeyType, "rsa", "the folder's leaf key too");
    assert.ok(leaf.checkIssued(root) && leaf.verify(root.publicKey));
    const server = await serveHttpsWith(ca);
    try {
      for (const http2 of [false, true]) {
        const r = await curl(`https://app.example.test:${server.port}/`, { ca: ca.caPem, http2 });
        assert.equal(r.status, 200, r.stderr);
      }
    } finally {
      await server.close();
    }
  });

  it("local CA: the folder is per user by default, EDGEPARITY_CA_DIR and XDG_DATA_HOME override it", () => {
    assert.equal(defaultCaDir({}, "/home/u"), join("/home/u", ".local", "share", "edgeparity", "ca"));
    assert.equal(defaultCaDir({ XDG_DATA_HOME: "/x" }, "/home/u"), join("/x", "edgeparity", "ca"));
    assert.equal(defaultCaDir({ XDG_DATA_HOME: "/x", EDGEPARITY_CA_DIR: "/ca" }, "/home/u"), "/ca");
  });
});
