// Installs the Debian packages the tests and benchmarks use, only when missing (as CI and a fresh
// developer machine start without them). Binaries are looked up at their Debian paths.
import { existsSync } from "node:fs";
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
  console.log(`installing Debian packages: ${missing.join(" ")}`);
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    const r = spawnSync(cmd, rest, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) throw new Error(`'${args.join(" ")}' failed (exit ${r.status}); install ${missing.join(" ")} by hand`);
  };
  if (!updated) {
    run(["apt-get", "update"]);
    updated = true;
  }
  run(["apt-get", "install", "-y", "--no-install-recommends", ...missing]);
}
