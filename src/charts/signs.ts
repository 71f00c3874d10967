/**
 * Signs in figure text: a negative number is written with the minus sign (U+2212), not the
 * hyphen-minus, and a number that rounds to zero carries no sign at all ("0.0%", never "−0.0%" or
 * "+0.0%"). Applied where a figure's text is laid out (figure.ts) and by the formatters that write
 * signed numbers into titles, tick labels and tables.
 */

/** U+2212 MINUS SIGN. */
export const MINUS = "\u2212";

/**
 * A hyphen-minus that is a sign: at the start or after anything but a letter, digit, dot, hyphen
 * or underscore, and before a digit (or a dot and a digit). "3.9-3.13", "2026-11-29", "1e-9",
 * "x-2" and "--live" keep theirs.
 */
const SIGN = /(^|[^\p{L}\p{N}_.-])-(?=\.?\d)/gu;

/** `text` with each hyphen-minus used as a sign written as U+2212: "p99 -19.6%" → "p99 −19.6%". */
export function minusSigns(text: string): string {
  return text.replace(SIGN, `$1${MINUS}`);
}

/**
 * A number as text with `digits` decimals, a U+2212 minus when negative, and, with `plus`, a "+"
 * when positive; a value that rounds to zero is written unsigned.
 */
export function signedNumber(x: number, digits: number, plus = false): string {
  if (!Number.isFinite(x)) return String(x);
  const text = Math.abs(x).toFixed(digits);
  if (Number(text) === 0) return text;
  return x < 0 ? `${MINUS}${text}` : plus ? `+${text}` : text;
}

/** A share as a signed percent with `digits` decimals (default 1): 0.123 is "+12.3%", −0.0004 is "0.0%". */
export function signedPercent(x: number, options: { digits?: number; plus?: boolean } = {}): string {
  if (!Number.isFinite(x)) return "n/a";
  const p = x * 100;
  const digits = options.digits ?? 1;
  return `${signedNumber(p, digits, options.plus ?? true)}%`;
}
