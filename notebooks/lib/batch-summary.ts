import { join } from "node:path";

/**
 * The one line `npm start` ends with, on a terminal or piped: what it wrote, where, how long it
 * took, and which notebooks failed. "npm start: 12 of 12 notebooks and the explore page written
 * to output/ in 162.3s; open output/index.html".
 */
export function batchSummary(r: {
  ran: number;
  failed: readonly string[];
  explore: boolean;
  root: string;
  seconds: number;
}): string {
  const what = `${r.ran - r.failed.length} of ${r.ran} notebook${r.ran === 1 ? "" : "s"}${r.explore ? " and the explore page" : ""}`;
  const time = `in ${r.seconds.toFixed(1)}s`;
  if (r.failed.length > 0) return `npm start: ${what} written to ${r.root}/ ${time}; failed: ${r.failed.join(", ")}`;
  return `npm start: ${what} written to ${r.root}/ ${time}; open ${join(r.root, "index.html")}`;
}
