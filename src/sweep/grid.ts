import { hashSeed } from "../engine/random.js";
import type { Axis, AxisValue } from "./axis.js";

/** One point of a sweep: a value for each axis. */
export interface Point {
  /** Position in the grid: the first axis varies slowest, the last fastest. */
  index: number;
  /** Values in axis order. */
  values: AxisValue[];
}

/** The largest grid a sweep accepts. */
export const MAX_POINTS = 10_000_000;

/** The full cross product of the axes, addressed by index so no list of points is ever built. */
export class Grid {
  readonly size: number;
  private readonly strides: number[];

  constructor(readonly axes: readonly Axis[]) {
    let size = 1;
    const strides: number[] = new Array(axes.length).fill(0);
    for (let i = axes.length - 1; i >= 0; i--) {
      strides[i] = size;
      size *= axes[i]?.values.length ?? 1;
    }
    if (size > MAX_POINTS) {
      throw new RangeError(`invalid sweep: ${size} points (at most ${MAX_POINTS}; use fewer --vary values)`);
    }
    this.size = size;
    this.strides = strides;
  }

  /** The point at `index` (0 <= index < size). */
  point(index: number): Point {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`invalid point index: ${index} (expected 0 to ${this.size - 1})`);
    }
    const values = this.axes.map((axis, i) => {
      const n = axis.values.length;
      const at = Math.floor(index / (this.strides[i] ?? 1)) % n;
      return axis.values[at] as AxisValue;
    });
    return { index, values };
  }

  /** The point's values keyed by path, in axis order. */
  assignment(point: Point): Record<string, AxisValue> {
    const out: Record<string, AxisValue> = {};
    this.axes.forEach((axis, i) => {
      out[axis.path] = point.values[i] as AxisValue;
    });
    return out;
  }

  /**
   * The canonical key of a point: `path=value` pairs sorted by path, values as JSON. The same
   * point has the same key whatever the order of the --vary options.
   */
  key(point: Point): string {
    return pointKey(this.assignment(point));
  }
}

/** The canonical key of an assignment of values to paths. */
export function pointKey(assignment: Readonly<Record<string, AxisValue>>): string {
  return Object.keys(assignment)
    .sort()
    .map((path) => `${path}=${JSON.stringify(assignment[path])}`)
    .join(" ");
}

/**
 * The seed of a point: a hash of the base seed and the point's key, so a point gets the same
 * seed whatever the order it runs in, the number of workers or the shard it falls in.
 */
export function pointSeed(baseSeed: number, key: string): number {
  return hashSeed(baseSeed, `point ${key}`);
}
