// Installs the Debian packages the tests and benchmarks use, only when missing (as CI and a fresh
// developer machine start without them). Binaries are looked up at their Debian paths. Run from a
// terminal, it says exactly what it would install and asks first (issue 15);
// EDGEPARITY_INSTALL_DEPS=yes|no answers for it.
import { existsSync, readSync } from "node:fs";
import { spawnSync } from "node:child_process";

const PACKAGES = {
  chromium: "/usr/bin/chromium",
  awscli: "/usr/bin/aws",
  "nginx-light": "/usr/sbin/nginx",
  wrk: "/usr/bin/wrk",
  // h2load: the HTTP/2 load generator of the benchmark suite (bench/suite.ts).
  "nghttp2-client": "/usr/bin/h2load",
};

let updated = false;

export function ensureSystemDeps(names) {
  const missing = names.filter((n) => !existsSync(PACKAGES[n]));
  if (missing.length === 0) return;
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  const commands = [...(updated ? [] : [[...sudo, "apt-get", "update"]]), [...sudo, "apt-get", "install", "-y", "--no-install-recommends", ...missing]];
  console.log(`missing system packages: ${missing.map((n) => `${n} (${PACKAGES[n]})`).join(", ")}`);
  console.log(`to install them, edgeparity's test script runs:\n${commands.map((c) => `  ${c.join(" ")}`).join("\n")}`);
  if (!shouldInstall()) {
    console.log(`not installing; the tests that need ${missing.join(", ")} will fail until they are installed`);
    return;
  }
  const run = (args) => {
    const [cmd, ...rest] = args;
    const r = spawnSync(cmd, rest, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) throw new Error(`'${args.join(" ")}' failed (exit ${r.status}); install ${missing.join(" ")} by hand`);
  };
  for (const c of commands) run(c);
  updated = true;
}

/** The environment's answer, else a terminal's (y/N), else yes (CI and scripts install unattended). */
function shouldInstall() {
  const env = process.env.EDGEPARITY_INSTALL_DEPS?.toLowerCase();
  if (env === "yes" || env === "no") return env === "yes";
  if (!process.stdin.isTTY || !process.stdout.isTTY || process.env.CI) return true;
  process.stdout.write("install them now? [y/N] ");
  const buf = Buffer.alloc(64);
  let answer = "";
  try {
    answer = buf
      .subarray(0, readSync(0, buf, 0, buf.length, null))
      .toString()
      .trim()
      .toLowerCase();
  } catch {
    return false;
  }
  return answer === "y" || answer === "yes";
}
