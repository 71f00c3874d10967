/**
 * Comparative words computed from numbers, so a notebook never types "better", "worse" or
 * "hardly" by hand. Each call returns the phrase and the comparison behind it; the notebook
 * records the comparison (claims.json beside its page), and a test reads every recorded
 * comparison back and fails if its phrase contradicts its numbers.
 */

/** Which way is better: "lower" for times, "higher" for rates and speed-ups. */
export type Sense = "lower" | "higher";

/** Within this relative difference two values are "about the same". */
export const SAME = 0.05;
/** Up to this relative difference a gain is "hardly" one ("slightly" for a loss). */
export const SLIGHT = 0.15;
/** From this ratio (larger over smaller) on, "much". */
export const MUCH = 2;

export type Direction = "better" | "worse" | "same";

/** One comparison as a notebook states it. */
export interface Comparison {
  /** What is compared with what, e.g. "p99: asyncio + thread pool vs asyncio inline". */
  what: string;
  value: number;
  reference: number;
  sense: Sense;
  direction: Direction;
  /** The words used, e.g. "much worse than". */
  phrase: string;
  /** The words said for better and worse when not "better"/"worse" (e.g. "shorter"/"longer" for a time). */
  words?: Words;
}

/** The words for the better and the worse direction, e.g. { better: "shorter", worse: "longer" }. */
export interface Words {
  better: string;
  worse: string;
}

/** Whether `value` is better, worse or about the same as `reference`. */
export function direction(value: number, reference: number, sense: Sense): Direction {
  if (!Number.isFinite(value) || !Number.isFinite(reference)) {
    throw new RangeError(`invalid comparison: ${value} vs ${reference} (expected finite numbers)`);
  }
  const scale = Math.max(Math.abs(value), Math.abs(reference));
  if (scale === 0 || Math.abs(value - reference) / scale <= SAME) return "same";
  const lower = value < reference;
  return lower === (sense === "lower") ? "better" : "worse";
}

/** Larger over smaller, at least 1 (infinite when one is 0). */
export function ratio(value: number, reference: number): number {
  const [a, b] = [Math.abs(value), Math.abs(reference)];
  return Math.max(a, b) / Math.min(a, b);
}

/**
 * "about the same as", "hardly better than", "slightly worse than", "better than", "much worse
 * than": the degree follows the size of the difference.
 */
export function compare(what: string, value: number, reference: number, sense: Sense, words?: Words): Comparison {
  const d = direction(value, reference, sense);
  const r = ratio(value, reference);
  const word = d === "same" ? "" : (words?.[d] ?? d);
  let phrase: string;
  if (d === "same") phrase = "about the same as";
  else if (r - 1 <= SLIGHT) phrase = d === "better" ? `hardly ${word} than` : `slightly ${word} than`;
  else if (r >= MUCH) phrase = `much ${word} than`;
  else phrase = `${word} than`;
  return words
    ? { what, value, reference, sense, direction: d, phrase, words }
    : { what, value, reference, sense, direction: d, phrase };
}

/** For a time, where lower is better: "shorter" and "longer". */
export const TIME_WORDS: Words = { better: "shorter", worse: "longer" };

/** A ratio as "3.9×". */
export function times(x: number): string {
  return `${x.toFixed(1)}×`;
}

/** "3.9× faster" / "2.1× slower" / "as fast": a speed ratio (above 1 is faster) in words. */
export function speedWords(speed: number): string {
  if (Math.abs(speed - 1) <= SAME) return "about as fast";
  return speed > 1 ? `${times(speed)} faster` : `${times(1 / speed)} slower`;
}

/** The verdict on a piece of classic advice. */
export type Verdict = "true" | "false" | "partly true";

/** "true" when every condition holds, "false" when none does, "partly true" in between. */
export function verdictOf(conditions: readonly boolean[]): Verdict {
  const held = conditions.filter(Boolean).length;
  return held === conditions.length ? "true" : held === 0 ? "false" : "partly true";
}
