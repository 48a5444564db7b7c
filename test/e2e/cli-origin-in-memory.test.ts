import assert from "node:assert/strict";
import { once } from "node:events";
import { cp, mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertComplete, BODY_SIZES, describeResult, HTTP_VERSIONS, md5, sha256 } from "../support/e2e-matrix.js";

/**
 * Issue 14 "without a loopback hop", through the real CLI (`edgeparity up`, a child process):
 * CloudFront reaches its own bucket and load balancer in memory. Uploads and downloads of 0 B,
 * 1 KB and 2 MiB on HTTP/1.1 and HTTP/2 arrive whole, and afterwards the process holds no TCP
 * connection to itself (over loopback TCP it held one per origin door, kept alive).
 */
const FIXTURE = fileURLToPath(new URL("../fixtures/stacks/e2e-edge", import.meta.url));

/** The established TCP connections of a process, from /proc: its socket inodes matched in its network namespace's tables. */
async function tcpConnections(pid: number): Promise<{ local: string; remote: string }[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  const out: { local: string; remote: string }[] = [];
  for (const table of ["tcp", "tcp6"]) {
    const text = await readFile(`/proc/${pid}/net/${table}`, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[3] "01" = ESTABLISHED; f[9] the inode.
      if (f.length > 9 && f[3] === "01" && inodes.has(f[9]!)) out.push({ local: f[1]!, remote: f[2]! });
    }
  }
  return out;
}

describe("e2e: edgeparity up reaches its own S3 bucket and ALB without a loopback connection (issue 14)", () => {
  let work: string;
  let s: CliSession;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  let base: string;
  const send = (method: string, path: string, http: "1.1" | "2", size?: keyof typeof bodies) =>
    curlExchange({ url: new URL(path, base).href, method, http, cacert: s.caPath, bodyFile: size ? bodies[size].path : undefined });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-hop-"));
    await cp(FIXTURE, join(work, "stack"), { recursive: true });
    bodies = await writeBodies(work);
    s = await startCliSession(["--config", join(work, "stack", "stack.yaml")]);
    base = s.distribution("edge").url;
  });
  after(async () => {
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const http of HTTP_VERSIONS) {
    for (const size of BODY_SIZES) {
      it(`HTTP/${http} ${size}: PUT to S3 through CloudFront stores the bytes and GET returns them; POST through CloudFront → ALB reaches the target whole`, async () => {
        const key = `/uploads/hop-h${http}-${size}.bin`;
        const put = await send("PUT", key, http, size);
        assert.equal(put.status, 200, describeResult(put));
        assertComplete(put);
        assert.equal(put.headers.etag, `"${md5(bodies[size].bytes)}"`);
        const get = await send("GET", key, http);
        assert.equal(get.status, 200, describeResult(get));
        assertComplete(get);
        assert.ok(get.body.equals(bodies[size].bytes), "the bytes read back are the bytes written");
        const post = await send("POST", `/echo/hop-h${http}-${size}`, http, size);
        assert.equal(post.status, 200, describeResult(post));
        assertComplete(post);
        const echo = JSON.parse(post.body.toString()) as { method: string; bytes: number; sha256: string };
        assert.deepEqual(echo.method, "POST");
        assert.equal(echo.bytes, bodies[size].bytes.length);
        assert.equal(echo.sha256, sha256(bodies[size].bytes));
      });
    }
  }

  it("after that traffic the process holds no TCP connection to itself (no origin door reached over loopback, HTTP or HTTPS)", async () => {
    // Right after requests over both schemes: CloudFront's origin connections are kept alive
    // (OriginKeepaliveTimeout 5 s), so over TCP each door would show up here as a pair.
    for (const url of [base, s.distribution("edge").httpUrl]) {
      const r = await curlExchange({ url: new URL("/echo/last", url).href, method: "POST", http: "1.1", cacert: s.caPath, bodyFile: bodies["1KB"].path });
      assert.equal(r.status, 200, describeResult(r));
      assert.equal((await send("GET", "/index.html", "1.1")).status, 200);
    }
    // A viewer connection held open: proof that the check sees the process's connections at all.
    const viewer = connect(Number(new URL(s.distribution("edge").httpUrl).port), "127.0.0.1");
    await once(viewer, "connect");
    const conns = await tcpConnections(s.proc.pid!);
    viewer.destroy();
    const mine = new Set(conns.map((c) => c.local));
    const toItself = conns.filter((c) => mine.has(c.remote));
    assert.ok(conns.length > 0, "the check sees the process's connections (the viewer's)");
    assert.deepEqual(toItself, [], `connections from the process to itself: ${JSON.stringify(toItself)}`);
    await s.assertAlive("after the traffic", new URL("/index.html", base).href);
  });
});
