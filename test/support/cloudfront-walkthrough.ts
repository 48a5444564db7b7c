import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { awsCli, type AwsCli } from "./aws-cli.js";
import { startCliSession, type CliSession } from "./cli-session.js";
import { curl, type CurlReply, type HttpVersion } from "./curl-matrix.js";
import { startOrigin, type OriginServer } from "./origin-server.js";

/**
 * The classic CloudFront walk-through's setup against `edgeparity up` (issue 11 "Proof"): a stack
 * file holding only a `local.origins` binding (for a custom origin added later), then through the
 * AWS CLI `s3 mb`, `s3 cp`, a public-read bucket policy (the origin has no OAC, as in the classic
 * tutorial) and `cloudfront create-distribution` from a DistributionConfig file with legacy
 * ForwardedValues.
 */
export const WALKTHROUGH_CONFIG = {
  CallerReference: "walkthrough-1",
  Comment: "classic walk-through",
  Enabled: true,
  DefaultRootObject: "index.html",
  Origins: { Quantity: 1, Items: [{ Id: "site-s3", DomainName: "site.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
  DefaultCacheBehavior: {
    TargetOriginId: "site-s3",
    ViewerProtocolPolicy: "allow-all",
    ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
    MinTTL: 0,
    DefaultTTL: 86400,
    MaxTTL: 31536000,
  },
};

const PUBLIC_READ = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }],
});

export interface Walkthrough {
  work: string;
  state: string;
  /** The folder holding edgeparity.yaml. */
  stackDir: string;
  session(): CliSession;
  aws: AwsCli;
  origin: OriginServer;
  /** What create-distribution answered. */
  created: { Location: string; ETag: string; Distribution: { Id: string; DomainName: string; Status: string } };
  /** (Re)starts `edgeparity up --config <config>` on the same state dir. */
  restart(config?: string): Promise<void>;
  /** curl on the distribution's domain: `http://` for HTTP/1.1, `https://` for HTTP/2. */
  get(path: string, http: HttpVersion): Promise<CurlReply>;
  close(): Promise<void>;
}

/** `objects: false` skips `s3 cp` and the bucket policy, for a suite that never reads the bucket's objects. */
export async function startWalkthrough(o: { objects?: boolean } = {}): Promise<Walkthrough> {
  const work = await mkdtemp(join(tmpdir(), "ep-e2e-cfapi-"));
  const state = join(work, "state");
  const stackDir = join(work, "stack");
  const origin = await startOrigin((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ api: req.url }));
  });
  await mkdir(join(work, "site"), { recursive: true });
  await mkdir(stackDir);
  await writeFile(join(stackDir, "edgeparity.yaml"), `local:\n  origins:\n    api.example.com: ${origin.url}\n`);
  await writeFile(join(work, "site", "index.html"), "<h1>walk-through</h1>\n");
  await writeFile(join(work, "site", "page.html"), "<p>page</p>\n");
  await writeFile(join(work, "dc.json"), JSON.stringify(WALKTHROUGH_CONFIG));
  let s: CliSession | undefined;
  const restart = async (config = stackDir) => {
    await s?.stop();
    s = await startCliSession(["--config", config, "--state-dir", state, "--no-watch"]);
  };
  await restart();
  const aws = await awsCli(() => `http://localhost:${s!.ready.httpPort as number}`);
  await aws("s3", "mb", "s3://site");
  if (o.objects !== false) {
    await aws("s3", "cp", join(work, "site"), "s3://site/", "--recursive");
    await aws("s3api", "put-bucket-policy", "--bucket", "site", "--policy", PUBLIC_READ);
  }
  const created = JSON.parse(
    await aws("cloudfront", "create-distribution", "--distribution-config", `file://${join(work, "dc.json")}`),
  ) as Walkthrough["created"];
  const domain = created.Distribution.DomainName;
  return {
    work,
    state,
    stackDir,
    session: () => s!,
    aws,
    origin,
    created,
    restart,
    get(path, http) {
      const r = s!.ready as { httpPort: number; httpsPort: number };
      const url = http === "--http2" ? `https://${domain}:${r.httpsPort}${path}` : `http://${domain}:${r.httpPort}${path}`;
      return curl(url, http, { caPath: s!.caPath });
    },
    async close() {
      await s?.stop();
      await aws.cleanup();
      await origin.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
