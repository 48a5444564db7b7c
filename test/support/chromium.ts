import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium through playwright-core (never a downloaded browser), trusting one stack's certificate key. */
export async function launchChromium(spkiHash: string): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--ignore-certificate-errors-spki-list=${spkiHash}`,
    ],
  });
}
