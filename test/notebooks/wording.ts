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
