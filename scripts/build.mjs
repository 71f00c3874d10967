/**
 * `npm run build` (and `prepare`, so an install from git builds too): the package's JavaScript.
 *
 * 1. tsc compiles src/ to dist/ as ES modules with their .d.ts, one file per source file: the
 *    entries `gilsim`, `gilsim/charts`, `gilsim/real` and `gilsim/sweep` (package.json exports),
 *    and dist/sweep/worker.js, which sweep workers run.
 * 2. The Python scripts of the real runner and of the recorder are copied beside their modules
 *    (dist/real/, dist/capture/py/).
 * 3. esbuild bundles the CLI into dist/bin/: one module for start-up (commander, zod and the model
 *    in one file, not a hundred), plus chunks loaded on demand (the figures of `compare`, `sweep`
 *    and `merge`). The renderers (jsdom, Plot, resvg) stay external and load only in those chunks.
 *
 * Plain node, no tsx: it runs where only the devDependencies are installed. Writes into a fresh
 * dist.tmp, then swaps it in, so a failed build leaves the last good dist/ in place.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tmp = join(root, "dist.tmp");
const out = join(root, "dist");
const require = createRequire(import.meta.url);

rmSync(tmp, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", tmp], {
  cwd: root,
  stdio: "inherit",
});

for (const name of readdirSync(join(root, "src/real"))) {
  if (name.endsWith(".py")) copyFileSync(join(root, "src/real", name), join(tmp, "real", name));
}
// The recorder of `gilsim record`, loaded by Python from this folder (sitecustomize.py).
mkdirSync(join(tmp, "capture", "py"), { recursive: true });
for (const name of readdirSync(join(root, "src/capture/py"))) {
  if (name.endsWith(".py")) copyFileSync(join(root, "src/capture/py", name), join(tmp, "capture", "py", name));
}

/**
 * zod's namespace object re-exports every message locale (`z.locales`), 1.6 MB of source the CLI
 * never uses (zod's default English messages are imported on their own). In the CLI bundle that
 * re-export gets English alone, so start-up parses a third of the code.
 */
const englishLocaleOnly = {
  name: "zod-english-locale-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), "../locales/en.js") }
        : undefined,
    );
  },
};

const esbuild = require("esbuild");
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { gilsim: "src/cli/main.ts" },
  outdir: join(tmp, "bin"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Node-only renderers and build tools: never bundled, loaded (if ever) by the chunks that draw.
  external: ["jsdom", "@resvg/resvg-js", "@observablehq/plot", "d3-scale", "esbuild", "tsx"],
  // A bundled CommonJS module (commander, hdr-histogram-js) may call require for node builtins.
  banner: {
    js: 'import { createRequire as __gilsimRequire } from "node:module"; const require = __gilsimRequire(import.meta.url);',
  },
  // Chunks beside the entry: modules that find files relative to themselves (../real/harness.py,
  // ../../package.json) sit at the same depth in src/, dist/ and dist/bin/.
  chunkNames: "[name]-[hash]",
  plugins: [englishLocaleOnly],
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});

if (existsSync(out)) rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
