/*
 * The explore page's own colours, beyond the figures' shared palette (test/charts/palette.test.ts):
 * the p99 target badge (met and missed), the thread states on the timeline's lanes in each theme,
 * the target line against the data in the small figures, and the buttons that pick a side in
 * compare mode. Read from the page's real style sheet and themes, seen with normal vision and
 * through deuteranopia and protanopia (Machado et al. 2009, full severity, on linear RGB), with
 * distances in CIEDE2000, as the palette's test does.
 */
import { readFileSync } from "node:fs";
import { type Color, formatHex, interpolate, parse } from "culori";
import { describe, expect, it } from "vitest";
import { contrastRatio, GIL_HOLD_SHADES, STATE_COLORS } from "../../src/charts/palette.js";
import { THEMES, type ThemeName } from "../../src/explore/theme.js";
import { THREAD_STATES } from "../../src/trace/types.js";
import { deltaE, SIGHT } from "../fixtures/sight.js";

/** The smallest CIEDE2000 distance between two colours over the three kinds of sight, and which. */
function apart(a: string, b: string): { distance: number; sight: string } {
  let best = { distance: Infinity, sight: "" };
  for (const [sight, see] of Object.entries(SIGHT)) {
    const d = deltaE(see(parse(a) as Color), see(parse(b) as Color));
    if (d < best.distance) best = { distance: d, sight };
  }
  return best;
}

/** `color` drawn at `opacity` over `ground`, as the eye gets it. */
function over(color: string, opacity: number, ground: string): string {
  return formatHex(interpolate([ground, color])(opacity)) as string;
}

/** The custom properties of the style sheet's light (:root) and dark blocks. */
function cssColors(css: string): Record<ThemeName, Record<string, string>> {
  const block = (selector: string): Record<string, string> => {
    const start = css.indexOf(`${selector} {`);
    if (start < 0) throw new Error(`style.css has no ${selector} block`);
    const body = css.slice(start, css.indexOf("}", start));
    return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1], m[2]]));
  };
  const light = block(":root");
  return { light, dark: { ...light, ...block(':root[data-theme="dark"]') } };
}

const CSS = cssColors(readFileSync(new URL("../../src/explore/style.css", import.meta.url), "utf8"));

/** What the page's colours must keep, given the light and dark custom properties and the lanes. */
function failures(css: Record<ThemeName, Record<string, string>>, lanes: Record<ThemeName, string>): string[] {
  const out: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  for (const name of ["light", "dark"] as const) {
    const v = css[name];
    const t = THEMES[name];
    const get = (k: string): string => {
      const c = v[k];
      if (!c) throw new Error(`style.css has no --${k} for ${name}`);
      return c;
    };
    // The badge: "met" is --good text on the card; "missed" is the card's colour on a --bad fill.
    const badge = apart(get("good"), get("bad"));
    need(badge.distance >= 20, `${name}: met / missed badge ${badge.distance.toFixed(1)} apart (${badge.sight})`);
    need(contrastRatio(get("good"), get("card")) >= 4.5, `${name}: met text on the card below 4.5:1`);
    need(contrastRatio(get("card"), get("bad")) >= 4.5, `${name}: missed text on its fill below 4.5:1`);
    // Thread states on a lane (idle at the theme's opacity): every state stands off the lane;
    // idle, which is meant to recede, still tells "idle" from "no thread yet".
    const lane = lanes[name];
    for (const s of THREAD_STATES) {
      const fill = s === "idle" ? over(STATE_COLORS[s], t.idleOpacity, lane) : STATE_COLORS[s];
      const d = apart(fill, lane);
      need(d.distance >= (s === "idle" ? 8 : 15), `${name}: ${s} on the lane ${d.distance.toFixed(1)} (${d.sight})`);
    }
    // Every pair of states as drawn on the lane stands apart too: on dark, idle at 35% came within
    // 4.5 of the dark teal of "running, no GIL".
    const drawn = (s: (typeof THREAD_STATES)[number]) =>
      s === "idle" ? over(STATE_COLORS[s], t.idleOpacity, lane) : STATE_COLORS[s];
    THREAD_STATES.forEach((a, i) => {
      for (const b of THREAD_STATES.slice(i + 1)) {
        const d = apart(drawn(a), drawn(b));
        need(d.distance >= 15, `${name}: ${a} / ${b} on the lane ${d.distance.toFixed(1)} (${d.sight})`);
      }
    });
    // The legend's idle chip is idle as the lanes draw it.
    need(
      get("idle").toLowerCase() === drawn("idle").toLowerCase(),
      `${name}: --idle ${get("idle")} is not idle as drawn, ${drawn("idle")}`,
    );
    GIL_HOLD_SHADES.forEach((shade, i) => {
      const d = apart(shade, lane);
      need(d.distance >= 15, `${name}: GIL shade ${i} on the lane ${d.distance.toFixed(1)} (${d.sight})`);
    });
    // Small figures: the target line against the data's colour, and the loop-lag lines of up to
    // three processes against each other.
    const target = apart(t.target, t.series[0] as string);
    need(target.distance >= 20, `${name}: target / data ${target.distance.toFixed(1)} (${target.sight})`);
    need(contrastRatio(t.target, get("card")) >= 3, `${name}: the target line below 3:1 on the card`);
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        const d = apart(t.series[i] as string, t.series[j] as string);
        need(d.distance >= 20, `${name}: series ${i} / ${j} ${d.distance.toFixed(1)} (${d.sight})`);
      }
    }
    // Compare mode: the pressed side button (accent fill) against an unpressed one (the panel).
    const pressed = apart(get("accent"), get("panel"));
    need(pressed.distance >= 20, `${name}: pressed / unpressed side ${pressed.distance.toFixed(1)} (${pressed.sight})`);
    need(contrastRatio(get("accent-ink"), get("accent")) >= 4.5, `${name}: pressed button's label below 4.5:1`);
    need(contrastRatio(get("ink"), get("panel")) >= 4.5, `${name}: the compare sentence below 4.5:1`);
    for (const ground of ["bg", "card", "panel"]) {
      need(contrastRatio(get("muted"), get(ground)) >= 4.5, `${name}: muted text on --${ground} below 4.5:1`);
    }
  }
  return out;
}

describe("the explore page's colours", () => {
  const lanes = { light: THEMES.light.lane, dark: THEMES.dark.lane };

  it("style.css gives both themes the colours the checks read", () => {
    for (const k of ["good", "bad", "card", "panel", "accent", "accent-ink", "ink", "muted", "bg", "idle"]) {
      expect(CSS.light[k], k).toMatch(/^#/);
      expect(CSS.dark[k], k).toMatch(/^#/);
    }
    expect(CSS.dark.card).not.toBe(CSS.light.card);
  });

  it("badge, lanes, target lines and side buttons stay apart under normal vision, deuteranopia and protanopia, in both themes", () => {
    expect(failures(CSS, lanes)).toEqual([]);
  });

  it("the check can fail: the page's earlier colours fall under it (green / red badge, dark lane)", () => {
    const earlier = {
      light: { ...CSS.light, good: "#00704f", bad: "#b2182b" },
      dark: { ...CSS.dark, good: "#5fd3a6", bad: "#ff8a80" },
    };
    const found = failures(earlier, { ...lanes, dark: "#262b30" });
    // Idle at the earlier 35% on the dark lane: next to "running, no GIL".
    const dim = { ...THEMES.dark, idleOpacity: 0.35 };
    const drawnDim = over(STATE_COLORS.idle, dim.idleOpacity, THEMES.dark.lane);
    expect(apart(drawnDim, STATE_COLORS.nogil).distance).toBeLessThan(15);
    expect(found.some((f) => f.startsWith("light: met / missed badge"))).toBe(true);
    expect(found.some((f) => f.startsWith("dark: met / missed badge"))).toBe(true);
    expect(found.some((f) => f.startsWith("dark: nogil on the lane"))).toBe(true);
  });
});
