/**
 * Type test of the public test API (issue 15), compiled under `strict` by `npm run check`'s
 * typecheck (tsconfig includes test/); never run. Each `@ts-expect-error` must still be an error,
 * or tsc fails on the unused directive.
 */
import { defineStack, EdgeparityError, startEdgeparity, type ManualClock } from "../../src/index.js";

export async function typeTest(): Promise<void> {
  const stack = await startEdgeparity({
    config: {
      buckets: { "site-files": {} },
      targetGroups: [{ Name: "web-app", Protocol: "HTTP", Port: 80, TargetType: "ip" }],
      loadBalancers: [{ Name: "web-alb", Listeners: [{ Protocol: "HTTP", Port: 80, DefaultActions: [{ Type: "forward", TargetGroupArn: "web-app" }] }] }],
      distributions: {
        web: {
          Origins: { Items: [{ Id: "site", DomainName: "site-files.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
          DefaultCacheBehavior: { TargetOriginId: "site", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        },
      },
      local: { targetGroups: { "web-app": { targets: ["http://127.0.0.1:3000"] } } },
    },
    clock: "manual",
  });
  // clock: "manual" → a ManualClock: advance() is callable without `!` under strict.
  stack.clock.advance(60_000);
  const clock: ManualClock = stack.clock;
  void clock;
  // No `log` given → a MemoryLog whose lines are visible.
  const first: string | undefined = stack.log.lines[0]?.message;
  void first;
  // Endpoint maps are keyed by the stack's own names.
  const url: string = stack.distributions.web.url;
  const lb: string = stack.loadBalancers["web-alb"].httpUrl;
  const folder: string = stack.buckets["site-files"].folder;
  void [url, lb, folder, stack.targetGroups["web-app"]];
  // @ts-expect-error — `app` is not a distribution of this stack
  void stack.distributions.app;
  // @ts-expect-error — `web-alb2` is not a load balancer of this stack
  void stack.loadBalancers["web-alb2"];
  // Traces are typed.
  const kinds: string[] | undefined = stack.lastTrace()?.events.map((e) => e.kind);
  void kinds;

  await startEdgeparity({
    config: {
      distributions: {
        web: {
          Origins: { Items: [{ Id: "site", DomainName: "site.example.com" }] },
          // @ts-expect-error — a misspelt field is refused in the editor, not only at load
          DefaultCacheBehavior: { TargetOriginId: "site", ViewerProtocolPolice: "allow-all" },
        },
      },
    },
  });

  // A file config: names are known only at run time, so any string keys the maps.
  const fromFile = await startEdgeparity({ config: "edgeparity.yaml" });
  void fromFile.distributions["anything"]?.url;
  // @ts-expect-error — without clock: "manual" advance() may be absent
  fromFile.clock.advance(1);

  // A stack written apart keeps its names with defineStack().
  const shared = defineStack({ buckets: { assets: {} } });
  const s2 = await startEdgeparity({ config: shared });
  void s2.buckets.assets.folder;

  // Error codes are in the name: `EdgeparityError[NoSuchCachePolicy]`.
  const e = new EdgeparityError("STACK_INVALID", "x", { awsCode: "NoSuchCachePolicy" });
  const name: `EdgeparityError[${string}]` = e.name;
  void name;
}
