/**
 * Text widths for layout without a browser: the advance widths of DejaVu Sans (regular and bold)
 * for printable ASCII and the few symbols the figures use, in thousandths of an em, read once
 * from the font files' hmtx tables. Other characters count as a wide glyph (0.84 em), so layout
 * errs on the side of room. Browsers that fall back to Helvetica or Arial draw narrower text, so
 * space computed here is always enough.
 */

// Advance widths of the characters U+0020..U+007E, in order.
const REGULAR_ASCII = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636,
  636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863,
  748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635,
  615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636,
  337, 636, 838,
];
const BOLD_ASCII = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696,
  696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995,
  837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716,
  678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712,
  365, 712, 838,
];
// Symbols outside ASCII: µ ± · – — × → ≤ ≥ … (same advance in both weights except where noted).
const SYMBOLS: Readonly<Record<string, readonly [number, number]>> = {
  µ: [636, 736],
  "±": [838, 838],
  "·": [318, 380],
  "–": [500, 500],
  "—": [1000, 1000],
  "×": [838, 838],
  "→": [838, 838],
  "≤": [838, 838],
  "≥": [838, 838],
  "…": [1000, 1000],
  // The no-break space between a number and its unit (units.ts) is as wide as a space.
  "\u00a0": [318, 348],
};
const FALLBACK = 838;

export type FontWeight = "normal" | "bold";

/** The width in px of `text` set in DejaVu Sans at `size` px. */
export function textWidth(text: string, size: number, weight: FontWeight = "normal"): number {
  const table = weight === "bold" ? BOLD_ASCII : REGULAR_ASCII;
  let sum = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const ascii = code >= 32 && code <= 126 ? table[code - 32] : undefined;
    sum += ascii ?? SYMBOLS[char]?.[weight === "bold" ? 1 : 0] ?? FALLBACK;
  }
  return (sum * size) / 1000;
}

/**
 * Breaks `text` into lines no wider than `maxWidth` px, at spaces but never at a no-break space
 * (U+00A0); a single word wider than the line stays whole on its own line. Explicit newlines start
 * new lines.
 */
export function wrapText(text: string, maxWidth: number, size: number, weight: FontWeight = "normal"): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/[^\S\u00a0]+/).filter((w) => w !== "")) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (line !== "" && textWidth(candidate, size, weight) > maxWidth) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Shortens `text` with a trailing ellipsis until it fits in `maxWidth` px (at least one character stays). */
export function ellipsize(text: string, maxWidth: number, size: number, weight: FontWeight = "normal"): string {
  if (textWidth(text, size, weight) <= maxWidth) return text;
  const chars = Array.from(text);
  let keep = chars.length - 1;
  while (keep > 1 && textWidth(`${chars.slice(0, keep).join("")}…`, size, weight) > maxWidth) keep--;
  return `${chars.slice(0, keep).join("")}…`;
}
