/**
 * What a comparative phrase may say about two numbers, written out here on its own (not taken
 * from notebooks/lib/words.ts), so a change there that makes the words lie fails the tests.
 */
import type { Comparison } from "../../notebooks/lib/words.js";

/** null when `c.phrase` fits its numbers, else what is wrong. */
export function checkComparison(c: Comparison): string | null {
  const { value, reference, sense, phrase } = c;
  const better = sense === "lower" ? value < reference : value > reference;
  const rel = Math.abs(value - reference) / Math.max(Math.abs(value), Math.abs(reference));
  const big = Math.max(Math.abs(value), Math.abs(reference)) / Math.min(Math.abs(value), Math.abs(reference));
  const says = (word: string) => new RegExp(`\\b${word}\\b`).test(phrase);
  // A comparison may name its directions ("shorter"/"longer" for a time): read those as better/worse.
  const [good, bad] = [c.words?.better ?? "better", c.words?.worse ?? "worse"];
  const fail = (why: string) =>
    `"${phrase}" contradicts ${c.what}: ${value} vs ${reference} (${sense} is better): ${why}`;
  // "about the same": within 5%; anything that names a direction must be beyond it.
  if (says("same")) return rel <= 0.05 ? null : fail("they differ by more than 5%");
  if (rel <= 0.05) return fail("they are within 5%");
  if (says(good) && !better) return fail(`it is not ${good}`);
  if (says(bad) && better) return fail(`it is not ${bad}`);
  if (!says(good) && !says(bad)) return fail("no direction");
  // "hardly" / "slightly": at most 15% apart; "much": at least twice; plain: in between.
  if (says("hardly") || says("slightly")) return big - 1 <= 0.15 ? null : fail("more than 15% apart");
  if (says("much")) return big >= 2 ? null : fail("less than twice");
  if (big - 1 <= 0.15) return fail("within 15%: say hardly or slightly");
  if (big >= 2) return fail("at least twice: say much");
  return null;
}

/**
 * Comparative words a notebook may not type by hand: each must come from a computed comparison
 * (registered in claims.json) or carry its number ("1.7× fewer", "more than 15%").
 */
export const COMPARATIVE_WORDS = /\b(better|worse|hardly|beats?|fewer|more than|clearly|faster|slower)\b/gi;

/**
 * Fragments with a comparative word that compare no two numbers, or whose words the notebook
 * chooses from its numbers in a way claims.json does not record; each says why it may stay.
 */
export const ALLOWED: readonly string[] = [
  // How to read an axis or a colour scale (convoy, free-threaded), not a finding.
  "higher is better",
  "lower is better",
  "(above 1: faster than 3.12)",
  // to-thread/health: how to read the grey band of the service with no report.
  "a curve inside it is no worse",
  // gil-release: what the assumed hash speed implies, a conditional about the model's input.
  "a faster hash means a bigger buffer",
  // mixed: chosen from the paired 95% interval of the seeds' differences (mixed.ts, `sure`).
  "not clearly different",
  "clearly higher",
  "clearly lower",
  // io-bound: said only when the comparison before it is "about the same as" (io-bound.ts).
  "asyncio itself does not make one request faster",
  // free-threaded: the model's single-thread slowdown follows in the same sentence.
  "3.13t is slower per thread (the model takes",
];

/** A comparative word that states its own number: "17.2× faster", "40% slower", "more than 15%", "more than one". */
const QUANTIFIED =
  /(\d[\d.,]*\s?(×|%|ms|µs|s)?\s+(faster|slower|fewer|more)\b)|(\bmore than (±|\d|one\b|two\b|three\b|four\b))/gi;

/**
 * The hand-typed comparative words left in `text` once every registered phrase, every quantified
 * comparison and every allowed fragment is taken out, each with some context. Empty: clean.
 */
export function handTypedComparatives(
  text: string,
  phrases: readonly string[],
  allowed: readonly string[] = [],
): string[] {
  let rest = text.replace(/\s+/g, " ");
  // Longest first, so "much worse than" goes before a "worse than" inside it.
  for (const p of [...phrases, ...allowed].sort((a, b) => b.length - a.length)) rest = rest.split(p).join(" ");
  rest = rest.replace(QUANTIFIED, " ");
  return [...rest.matchAll(COMPARATIVE_WORDS)].map((m) =>
    rest.slice(Math.max(0, (m.index ?? 0) - 50), (m.index ?? 0) + m[0].length + 30).trim(),
  );
}

/** The text a reader of a notebook's page sees as its own statements. */
export function pageStatements(html: string): string {
  return decode(
    html
      // The question and the classic advice are the premise the notebook tests, not its findings.
      .replace(/<p><strong>Question\.<\/strong>[\s\S]*?<\/p>/, " ")
      .replace(/<p class="claim">[\s\S]*?<\/p>/, " ")
      .replace(/<(style|script)[\s\S]*?<\/\1>/g, " ")
      .replace(/<[^>]*>/g, " "),
  );
}

/** Every figure's alt text on a page. */
export function altTexts(html: string): string {
  return [...html.matchAll(/\balt="([^"]*)"/g)].map((m) => decode(m[1] as string)).join("\n");
}

/** The text drawn in an SVG figure: its <text>, <tspan>, <title> and <desc> contents, a line each joined by spaces. */
export function svgText(svg: string): string {
  return decode([...svg.matchAll(/<(?:text|tspan|title|desc)[^>]*>([^<]+)</g)].map((m) => m[1] as string).join(" "));
}

function decode(s: string): string {
  return s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
