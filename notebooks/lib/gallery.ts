import { join } from "node:path";
import { writeFileAtomic } from "../../src/io/atomic.js";
import { escapeHtml, inline, PAGE_STYLE } from "./html.js";
import type { Notebook } from "./notebook.js";

/**
 * Writes <root>/index.html: every notebook with its question, the claim it judges, the verdict
 * and the finding, then its figures at full width, each with its SVG, PNG and data to download.
 */
export async function writeGallery(root: string, notebooks: readonly Notebook[]): Promise<void> {
  const items = notebooks
    .map((nb) => {
      const m = nb.meta;
      const figures = nb.files
        .filter((f) => f.endsWith(".svg"))
        .map((f) => {
          const base = f.replace(/\.svg$/, "");
          const alt = nb.altText(base.slice(m.id.length + 1)) ?? base;
          return `<figure>
<a href="${m.id}/index.html#${escapeHtml(base.slice(m.id.length + 1))}"><img src="${f}" alt="${escapeHtml(alt)}" loading="lazy"></a>
<figcaption class="downloads">Download: <a href="${f}" download>SVG</a><a href="${base}.png" download>PNG (2x)</a><a href="${base}.json" download>data (JSON)</a></figcaption>
</figure>`;
        })
        .join("\n");
      const verdict = nb.verdictWord
        ? `<strong>Verdict: <span class="verdict">${nb.verdictWord}</span>.</strong> `
        : "<strong>What the simulation finds.</strong> ";
      return `<section>
<h2><a href="${m.id}/index.html">${escapeHtml(m.title)}</a></h2>
<p><strong>Question.</strong> ${inline(m.question)}</p>
<p class="claim"><strong>The claim.</strong> ${inline(m.claim)}</p>
<p class="finding">${verdict}${inline(nb.summary)}</p>
${figures}
</section>`;
    })
    .join("\n");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>gilsim notebooks</title>
<style>${PAGE_STYLE}
@media print { section { break-before: page; } section:first-of-type { break-before: auto; } }
</style>
</head>
<body>
<h1>gilsim notebooks</h1>
<p>Each notebook tests a piece of the classic advice on Python concurrency against a deterministic
simulation of CPython's GIL, event loop and executors. Every number and every comparative word is
computed by the notebook.</p>
<p class="finding"><a href="explore/index.html"><strong>Explore</strong></a>: turn the knobs yourself. One page,
nothing to install: the simulator runs in your browser, with the thread timeline, p99 and the GIL's events.</p>
${items}
</body>
</html>
`;
  await writeFileAtomic(join(root, "index.html"), html);
}
