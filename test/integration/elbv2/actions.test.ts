import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OriginServer } from "../../support/origin-server.js";
import { fixed, forward, HTTP80, namedTargets, startAlb, tg, type AlbHarness } from "./alb-harness.js";

const path = (p: string) => [{ Field: "path-pattern", PathPatternConfig: { Values: [p] } }];
const redirect = (cfg: Record<string, string>) => ({ Type: "redirect", RedirectConfig: { StatusCode: "HTTP_301", ...cfg } });

describe("actions: fixed-response, redirect, weighted forward (alb.md §3)", () => {
  let alb: AlbHarness;
  let blue: OriginServer;
  let green: OriginServer;
  before(async () => {
    [blue, green] = (await namedTargets("blue", "green")) as [OriginServer, OriginServer];
    alb = await startAlb({
      targetGroups: [tg("blue"), tg("green")],
      targets: { blue: [blue.url], green: [green.url] },
      listeners: [
        HTTP80(
          [fixed("503", '{"down":true}', "application/json")],
          [
            { Priority: 1, Conditions: path("/empty"), Actions: [fixed("204")] },
            { Priority: 2, Conditions: path("/old/*"), Actions: [redirect({ Protocol: "HTTPS", Path: "/new/#{path}", Query: "#{query}&from=#{host}" })] },
            { Priority: 3, Conditions: path("/tmp"), Actions: [{ Type: "redirect", RedirectConfig: { Host: "other.example.com", StatusCode: "HTTP_302" } }] },
            {
              Priority: 4,
              Conditions: path("/split"),
              Actions: [
                {
                  Type: "forward",
                  ForwardConfig: {
                    TargetGroups: [
                      { TargetGroupArn: "blue", Weight: 1 },
                      { TargetGroupArn: "green", Weight: 0 },
                    ],
                  },
                },
              ],
            },
            {
              Priority: 5,
              Conditions: path("/sticky"),
              Actions: [
                {
                  Type: "forward",
                  ForwardConfig: {
                    TargetGroups: [
                      { TargetGroupArn: "blue", Weight: 50 },
                      { TargetGroupArn: "green", Weight: 50 },
                    ],
                    TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
                  },
                },
              ],
            },
            {
              Priority: 6,
              Conditions: path("/green"),
              Actions: [forward("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/0123456789abcdef")],
            },
          ],
        ),
      ],
    });
  });
  after(async () => {
    await alb.close();
    await Promise.all([blue.close(), green.close()]);
  });

  it("fixed-response: status, body, Content-Type with charset, Server awselb/2.0 (alb.md §3.3)", async () => {
    const r = await alb.send("/nope");
    assert.equal(r.status, 503);
    assert.equal(r.text, '{"down":true}');
    assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(r.headers["server"], "awselb/2.0");
    const e = await alb.send("/empty");
    assert.equal(e.status, 204);
    assert.equal(e.body.length, 0);
    assert.equal(alb.stack.loadBalancers["alb"]!.metrics()["HTTP_Fixed_Response_Count"], 2);
  });
  it("redirect: #{path} drops the leading slash, #{host}/#{query} substitute, Location has an explicit port, 301 page is 134 bytes (alb.md §3.2)", async () => {
    const r = await alb.send("/old/a/b?x=1", { headers: { host: "shop.example.com" } });
    assert.equal(r.status, 301);
    assert.equal(r.headers["location"], "https://shop.example.com:80/new/old/a/b?x=1&from=shop.example.com");
    assert.equal(r.headers["server"], "awselb/2.0");
    assert.equal(r.headers["content-type"], "text/html");
    assert.equal(r.body.length, 134);
    assert.match(r.text, /<title>301 Moved Permanently<\/title>/);
  });
  it("redirect: unmodified components keep the original values; HTTP_302 → 302 Found (alb.md §3.2)", async () => {
    const r = await alb.send("/tmp?q=2", { headers: { host: "a.example.com" } });
    assert.equal(r.status, 302);
    assert.equal(r.headers["location"], "http://other.example.com:80/tmp?q=2");
    assert.match(r.text, /302 Found/);
  });
  it("forward: weight 0 receives nothing; TargetGroupArn may be a full ARN (alb.md §3.1)", async () => {
    for (let i = 0; i < 10; i++) assert.equal((await alb.send("/split")).text, "blue");
    assert.equal((await alb.send("/green")).text, "green");
  });
  it("forward: group stickiness sets AWSALBTG/AWSALBTGCORS and keeps the client on its group (alb.md §3.1)", async () => {
    const first = await alb.send("/sticky");
    const cookies = first.headers["set-cookie"] as string[];
    const tgCookie = cookies.find((c) => c.startsWith("AWSALBTG="))!;
    assert.ok(tgCookie);
    assert.ok(cookies.some((c) => c.startsWith("AWSALBTGCORS=") && c.endsWith("; Path=/; SameSite=None; Secure")));
    const value = tgCookie.split(";")[0]!;
    for (let i = 0; i < 8; i++) assert.equal((await alb.send("/sticky", { headers: { cookie: value } })).text, first.text);
  });
});
