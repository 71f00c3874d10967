import type { z } from "zod";
import { scenarioObjectSchema } from "../scenario/schema.js";
import { formatPathSegments, type PathSegment } from "./path.js";

/*
 * Finds what the scenario schema accepts at a path, by walking zod's schema definitions. A path
 * is known when some branch of the schema (any executor kind, any step type, any distribution)
 * has it; whether a value fits the branch the file uses is then checked by validating the point.
 */

type Schema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  options?: readonly Schema[];
  shape?: Record<string, Schema>;
  element?: Schema;
  getter?: () => Schema;
  valueType?: Schema;
  items?: readonly Schema[];
  entries?: Record<string, unknown>;
  values?: readonly unknown[];
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

function def(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The concrete schemas a value must match: wrappers, pipes' input sides and union branches unwrapped. */
function concrete(schema: Schema, out: Schema[] = [], depth = 0): Schema[] {
  if (depth > 64) return out;
  const d = def(schema);
  if (WRAPPERS.has(d.type) && d.innerType) return concrete(d.innerType, out, depth + 1);
  if (d.type === "pipe" && d.in) return concrete(d.in, out, depth + 1);
  if (d.type === "lazy" && d.getter) return concrete(d.getter(), out, depth + 1);
  if (d.type === "union" && d.options) {
    for (const o of d.options) concrete(o, out, depth + 1);
    return out;
  }
  out.push(schema);
  return out;
}

function child(schema: Schema, segment: PathSegment): Schema[] {
  const d = def(schema);
  if (d.type === "object" && typeof segment === "string" && d.shape && Object.hasOwn(d.shape, segment)) {
    const next = d.shape[segment];
    return next ? [next] : [];
  }
  if (d.type === "array" && typeof segment === "number" && d.element) return [d.element];
  if (d.type === "record" && d.valueType) return [d.valueType];
  if (d.type === "tuple" && typeof segment === "number" && d.items?.[segment]) return [d.items[segment]];
  return [];
}

/** The leaf schemas at `segments`, or an empty list when no branch of the schema has that path. */
export function schemasAt(segments: readonly PathSegment[], root: Schema = scenarioObjectSchema): Schema[] {
  let current = concrete(root);
  for (const segment of segments) {
    const next: Schema[] = [];
    for (const s of current) for (const c of child(s, segment)) concrete(c, next);
    if (next.length === 0) return [];
    current = next;
  }
  return current;
}

/** What kinds of plain JSON values the schemas accept: "number", "string", "boolean", "object", "array". */
export function acceptedKinds(schemas: readonly Schema[]): Set<string> {
  const kinds = new Set<string>();
  for (const s of schemas) {
    const d = def(s);
    switch (d.type) {
      case "number":
      case "int":
      case "bigint":
        kinds.add("number");
        break;
      case "string":
      case "template_literal":
        kinds.add("string");
        break;
      case "boolean":
        kinds.add("boolean");
        break;
      case "enum":
        for (const v of Object.values(d.entries ?? {})) kinds.add(typeof v);
        break;
      case "literal":
        for (const v of d.values ?? []) kinds.add(typeof v);
        break;
      case "object":
      case "record":
        kinds.add("object");
        break;
      case "array":
      case "tuple":
        kinds.add("array");
        break;
      default:
        // any, unknown, transform: anything goes.
        for (const k of ["number", "string", "boolean", "object", "array"]) kinds.add(k);
    }
  }
  return kinds;
}

/**
 * The keys the object at `parent` takes when its `kind` is `kind`: the keys of the schema branch
 * whose `kind` is that literal (executor kinds, arrival kinds, pool kinds), or null when no branch
 * at that path is told apart by a `kind`.
 */
export function keysOfKind(parent: readonly PathSegment[], kind: unknown): Set<string> | null {
  let keys: Set<string> | null = null;
  for (const s of schemasAt(parent)) {
    const d = def(s);
    const tag = d.type === "object" ? d.shape?.kind : undefined;
    if (!tag) continue;
    const t = def(tag);
    if (t.type === "literal" && (t.values ?? []).includes(kind)) {
      keys ??= new Set();
      for (const k of Object.keys(d.shape ?? {})) keys.add(k);
    }
  }
  return keys;
}

/** Every path the schema has, down to `depth` segments (lists as their element [0]), in walk order. */
function allPaths(depth: number, root: Schema = scenarioObjectSchema): PathSegment[][] {
  const out: PathSegment[][] = [];
  const walk = (schemas: Schema[], prefix: PathSegment[]) => {
    if (prefix.length >= depth) return;
    const keys = new Map<PathSegment, Schema[]>();
    for (const s of schemas) {
      const d = def(s);
      if (d.type === "object" && d.shape) for (const k of Object.keys(d.shape)) keys.set(k, []);
      if ((d.type === "array" && d.element) || d.type === "tuple") keys.set(0, []);
    }
    for (const [k, list] of keys) {
      for (const s of schemas) for (const c of child(s, k)) concrete(c, list);
      const path = [...prefix, k];
      out.push(path);
      walk(list, path);
    }
  };
  walk(concrete(root), []);
  return out;
}

/** Levenshtein distance, for suggestions. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next.push(Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, (row[j - 1] as number) + cost));
    }
    row = next;
  }
  return row[b.length] as number;
}

/**
 * Paths of the schema a mistyped path may have meant, best first (at most three): the same last
 * key under another parent (`workers` -> `executor.workers`), or a path one or two letters away.
 * Array indices are written [0].
 */
export function suggestPaths(segments: readonly PathSegment[]): string[] {
  const wanted = formatPathSegments(segments).toLowerCase();
  const last = String(segments.at(-1) ?? "").toLowerCase();
  const scored: { path: string; score: number }[] = [];
  for (const path of allPaths(Math.max(4, segments.length + 3))) {
    const text = formatPathSegments(path);
    const tail = String(path.at(-1)).toLowerCase();
    const whole = distance(wanted, text.toLowerCase());
    const near = whole <= Math.min(2, Math.floor(wanted.length / 5));
    const score = tail === last ? text.length / 100 : near ? 1 + whole : Number.POSITIVE_INFINITY;
    if (Number.isFinite(score)) scored.push({ path: text, score });
  }
  scored.sort((a, b) => a.score - b.score || a.path.localeCompare(b.path));
  return [...new Set(scored.map((s) => s.path))].slice(0, 3);
}
