import { describe, expect, it } from "vitest";
import { GIL_HOLD_SHADES, NOT_STARTED } from "../../src/charts/palette.js";
import { MARKER_STYLE, timelineLegend } from "../../src/charts/timeline-legend.js";
import { THREAD_STATES } from "../../src/trace/types.js";

describe("timelineLegend", () => {
  it("timelineLegend lists every thread state, and only the marker kinds present", () => {
    const groups = timelineLegend(false, { holds: [{}], points: [{ lane: 0, time: 1, kind: "convoy" }] });
    expect(groups[0]?.items).toHaveLength(THREAD_STATES.length);
    expect(groups[2]?.items.map((i) => i.label)).toEqual([MARKER_STYLE.convoy.label]);
  });

  it("timelineLegend adds the hatched not-started fill only when some lane shows it", () => {
    const without = timelineLegend(false, { holds: [], points: [] })[0]?.items ?? [];
    const withGaps = timelineLegend(false, { holds: [], points: [] }, true)[0]?.items ?? [];
    expect(without.map((i) => i.label)).not.toContain(NOT_STARTED.label);
    expect(withGaps.at(-1)).toMatchObject({
      label: NOT_STARTED.label,
      fill: NOT_STARTED.fill,
      hatch: NOT_STARTED.hatch,
    });
  });

  it("timelineLegend shows both GIL shades for single holds and opacity for aggregated ones", () => {
    const raw = timelineLegend(false, { holds: [{ handoff: false }, { handoff: true }], points: [] })[1]?.items[0];
    expect(raw).toMatchObject({ fill: GIL_HOLD_SHADES[0], fill2: GIL_HOLD_SHADES[1] });
    expect(raw?.label).toContain("each hand-off");
    // One holder all through the window: no hand-off to promise, one shade.
    const single = timelineLegend(false, { holds: [{ handoff: false }, { handoff: false }], points: [] })[1]?.items[0];
    expect(single).toMatchObject({ label: "held", fill: GIL_HOLD_SHADES[0] });
    expect(single).not.toHaveProperty("fill2");
    const aggregated = timelineLegend(true, { holds: [{}], points: [] })[1]?.items[0];
    expect(aggregated?.label).toContain("opacity");
    expect(timelineLegend(false, { holds: [], points: [] })[1]?.items).toEqual([]);
  });

  it("MARKER_STYLE gives each marker kind its own glyph", () => {
    const glyphs = Object.values(MARKER_STYLE).map((s) => s.glyph);
    expect(new Set(glyphs).size).toBe(glyphs.length);
  });
});
