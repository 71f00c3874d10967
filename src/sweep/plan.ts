import { createHash } from "node:crypto";
import { hashSeed } from "../engine/random.js";
import { parseScenario, type Scenario } from "../scenario/scenario.js";
import type { Axis, AxisValue } from "./axis.js";
import { runCost } from "./cost.js";
import type { Job } from "./evaluate.js";
import { Grid, pointSeed } from "./grid.js";
import { type PathSegment, setAt } from "./path.js";
import { keysOfKind } from "./schema-path.js";
import type { Shard } from "./shard.js";

/** A sweep ready to run: the base scenario, its axes, and how each point is run. */
export interface SweepPlan {
  /** A hash of everything that decides the results (not the shard): results files must match it. */
  id: string;
  name: string;
  /** Where the scenario came from, for error messages. */
  source: string;
  /** The scenario file's object, before the axes are applied. */
  raw: unknown;
  axes: Axis[];
  grid: Grid;
  /** Replications per point; null to use each point's run.replications. */
  replications: number | null;
  /** Base seed; null to use each point's scenario seed. */
  seed: number | null;
  shard: Shard | null;
  /** The scenario had a machine profile applied (sweep --profile): the model's error measured with one applies. */
  profiled: boolean;
  /** Each point's replications. */
  pointReplications: Float64Array;
  /** Each point's estimated cost: one run's (cost.ts) times its replications. */
  costs: Float64Array;
}

export interface PlanOptions {
  replications?: number | null | undefined;
  seed?: number | null | undefined;
  shard?: Shard | null | undefined;
  profiled?: boolean | undefined;
}

/** One point of a plan, ready to hand to a runner. */
export interface PlannedPoint {
  index: number;
  key: string;
  values: Record<string, AxisValue>;
  /** All its replications, from the point's seed. */
  job: Omit<Job, "id">;
  /** The point's run.confidence. */
  confidence: number;
}

/**
 * Checks a sweep before any work starts: every point of the grid is built and validated, so an
 * impossible combination (GIL off on a GIL build, zero workers) is reported up front, naming the
 * point. Throws a ScenarioError or a RangeError.
 */
export function planSweep(raw: unknown, source: string, axes: Axis[], options: PlanOptions = {}): SweepPlan {
  if (axes.length === 0) throw new RangeError("invalid sweep: no --vary option (expected at least one)");
  const replications = options.replications ?? null;
  if (replications !== null && (!Number.isInteger(replications) || replications < 1)) {
    throw new RangeError(`invalid replications: ${replications} (expected a positive integer)`);
  }
  const seed = options.seed ?? null;
  if (seed !== null) hashSeed(seed, "");
  const grid = new Grid(axes);
  const id = sweepId(raw, axes, replications, seed);
  const probe = raw as { name?: unknown };
  const name = typeof probe?.name === "string" ? probe.name : "scenario";
  const pointReplications = new Float64Array(grid.size);
  const costs = new Float64Array(grid.size);
  const shard = options.shard ?? null;
  const profiled = options.profiled ?? false;
  const plan: SweepPlan = {
    id,
    name,
    source,
    raw,
    axes,
    grid,
    replications,
    seed,
    shard,
    profiled,
    pointReplications,
    costs,
  };
  for (let i = 0; i < grid.size; i++) {
    const scenario = pointScenario(plan, i);
    const r = replications ?? scenario.run.replications;
    pointReplications[i] = r;
    costs[i] = runCost(scenario) * r;
  }
  return plan;
}

/** The parsed scenario of point `index`, with its values applied; a ScenarioError names the point. */
export function pointScenario(plan: SweepPlan, index: number): Scenario {
  const point = plan.grid.point(index);
  let raw = plan.raw;
  // Kinds first, outer before inner, each dropping the options its new kind does not take; then
  // every other axis, so an option asked for is always checked against the kind, in any axis order.
  const axes = plan.axes.map((axis, i) => ({ axis, value: point.values[i] }));
  const isKind = (a: Axis) => a.segments.at(-1) === "kind";
  const kinds = axes.filter((a) => isKind(a.axis)).sort((a, b) => a.axis.segments.length - b.axis.segments.length);
  for (const { axis, value } of kinds) {
    raw = keepKeysOfKind(setAt(raw, axis.segments, value), axis.segments.slice(0, -1), value);
  }
  for (const { axis, value } of axes) if (!isKind(axis)) raw = setAt(raw, axis.segments, value);
  return parseScenario(raw, `${plan.source} with ${plan.grid.key(point)}`);
}

/**
 * After an axis sets a `kind` (executor.kind=threads on an asyncio scenario), the object at
 * `parent` keeps only the options its new kind takes: asyncio's `offload` goes, `workers` stays
 * when the new kind has workers too. Axes after it can set the new kind's own options.
 */
function keepKeysOfKind(raw: unknown, parent: readonly PathSegment[], kind: unknown): unknown {
  const keys = keysOfKind(parent, kind);
  if (keys === null) return raw;
  let node: unknown = raw;
  for (const s of parent) node = (node as Record<string | number, unknown> | undefined)?.[s];
  if (node === null || typeof node !== "object" || Array.isArray(node)) return raw;
  const kept = Object.fromEntries(Object.entries(node).filter(([k]) => keys.has(k)));
  return setAt(raw, parent, kept);
}

/** Point `index` of the plan: its key, its values and the job that runs it. */
export function plannedPoint(plan: SweepPlan, index: number): PlannedPoint {
  const point = plan.grid.point(index);
  const key = plan.grid.key(point);
  const scenario = pointScenario(plan, index);
  const replications = plan.replications ?? scenario.run.replications;
  const seed = pointSeed(plan.seed ?? scenario.seed, key);
  return {
    index,
    key,
    values: plan.grid.assignment(point),
    job: { scenario, seed, replications },
    confidence: scenario.run.confidence,
  };
}

/**
 * The sweep's specification hash: the first 16 hex digits of the SHA-256 of the scenario, the
 * axes, the replications and the seed, as JSON. Every shard's points file carries it, so shards of
 * different sweeps are never merged.
 */
export function sweepId(
  raw: unknown,
  axes: readonly Pick<Axis, "path" | "values">[],
  replications: number | null,
  seed: number | null,
): string {
  const text = JSON.stringify({
    raw,
    axes: axes.map((a) => ({ path: a.path, values: a.values })),
    replications,
    seed,
  });
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
