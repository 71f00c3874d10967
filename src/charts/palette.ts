/**
 * Data colours, the one module every figure (and the explorable page) takes them from; it imports
 * no DOM. Executor kinds take Okabe-Ito hues (Okabe and Ito, 2008; the processes' orange a little
 * brighter, #ffa000, so that a deuteranope keeps it 15 from the threads' vermillion) and also
 * differ by point symbol, so a grey print keeps them apart. Thread states were chosen by CIEDE2000 distance
 * under simulated deuteranopia and protanopia (Machado et al. 2009), not only under normal
 * vision: the states spread over lightness and the blue-yellow axis, which those readers keep.
 * test/charts/palette.test.ts checks both.
 */
import { THREAD_STATES, type ThreadState } from "../trace/types.js";
import type { GlyphName } from "./symbols.js";

export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

/**
 * One colour per thread state. Running with the GIL is a red, running without it a dark teal,
 * waiting for the GIL a pink, IO a light azure, idle a light neutral grey ("nothing happens"
 * should recede), waiting for a core a lemon yellow. Besides standing apart under deuteranopia
 * and protanopia, they are spread over lightness (CIELAB L* 31, 42, 52, 71, 82 and 93 for running
 * without the GIL, running with it, waiting for it, IO, idle and waiting for a core), so a grey
 * print keeps them apart too; and none is close to an executor kind's colour, so "holds the GIL"
 * does not read as "threads (GIL)" from another figure.
 */
export const STATE_COLORS: Readonly<Record<ThreadState, string>> = {
  gil: "#c11601",
  nogil: "#17524d",
  "wait-gil": "#db3398",
  "wait-core": "#eaf53a",
  io: "#76b4ff",
  idle: "#cbcbcb",
};

/**
 * A lane before its thread starts or after it ends: a near-white fill crossed by grey hatching,
 * so it reads apart from idle by its texture as well as its shade.
 */
export const NOT_STARTED = { fill: "#f7f7f7", hatch: "#bdbdbd", label: "not started / ended" } as const;

export const STATE_LABELS: Readonly<Record<ThreadState, string>> = {
  gil: "running, holds GIL",
  nogil: "running, no GIL",
  "wait-gil": "waiting for GIL",
  "wait-core": "waiting for a core",
  io: "IO / sleep",
  idle: "idle",
};

/** Text colour that reads on top of each state's fill (see textOn). */
export const STATE_TEXT: Readonly<Record<ThreadState, string>> = Object.fromEntries(
  THREAD_STATES.map((s) => [s, textOn(STATE_COLORS[s])]),
) as Record<ThreadState, string>;

export const EXECUTOR_KINDS = ["asyncio", "threads-gil", "threads-nogil", "processes", "sync"] as const;
/** The executor families compared in scaling figures; threads split by whether the build has a GIL. */
export type ExecutorKind = (typeof EXECUTOR_KINDS)[number];

export interface ExecutorStyle {
  label: string;
  color: string;
  symbol: GlyphName;
}

export const EXECUTOR_STYLES: Readonly<Record<ExecutorKind, ExecutorStyle>> = {
  asyncio: { label: "asyncio", color: OKABE_ITO.blue, symbol: "circle" },
  "threads-gil": { label: "threads (GIL)", color: OKABE_ITO.vermillion, symbol: "square" },
  "threads-nogil": { label: "threads (no GIL)", color: OKABE_ITO.bluishGreen, symbol: "diamond" },
  // Okabe and Ito's orange (#E69F00) is 12.5 from the vermillion for a deuteranope (Machado et al.
  // on linear RGB); this one is 15.4, at 2.04:1 on white against 2.2.
  processes: { label: "processes", color: "#ffa000", symbol: "triangle" },
  sync: { label: "sync", color: OKABE_ITO.black, symbol: "cross" },
};

/** Line dashes for the 1st, 2nd, ... series of one executor kind (beside kindShade's shades); undefined: solid. */
export const KIND_DASHES = [undefined, "7,4", "2,3", "10,3,2,3"] as const;

/**
 * How far each shade of kindShade moves toward black (negative) or white (positive); a colour too
 * dark to darken (black) goes lighter twice instead.
 */
const KIND_SHADES = [0, -0.4, -0.8] as const;
/** How many series of one executor kind a figure can tell apart (kindShade's shades). */
export const KIND_SHADE_COUNT = KIND_SHADES.length;
const DARK_KIND_SHADES = [0, 0.4, 0.65] as const;

/**
 * The colour of the k-th series of one executor kind in a figure (k from 0): the kind's own colour,
 * then two darker shades of it. Series of one kind keep the kind's hue, so a reader still
 * knows them for threads or processes, and differ in lightness, which deuteranopia and protanopia
 * keep (test/charts/palette.test.ts checks their distance). Mixed in sRGB with black or white.
 */
export function kindShade(color: string, k: number): string {
  const shades = luminance(color) < 0.03 ? DARK_KIND_SHADES : KIND_SHADES;
  return mixed(color, shades[k % shades.length] as number);
}

/**
 * The k-th of n series of one executor kind when n is more than kindShade's shades: the kind's
 * hue in n steps of lightness, from lighter than the kind's colour to darker than its darkest
 * shade (a colour too dark to darken, black, in n steps of grey), so a reader still knows them
 * for the kind and reads them in order, light to dark. Beside a dash each, as kindShade's are.
 */
export function kindRamp(color: string, k: number, n: number): string {
  const [from, to] = luminance(color) < 0.03 ? [0.75, 0] : [0.45, -0.8];
  return mixed(color, n <= 1 ? 0 : from + ((to - from) * k) / (n - 1));
}

/** `color` moved `mix` of the way toward white (positive) or black (negative), in sRGB. */
function mixed(color: string, mix: number): string {
  if (mix === 0) return color;
  const parts = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
  const target = mix < 0 ? 0 : 255;
  const a = Math.abs(mix);
  return `#${parts
    .map((c) =>
      Math.round(c + (target - c) * a)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/** Colours for series that carry no executor kind, in order of use. */
export const SERIES_COLORS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.vermillion,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.orange,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
];

/** Symbols paired with SERIES_COLORS, in the same order. */
export const SERIES_SYMBOLS: readonly GlyphName[] = [
  "circle",
  "square",
  "diamond",
  "triangle",
  "cross",
  "triangle-down",
];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] as string;
}

export function seriesSymbol(index: number): GlyphName {
  return SERIES_SYMBOLS[index % SERIES_SYMBOLS.length] as GlyphName;
}

/**
 * The two alternating fills of GIL holds on a timeline: each hand-off flips the shade. A dark
 * indigo and a light lavender, a hue no executor kind and no thread state takes: the brown
 * and light orange they replace were CIEDE2000 2.3 from the second thread-pool series' dark
 * vermillion and close to the processes' orange, and merged with "holds GIL" under deuteranopia;
 * the slate violet after them (#5b566f) came within 9.1 of asyncio's second shade for a
 * deuteranope, once the simulation worked in linear RGB.
 */
export const GIL_HOLD_SHADES = ["#191452", "#e0bdf3"] as const;
export const GIL_HOLD_TEXT = [textOn(GIL_HOLD_SHADES[0]), textOn(GIL_HOLD_SHADES[1])] as const;

/**
 * Agreement classes of the simulated-versus-measured figure. None is an executor kind's colour
 * (a green or orange point would read as threads without a GIL or processes): close agreement is
 * a dark grey, the outer band a light grey, and outside it a darker shade of the palette's reddish
 * purple (no executor takes that hue; darkened to 5:1 on white, to stand out as the class that
 * matters); the glyphs (circle, square, cross) keep them apart in grey print too.
 */
export const AGREEMENT_COLORS = {
  inner: "#3d3d3d",
  outer: "#9a9a9a",
  outside: "#995b7d",
} as const;

/**
 * The shaded error bands drawn behind points (within ±5% and ±15%, or a figure's own pair): the
 * inner band clearly darker than the outer one, so the two read as two bands, and light enough that
 * every series colour stays legible on both. Charts draw them over their grid (gridlines would
 * stripe them) and outline their legend swatches in swatchStroke, so a swatch as light as the outer
 * band still shows on a projector or in print.
 */
export const BAND_FILLS = { inner: "#c4c4c4", outer: "#e6e6e6", swatchStroke: "#8c8c8c" } as const;

/**
 * Task counts over time (the queue figure): running tasks a dark grey, tasks waiting to start the
 * reddish purple; neither is an executor kind's colour.
 */
export const TASK_COLORS = { running: "#595959", waiting: OKABE_ITO.reddishPurple } as const;

/** WCAG relative luminance of "#rrggbb". */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two "#rrggbb" colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The colour to write text in when it names a series drawn in `color`, on white: the colour
 * itself when it reaches WCAG AA (4.5:1), else the same hue mixed with black just until it does
 * (the processes' orange #ffa000, 2.04:1 on white, becomes a dark ochre).
 */
export function textColorOf(color: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(color))
    throw new RangeError(`invalid colour: ${JSON.stringify(color)} (expected #rrggbb)`);
  const parts = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
  const hex = (k: number): string =>
    `#${parts
      .map((c) =>
        Math.round(c * k)
          .toString(16)
          .padStart(2, "0"),
      )
      .join("")}`;
  if (contrastRatio(color, "#ffffff") >= 4.5) return color;
  for (let k = 1; k > 0; k -= 0.02) {
    if (contrastRatio(hex(k), "#ffffff") >= 4.5) return hex(k);
  }
  return "#000000";
}

/** Black or white, whichever reads better on `fill` ("#rrggbb" or "rgb(r, g, b)"), by WCAG relative luminance. */
export function textOn(fill: string): "#000000" | "#ffffff" {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(fill);
  const rgb = /^rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\s*\)$/i.exec(fill);
  const parts = hex ? hex.slice(1).map((h) => Number.parseInt(h, 16)) : rgb ? rgb.slice(1).map(Number) : null;
  if (parts === null)
    throw new RangeError(`invalid colour: ${JSON.stringify(fill)} (expected #rrggbb or rgb(r, g, b))`);
  const [r, g, b] = parts.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white is (1.05)/(L+0.05), with black (L+0.05)/0.05; they are equal at L = 0.179.
  return luminance > 0.179 ? "#000000" : "#ffffff";
}

/**
 * A legend's sample of a mark drawn in each series' own colour (a point filled or hollow, a runs'
 * line): a neutral grey that is no executor kind's colour, so the legend names no colour the
 * figure does not use for that mark.
 */
export const SAMPLE_GREY = "#8c8c8c";
