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
 * (registered in claims.json) or carry its number ("1.7× fewer", "more than 15%"). The direction
 * words (better/worse, faster/slower, shorter/longer, higher/lower, larger/smaller, fewer, more
 * than, less than, beats, cheaper) and the degree words that grade one (hardly, barely, slightly,
 * somewhat, nearly, almost, clearly, much, far, explodes, altogether). Bare "more" is not here:
 * "more threads" names an input, not a finding.
 */
export const COMPARATIVE_WORDS =
  /\b(better|worse|faster|slower|shorter|longer|higher|lower|larger|smaller|fewer|more than|less than|beats?|cheaper|hardly|barely|slightly|somewhat|nearly|almost|clearly|much|far|explodes?|altogether)\b/gi;

/** A fragment a notebook may type although it holds a comparative word, and why it may. */
export interface Allowance {
  phrase: string;
  why: string;
  /** One of fragments the notebook chooses between from its numbers: a run may show another. */
  chosen?: true;
}

/**
 * Per notebook (its id, the file name without .ts): fragments with a comparative word that
 * compare no two numbers, or whose words the notebook chooses from its numbers in a way
 * claims.json does not record. An allowance holds only in its own notebook's texts, and a test
 * fails if it matches nothing there (unless it is `chosen`, one of several the numbers pick from).
 */
export const ALLOWED: Readonly<Record<string, readonly Allowance[]>> = {
  convoy: [
    { phrase: "higher is better", why: "how to read the round-trips axis, not a finding" },
    { phrase: "lower is better", why: "how to read the time-per-round-trip axis, not a finding" },
    {
      phrase: "shorter interval",
      why: "names the input, each step down sys.setswitchinterval; what that does to the round trip is chosen from the points (convoy.ts, `shrinks`)",
    },
  ],
  "free-threaded": [
    { phrase: "(above 1: faster than 3.12)", why: "how to read the speed-up axis, not a finding" },
    { phrase: "these figures no longer apply", why: '"no longer" as in "cease to", not a comparison' },
    {
      phrase: "3.13t is slower per thread (the model takes",
      why: "the model's single-thread slowdown, as a number, follows in the same sentence",
    },
  ],
  "to-thread": [
    { phrase: "a curve inside it is no worse", why: "how to read the grey band of the service with no report" },
    {
      phrase: "of health checks take longer than",
      why: "the health check's timeout (HEALTH_TIMEOUT_MS) defines a late check; the computed number is the share late",
    },
  ],
  "gil-release": [
    {
      phrase: "a faster hash means a bigger buffer",
      why: "what the assumed hash speed implies: a conditional about the model's input",
    },
  ],
  mixed: [
    {
      phrase: "higher beyond the seeds' noise",
      why: "chosen from the paired 95% interval (mixed.ts, `sure`)",
      chosen: true,
    },
    {
      phrase: "lower beyond the seeds' noise",
      why: "chosen from the paired 95% interval (mixed.ts, `sure`)",
      chosen: true,
    },
  ],
  "io-bound": [
    {
      phrase: "is the cheaper way",
      why: "which of the two is named, or neither, is chosen from the throughputs at the top limit, 5% apart or more (io-bound.ts, `cheaper`)",
      chosen: true,
    },
    {
      phrase: "asyncio itself does not make one request faster",
      why: 'said only when the comparison before it is "about the same as" (io-bound.ts)',
    },
  ],
  validation: [
    {
      phrase: "their spread is shorter than the point is wide",
      why: "the parity chart says it only when no run reaches a pixel beyond the marker (src/charts/simreal.ts)",
    },
    {
      phrase: "how much later than the median call",
      why: "what the timer-tail parameter measures (src/real/calibrate.ts), in the machine profile's table",
    },
    { phrase: "logarithmic far out", why: "how to read the symmetric-log error axis (src/charts/error-strip.ts)" },
  ],
  "your-app": [
    {
      phrase: "a darker shade at the higher rate",
      why: "how to read the colours: the thread pool measured at the second, higher request rate of its configurations",
    },
  ],
};

/** The allowed fragments of notebook `id`: none when it has no entry. */
export function allowedIn(id: string): string[] {
  return (ALLOWED[id] ?? []).map((a) => a.phrase);
}

/**
 * A comparative word that states its own number: "17.2× faster", "40% slower", "more than 15%",
 * "more than one", "higher on 5 of 5 seeds" (a count). Not "lower than 64 ms": that compares with
 * a number, and says which way as a word.
 */
const QUANTIFIED = new RegExp(
  [
    // A ratio, a share or a time before the word ("2.1× longer", "12% lower", "3 ms shorter")...
    String.raw`\d[\d.,]*\s?(×|%|ms|µs|s)\s+(faster|slower|fewer|more|shorter|longer|higher|lower|larger|smaller)\b`,
    // ...or a whole count before fewer or more ("3 fewer threads"); not a version ("on 3.12 lower
    // than" names which, not how much) nor a count of things said to be faster ("4 faster workers").
    String.raw`(?<![\d.,])\d[\d,]*\s+(fewer|more)\b`,
    String.raw`\b(more|less|fewer) than (±|\d|one\b|two\b|three\b|four\b)`,
    String.raw`\b(higher|lower) on \d+ of \d+\b`,
  ].join("|"),
  "gi",
);

/** One text a reader sees, and where it is ("page", "alt text", a figure's file). */
export type Text = readonly [where: string, text: string];

/**
 * The hand-typed comparative words left in `texts` once the registered phrases, the quantified
 * comparisons and the allowed fragments are taken out, each as "where: context". Empty: clean.
 *
 * `phrases` holds one entry per phrase the notebook produced (claims.json, one per comparison), and
 * a phrase produced n times exempts n occurrences over all the texts together, no more: a
 * hand-typed copy of a computed phrase is one occurrence too many, and is caught. `allowed`
 * fragments are typed on purpose and exempt wherever they occur in these texts.
 */
export function handTypedIn(
  texts: readonly Text[],
  phrases: readonly string[],
  allowed: readonly string[] = [],
): string[] {
  const budget = new Map<string, number>();
  for (const p of phrases) budget.set(p, (budget.get(p) ?? 0) + 1);
  for (const a of allowed) budget.set(a, Number.POSITIVE_INFINITY);
  const rest = texts.map(([where, text]): [string, string] => [where, text.replace(/\s+/g, " ")]);
  // Longest first, so "much worse than" goes before a "worse than" inside it.
  for (const p of [...budget.keys()].sort((a, b) => b.length - a.length)) {
    let left = budget.get(p) as number;
    for (const r of rest) {
      while (left > 0) {
        const at = r[1].indexOf(p);
        if (at < 0) break;
        r[1] = `${r[1].slice(0, at)} ${r[1].slice(at + p.length)}`;
        left--;
      }
    }
  }
  return rest.flatMap(([where, text]) => {
    const t = text.replace(QUANTIFIED, " ");
    return [...t.matchAll(COMPARATIVE_WORDS)].map(
      (m) => `${where}: ${t.slice(Math.max(0, (m.index ?? 0) - 50), (m.index ?? 0) + m[0].length + 30).trim()}`,
    );
  });
}

/** handTypedIn for one text, each left as its context alone. */
export function handTypedComparatives(
  text: string,
  phrases: readonly string[],
  allowed: readonly string[] = [],
): string[] {
  return handTypedIn([["", text]], phrases, allowed).map((s) => s.slice(2));
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

/** Each image on a page as [its src, its alt text]. */
export function figureAlts(html: string): [string, string][] {
  // Attribute by attribute, so their order in the tag does not matter.
  return [...html.matchAll(/<img\b[^>]*>/g)].flatMap((m) => {
    const src = /\bsrc="([^"]*)"/.exec(m[0])?.[1];
    const alt = /\balt="([^"]*)"/.exec(m[0])?.[1];
    return src === undefined || alt === undefined ? [] : [[decode(src), decode(alt)] as [string, string]];
  });
}

/**
 * A figure's alt text without the title its SVG draws (the alt text is the title, then what to
 * take from the figure), so a phrase in the title is read once, in the SVG, not twice.
 */
export function altBeyondTitle(alt: string, svg: string): string {
  const title = decode(/<title[^>]*>([^<]*)</.exec(svg)?.[1] ?? "");
  return title && alt.startsWith(title) ? alt.slice(title.length) : alt;
}

/** The text drawn in an SVG figure: its <text>, <tspan>, <title> and <desc> contents, a line each joined by spaces. */
export function svgText(svg: string): string {
  return decode([...svg.matchAll(/<(?:text|tspan|title|desc)[^>]*>([^<]+)</g)].map((m) => m[1] as string).join(" "));
}

/**
 * An SVG figure's text as two texts: what it draws (<text>, <tspan>) and what it says to a screen
 * reader (<title>, <desc>). A chart writes its title and caption into both, so each is read on
 * its own: one computed phrase in the caption is one occurrence in each, not two in one.
 */
export function svgTexts(svg: string): { drawn: string; described: string } {
  const of = (tags: string) =>
    decode([...svg.matchAll(new RegExp(`<(?:${tags})[^>]*>([^<]+)<`, "g"))].map((m) => m[1] as string).join(" "));
  return { drawn: of("text|tspan"), described: of("title|desc") };
}

function decode(s: string): string {
  return s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
