/**
 * Keeps a number and its unit on one line: the space between them becomes a no-break space
 * (U+00A0), so a wrapped title never leaves "12.5" at the end of one line and "ms" at the start of
 * the next. Applied once, where a figure's title, subtitle and caption are laid out (figure.ts).
 */

/** Units that follow a number in gilsim's text: times, sizes, frequencies, and per-second rates. */
const UNITS = [
  "ns",
  "µs",
  "us",
  "ms",
  "s",
  "min",
  "h",
  "B",
  "kB",
  "KB",
  "KiB",
  "MB",
  "MiB",
  "GB",
  "GiB",
  "Hz",
  "kHz",
  "MHz",
  "GHz",
  "%",
];

const NUMBER_UNIT = new RegExp(
  // A digit, one ordinary space, then a unit (or a rate such as "tasks/s") that ends the word.
  `(\\d) (${UNITS.join("|")}|\\p{L}+/s)(?![\\p{L}\\p{N}_])`,
  "gu",
);

/** `text` with a no-break space between each number and the unit after it: "12.5 ms" → "12.5\u00a0ms". */
export function bindUnits(text: string): string {
  return text.replace(NUMBER_UNIT, "$1\u00a0$2");
}
