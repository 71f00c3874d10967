/**
 * Builds the explorable page, output/explore/index.html (or <GILSIM_OUTPUT>/explore): one
 * self-contained HTML file with its script and style inline, nothing fetched at run time, so it
 * opens from file:// or any static host. `npm run explore` runs this; `npm start` calls it too.
 *
 * One esbuild bundle for the browser (the plugin below swaps the charts' JSDOM document for the
 * page's own), inlined into src/explore/page.html; the page starts its workers from the same
 * script's text.
 */
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { writeFileAtomic } from "../src/io/atomic.js";

const SOURCE = fileURLToPath(new URL("../src/explore/", import.meta.url));
const MODEL = fileURLToPath(new URL("../src/model", import.meta.url));
const CHARTS = fileURLToPath(new URL("../src/charts", import.meta.url));

/**
 * The charts draw into src/charts/document.ts's JSDOM document in Node; in the page they draw into
 * document-browser.ts's, from the page's own DOM. A plugin rather than a package.json "browser"
 * field: the package ships dist/ alone, whose exports are Node entries, so such a field would name
 * files a user's install does not have. (Without it the build fails: jsdom needs Node's modules.)
 */
const browserDocument: Plugin = {
  name: "gilsim-browser-document",
  setup(b) {
    b.onResolve({ filter: /^\.\/document\.js$/ }, (args) =>
      dirname(args.importer) === CHARTS && !args.importer.endsWith("document-browser.ts")
        ? { path: join(CHARTS, "document-browser.ts") }
        : undefined,
    );
    // The run budget's heap limit: node:v8 in Node, the browser's own figure in the page.
    b.onResolve({ filter: /^\.\/heap\.js$/ }, (args) =>
      dirname(args.importer) === MODEL ? { path: join(MODEL, "heap-browser.ts") } : undefined,
    );
  },
};

async function bundle(entry: string, minify: boolean): Promise<string> {
  const result = await build({
    entryPoints: [join(SOURCE, entry)],
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    target: ["es2022"],
    minify,
    charset: "utf8",
    logLevel: "silent",
    plugins: [browserDocument],
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild wrote nothing for ${entry}`);
  return file.text;
}

/**
 * The page's HTML: the template with its style and script inline. `minify: false` keeps the
 * functions' names, for a CPU profile (scripts/profile-explore.ts); the page itself is minified.
 */
export async function explorePage(options: { minify?: boolean } = {}): Promise<string> {
  const script = await bundle("main.ts", options.minify ?? true);
  const [template, style] = await Promise.all([
    readFile(join(SOURCE, "page.html"), "utf8"),
    readFile(join(SOURCE, "style.css"), "utf8"),
  ]);
  // "</script" inside the code would end the inline script early; "<\/script" means the same in JS.
  const safe = script.replace(/<\/script/gi, "<\\/script");
  const [head, rest] = template.split("/*STYLE*/");
  const [middle, tail] = (rest ?? "").split("/*SCRIPT*/");
  if (head === undefined || middle === undefined || tail === undefined) {
    throw new Error("src/explore/page.html lacks its /*STYLE*/ or /*SCRIPT*/ slot");
  }
  return `${head}${style}${middle}${safe}${tail}`;
}

/** Writes <root>/explore/index.html and returns its path. */
export async function buildExplore(root: string, options: { minify?: boolean } = {}): Promise<string> {
  const path = join(root, "explore", "index.html");
  await writeFileAtomic(path, await explorePage(options));
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outputRoot } = await import("../notebooks/lib/notebook.js");
  const path = await buildExplore(outputRoot());
  process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
}
