/**
 * The black ring that marks a point outside a chart's tolerance band (parity charts and error
 * strips, option `ringOutside`), and its legend entry: where a band is a sliver, or a point sits
 * on its edge, the ring says which side it is on.
 */
import * as Plot from "@observablehq/plot";
import type { LegendItem } from "./legend.js";
import { INK } from "./theme.js";

/** The ring's radius, px: clear of a 3.5 px marker. */
export const RING_RADIUS = 6.5;

/** Plot's mark ringing `data` (already filtered to the points outside) at their "x" and "y". */
export function outsideRings(data: readonly object[]): Plot.Markish {
  return Plot.dot(data, { x: "x", y: "y", r: RING_RADIUS, fill: "none", stroke: INK, strokeWidth: 1.25 });
}

/** The legend entry for the rings, "outside ±15%", given the band in percent. */
export function outsideLegend(bandPercent: number): LegendItem {
  return { kind: "glyph", label: `outside ±${bandPercent}%`, glyph: "circle", fill: "none", stroke: INK };
}
