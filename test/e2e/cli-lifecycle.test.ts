import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect as tlsConnect } from "node:tls";
import { fileURLToPath } from "node:url";
import { startEdgeparity } from "../../src/index.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { writeBodies } from "../support/curl-exchange.js";
import { isAlive, MARKER_VAR, processesWithMarker, waitForNoMarked } from "../support/process-tree.js";
import { rawRequest } from "../support/raw-http.js";

/**
 * The CLI's process lifecycle (issue 8 §1): however `edgeparity up` ends — SIGTERM, SIGINT, a
 * second SIGINT, an uncaught exception, an unhandled rejection — the target commands it started
 * end with it, including a wrapper's children (the fixture's target is `node wrapper.mjs`, which
 * forks the real server, like `npm run dev`). Also: shutting down with uploads in flight, and
 * malformed requests that must not end the process.
 */
const LIFECYCLE = fileURLToPath(new URL("../fixtures/stacks/e2e-lifecycle/stack.yaml", import.meta.url));
const EDGE = fileURLToPath(new URL("../fixtures/stacks/e2e-edge", import.meta.url));
const CRASH_HOOK = fileURLToPath(new URL("../support/crash-on-signal.mjs", import.meta.url));

async function startLifecycle(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<{ s: CliSession; grandchild: number }> {
  const dir = await mkdtemp(join(tmpdir(), "ep-life-"));
  const pidFile = join(dir, "server.pid");
  const s = await startCliSession(["--config", LIFECYCLE], { env: { EP_PIDFILE: pidFile, ...env }, nodeArgs });
  let pid = 0;
  for (let i = 0; i < 100 && !pid; i++) {
    pid = Number(await readFile(pidFile, "utf8").catch(() => "0"));
    if (!pid) await new Promise((r) => setTimeout(r, 50));
  }
  await rm(dir, { recursive: true, force: true });
  assert.ok(pid > 0, "the target's child wrote its pid");
  assert.ok(await isAlive(pid));
  assert.ok((await processesWithMarker(s.marker)).length >= 2, "wrapper and server run");
  return { s, grandchild: pid };
}

/** Resolves when the CLI has exited (fails after 10 s): its code, signal and how long it took from `since`. */
async function exited(s: CliSession, since: number): Promise<{ code: number | null; signal: string | null; ms: number }> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), 10_000)));
    const r = await Promise.race([once(s.proc, "exit"), timeout]);
    clearTimeout(timer);
    if (r === "timeout") assert.fail(`edgeparity did not exit within 10 s; stderr:\n${s.stderr()}`);
  }
  return { code: s.proc.exitCode, signal: s.proc.signalCode, ms: performance.now() - since };
}

async function assertTargetsGone(s: CliSession, grandchild: number): Promise<void> {
  const left = await waitForNoMarked(s.marker, 3000);
  assert.deepEqual(left, [], `no target process outlives edgeparity (left: ${left.join(", ")})`);
  assert.equal(await isAlive(grandchild), false, `the wrapper's child ${grandchild} is gone`);
}

describe("e2e: edgeparity up process lifecycle — target commands end with the CLI (issue 8 §1)", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`lifecycle: ${signal} closes gracefully, exits 0 within 5 s, and the target command's child is gone`, async () => {
      const { s, grandchild } = await startLifecycle();
      try {
        const t0 = performance.now();
        s.proc.kill(signal);
        const r = await exited(s, t0);
        assert.equal(r.code, 0, s.stderr());
        assert.ok(r.ms < 5000, `exited in ${r.ms.toFixed(0)} ms`);
        await assertTargetsGone(s, grandchild);
      } finally {
        await s.stop();
      }
    });
  }

  it("lifecycle: a target child that ignores SIGTERM is killed; SIGTERM still exits 0 within the 5 s bound", async () => {
    const { s, grandchild } = await startLifecycle({ EP_IGNORE_SIGTERM: "1" });
    try {
      const t0 = performance.now();
      s.proc.kill("SIGTERM");
      const r = await exited(s, t0);
      assert.equal(r.code, 0, s.stderr());
      assert.ok(r.ms < 6000, `exited in ${r.ms.toFixed(0)} ms`);
      await assertTargetsGone(s, grandchild);
    } finally {
      await s.stop();
    }
  });

  it("lifecycle: a second SIGINT during the graceful close exits at once (130) and still ends the target's children", async () => {
    // The child ignores SIGTERM, so the graceful close waits for it; the second SIGINT must not.
    const { s, grandchild } = await startLifecycle({ EP_IGNORE_SIGTERM: "1" });
    try {
      s.proc.kill("SIGINT");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(s.proc.exitCode, null, "still closing after the first SIGINT");
      const t0 = performance.now();
      s.proc.kill("SIGINT");
      const r = await exited(s, t0);
      assert.equal(r.code, 130, s.stderr());
      assert.ok(r.ms < 1500, `exited ${r.ms.toFixed(0)} ms after the second SIGINT`);
      assert.match(s.stderr(), /second SIGINT/);
      await assertTargetsGone(s, grandchild);
    } finally {
      await s.stop();
    }
  });

  for (const crash of ["exception", "rejection"] as const) {
    const what = crash === "exception" ? "uncaught exception" : "unhandled promise rejection";
    it(`lifecycle: an ${what} is logged once with its stack, the target's children end, and the CLI exits 1`, async () => {
      const { s, grandchild } = await startLifecycle({ EP_CRASH: crash }, ["--import", CRASH_HOOK]);
      try {
        const t0 = performance.now();
        s.proc.kill("SIGUSR2");
        const r = await exited(s, t0);
        assert.equal(r.code, 1, s.stderr());
        assert.equal(r.signal, null);
        assert.ok(r.ms < 5000, `exited in ${r.ms.toFixed(0)} ms`);
        const logged = s.stderr().match(new RegExp(`edgeparity: internal error \\(${what}\\), exiting: Error: edgeparity test: `, "g")) ?? [];
        assert.equal(logged.length, 1, `logged once:\n${s.stderr()}`);
        assert.match(s.stderr(), /\n\s+at .*crash-on-signal\.mjs/, "with its stack");
        await assertTargetsGone(s, grandchild);
      } finally {
        await s.stop();
      }
    });
  }
});

describe("e2e: edgeparity up survives malformed requests and shuts down with uploads in flight", () => {
  let work: string;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-life-edge-"));
    await cp(EDGE, join(work, "stack"), { recursive: true });
    bodies = await writeBodies(work);
  });
  after(() => rm(work, { recursive: true, force: true }));

  it("gateway: a malformed request (HTTP port, TLS HTTP/1.1, TLS h2, plain text on the TLS port) gets 400 or a close, and the process keeps serving", async () => {
    const s = await startCliSession(["--config", join(work, "stack", "stack.yaml")]);
    try {
      const index = new URL("/index.html", s.distribution("edge").url).href;
      const httpPort = s.ready.httpPort as number;
      const httpsPort = s.ready.httpsPort as number;
      const plain = await rawRequest(httpPort, "GARBAGE\r\n\r\n");
      assert.equal(plain.status, 400, plain.raw);
      await s.assertAlive("after GARBAGE on the HTTP port", index);
      const h1 = await tlsRaw(httpsPort, "http/1.1", "GARBAGE\r\n\r\n", s.caPem);
      assert.match(h1, /^HTTP\/1\.1 400 /);
      await s.assertAlive("after GARBAGE over TLS (HTTP/1.1)", index);
      await tlsRaw(httpsPort, "h2", "GARBAGE\r\n\r\n", s.caPem);
      await s.assertAlive("after GARBAGE instead of the HTTP/2 preface", index);
      await rawRequest(httpsPort, "GARBAGE\r\n\r\n", 1000);
      await s.assertAlive("after plain text on the TLS port", index);
    } finally {
      await s.stop();
    }
  });

  for (const origin of ["S3", "ALB"] as const) {
    it(`gateway: a viewer that aborts an upload mid-body (HTTP/1.1 and HTTP/2, CloudFront → ${origin}) does not end the process`, async () => {
      const s = await startCliSession(["--config", join(work, "stack", "stack.yaml")]);
      try {
        const base = s.distribution("edge").url;
        const index = new URL("/index.html", base).href;
        const path = origin === "S3" ? "/uploads/aborted.bin" : "/echo/aborted";
        for (const http of ["--http1.1", "--http2"]) {
          // 200 KB/s for at most 1 s: curl gives up after ~200 KB of the 2 MiB body.
          const r = await slowUpload(s.caPath, http, "PUT", new URL(path, base).href, bodies["2MB"].path, 1);
          assert.notEqual(r.code, 0, "curl aborted the upload");
          await new Promise((res) => setTimeout(res, 300));
          await s.assertAlive(`after a ${http} upload to ${origin} aborted by the viewer`, index);
        }
      } finally {
        await s.stop();
      }
    });
  }

  it("lifecycle: SIGTERM with uploads in flight (S3 PUT and ALB POST, HTTP/1.1 and HTTP/2) exits 0 in bounded time, without an error", async () => {
    const s = await startCliSession(["--config", join(work, "stack", "stack.yaml")]);
    try {
      const base = s.distribution("edge").url;
      const uploads = [
        slowUpload(s.caPath, "--http1.1", "PUT", new URL("/uploads/in-flight-1.bin", base).href, bodies["2MB"].path),
        slowUpload(s.caPath, "--http2", "PUT", new URL("/uploads/in-flight-2.bin", base).href, bodies["2MB"].path),
        slowUpload(s.caPath, "--http2", "POST", new URL("/echo/in-flight", base).href, bodies["2MB"].path),
      ];
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(s.proc.exitCode, null, `still running with uploads in flight:\n${s.stderr()}`);
      const t0 = performance.now();
      s.proc.kill("SIGTERM");
      const r = await exited(s, t0);
      assert.equal(r.code, 0, s.stderr());
      assert.ok(r.ms < 6000, `exited in ${r.ms.toFixed(0)} ms`);
      // Nothing thrown: no uncaught exception / forced exit (the aborted uploads themselves may be logged).
      assert.doesNotMatch(s.stderr(), /internal error|did not shut down|TypeError/);
      const ends = await Promise.all(uploads);
      for (const e of ends) assert.ok(e.ms < 15_000, "the client saw the connection end; it was not left hanging");
      assert.deepEqual(await waitForNoMarked(s.marker, 3000), [], "the echo target ended too");
    } finally {
      await s.stop();
    }
  });

  it("lifecycle: stack.close() with uploads in flight resolves without throwing and ends the target command (in-process API)", async () => {
    const marker = `inproc-${process.pid}-${Date.now()}`;
    const previous = process.env[MARKER_VAR];
    process.env[MARKER_VAR] = marker;
    let stack;
    try {
      stack = await startEdgeparity({ config: join(work, "stack", "stack.yaml") });
    } finally {
      if (previous === undefined) delete process.env[MARKER_VAR];
      else process.env[MARKER_VAR] = previous;
    }
    const base = stack.distributions.edge!.url;
    const uploads = [
      slowUpload(stack.caPath, "--http1.1", "PUT", new URL("/uploads/close-1.bin", base).href, bodies["2MB"].path),
      slowUpload(stack.caPath, "--http2", "PUT", new URL("/uploads/close-2.bin", base).href, bodies["2MB"].path),
    ];
    await new Promise((r) => setTimeout(r, 800));
    const t0 = performance.now();
    await stack.close();
    assert.ok(performance.now() - t0 < 5000, "close() is bounded");
    await Promise.all(uploads);
    assert.deepEqual(await waitForNoMarked(marker, 3000), [], "close() ended the echo target command");
  });
});

/** curl uploading at 200 KB/s (a 2 MiB body takes ~10 s), `Expect` off so HTTP/1.1 streams at once. */
async function slowUpload(cacert: string, http: string, method: string, url: string, file: string, maxTimeS = 20): Promise<{ code: number; ms: number }> {
  const t0 = performance.now();
  const p = spawn("curl", [
    "-sS",
    "-o",
    "/dev/null",
    http,
    "--cacert",
    cacert,
    "--max-time",
    String(maxTimeS),
    "--limit-rate",
    "200K",
    "-H",
    "Expect:",
    "-X",
    method,
    "--data-binary",
    `@${file}`,
    url,
  ]);
  p.stderr.resume();
  const [code] = (await once(p, "close")) as [number];
  return { code, ms: performance.now() - t0 };
}

/** Sends bytes over TLS with the given ALPN protocol; resolves with what came back before the close (or 2 s). */
function tlsRaw(port: number, alpn: string, text: string, ca: string): Promise<string> {
  return new Promise((resolve) => {
    let raw = "";
    const s = tlsConnect({ port, host: "127.0.0.1", servername: "localhost", ALPNProtocols: [alpn], ca }, () => s.write(text));
    s.setTimeout(2000, () => s.destroy());
    s.on("data", (d: Buffer) => (raw += d.toString("latin1")));
    s.on("close", () => resolve(raw));
    s.on("error", () => {});
  });
}
