import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/chromium.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";

/**
 * An HTTP API's CorsConfiguration as Debian's Chromium meets it, through the real CLI
 * (`edgeparity up`): a page on another origin sends a PUT with a custom header, so the browser
 * preflights it; API Gateway answers the preflight itself (apigateway.md §9.1). From an allowed
 * origin the PUT goes through and the exposed header is readable; from another origin the
 * preflight carries no CORS headers, the browser refuses, and the function never runs. To HTTPS
 * (h2) and plain HTTP (HTTP/1.1). The pages come from a real server on `app.localhost` and
 * `evil.localhost` (loopback, a secure context): Chromium's Local Network Access rules would
 * refuse a public origin's fetch to a loopback API before CORS is even consulted.
 */
const STACK = `
httpApis:
  web:
    CorsConfiguration:
      AllowOrigins: [APP_ORIGIN]
      AllowMethods: [GET, PUT]
      AllowHeaders: [x-custom, content-type]
      ExposeHeaders: [x-result]
      MaxAge: 0
    Routes:
      PUT /items/{id}: { Target: integrations/app }
    Integrations:
      app: { IntegrationType: AWS_PROXY, IntegrationUri: "arn:aws:lambda:us-east-1:123456789012:function:app", PayloadFormatVersion: "2.0" }
    Stages:
      $default: {}
local:
  functions:
    app: { handler: app.mjs, Environment: { Variables: { CALLS: CALLS_FILE } } }
  httpApis:
    web: { apiId: corsweb001 }
`;
// The function records every call it gets, so the test can tell a refused preflight from a refused response.
const APP = `import { appendFileSync } from "node:fs";
export const handler = async (event) => {
  appendFileSync(process.env.CALLS, event.headers.origin + " " + event.requestContext.http.method + " " + event.headers["x-custom"] + " " + event.requestContext.http.protocol + "\\n");
  return { statusCode: 200, headers: { "x-result": "stored-" + event.pathParameters.id, "access-control-allow-origin": "https://ignored.example" }, body: JSON.stringify({ got: event.body }) };
};
`;

describe("e2e Chromium: an HTTP API's CorsConfiguration with a preflighted PUT from another origin (apigateway.md §9.1)", () => {
  let work: string;
  let s: CliSession;
  let browser: Browser;
  let callsFile: string;
  let pages: Server;
  let pagePort: number;
  const consoleLines: string[] = [];
  const api = () => (s.ready["apis"] as Record<string, { url: string; httpUrl: string }>)["web"]!;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-apigw-cors-"));
    callsFile = join(work, "calls.log");
    await writeFile(callsFile, "");
    pages = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app</title>"));
    await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
    pagePort = (pages.address() as AddressInfo).port;
    await writeFile(join(work, "stack.yaml"), STACK.replace("CALLS_FILE", JSON.stringify(callsFile)).replace("APP_ORIGIN", `http://app.localhost:${pagePort}`));
    await writeFile(join(work, "app.mjs"), APP);
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
    browser = await launchChromium(s.ready["spkiHash"] as string);
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
    await new Promise((resolve) => pages?.close(resolve));
    await rm(work, { recursive: true, force: true });
  });

  /** A blank page from the page server as `<name>.localhost`, from which the test fetches the API. */
  async function pageAt(name: "app" | "evil"): Promise<Page> {
    const page = await browser.newPage();
    page.on("console", (m) => consoleLines.push(m.text()));
    await page.goto(`http://${name}.localhost:${pagePort}/index.html`);
    return page;
  }
  const putFrom = (page: Page, url: string) =>
    page.evaluate(async (u) => {
      try {
        const r = await fetch(u, { method: "PUT", headers: { "x-custom": "1", "content-type": "application/json" }, body: JSON.stringify({ n: 1 }) });
        return {
          ok: true,
          status: r.status,
          result: r.headers.get("x-result"),
          body: await r.text(),
        };
      } catch (e) {
        return { ok: false, error: String(e) };
      }
    }, url);

  for (const [scheme, expectProtocol] of [
    ["https", "HTTP/2.0"],
    ["http", "HTTP/1.1"],
  ] as const) {
    it(`allowed origin http://app.localhost: the preflight is answered, a PUT over ${scheme} succeeds, the exposed x-result is readable (${expectProtocol})`, async () => {
      const page = await pageAt("app");
      const base = scheme === "https" ? api().url : api().httpUrl;
      const r = await putFrom(page, new URL(`items/${scheme}`, base).href);
      assert.equal(r.ok, true, `${JSON.stringify(r)} ${consoleLines.join(" | ")}`);
      assert.equal(r.status, 200);
      assert.equal(r.result, `stored-${scheme}`, "ExposeHeaders lets the page read x-result");
      assert.equal(JSON.parse(r.body!).got, '{"n":1}');
      await page.close();
      assert.ok(
        (await readFile(callsFile, "utf8")).includes(`http://app.localhost:${pagePort} PUT 1 ${expectProtocol}\n`),
        `the function ran, over ${expectProtocol}: ${await readFile(callsFile, "utf8")}`,
      );
    });

    it(`disallowed origin http://evil.localhost: the browser refuses a PUT over ${scheme} after the preflight and the function never runs`, async () => {
      const before = await readFile(callsFile, "utf8");
      const page = await pageAt("evil");
      const base = scheme === "https" ? api().url : api().httpUrl;
      const r = await putFrom(page, new URL(`items/evil-${scheme}`, base).href);
      assert.equal(r.ok, false, JSON.stringify(r));
      assert.match(r.error!, /TypeError: Failed to fetch/);
      // The refusal is CORS's (the preflight had no Access-Control-Allow-Origin), not Local Network Access's.
      assert.ok(
        consoleLines.some((l) => l.includes(`items/evil-${scheme}`) && /No 'Access-Control-Allow-Origin' header/.test(l)),
        consoleLines.join(" | "),
      );
      await page.close();
      assert.equal(await readFile(callsFile, "utf8"), before, "no PUT reached the function");
    });
  }
});
