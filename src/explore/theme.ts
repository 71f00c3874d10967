/**
 * The page's two themes. Data colours (thread states, GIL shades, markers) come from the figures'
 * palette (src/charts/palette.ts) and are the same in both; only the page's ink, grid and lane
 * backgrounds change. Idle, the palette's light grey that recedes on white, is drawn at 80% on
 * dark, a grey that stays apart from the dark teal of "running, no GIL", the pink of "waiting for
 * the GIL" and the lane (the legend's idle chip is the same mix, --idle in style.css); the
 * one-series colour is the palette's blue on light and its sky blue on dark, where the deep blue
 * has too little contrast.
 */
import { OKABE_ITO, SERIES_COLORS } from "../charts/palette.js";

export type ThemeName = "light" | "dark";

export interface Theme {
  name: ThemeName;
  ink: string;
  muted: string;
  grid: string;
  /** A lane's background, where a thread has no interval. */
  lane: string;
  rule: string;
  /** The SLO line. */
  target: string;
  idleOpacity: number;
  /** Series colours in order (the first for a figure with one series). */
  series: readonly string[];
}

export const THEMES: Readonly<Record<ThemeName, Theme>> = {
  light: {
    name: "light",
    ink: "#1a1a1a",
    muted: "#555555",
    grid: "#e8e8e8",
    lane: "#f4f4f4",
    rule: "#8c8c8c",
    target: "#b2182b",
    idleOpacity: 1,
    // The figures' colours with black third: their third, bluish green, is 18.2 from the
    // vermillion second for a protanope (Machado et al. on linear RGB), black 38 or more from both.
    series: [
      OKABE_ITO.blue,
      OKABE_ITO.vermillion,
      OKABE_ITO.black,
      ...SERIES_COLORS.filter((c) => c !== OKABE_ITO.blue && c !== OKABE_ITO.vermillion && c !== OKABE_ITO.black),
    ],
  },
  dark: {
    name: "dark",
    ink: "#e8e8e8",
    muted: "#a8a8a8",
    grid: "#333a40",
    // Darker than the card, not lighter: the dark green of "running without the GIL" must stand
    // off it under deuteranopia too (test/explore/colors.test.ts).
    lane: "#0b0d0f",
    rule: "#7c848c",
    target: "#ff8a80",
    // Idle is a light grey on the dark lane, not a dark one: at 0.35 it came within CIEDE2000 4.5 of
    // the dark teal of "running, no GIL", at 0.5 within 12 of it and of the pink of "waiting for
    // the GIL", and at 0.8 within 12.7 of that pink for a deuteranope (test/explore/colors.test.ts
    // keeps every pair 15 apart).
    idleOpacity: 0.9,
    series: [OKABE_ITO.skyBlue, ...SERIES_COLORS.filter((c) => c !== OKABE_ITO.skyBlue && c !== OKABE_ITO.black)],
  },
};

/**
 * The p99 target's line, one encoding in every figure of the page that draws it (the latency
 * histogram and the p99-against-workers sparkline): a solid 1.5 px line in the theme's target
 * colour. Solid, because the histogram's p50/p95/p99 rules are the dashed ones.
 */
export function targetLine(theme: Theme): { stroke: string; strokeWidth: number } {
  return { stroke: theme.target, strokeWidth: 1.5 };
}

/** The page's font, for the figures Plot draws and for measuring their labels. */
export const PAGE_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';

/** The font size, px, of the figures Plot draws in the page: their tick and axis labels. */
export const PLOT_FONT_SIZE = 11;

/**
 * The top margin of a figure whose y-axis label ("p99 (ms)") Plot writes above the frame, at the
 * left. Plot puts the label's top 3 px below the figure's top, and centres each tick label on its
 * tick, so the top tick label can reach half a line above the frame. With a line 1.2 font sizes
 * high and 3 px between them, the two never touch, however many digits the tick label has.
 */
export const Y_LABEL_MARGIN_TOP = Math.ceil(3 + 1.2 * PLOT_FONT_SIZE + 3 + 0.6 * PLOT_FONT_SIZE);

/** The inline style of a figure Plot draws in the page. */
export function plotStyle(theme: Theme): Record<string, string> {
  return { color: theme.ink, background: "transparent", fontSize: `${PLOT_FONT_SIZE}px`, fontFamily: PAGE_FONT };
}
