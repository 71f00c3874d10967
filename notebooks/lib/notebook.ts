import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { svgToPng } from "../../src/charts/png.js";
import type { Figure } from "../../src/charts/types.js";
import { writeFileAtomic } from "../../src/io/atomic.js";
import { escapeHtml, inline, PAGE_STYLE } from "./html.js";
import { type Comparison, compare, type Sense, type Verdict, type Words } from "./words.js";

/** What a notebook states before it does any work. */
export interface NotebookMeta {
  /** File name without .ts; also the output folder. */
  id: string;
  title: string;
  /** The question it answers. */
  question: string;
  /** The piece of classic advice it tests. */
  claim: string;
  seed: number;
}

type Block =
  | { kind: "text"; html: string }
  | { kind: "heading"; text: string }
  | { kind: "finding"; html: string; verdict: Verdict | null }
  | { kind: "table"; head: string[]; rows: string[][] }
  | { kind: "figure"; name: string; caption: string; alt: string; width: number; captionInFigure: boolean };

/** The folder notebooks write into: $GILSIM_OUTPUT, or output/ at the repository root. */
export function outputRoot(): string {
  return resolve(process.env.GILSIM_OUTPUT ?? join(import.meta.dirname, "..", "..", "output"));
}

/**
 * A notebook's page in the making: narrative, tables and figures, written to
 * <root>/<id>/index.html with each figure as .svg, .png (2x) and the data behind it as .json.
 */
export class Notebook {
  private readonly blocks: Block[] = [];
  private readonly dir: string;
  /** Files written, relative to the output root. */
  readonly files: string[] = [];
  summary = "";
  /** The verdict on the notebook's claim, when it gives one (see `verdict`). */
  verdictWord: Verdict | null = null;
  /** Every comparison the narrative states, written to claims.json for the wording test. */
  readonly comparisons: Comparison[] = [];

  constructor(
    readonly meta: NotebookMeta,
    readonly root = outputRoot(),
  ) {
    this.dir = join(root, meta.id);
  }

  heading(text: string): void {
    this.blocks.push({ kind: "heading", text });
  }

  /** A paragraph; numbers in it must come from the run, never typed in. */
  text(paragraph: string): void {
    this.blocks.push({ kind: "text", html: inline(paragraph) });
  }

  /** What the simulation finds about the claim. The first finding is the notebook's summary. */
  finding(paragraph: string): void {
    if (!this.summary) this.summary = paragraph;
    this.blocks.push({ kind: "finding", html: inline(paragraph), verdict: null });
  }

  /** The verdict on the claim (computed, see words.ts) and the finding that argues it; it becomes the summary. */
  verdict(word: Verdict, paragraph: string): void {
    if (this.verdictWord !== null) throw new Error(`${this.meta.id}: a notebook gives one verdict`);
    this.verdictWord = word;
    this.summary = paragraph;
    this.blocks.push({ kind: "finding", html: inline(paragraph), verdict: word });
  }

  /**
   * The phrase comparing `value` with `reference` ("much worse than", "hardly better than"...),
   * recorded so a test can check the words against the numbers. `sense`: which way is better;
   * `words`: what to say instead of "better"/"worse" (TIME_WORDS: "shorter"/"longer").
   */
  compare(what: string, value: number, reference: number, sense: Sense, words?: Words): string {
    const c = compare(what, value, reference, sense, words);
    this.comparisons.push(c);
    return c.phrase;
  }

  table(head: string[], rows: (string | number)[][]): void {
    this.blocks.push({ kind: "table", head, rows: rows.map((r) => r.map(String)) });
  }

  /**
   * Writes the figure as SVG and PNG, and the data behind it as JSON. Its alt text is its title
   * followed by `conclusion` (what the reader should take from it, computed like the title).
   */
  async figure(name: string, figure: Figure, caption: string, data: unknown, conclusion = ""): Promise<void> {
    if (!/^[a-z0-9-]+$/.test(name))
      throw new RangeError(`invalid figure name: ${name} (expected lowercase words and dashes)`);
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, `${name}.svg`), figure.svg);
    await writeFileAtomic(join(this.dir, `${name}.png`), svgToPng(figure.svg));
    await writeFileAtomic(join(this.dir, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
    this.files.push(`${this.meta.id}/${name}.svg`, `${this.meta.id}/${name}.png`, `${this.meta.id}/${name}.json`);
    const alt = conclusion ? `${figure.title}. ${conclusion}` : figure.title;
    this.blocks.push({
      kind: "figure",
      name,
      caption,
      alt,
      width: figure.width,
      // A chart may append a note of its own (markers it moved apart): the caption is still in it.
      captionInFigure: figure.caption?.startsWith(caption) === true,
    });
  }

  /** The alt text of the figure called `name`, if the notebook wrote one. */
  altText(name: string): string | undefined {
    for (const b of this.blocks) if (b.kind === "figure" && b.name === name) return b.alt;
    return undefined;
  }

  /** Writes index.html. */
  async write(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const m = this.meta;
    const body = this.blocks.map((b) => render(b)).join("\n");
    const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${escapeHtml(m.title)} · gilsim</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<p class="meta"><a href="../index.html">gilsim notebooks</a> · <code>notebooks/${escapeHtml(m.id)}.ts</code> · seed ${m.seed}</p>
<h1>${escapeHtml(m.title)}</h1>
<p><strong>Question.</strong> ${inline(m.question)}</p>
<p class="claim"><strong>The classic advice.</strong> ${inline(m.claim)}</p>
${body}
</body>
</html>
`;
    await writeFileAtomic(join(this.dir, "index.html"), html);
    const claims = { claim: m.claim, verdict: this.verdictWord, comparisons: this.comparisons };
    await writeFileAtomic(join(this.dir, "claims.json"), `${JSON.stringify(claims, null, 2)}\n`);
    this.files.push(`${m.id}/index.html`, `${m.id}/claims.json`);
  }
}

function render(b: Block): string {
  switch (b.kind) {
    case "heading":
      return `<h2>${escapeHtml(b.text)}</h2>`;
    case "text":
      return `<p>${b.html}</p>`;
    case "finding":
      return b.verdict === null
        ? `<p class="finding"><strong>What the simulation finds.</strong> ${b.html}</p>`
        : `<p class="finding"><strong>What the simulation finds: <span class="verdict">${b.verdict}</span>.</strong> ${b.html}</p>`;
    case "table": {
      const head = `<tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
      const rows = b.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
      return `<table>\n${head}\n${rows}\n</table>`;
    }
    case "figure":
      return `<figure id="${b.name}">
<img src="${b.name}.svg" alt="${escapeHtml(b.alt)}" width="${b.width}">
<figcaption>${b.captionInFigure ? "" : `${inline(b.caption)}<br>`}<span class="downloads">Download: <a href="${b.name}.svg" download>SVG</a><a href="${b.name}.png" download>PNG (2x)</a><a href="${b.name}.json" download>data (JSON)</a></span></figcaption>
</figure>`;
  }
}

/** A notebook module: its metadata and the work. */
export interface NotebookModule {
  meta: NotebookMeta;
  run(nb: Notebook): Promise<void>;
}

/** Runs one notebook into `root` and writes its page. */
export async function runNotebook(mod: NotebookModule, root = outputRoot()): Promise<Notebook> {
  const nb = new Notebook(mod.meta, root);
  await mod.run(nb);
  await nb.write();
  return nb;
}

/** For `npx tsx notebooks/NAME.ts`: run this notebook when the file is the entry point. */
export async function runIfMain(url: string, mod: NotebookModule): Promise<void> {
  const entry = process.argv[1] ? resolve(process.argv[1]) : "";
  if (entry !== new URL(url).pathname) return;
  try {
    const nb = await runNotebook(mod);
    process.stderr.write(`wrote ${join(nb.root, mod.meta.id, "index.html")}\n`);
  } catch (error) {
    process.stderr.write(`gilsim: notebook ${mod.meta.id} failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
