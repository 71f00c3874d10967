import { join } from "node:path";
import { writeFileAtomic } from "../../src/io/atomic.js";
import { escapeHtml, inline, PAGE_STYLE } from "./html.js";
import type { Notebook } from "./notebook.js";

/** Writes <root>/index.html: every notebook with its question, its finding and its figures. */
export async function writeGallery(root: string, notebooks: readonly Notebook[]): Promise<void> {
  const items = notebooks
    .map((nb) => {
      const m = nb.meta;
      const figures = nb.files
        .filter((f) => f.endsWith(".svg"))
        .map((f) => `<a href="${f}"><img src="${f}" alt="${escapeHtml(f)}" style="width:30%;margin:.3rem"></a>`)
        .join("");
      return `<section>
<h2><a href="${m.id}/index.html">${escapeHtml(m.title)}</a></h2>
<p><strong>Question.</strong> ${inline(m.question)}</p>
<p class="finding">${inline(nb.summary)}</p>
<div>${figures}</div>
</section>`;
    })
    .join("\n");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>gilsim notebooks</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>gilsim notebooks</h1>
<p>Each notebook tests a piece of the classic advice on Python concurrency against a deterministic
simulation of CPython's GIL, event loop and executors. Every number is computed by the notebook.</p>
<p class="finding"><a href="explore/index.html"><strong>Explore</strong></a>: turn the knobs yourself. One page,
nothing to install: the simulator runs in your browser, with the thread timeline, p99 and the GIL's events.</p>
${items}
</body>
</html>
`;
  await writeFileAtomic(join(root, "index.html"), html);
}
