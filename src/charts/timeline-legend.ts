/**
 * What a timeline's legend lists and how its markers look: every thread state, the GIL track's
 * shading (alternating per hand-off, or opacity when aggregated) and the marker kinds present.
 */
import type { Marker } from "../trace/types.js";
import { THREAD_STATES, type ThreadState } from "../trace/types.js";
import type { LegendGroup } from "./legend.js";
import { GIL_HOLD_SHADES, NOT_STARTED, STATE_COLORS, STATE_LABELS } from "./palette.js";
import type { GlyphName } from "./symbols.js";
import { INK } from "./theme.js";
import type { MarkerPoint } from "./timeline-gil.js";

export const MARKER_KINDS = ["forced-switch", "drop-request", "convoy"] as const;
export const MARKER_STYLE: Record<Marker["kind"], { glyph: GlyphName; fill: string; stroke: string; label: string }> = {
  "forced-switch": { glyph: "triangle-down", fill: INK, stroke: "#ffffff", label: "forced switch" },
  "drop-request": { glyph: "circle", fill: "#ffffff", stroke: INK, label: "drop request" },
  convoy: { glyph: "diamond", fill: INK, stroke: "#ffffff", label: "convoy (back from a release, GIL taken)" },
};

/**
 * `notStarted`: some lane shows a thread before it starts or after it ends (the hatched fill).
 * `labels`: state labels replacing the defaults (STATE_LABELS).
 * `states`: the states drawn; the legend lists only those (default every state).
 */
export function timelineLegend(
  aggregated: boolean,
  data: { holds: readonly { handoff?: boolean }[]; points: readonly MarkerPoint[] },
  notStarted = false,
  labels: Partial<Record<ThreadState, string>> = {},
  states: ReadonlySet<ThreadState> = new Set(THREAD_STATES),
): LegendGroup[] {
  const present = new Set(data.points.map((p) => p.kind));
  return [
    {
      title: "Thread state",
      items: [
        ...THREAD_STATES.filter((s) => states.has(s)).map((s) => ({
          kind: "box" as const,
          label: labels[s] ?? STATE_LABELS[s],
          fill: STATE_COLORS[s],
        })),
        ...(notStarted
          ? [{ kind: "box" as const, label: NOT_STARTED.label, fill: NOT_STARTED.fill, hatch: NOT_STARTED.hatch }]
          : []),
      ],
    },
    {
      title: "GIL",
      items:
        data.holds.length === 0
          ? []
          : [
              !aggregated
                ? data.holds.some((h) => h.handoff === true)
                  ? {
                      kind: "box",
                      label: "held (shade flips and a white line marks each hand-off)",
                      fill: GIL_HOLD_SHADES[0],
                      fill2: GIL_HOLD_SHADES[1],
                    }
                  : // One holder in the window: no hand-off to mark.
                    { kind: "box", label: "held", fill: GIL_HOLD_SHADES[0] }
                : { kind: "box", label: "held (opacity: share of the pixel's time)", fill: GIL_HOLD_SHADES[0] },
            ],
    },
    {
      title: "Markers",
      items: MARKER_KINDS.filter((k) => present.has(k)).map((k) => ({
        kind: "glyph" as const,
        label: MARKER_STYLE[k].label,
        glyph: MARKER_STYLE[k].glyph,
        fill: MARKER_STYLE[k].fill,
        stroke: MARKER_STYLE[k].stroke,
      })),
    },
  ];
}
