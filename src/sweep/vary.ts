import { formatPathSegments, type PathSegment, parsePath } from "./path.js";

/**
 * One `--vary PATH=VALUES` option, parsed. Values are not yet matched to the schema: an item that
 * looks like a number keeps its text too, so "3.10" can stay the string a version field needs.
 */
export interface VaryOption {
  /** The path as written, normalized: `workload.classes[0].weight`. */
  path: string;
  segments: PathSegment[];
  items: VaryItem[];
}

/** One value of a --vary list: its text, and the number or boolean it spells, if any. */
export interface VaryItem {
  text: string;
  number: number | null;
  boolean: boolean | null;
}

/** The most values one --vary range may produce. */
export const MAX_VALUES = 100_000;

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;
const RANGE = /^(.+?)\.\.(.+?)(?:([:*])(.+))?$/;

/**
 * Parses `executor.workers=1..64` and the other value forms: lists `1,2,4`, integer ranges
 * `1..64`, stepped ranges `1..64:4` (also fractional, `0.5..2:0.5`), geometric ranges `1..64*2`
 * (1, 2, 4, ..., 64), and plain strings (`on,off`, `1ms,5ms`). Throws a RangeError naming the
 * option and what is wrong.
 */
export function parseVary(option: string): VaryOption {
  const eq = option.indexOf("=");
  if (eq < 0) throw new RangeError(`invalid --vary: ${option} (expected PATH=VALUES like executor.workers=1..8)`);
  const pathText = option.slice(0, eq).trim();
  const valuesText = option.slice(eq + 1).trim();
  const segments = parsePath(pathText);
  const path = formatPathSegments(segments);
  if (valuesText === "") throw new RangeError(`empty --vary values for ${path}`);
  const items: VaryItem[] = [];
  for (const part of valuesText.split(",")) {
    const text = part.trim();
    if (text === "") throw new RangeError(`invalid --vary values for ${path}: "${valuesText}" (empty item)`);
    const range = RANGE.exec(text);
    if (range && NUMBER.test(range[1] ?? "") && NUMBER.test(range[2] ?? "")) {
      for (const n of expandRange(text, Number(range[1]), Number(range[2]), range[3], range[4]))
        items.push(numberItem(n));
    } else if (range) {
      throw new RangeError(`invalid --vary range: ${text} (expected numbers like 1..64, 1..64:4 or 1..64*2)`);
    } else {
      items.push(textItem(text));
    }
  }
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.text)) throw new RangeError(`duplicate --vary value for ${path}: ${item.text}`);
    seen.add(item.text);
  }
  if (items.length > MAX_VALUES) {
    throw new RangeError(`--vary ${path} has too many values: ${items.length} (at most ${MAX_VALUES})`);
  }
  return { path, segments, items };
}

function expandRange(text: string, start: number, end: number, op: string | undefined, byText: string | undefined) {
  if (start > end) throw new RangeError(`empty --vary range: ${text} (expected the start to be at most the end)`);
  const values: number[] = [];
  const push = (v: number) => {
    if (values.length >= MAX_VALUES) {
      throw new RangeError(`--vary range too large: ${text} (more than ${MAX_VALUES} values)`);
    }
    values.push(v);
  };
  if (op === undefined) {
    if (!Number.isInteger(start) || !Number.isInteger(end)) {
      throw new RangeError(
        `invalid --vary range: ${text} (expected integers; give a step for fractions, like 0.5..2:0.5)`,
      );
    }
    for (let v = start; v <= end; v++) push(v);
    return values;
  }
  const by = NUMBER.test(byText ?? "") ? Number(byText) : Number.NaN;
  if (op === ":") {
    if (!(by > 0)) throw new RangeError(`invalid --vary step: ${text} (expected a step above 0)`);
    // Multiply instead of adding, so 0.1 steps do not drift; round away binary noise.
    for (let i = 0; ; i++) {
      const v = clean(start + i * by);
      if (v > end) break;
      push(v);
    }
    return values;
  }
  if (!(by > 1)) throw new RangeError(`invalid --vary factor: ${text} (expected a factor above 1)`);
  if (!(start > 0)) throw new RangeError(`invalid --vary range: ${text} (a geometric range needs a start above 0)`);
  for (let i = 0; ; i++) {
    const v = clean(start * by ** i);
    if (v > end) break;
    push(v);
  }
  return values;
}

/** Rounds to 12 significant digits: 0.30000000000000004 -> 0.3. */
function clean(v: number): number {
  return Number(v.toPrecision(12));
}

function numberItem(n: number): VaryItem {
  return { text: String(n), number: n, boolean: null };
}

function textItem(text: string): VaryItem {
  const number = NUMBER.test(text) ? Number(text) : null;
  const boolean = text === "true" ? true : text === "false" ? false : null;
  return { text, number: number !== null && Number.isFinite(number) ? number : null, boolean };
}
