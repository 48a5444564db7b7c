import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange } from "../support/curl-exchange.js";
import { HTTP_VERSIONS } from "../support/e2e-matrix.js";

/**
 * `edgeparity up --log-format cloudfront` (issue 15): sc-bytes is each request's own (not the
 * keep-alive connection's running total, not 0 on HTTP/2), the TLS fields are filled on HTTP/2,
 * the ALB behind the distribution writes its own 29-field line (alb.md §11), and a client that
 * leaves mid-PUT is a client abort in the operator log, not a failure inside edgeparity.
 */
const FIXTURE = fileURLToPath(new URL("../fixtures/stacks/e2e-edge", import.meta.url));
/** cloudfront.md §16.1 field order: sc-bytes is the 4th, ssl-protocol the 21st, ssl-cipher the 22nd, cs-protocol-version the 24th. */
const F = { scBytes: 3, uri: 7, sslProtocol: 20, sslCipher: 21, version: 23 };

/** Two GETs on one connection; curl's own count of each response's header and body bytes. */
function curlTwice(urls: [string, string], http: "1.1" | "2", cacert: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const args = ["-sS", http === "2" ? "--http2" : "--http1.1", "--cacert", cacert, "--max-time", "10", "-w", "%{size_header} %{size_download}\\n"];
    for (const u of urls) args.push("-o", "/dev/null", u);
    const p = spawn("curl", args);
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", () =>
      resolve(
        out
          .trim()
          .split("\n")
          .map((l) => l.split(" ").reduce((a, b) => a + Number(b), 0)),
      ),
    );
  });
}

describe("e2e: access-log fields per request (issue 15, cloudfront.md §16.1, alb.md §11)", () => {
  let work: string;
  let s: CliSession;
  let base: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-logf-"));
    await cp(FIXTURE, join(work, "stack"), { recursive: true });
    await writeFile(join(work, "big.bin"), Buffer.alloc(4 * 1024 * 1024, 1));
    s = await startCliSession(["--config", join(work, "stack", "stack.yaml"), "--log-format", "cloudfront", "--no-watch"]);
    base = s.distribution("edge").url;
  });
  after(async () => {
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const lineFor = async (uri: string, version: string) => {
    for (let i = 0; i < 100; i++) {
      const l = s.lines.map((x) => x.split("\t")).find((f) => f[F.uri] === uri && f[F.version] === version);
      if (l) return l;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`no log line for ${uri} ${version}:\n${s.lines.join("\n")}`);
  };

  for (const http of HTTP_VERSIONS) {
    it(`log: sc-bytes is the request's own on a keep-alive connection, TLS fields filled — HTTP/${http}`, async () => {
      const a = `/index.html?first-${http}`;
      const b = `/echo/second-${http}`;
      const sizes = await curlTwice([new URL(a, base).href, new URL(b, base).href], http, s.caPath);
      assert.equal(sizes.length, 2);
      const version = http === "2" ? "HTTP/2.0" : "HTTP/1.1";
      const second = await lineFor(`/echo/second-${http}`, version);
      const sent = Number(second[F.scBytes]);
      if (http === "1.1") {
        // HTTP/1.1: exactly what went on the wire for this response (chunked framing included).
        assert.ok(sent >= sizes[1]! && sent <= sizes[1]! + 16, `sc-bytes ${sent} vs curl ${sizes[1]}`);
      } else {
        // HTTP/2: body bytes plus the header block as text (HPACK makes the wire smaller): within a quarter.
        assert.ok(Math.abs(sent - sizes[1]!) <= sizes[1]! / 4, `sc-bytes ${sent} vs curl ${sizes[1]}`);
      }
      assert.match(second[F.sslProtocol]!, /^TLSv1\.[23]$/);
      assert.notEqual(second[F.sslCipher], "-");
    });
  }

  it("log: a load balancer behind the distribution writes ALB's own access-log line (alb.md §11)", async () => {
    const r = await curlExchange({ url: new URL("/echo/alb-line", base).href, method: "GET", http: "2", cacert: s.caPath });
    assert.equal(r.status, 200);
    for (let i = 0; i < 100 && !s.lines.some((l) => l.includes("/echo/alb-line HTTP/1.1")); i++) await new Promise((r) => setTimeout(r, 50));
    const line = s.lines.find((l) => l.includes("/echo/alb-line HTTP/1.1"));
    assert.ok(line, s.lines.join("\n"));
    assert.match(
      line,
      /^http \S+Z app\/e2e-alb\/[0-9a-f]+ 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+ [\d.]+ [\d.]+ [\d.]+ 200 200 \d+ \d+ "GET http:\/\/e2e-alb-1234567890\.us-east-1\.elb\.amazonaws\.com:80\/echo\/alb-line HTTP\/1\.1" /,
    );
  });

  for (const http of HTTP_VERSIONS) {
    it(`log: a client that closes mid-PUT (4 MiB, cut after 1 s) is logged as a client abort — HTTP/${http}`, async () => {
      await curlExchange({
        url: new URL(`/uploads/cut-${http}.bin`, base).href,
        method: "PUT",
        http,
        cacert: s.caPath,
        bodyFile: join(work, "big.bin"),
        maxTimeS: 1,
        extra: ["--limit-rate", "512K"],
      });
      const abort = new RegExp(
        `^info: s3: PUT /uploads/cut-${http.replace(".", "\\.")}\\.bin \\(request [0-9A-F]+\\): client abort: the connection closed before the request was complete; nothing was stored$`,
        "m",
      );
      for (let i = 0; i < 100 && !abort.test(s.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(s.stderr(), abort);
      assert.doesNotMatch(s.stderr(), /failed inside edgeparity/);
    });
  }
});
