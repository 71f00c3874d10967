import { hashSeed } from "../engine/random.js";
import type { PythonVersion } from "../model/profiles.js";
import { parseScenario, type Scenario } from "../scenario/scenario.js";
import { applyLoad } from "./arrival-load.js";
import { whyMisses } from "./bottleneck.js";
import { type Candidate, candidatesFor, compareCost } from "./candidates.js";
import type { Summary } from "./evaluate.js";
import { type MmcModel, mmcModel, mmcPredict } from "./mmc-check.js";
import { type Allowance, allowanceIf, type ErrorParams } from "./model-error.js";
import type { JobRunner } from "./pool.js";
import type { Progress } from "./progress.js";
import { mostProbes, type SearchResult, smallestMeeting } from "./search.js";
import { type Objective, type Standing, stand } from "./slo.js";

/** The replications per probe when neither the option nor the scenario asks for more. */
export const DEFAULT_REPLICATIONS = 3;
/** The largest worker count the search tries by default. */
export const DEFAULT_MAX_WORKERS = 128;

export interface RecommendOptions {
  objectives: Objective[];
  /** Poisson arrivals per second. */
  rate: number;
  /** A free-threaded build to also try thread layouts with the GIL off; null for none. */
  python?: PythonVersion | null;
  /** Candidate ids to try (see candidatesFor); null for all that fit the workload. */
  kinds?: readonly string[] | null;
  /** Default DEFAULT_MAX_WORKERS. */
  maxWorkers?: number;
  /** Default: the scenario's run.replications, at least DEFAULT_REPLICATIONS. */
  replications?: number | null;
  /** Base seed; default the scenario's. */
  seed?: number | null;
  /**
   * Judge latency targets with the model's measured optimism allowed for (see model-error.ts);
   * default true. False judges the simulated figures as they are.
   */
  modelError?: boolean;
  /** Which measured error applies: "profile" when a machine profile filled in the scenario's costs; default "defaults". */
  modelErrorParams?: ErrorParams;
  runner: JobRunner;
  /** Told of each probe; given the most probes the search can take. */
  progress?: (maxProbes: number) => Progress;
}

/** One probe: a layout at a size, its results and how they stand against the objectives. */
export interface Evaluation {
  summary: Summary;
  standings: Standing[];
  /** The smallest headroom over the objectives (negative when one is missed). */
  margin: number;
  /** The M/M/c model of this configuration, or why it is not one. */
  mmc: MmcModel | string;
}

export interface KindResult {
  candidate: Pick<Candidate, "id" | "label" | "unit">;
  search: SearchResult<Evaluation>;
  /** Processes and threads at the smallest meeting size; null when none meets. */
  cost: { processes: number; threads: number } | null;
  /** What to paste into the scenario for the smallest meeting size (its executor, and runtime when it changes); null when none meets. */
  fragment: Record<string, unknown> | null;
  /** For a layout that misses at every size: why, from the scenario's costs and load (see whyMisses); else null. */
  why: string | null;
}

export interface Recommendation {
  /** The scenario with the load applied, before a layout is chosen. */
  base: Scenario;
  replications: number;
  maxWorkers: number;
  /** Each objective with the model-error allowance it is judged with (null: none, or turned off). */
  allowances: { objective: Objective; allowance: Allowance | null }[];
  /** Which measured error the allowances come from (see model-error.ts). */
  modelErrorParams: ErrorParams;
  /** Layouts that meet the objectives, smallest first; the first is the recommendation. */
  ranked: KindResult[];
  /** Layouts that miss even at maxWorkers. */
  failed: KindResult[];
}

/**
 * Finds, for each executor layout that can run the workload, the smallest worker count that
 * meets every objective at the given load, and ranks the layouts by size (fewer processes, then
 * fewer threads, then more headroom). Each layout is a doubling-then-bisecting search (see
 * smallestMeeting); the layouts search side by side on the runner. Every probe uses the same
 * seeds (common random numbers), so sizes differ only by their layout, not by their luck.
 */
export async function recommend(raw: unknown, source: string, options: RecommendOptions): Promise<Recommendation> {
  const loaded = applyLoad(raw, options.rate);
  const base = parseScenario(loaded, source);
  const maxWorkers = options.maxWorkers ?? DEFAULT_MAX_WORKERS;
  if (!Number.isInteger(maxWorkers) || maxWorkers < 1) {
    throw new RangeError(`invalid --max-workers: ${maxWorkers} (expected a positive integer)`);
  }
  const replications = options.replications ?? Math.max(DEFAULT_REPLICATIONS, base.run.replications);
  if (!Number.isInteger(replications) || replications < 1) {
    throw new RangeError(`invalid --replications: ${replications} (expected a positive integer)`);
  }
  const all = candidatesFor(base, options.python ?? null);
  const kinds = options.kinds ?? null;
  for (const k of kinds ?? []) {
    if (!all.some((c) => c.id === k)) {
      throw new RangeError(
        `invalid --kinds: ${k} (expected some of ${all.map((c) => c.id).join(", ")} for this workload)`,
      );
    }
  }
  const candidates = kinds === null ? all : all.filter((c) => kinds.includes(c.id));
  const scenarioAt = (c: Candidate, size: number) =>
    parseScenario(c.apply(loaded, size), `${source} as ${c.id} x ${size}`);
  // Every layout must be valid at both ends of the range before any run starts.
  for (const c of candidates) {
    scenarioAt(c, 1);
    scenarioAt(c, maxWorkers);
  }
  const seed = hashSeed(options.seed ?? base.seed, "recommend");
  const modelErrorParams = options.modelErrorParams ?? "defaults";
  const allowances = options.objectives.map((objective) => ({
    objective,
    allowance: allowanceIf(options.modelError !== false, objective.kind, objective.metric, modelErrorParams),
  }));
  const progress = options.progress?.(candidates.length * mostProbes(maxWorkers));

  const searchOne = async (c: Candidate): Promise<KindResult> => {
    const search = await smallestMeeting(maxWorkers, async (size) => {
      const scenario = scenarioAt(c, size);
      const { summary } = await options.runner.run({ scenario, seed, replications });
      progress?.increment();
      const standings = allowances.map(({ objective, allowance }) => stand(objective, summary, allowance));
      const margin = Math.min(...standings.map((s) => s.headroom));
      const detail: Evaluation = { summary, standings, margin, mmc: mmcModel(scenario) };
      // Inconclusive: every objective met on the mean, some missed only at the 95% bound.
      const meets = standings.every((s) => s.meets);
      return { meets, detail, inconclusive: !meets && standings.every((s) => s.meetsMean) };
    });
    const best = search.best;
    const cost = best === null ? null : c.cost(best.size);
    const fragment = best === null ? null : fragmentOf(loaded, c.apply(loaded, best.size));
    const why = best === null && search.below ? whyMisses(scenarioAt(c, search.below.size)) : null;
    return { candidate: { id: c.id, label: c.label, unit: c.unit }, search, cost, fragment, why };
  };
  let results: KindResult[];
  try {
    results = await Promise.all(candidates.map(searchOne));
  } finally {
    progress?.stop();
  }

  const ranked = results
    .filter((r) => r.search.best !== null)
    .sort(
      (a, b) =>
        compareCost(a.cost!, b.cost!) ||
        (b.search.best?.detail.margin ?? 0) - (a.search.best?.detail.margin ?? 0) ||
        a.candidate.id.localeCompare(b.candidate.id),
    );
  const failed = results.filter((r) => r.search.best === null);
  return { base, replications, maxWorkers, allowances, modelErrorParams, ranked, failed };
}

/** The parts of `applied` a user pastes over `raw`: the executor, and the runtime when the layout changes it. */
function fragmentOf(raw: unknown, applied: unknown): Record<string, unknown> {
  const get = (o: unknown, k: string): unknown =>
    o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined;
  const out: Record<string, unknown> = { executor: get(applied, "executor") };
  const runtime = get(applied, "runtime");
  if (JSON.stringify(runtime) !== JSON.stringify(get(raw, "runtime"))) out.runtime = runtime;
  return out;
}

/** M/M/c's prediction for each objective of a probe, when the configuration is M/M/c-like. */
export function mmcPredictions(evaluation: Evaluation): { objective: Objective; predicted: number | null }[] | null {
  const model = evaluation.mmc;
  if (typeof model === "string") return null;
  return evaluation.standings.map((s) => ({ objective: s.objective, predicted: mmcPredict(model, s.objective) }));
}
