import type { PathSegment } from "./path.js";
import { acceptedKinds, schemasAt, suggestPaths } from "./schema-path.js";
import { parseVary, type VaryOption } from "./vary.js";

/** A value a sweep sets: numbers stay numbers, durations and names stay strings. */
export type AxisValue = number | string | boolean;

/** One varied parameter of a sweep: a path into the scenario file and the values it takes. */
export interface Axis {
  path: string;
  segments: PathSegment[];
  values: AxisValue[];
}

/**
 * Checks a parsed --vary option against the scenario schema and gives each item the JSON type
 * the field takes: "4" becomes 4 for `executor.workers`, but "3.10" stays a string for
 * `runtime.python`. Throws `unknown --vary path: executor.wrkers` for a path the schema lacks.
 */
export function resolveAxis(option: VaryOption): Axis {
  const schemas = schemasAt(option.segments);
  if (schemas.length === 0) {
    const like = suggestPaths(option.segments);
    const hint = like.length === 0 ? "" : ` (did you mean ${like.join(" or ")}?)`;
    throw new RangeError(`unknown --vary path: ${option.path}${hint}`);
  }
  const kinds = acceptedKinds(schemas);
  const values = option.items.map((item): AxisValue => {
    if (item.number !== null && kinds.has("number")) return item.number;
    if (item.boolean !== null && kinds.has("boolean")) return item.boolean;
    return item.text;
  });
  return { path: option.path, segments: option.segments, values };
}

/** Parses and resolves every --vary option; a path given twice is an error. */
export function parseAxes(options: readonly string[]): Axis[] {
  const axes = options.map((o) => resolveAxis(parseVary(o)));
  const seen = new Set<string>();
  for (const axis of axes) {
    if (seen.has(axis.path)) throw new RangeError(`--vary ${axis.path} is given twice`);
    seen.add(axis.path);
  }
  return axes;
}
