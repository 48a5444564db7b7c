import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { startEdgeparity, type EdgeparityStack } from "../../src/index.js";
import { launchChromium } from "../support/chromium.js";

const DEMO = fileURLToPath(new URL("../../demo/stack.yaml", import.meta.url));

describe("e2e: the demo SPA in Debian's Chromium over HTTPS (HTTP/2)", () => {
  let stack: EdgeparityStack;
  let browser: Browser;
  before(async () => {
    stack = await startEdgeparity({ config: DEMO });
    browser = await launchChromium(stack.spkiHash);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("e2e: the page loads from S3 through CloudFront and renders the API response fetched same-origin from the ALB", async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on("requestfailed", (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    const response = await page.goto(stack.distributions.demo!.url);
    assert.equal(response?.status(), 200);
    assert.equal(response?.headers()["x-cache"] !== undefined, true);
    assert.ok((await response?.headerValue("via"))?.endsWith("cloudfront.net (CloudFront)"));
    const result = page.locator("#api-result[data-status]");
    await result.waitFor({ timeout: 10_000 });
    assert.equal(await result.getAttribute("data-status"), "200");
    const text = await result.textContent();
    assert.match(text ?? "", /200 Hello from the API behind the ALB/);
    // The API saw CloudFront → ALB over HTTP (OriginProtocolPolicy http-only) while the page is HTTPS: no mixed content.
    assert.match(text ?? "", /forwarded proto: http/);
    assert.deepEqual(failed, []);
    const protocol = await page.evaluate(() => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).nextHopProtocol);
    assert.equal(protocol, "h2");
  });

  it("e2e: a deep link is answered by the SPA fallback (403 → /index.html, 200) and the app routes client-side", async () => {
    const page = await browser.newPage();
    const response = await page.goto(new URL("/settings/profile", stack.distributions.demo!.url).href);
    assert.equal(response?.status(), 200);
    await page.locator("#route-path").filter({ hasText: "/settings/profile" }).waitFor({ timeout: 10_000 });
  });

  it("e2e: http:// is redirected to https:// by redirect-to-https (301)", async () => {
    const page = await browser.newPage();
    const response = await page.goto(stack.distributions.demo!.httpUrl);
    assert.equal(new URL(page.url()).protocol, "https:");
    assert.equal(response?.request().redirectedFrom()?.response() !== null, true);
    assert.equal((await response?.request().redirectedFrom()?.response())?.status(), 301);
  });
});
