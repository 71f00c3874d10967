/**
 * Text cut to at most `max` characters for a one-line message, the cut marked with "...": a
 * 1 MB key or value in a scenario must not become a 1 MB line of an error.
 */
export function shorten(text: string, max = 80): string {
  if (text.length <= max) return text;
  const keep = Math.max(1, max - 3);
  return `${text.slice(0, keep)}...`;
}
