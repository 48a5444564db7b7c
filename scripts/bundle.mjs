// `npm run build`, second step (after `tsc -p tsconfig.build.json`, which writes dist/ and the
// library API's types): bundles the CLI into dist/cli/main.js, the `edgeparity` bin, replacing
// tsc's file of that name. Node's ESM loader costs about 1 ms per module, and the CLI loads ~400
// (ours and the dependencies'); one bundle plus a few chunks loaded on first use (code that only
// some stacks need: importers, CloudFront Functions' parser, Lambda) halves the time to
// the first answer (issue 14: cold start; the numbers are in bench/README.md). The Lambda runtime's
// worker entry is bundled beside it (dist/cli/bootstrap.js, which execution-environment.ts finds
// next to the module that starts it). The library API (dist/index.js) stays unbundled.
import { build } from "esbuild";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
// `--outdir DIR` (a test's build); two levels under the package root, as dist/cli, because the CLI
// finds package.json and demo/ at `../../` from its own file.
const { values } = parseArgs({ options: { outdir: { type: "string" } } });
const outdir = values.outdir ? resolve(values.outdir) : `${root}dist/cli`;
mkdirSync(outdir, { recursive: true });
// Chunks sit beside the entries (so `new URL("./bootstrap.js", import.meta.url)` finds the worker from any
// of them); the previous build's are removed first.
for (const f of readdirSync(outdir, { withFileTypes: true }).filter((e) => e.name.startsWith("chunk-"))) rmSync(`${outdir}/${f.name}`);
await build({
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts", bootstrap: "src/services/lambda/environment/bootstrap.ts" },
  outdir,
  chunkNames: "chunk-[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  // The dependencies written as CommonJS call require(): an ES module has none, so the bundle makes one.
  banner: { js: 'import { createRequire as __edgeparityCreateRequire } from "node:module";\nconst require = __edgeparityCreateRequire(import.meta.url);' },
  legalComments: "linked",
  // Without comments (some carry non-ASCII characters, which make V8 hold the whole source as UTF-16:
  // 3 MB of heap instead of 1.5). Names are kept, so stack traces still read; main.js.map maps them back.
  minifyWhitespace: true,
  logLevel: "warning",
});
