import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fetch, type Agent } from "undici";
import { stringify } from "yaml";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curl } from "../support/curl.js";
import { loopbackAgent } from "../support/loopback-agent.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";
import { CACHING_DISABLED, customOrigin } from "../support/stacks.js";

/**
 * `edgeparity up` live reload (issue 9), through the real CLI: an edit of the stack file is served
 * within one second and printed in AWS terms; a broken edit is refused with its file/line or field
 * path while the last good revision keeps serving; a Lambda handler edit runs on the next request;
 * an object added to a bound bucket folder is served without a new revision. Every request check
 * runs on HTTP/1.1 and on HTTP/2 (curl, ALPN h2).
 */
const PUBLIC_READ = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::live-site/*" }] };
const behavior = (PathPattern: string, TargetOriginId: string) => ({
  PathPattern,
  TargetOriginId,
  ViewerProtocolPolicy: "allow-all",
  CachePolicyId: CACHING_DISABLED,
});

/** The stack: distribution `app` (origins web and api), bucket live-site on a folder, load balancer `fns` with a Lambda target. */
function stackDoc(o: { behaviors?: object[]; handler?: string } = {}) {
  return {
    distributions: {
      app: {
        Origins: { Items: [customOrigin("web", "web.example.com"), customOrigin("api", "api.example.com")] },
        DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
        ...(o.behaviors?.length ? { CacheBehaviors: { Items: o.behaviors } } : {}),
      },
    },
    buckets: { "live-site": { Policy: PUBLIC_READ } },
    targetGroups: [{ Name: "fn-tg", TargetType: "lambda" }],
    // HTTPS too: an ALB speaks HTTP/2 only on an HTTPS listener (alb.md §1).
    loadBalancers: [
      {
        Name: "fns",
        Listeners: [80, 443].map((Port) => ({
          Protocol: Port === 443 ? "HTTPS" : "HTTP",
          Port,
          DefaultActions: [{ Type: "forward", TargetGroupArn: "fn-tg" }],
        })),
      },
    ],
    local: {
      origins: { "web.example.com": ORIGINS.web!.url, "api.example.com": ORIGINS.api!.url },
      buckets: { "live-site": { folder: "site" } },
      targetGroups: { "fn-tg": { targets: [{ lambda: o.handler ?? "fn.mjs" }] } },
    },
  };
}
const ORIGINS: Record<string, OriginServer> = {};
const handlerSource = (body: string) =>
  `export const handler = async () => ({ statusCode: 200, headers: { "content-type": "text/plain" }, body: ${JSON.stringify(body)} });\n`;

const BOTH = [
  { name: "HTTP/1.1", http2: false },
  { name: "HTTP/2", http2: true },
] as const;

/** Polls `probe` every 25 ms until it returns true or `ms` pass; resolves with the time it took, or fails with `what`. */
async function until(what: string, probe: () => Promise<boolean>, ms = 5000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (await probe()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`${what}: not within ${ms} ms`);
}

interface Live {
  s: CliSession;
  dir: string;
  file: string;
  agent: Agent;
  /** The distribution's body for `path` via fetch (keep-alive: connections opened before an update see the new revision too). */
  body(path: string): Promise<string>;
  /** Both protocols through curl: the body for `url`. */
  curlBodies(url: string): Promise<{ name: string; status: number; body: string; stderr: string }[]>;
  /** JSON events printed on stdout after the ready line. */
  events(): { event: string; revision: number; changes?: string[]; ms?: number; error?: string; serving?: number }[];
  close(): Promise<void>;
}

async function startLive(args: string[] = [], doc: object = stackDoc()): Promise<Live> {
  const dir = await mkdtemp(join(tmpdir(), "ep-live-"));
  await mkdir(join(dir, "site"));
  await writeFile(join(dir, "site", "index.html"), "<h1>site</h1>");
  await writeFile(join(dir, "fn.mjs"), handlerSource("handler v1"));
  const file = join(dir, "edgeparity.yaml");
  await writeFile(file, stringify(doc));
  const s = await startCliSession(["--config", file, ...args]);
  const agent = loopbackAgent(s.caPem);
  const app = s.distribution("app");
  return {
    s,
    dir,
    file,
    agent,
    async body(path) {
      const r = await fetch(new URL(path, app.url), { dispatcher: agent, signal: AbortSignal.timeout(5000) });
      return r.text();
    },
    async curlBodies(url) {
      return Promise.all(BOTH.map(async (v) => ({ name: v.name, ...(await curl(url, { ca: s.caPem, http2: v.http2, timeoutS: 5 })) })));
    },
    events: () => s.lines.filter((l) => l.startsWith('{"event"')).map((l) => JSON.parse(l) as ReturnType<Live["events"]>[number]),
    async close() {
      await agent.close();
      await s.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function assertServes(live: Live, url: string, body: string, context: string): Promise<void> {
  for (const r of await live.curlBodies(url)) {
    assert.equal(r.status, 200, `${r.name} ${context}: ${r.stderr.slice(-400)}`);
    assert.equal(r.body, body, `${r.name} ${context}`);
  }
}

describe("e2e: edgeparity up applies edits while serving (issue 9)", () => {
  before(async () => {
    for (const name of ["web", "api"]) {
      ORIGINS[name] = await startOrigin((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
        res.end(`origin ${name}`);
      });
    }
  });
  after(async () => {
    for (const o of Object.values(ORIGINS)) await o.close();
  });

  it("live reload: an added cache behaviour serves its origin within 1 s on HTTP/1.1 and HTTP/2, printed in AWS terms (cloudfront.md §2)", async () => {
    const live = await startLive();
    try {
      const url = new URL("/api/users", live.s.distribution("app").url).href;
      await assertServes(live, url, "origin web", "before the edit (default behaviour)");
      assert.equal(await live.body("/api/users"), "origin web", "a kept-alive connection is open before the edit");

      const t0 = performance.now();
      await writeFile(live.file, stringify(stackDoc({ behaviors: [behavior("/api/*", "api")] })));
      await until("the new behaviour serves", async () => (await live.body("/api/users")) === "origin api");
      const took = performance.now() - t0;
      assert.ok(took < 1000, `the edit took effect in ${took.toFixed(0)} ms (issue 9: within one second)`);
      await assertServes(live, url, "origin api", "after the edit");
      await assertServes(live, new URL("/other", url).href, "origin web", "other paths still take the default behaviour");

      await until("the revision event", async () => live.events().length > 0, 2000);
      assert.deepEqual(live.events(), [
        { event: "revision", revision: 2, changes: ["distribution app: CacheBehaviors[0] /api/* added"], ms: live.events()[0]!.ms },
      ]);
      assert.match(live.s.stderr(), /info: revision 2: distribution app: CacheBehaviors\[0\] \/api\/\* added \(\d+ ms\)/);
      assert.ok(!live.s.lines.some((l) => l.includes("CacheBehaviors") && !l.startsWith("{")), "the change text is on stderr, not stdout");
    } finally {
      await live.close();
    }
  });

  it("live reload: invalid YAML, then an unknown field, are refused with line / field path; the last good revision keeps serving; the fix applies", async () => {
    const live = await startLive();
    try {
      const url = new URL("/api/users", live.s.distribution("app").url).href;
      const good = stringify(stackDoc({ behaviors: [behavior("/api/*", "api")] }));

      await writeFile(live.file, `${good}\ndistributions: [unclosed\n`);
      await until("the invalid YAML is refused", async () => live.events().length >= 1);
      const yamlError = live.events()[0]!;
      assert.equal(yamlError.event, "revision-rejected");
      assert.equal(yamlError.revision, 2);
      assert.equal(yamlError.serving, 1);
      assert.match(yamlError.error!, /edgeparity\.yaml \(line \d+, column \d+\): not valid YAML or JSON/);
      assert.match(
        live.s.stderr(),
        // The offending line and a caret follow the message (issue 15), so the verdict gets its own line.
        /error: revision 2 not applied: .*edgeparity\.yaml \(line \d+, column \d+\): not valid YAML or JSON.*\n {2}\d+ \| .*\n {2} *\| *\^\nstill serving revision 1/,
      );
      await assertServes(live, url, "origin web", "after the invalid YAML (revision 1)");

      const withUnknown = stackDoc({ behaviors: [behavior("/api/*", "api")] });
      (withUnknown.distributions.app.DefaultCacheBehavior as Record<string, unknown>).ViewerProtocolPolice = "allow-all";
      await writeFile(live.file, stringify(withUnknown));
      await until("the unknown field is refused", async () => live.events().length >= 2);
      const fieldError = live.events()[1]!;
      assert.equal(fieldError.event, "revision-rejected");
      assert.equal(fieldError.revision, 2);
      assert.match(fieldError.error!, /edgeparity\.yaml:\d+: distributions\.app\.DefaultCacheBehavior: unknown field\(s\) 'ViewerProtocolPolice'/);
      assert.match(
        live.s.stderr(),
        /error: revision 2 not applied: .*the stack is not valid:\n {2}edgeparity\.yaml:\d+: distributions\.app\.DefaultCacheBehavior: unknown field\(s\) 'ViewerProtocolPolice' \(did you mean 'ViewerProtocolPolicy'\?\)\nstill serving revision 1\n/,
      );
      await assertServes(live, url, "origin web", "after the unknown field (revision 1)");

      await writeFile(live.file, good);
      await until("the fixed file serves", async () => (await live.body("/api/users")) === "origin api");
      await assertServes(live, url, "origin api", "after the fix");
      await until("the revision event", async () => live.events().length >= 3, 2000);
      assert.deepEqual(
        live.events().map((e) => [e.event, e.revision, e.changes]),
        [
          ["revision-rejected", 2, undefined],
          ["revision-rejected", 2, undefined],
          ["revision", 2, ["distribution app: CacheBehaviors[0] /api/* added"]],
        ],
      );
    } finally {
      await live.close();
    }
  });

  it("live reload: a Lambda handler file edit is run by the next request on HTTP/1.1 and HTTP/2 (alb.md §10)", async () => {
    const live = await startLive();
    try {
      const lb = (live.s.ready.loadBalancers as Record<string, { url: string }>)["fns"]!;
      const url = new URL("/hello", lb.url).href;
      await assertServes(live, url, "handler v1", "before the edit");
      await writeFile(join(live.dir, "fn.mjs"), handlerSource("handler v2"));
      await until("the new handler answers", async () => (await curl(url, { ca: live.s.caPem, timeoutS: 5 })).body === "handler v2");
      await assertServes(live, url, "handler v2", "after the edit");
      await until("the revision event", async () => live.events().length > 0, 2000);
      assert.deepEqual(live.events()[0]!.changes, ["target group fn-tg: Lambda handler fn.mjs changed"]);
      assert.match(live.s.stderr(), /revision 2: target group fn-tg: Lambda handler fn\.mjs changed/);
    } finally {
      await live.close();
    }
  });

  it("live reload: a file added to a bound bucket folder is served, and is no new revision (s3.md seeding)", async () => {
    const live = await startLive();
    try {
      const bucket = (live.s.ready.buckets as Record<string, { url: string }>)["live-site"]!;
      const url = new URL("/new.txt", bucket.url).href;
      await writeFile(join(live.dir, "site", "new.txt"), "fresh object");
      await until("the object is served", async () => (await curl(url, { ca: live.s.caPem, timeoutS: 5 })).status === 200);
      await assertServes(live, url, "fresh object", "the new object");
      // The bucket re-syncs 200 ms after the folder settles; give a revision the same time and more to show up.
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(live.events(), [], "no revision event");
      assert.doesNotMatch(live.s.stderr(), /revision 2/);
      // The watcher still works afterwards, and this edit is revision 2: the object made none.
      await writeFile(live.file, stringify(stackDoc({ behaviors: [behavior("/api/*", "api")] })));
      await until("the revision event", async () => live.events().length > 0);
      assert.equal(live.events()[0]!.revision, 2);
    } finally {
      await live.close();
    }
  });

  it("live reload: --no-watch leaves the served revision alone", async () => {
    const live = await startLive(["--no-watch"]);
    try {
      const url = new URL("/api/users", live.s.distribution("app").url).href;
      await writeFile(live.file, stringify(stackDoc({ behaviors: [behavior("/api/*", "api")] })));
      await new Promise((r) => setTimeout(r, 600));
      await assertServes(live, url, "origin web", "an edit under --no-watch");
      assert.deepEqual(live.events(), []);
    } finally {
      await live.close();
    }
  });
});
