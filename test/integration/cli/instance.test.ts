import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli, startCli } from "../../support/cli.js";

const FIXTURE = fileURLToPath(new URL("../../fixtures/stacks/distribution-config.json", import.meta.url));
const PACKAGE = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };

/** The SPKI hash Chromium's --ignore-certificate-errors-spki-list takes, from the certificate the port serves. */
function servedSpkiHash(port: number, servername: string, alpn: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port, servername, rejectUnauthorized: false, ALPNProtocols: [alpn] });
    s.once("secureConnect", () => {
      const x = new X509Certificate(s.getPeerCertificate().raw);
      resolve(
        createHash("sha256")
          .update(x.publicKey.export({ type: "spki", format: "der" }))
          .digest("base64"),
      );
      s.destroy();
    });
    s.once("error", reject);
  });
}

describe("CLI: one instance per state dir, --version, flag typos, invalidate finds the instance", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-inst-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("cli: --version prints package.json's version", async () => {
    const r = await runCli(["--version"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `edgeparity ${PACKAGE.version}\n`);
  });

  it("cli: a mistyped flag is named with the flag it probably meant, exit 2", async () => {
    const r = await runCli(["up", "--http-prot", "4480"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^edgeparity: unknown flag --http-prot \(did you mean --http-port\?\)/);
    const far = await runCli(["up", "--frobnicate"]);
    assert.match(far.stderr, /unknown flag --frobnicate; see edgeparity --help/);
    const noValue = await runCli(["up", "--http-port"]);
    assert.match(noValue.stderr, /--http-port needs a value/);
  });

  it("cli: a second up on the same state dir fails naming the first one's pid; the first keeps serving; exit removes lock and instance.json", async () => {
    const stateDir = join(dir, "shared");
    const first = await startCli(["--config", FIXTURE, "--state-dir", stateDir]);
    try {
      const instance = JSON.parse(await readFile(join(stateDir, "instance.json"), "utf8")) as Record<string, unknown>;
      assert.equal(instance.pid, first.proc.pid);
      assert.equal(instance.httpPort, first.ready.httpPort);
      assert.equal(instance.httpsPort, first.ready.httpsPort);
      const second = await runCli(["up", "--config", FIXTURE, "--state-dir", stateDir, "--http-port", "0", "--https-port", "0"]);
      assert.equal(second.code, 1);
      assert.match(
        second.stderr,
        new RegExp(`another edgeparity \\(pid ${first.proc.pid}\\) is using the state dir .*shared; stop it, or pass a different --state-dir`),
      );
      const inv = await runCli(["invalidate", "distribution-config", "/*", "--state-dir", stateDir]);
      assert.equal(inv.code, 0, `the first instance still serves: ${inv.stderr}`);
    } finally {
      first.proc.kill("SIGTERM");
      await once(first.proc, "close");
    }
    assert.equal(existsSync(join(stateDir, "instance.json")), false);
    assert.equal(existsSync(join(stateDir, "edgeparity.lock")), false);
  });

  it("cli: a stale lock left by a dead process is taken over", async () => {
    const stateDir = join(dir, "stale");
    await mkdir(stateDir, { recursive: true });
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    await writeFile(join(stateDir, "edgeparity.lock"), JSON.stringify({ pid: dead }));
    const up = await startCli(["--config", FIXTURE, "--state-dir", stateDir]);
    try {
      assert.equal(JSON.parse(await readFile(join(stateDir, "edgeparity.lock"), "utf8")).pid, up.proc.pid);
    } finally {
      up.proc.kill("SIGTERM");
      await once(up.proc, "close");
    }
  });

  it("cli: invalidate without --http-port reaches the instance running from --state-dir (cloudfront.md §12)", async () => {
    const stateDir = join(dir, "inv");
    const up = await startCli(["--config", FIXTURE, "--state-dir", stateDir]);
    try {
      const r = await runCli(["invalidate", "distribution-config", "/index.html", "--state-dir", stateDir, "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const inv = JSON.parse(r.stdout) as { Id: string; Status: string };
      assert.match(inv.Id, /^I[A-Z0-9]+$/);
      assert.equal(inv.Status, "InProgress");
    } finally {
      up.proc.kill("SIGTERM");
      await once(up.proc, "close");
    }
    const gone = await runCli(["invalidate", "distribution-config", "/x", "--state-dir", stateDir]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no running edgeparity in .*inv/);
  });

  for (const alpn of ["h2", "http/1.1"]) {
    it(`cli: the --json ready line carries the SPKI hash of the certificate HTTPS serves (ALPN ${alpn})`, async () => {
      const up = await startCli(["--config", FIXTURE, "--state-dir", join(dir, `spki-${alpn.replace("/", "")}`)]);
      try {
        const d = (up.ready.distributions as Record<string, { domain: string }>)["distribution-config"]!;
        assert.match(String(up.ready.spkiHash), /^[A-Za-z0-9+/]{43}=$/);
        assert.equal(await servedSpkiHash(up.ready.httpsPort as number, d.domain, alpn), up.ready.spkiHash);
      } finally {
        up.proc.kill("SIGTERM");
        await once(up.proc, "close");
      }
    });
  }

  it("cli: the CA lives per user (XDG data dir under HOME), so a second fresh state dir reuses it", async () => {
    const home = join(dir, "home");
    const env = { HOME: home, XDG_DATA_HOME: undefined, EDGEPARITY_CA_DIR: undefined };
    const caPem = join(home, ".local", "share", "edgeparity", "ca", "ca.pem");
    const a = await startCli(["--config", FIXTURE, "--state-dir", join(dir, "fresh-a")], undefined, env);
    let first: string;
    try {
      assert.equal(a.ready.caPath, caPem);
      first = await readFile(caPem, "utf8");
    } finally {
      a.proc.kill("SIGTERM");
      await once(a.proc, "close");
    }
    const b = await startCli(["--config", FIXTURE, "--state-dir", join(dir, "fresh-b")], undefined, env);
    try {
      assert.equal(b.ready.caPath, caPem);
      assert.equal(await readFile(caPem, "utf8"), first, "the same CA, not a new one per state dir");
      assert.equal(existsSync(join(dir, "fresh-b", "ca")), false, "nothing CA-related in the state dir");
    } finally {
      b.proc.kill("SIGTERM");
      await once(b.proc, "close");
    }
    const c = await startCli(["--config", FIXTURE, "--state-dir", join(dir, "fresh-c"), "--ca-dir", join(dir, "own-ca")], undefined, env);
    try {
      assert.equal(c.ready.caPath, join(dir, "own-ca", "ca.pem"), "--ca-dir overrides the per-user folder");
    } finally {
      c.proc.kill("SIGTERM");
      await once(c.proc, "close");
    }
  });
});
