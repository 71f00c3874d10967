import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Comparison } from "../../notebooks/lib/words.js";
import { NOTEBOOKS } from "../../notebooks/registry.js";
import { CHROMIUM_ARGS, chromiumPath } from "../chromium.js";
import { batchStdout, listFiles, read, runBatch } from "./batch.js";
import {
  ALLOWED,
  allowedIn,
  altBeyondTitle,
  checkComparison,
  figureAlts,
  handTypedIn,
  pageStatements,
  svgTexts,
  type Text,
} from "./wording.js";

// Two batch runs side by side (2 cores): every notebook must write its page, figures and data,
// and the two output folders must be byte-identical.
let first = "";
let second = "";

beforeAll(async () => {
  [first, second] = await Promise.all([runBatch("a"), runBatch("b")]);
}, 600_000);

afterAll(() => {
  for (const dir of [first, second]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the notebook batch (npm start)", () => {
  it("prints one summary line when piped: what it wrote, where and how long it took", () => {
    for (const dir of [first, second]) {
      const out = batchStdout.get(dir) ?? "";
      expect(out).toMatch(
        new RegExp(
          `^npm start: ${NOTEBOOKS.length} of ${NOTEBOOKS.length} notebooks and the explore page written to \\S+/ in \\d+\\.\\ds; open \\S+index\\.html\\n$`,
        ),
      );
    }
  });

  it("writes every notebook's page with its figures as SVG, PNG and the data as JSON", () => {
    const files = listFiles(first);
    expect(files).toContain("index.html");
    for (const nb of NOTEBOOKS) {
      const id = nb.meta.id;
      expect(files).toContain(`${id}/index.html`);
      const svgs = files.filter((f) => f.startsWith(`${id}/`) && f.endsWith(".svg"));
      expect(svgs.length, `${id} has figures`).toBeGreaterThan(0);
      for (const svg of svgs) {
        const base = svg.replace(/\.svg$/, "");
        expect(files).toContain(`${base}.png`);
        expect(files).toContain(`${base}.json`);
        const text = read(first, svg).toString("utf8");
        expect(text.startsWith("<svg")).toBe(true);
        expect(text.match(/xmlns="http:\/\/www.w3.org\/2000\/svg"/g)?.length).toBe(1);
        expect(text).not.toContain("currentColor");
        expect(() => JSON.parse(read(first, `${base}.json`).toString("utf8"))).not.toThrow();
      }
      const page = read(first, `${id}/index.html`).toString("utf8");
      expect(page).toContain(nb.meta.title.replace(/&/g, "&amp;").replace(/'/g, "&#39;"));
      expect(page).toContain("What the simulation finds");
    }
    const gallery = read(first, "index.html").toString("utf8");
    for (const nb of NOTEBOOKS) expect(gallery).toContain(`href="${nb.meta.id}/index.html"`);
    expect(files).toContain("explore/index.html");
    expect(gallery).toContain('href="explore/index.html"');
  });

  it("writes a negative number in every figure with the minus sign (U+2212), and never a signed zero such as \u22120.0%", () => {
    let figures = 0;
    for (const svg of listFiles(first).filter((f) => f.endsWith(".svg"))) {
      figures++;
      const text = [
        ...read(first, svg)
          .toString("utf8")
          .matchAll(/<(?:text|tspan|title|desc)[^>]*>([^<]+)</g),
      ]
        .map((m) => m[1] as string)
        .join("\n");
      // A hyphen-minus as a sign: before a digit, at the start or after a space or an opening bracket.
      expect(text.match(/(^|[\s([{=:])-\.?\d[^\n]{0,20}/gm) ?? [], svg).toEqual([]);
      expect(text.match(/[\u2212+-]0(\.0+)?%/g) ?? [], svg).toEqual([]);
    }
    expect(figures).toBeGreaterThan(20);
  });

  it("gives byte-identical output on two runs", () => {
    const a = listFiles(first);
    expect(listFiles(second)).toEqual(a);
    const differ = a.filter((f) => !read(first, f).equals(read(second, f)));
    expect(differ).toEqual([]);
  });

  it("states every comparative word in agreement with its numbers (claims.json), on the page or drawn in its figures", () => {
    let checked = 0;
    for (const nb of NOTEBOOKS) {
      const id = nb.meta.id;
      const claims = JSON.parse(read(first, `${id}/claims.json`).toString("utf8")) as {
        verdict: string | null;
        comparisons: Comparison[];
      };
      const page = read(first, `${id}/index.html`).toString("utf8");
      // A caption drawn in its figure (free-threaded's scaling chart) is not repeated on the page.
      const stated = [
        page,
        ...listFiles(first)
          .filter((f) => f.startsWith(`${id}/`) && f.endsWith(".svg"))
          .map((f) => svgTexts(read(first, f).toString("utf8")).drawn),
      ].join("\n");
      for (const c of claims.comparisons) {
        expect(checkComparison(c), `${id}: ${c.what}`).toBeNull();
        expect(stated, `${id}: "${c.phrase}" is on the page or in a figure`).toContain(c.phrase);
        checked++;
      }
      if (claims.verdict !== null) expect(page).toContain(`<span class="verdict">${claims.verdict}</span>`);
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("writes no hand-typed comparative word, on the page, in its alt texts or drawn in its figures: each comes from a comparison", () => {
    let scanned = 0;
    for (const nb of NOTEBOOKS) {
      const id = nb.meta.id;
      const claims = JSON.parse(read(first, `${id}/claims.json`).toString("utf8")) as { comparisons: Comparison[] };
      const phrases = claims.comparisons.map((c) => c.phrase);
      const allowed = allowedIn(id);
      const html = read(first, `${id}/index.html`).toString("utf8");
      const svg = (file: string) => read(first, file).toString("utf8");
      // The page and its alt texts share one count of each phrase: the notebook writes each there
      // once per comparison it makes. An alt text's title is read in its SVG.
      const page: Text[] = [
        ["page", pageStatements(html)],
        ...figureAlts(html).map(([src, alt]): Text => [`alt text of ${src}`, altBeyondTitle(alt, svg(`${id}/${src}`))]),
      ];
      const flagged = handTypedIn(page, phrases, allowed);
      const seen: string[] = page.map(([, t]) => t);
      for (const f of listFiles(first).filter((f) => f.startsWith(`${id}/`) && f.endsWith(".svg"))) {
        const { drawn, described } = svgTexts(svg(f));
        flagged.push(...handTypedIn([[`${f}, drawn`, drawn]], phrases, allowed));
        flagged.push(...handTypedIn([[`${f}, title and desc`, described]], phrases, allowed));
        seen.push(drawn, described);
        scanned++;
      }
      expect(flagged, id).toEqual([]);
      // Each allowance holds where it is used: one that matches nothing in its notebook is stale.
      const all = seen.join(" ").replace(/\s+/g, " ");
      for (const a of ALLOWED[id] ?? [])
        if (!a.chosen) expect(all, `${id}: allowed "${a.phrase}" is used`).toContain(a.phrase);
      scanned++;
    }
    expect(scanned).toBeGreaterThan(2 * NOTEBOOKS.length);
    // Every allowance names a notebook that exists.
    expect(Object.keys(ALLOWED).filter((id) => !NOTEBOOKS.some((nb) => nb.meta.id === id))).toEqual([]);
  });

  it("computes the numbers in each finding from the run: no finding is left without a number", () => {
    for (const nb of NOTEBOOKS) {
      const page = read(first, `${nb.meta.id}/index.html`).toString("utf8");
      const finding =
        /What the simulation finds[^<]*(?:<span[^>]*>[^<]*<\/span>\.)?<\/strong>([^<]*)/.exec(page)?.[1] ?? "";
      expect(finding, nb.meta.id).toMatch(/\d/);
      expect(finding).not.toMatch(/NaN|undefined|Infinity/);
    }
  });
});

describe("the gallery in headless Chromium", () => {
  it("loads every page with every figure at a nonzero size and no console errors", async (ctx) => {
    const executable = chromiumPath();
    if (!executable) {
      ctx.skip(); // .ci/run installs Debian's chromium; without it there is no browser to drive
      return;
    }
    const server = await serve(first);
    const browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("response", (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
      });
      for (const path of ["index.html", ...NOTEBOOKS.map((nb) => `${nb.meta.id}/index.html`)]) {
        const response = await page.goto(`${server.url}/${path}`, { waitUntil: "load" });
        expect(response?.status(), path).toBe(200);
        // The gallery's thumbnails load lazily, and a page that is never scrolled leaves those far
        // below the fold unloaded (which ones depends on the figures' heights): load them all.
        await page.evaluate(async () => {
          const images = Array.from(document.images);
          for (const img of images) img.loading = "eager";
          await Promise.all(
            images.map((img) =>
              img.complete
                ? null
                : new Promise((done) => {
                    img.addEventListener("load", done, { once: true });
                    img.addEventListener("error", done, { once: true });
                  }),
            ),
          );
        });
        const sizes = await page.$$eval("img", (imgs) =>
          imgs.map((img) => ({
            src: img.getAttribute("src"),
            w: img.naturalWidth,
            h: img.naturalHeight,
            done: img.complete,
          })),
        );
        expect(sizes.length, path).toBeGreaterThan(0);
        for (const s of sizes) {
          expect(s.done && s.w > 0 && s.h > 0, `${path}: ${s.src}`).toBe(true);
        }
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  });
});

/** A static file server for `dir` on a loopback port. */
function serve(dir: string): Promise<{ url: string; close(): void }> {
  const types: Record<string, string> = {
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
  };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/")).replace(/^(\.\.[/\\])+/, "");
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    });
  });
}
