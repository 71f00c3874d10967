/** A step into a JSON value: an object key or an array index. */
export type PathSegment = string | number;

const SEGMENT = /^(?:[A-Za-z_$][\w$-]*|\d+)$/;

/**
 * Parses `workload.classes[0].steps[1].cpu` (or `workload.classes.0.steps.1.cpu`) into its
 * segments; digits are array indices. Throws a RangeError on a malformed path.
 */
export function parsePath(text: string): PathSegment[] {
  const invalid = () =>
    new RangeError(`invalid --vary path: "${text}" (expected keys joined by dots, like executor.workers)`);
  if (text.trim() === "") throw invalid();
  const segments: PathSegment[] = [];
  for (const dotted of text.replace(/\[(\d+)\]/g, ".$1").split(".")) {
    if (!SEGMENT.test(dotted)) throw invalid();
    segments.push(/^\d+$/.test(dotted) ? Number(dotted) : dotted);
  }
  return segments;
}

/** Formats segments as `workload.classes[0].weight`. */
export function formatPathSegments(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) out += typeof s === "number" ? `[${s}]` : out === "" ? s : `.${s}`;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * A copy of `raw` with `value` at `segments`; missing objects on the way are created. An index
 * into an array must name an element that exists, so a typo cannot grow a list of tasks.
 */
export function setAt(raw: unknown, segments: readonly PathSegment[], value: unknown): unknown {
  const at = (node: unknown, depth: number): unknown => {
    const head = segments[depth];
    if (head === undefined) return value;
    if (typeof head === "number") {
      if (!Array.isArray(node) || head >= node.length) {
        const size = Array.isArray(node) ? `it has ${node.length}` : "it is not a list";
        const parent = formatPathSegments(segments.slice(0, depth));
        throw new RangeError(
          `unknown --vary path: ${formatPathSegments(segments)} (${parent} has no element ${head}: ${size})`,
        );
      }
      const copy = [...node];
      copy[head] = at(node[head], depth + 1);
      return copy;
    }
    const base = isObject(node) ? node : {};
    return { ...base, [head]: at(base[head], depth + 1) };
  };
  return at(raw, 0);
}
