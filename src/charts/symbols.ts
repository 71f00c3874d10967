/**
 * Point glyphs shared by the charts (through Plot's dot mark) and the legends (as SVG paths), so a
 * legend swatch is drawn by the very code that draws the mark. Each glyph follows d3-shape's symbol
 * protocol: draw(context, size) with size the glyph's area in square px.
 */

/** The subset of CanvasPath / d3-path that glyphs draw with. */
export interface PathContext {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void;
  closePath(): void;
}

export interface Glyph {
  draw(context: PathContext, size: number): void;
}

export const GLYPH_NAMES = ["circle", "square", "diamond", "triangle", "triangle-down", "cross"] as const;
export type GlyphName = (typeof GLYPH_NAMES)[number];

function polygon(context: PathContext, points: readonly (readonly [number, number])[]): void {
  points.forEach(([x, y], i) => {
    if (i === 0) context.moveTo(x, y);
    else context.lineTo(x, y);
  });
  context.closePath();
}

const GLYPHS: Readonly<Record<GlyphName, Glyph>> = {
  circle: {
    draw(context, size) {
      const r = Math.sqrt(size / Math.PI);
      context.moveTo(r, 0);
      context.arc(0, 0, r, 0, 2 * Math.PI);
      context.closePath();
    },
  },
  square: {
    draw(context, size) {
      const h = Math.sqrt(size) / 2;
      polygon(context, [
        [-h, -h],
        [h, -h],
        [h, h],
        [-h, h],
      ]);
    },
  },
  diamond: {
    // A square of the same area turned 45 degrees, stretched a little upright to read as a diamond.
    draw(context, size) {
      const w = Math.sqrt(size / 2) * 0.9;
      const h = Math.sqrt(size / 2) * 1.1;
      polygon(context, [
        [0, -h],
        [w, 0],
        [0, h],
        [-w, 0],
      ]);
    },
  },
  triangle: {
    draw(context, size) {
      const s = Math.sqrt((4 * size) / Math.sqrt(3));
      const h = (s * Math.sqrt(3)) / 2;
      polygon(context, [
        [0, (-2 * h) / 3],
        [s / 2, h / 3],
        [-s / 2, h / 3],
      ]);
    },
  },
  "triangle-down": {
    draw(context, size) {
      const s = Math.sqrt((4 * size) / Math.sqrt(3));
      const h = (s * Math.sqrt(3)) / 2;
      polygon(context, [
        [0, (2 * h) / 3],
        [s / 2, -h / 3],
        [-s / 2, -h / 3],
      ]);
    },
  },
  cross: {
    // A plus sign with arms a fifth of its span wide: area 5 arm squares.
    draw(context, size) {
      const a = Math.sqrt(size / 5) / 2;
      const b = 3 * a;
      polygon(context, [
        [-a, -b],
        [a, -b],
        [a, -a],
        [b, -a],
        [b, a],
        [a, a],
        [a, b],
        [-a, b],
        [-a, a],
        [-b, a],
        [-b, -a],
        [-a, -a],
      ]);
    },
  },
};

export function glyph(name: GlyphName): Glyph {
  return GLYPHS[name];
}

/** The glyph of radius `r` (Plot's dot convention: area = pi r^2) as SVG path data centred on 0,0. */
export function glyphPath(name: GlyphName, r: number): string {
  const parts: string[] = [];
  const n = (v: number): string => String(Math.round(v * 100) / 100 || 0);
  let cx = 0;
  let cy = 0;
  const recorder: PathContext = {
    moveTo(x, y) {
      parts.push(`M${n(x)},${n(y)}`);
      cx = x;
      cy = y;
    },
    lineTo(x, y) {
      parts.push(`L${n(x)},${n(y)}`);
      cx = x;
      cy = y;
    },
    arc(x, y, radius) {
      // Only full circles are drawn: two half arcs from the current point.
      const ox = 2 * x - cx;
      const oy = 2 * y - cy;
      parts.push(
        `A${n(radius)},${n(radius)},0,1,1,${n(ox)},${n(oy)}A${n(radius)},${n(radius)},0,1,1,${n(cx)},${n(cy)}`,
      );
    },
    closePath() {
      parts.push("Z");
    },
  };
  GLYPHS[name].draw(recorder, r * r * Math.PI);
  return parts.join("");
}

/** How far a glyph of radius `r` (as Plot's dot sizes it: the area of a circle of radius r) reaches above and below its centre, px. */
export function glyphExtent(name: GlyphName, r: number): { up: number; down: number } {
  let top = 0;
  let bottom = 0;
  const at = (y: number): void => {
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  };
  GLYPHS[name].draw(
    {
      moveTo: (_x, y) => at(y),
      lineTo: (_x, y) => at(y),
      arc: (_x, y, radius) => {
        at(y - radius);
        at(y + radius);
      },
      closePath: () => {},
    },
    r * r * Math.PI,
  );
  return { up: -top, down: bottom };
}
