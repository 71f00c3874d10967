import { readFileSync } from "node:fs";
import type { ComparisonRow } from "./compare.js";

/*
 * data/mechanisms/known-gaps.json: the figures the model does not reproduce today, so that a test
 * can hold everything else to the target and notice when a listed figure starts to pass (the list
 * must then shrink). Two lists:
 * - formatGaps: figure ids ("sockets/rps.k1.i5ms") that no scenario can express yet;
 * - failing: "<version> <params> <figure id>" for simulated figures outside the target.
 */

export interface KnownGaps {
  formatGaps: string[];
  failing: string[];
}

/** The key of a row in the failing list: "3.11 defaults gil-threads/slice.median.n2". */
export const rowKey = (r: Pick<ComparisonRow, "version" | "params" | "figure">): string =>
  `${r.version} ${r.params} ${r.figure}`;

export function readKnownGaps(path: string): KnownGaps {
  const value = JSON.parse(readFileSync(path, "utf8")) as Partial<KnownGaps>;
  return { formatGaps: [...(value.formatGaps ?? [])], failing: [...(value.failing ?? [])] };
}

/** The known gaps as they stand for these comparison rows. */
export function knownGapsOf(rows: readonly ComparisonRow[]): KnownGaps {
  const formatGaps = new Set<string>();
  const failing: string[] = [];
  for (const r of rows) {
    if (r.note === "format gap") formatGaps.add(r.figure);
    else if (!r.within) failing.push(rowKey(r));
  }
  return { formatGaps: [...formatGaps].sort(), failing: failing.sort() };
}

/** How the rows disagree with the list: figures that fail but are not listed, and listed ones that pass. */
export function checkKnownGaps(
  rows: readonly ComparisonRow[],
  known: KnownGaps,
): { unexpectedFailures: string[]; stale: string[]; formatGapsNotListed: string[]; formatGapsStale: string[] } {
  const now = knownGapsOf(rows);
  const listed = new Set(known.failing);
  const failing = new Set(now.failing);
  const rowKeys = new Set(rows.map(rowKey));
  const gapsNow = new Set(now.formatGaps);
  const gapsListed = new Set(known.formatGaps);
  return {
    unexpectedFailures: now.failing.filter((k) => !listed.has(k)),
    // listed, and now either passing or no longer compared at all
    stale: known.failing.filter((k) => !failing.has(k) || !rowKeys.has(k)),
    formatGapsNotListed: now.formatGaps.filter((f) => !gapsListed.has(f)),
    formatGapsStale: known.formatGaps.filter((f) => !gapsNow.has(f)),
  };
}
