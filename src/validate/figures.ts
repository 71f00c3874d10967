import { join } from "node:path";
import { type ErrorPoint, errorStripChart, type SeriesStyle, SYMLOG_CAPTION } from "../charts/error-strip.js";
import { EXECUTOR_STYLES, kindShade } from "../charts/palette.js";
import { type ParityPanel, parityChart } from "../charts/parity.js";
import type { Figure } from "../charts/types.js";
import { writeFigure } from "../charts/write.js";
import {
  ERROR_METRICS,
  type MetricKey,
  PARAM_SET_LABELS,
  PARAM_SETS,
  type ParamSet,
  type ScenarioResult,
} from "./errors.js";
import type { RandomRecord } from "./record.js";
import { headline, provenance } from "./report.js";
import { FAMILIES, type Family } from "./space.js";

/*
 * The figures of a random validation: the signed errors of every scenario, per metric, with the
 * machine profile and with the version defaults (one strip each), and simulated against measured
 * per metric for each parameter set. Executors keep the colours every gilsim figure gives them,
 * by the rule the mixed notebook states: colour and symbol follow the executor that runs the
 * Python work, so asyncio with a pool takes the pool's symbol and a darker shade of its colour
 * (kindShade), as mixed/latency draws "asyncio + thread pool" beside a plain thread pool.
 */

/** The rule, for the figures' captions. */
export const FAMILY_COLOUR_RULE =
  "Colour and symbol follow the executor that runs the offloaded Python work: asyncio with a thread or process pool takes the pool's symbol and a darker shade of its colour.";

/** One colour and symbol per executor family, from the shared palette. */
const STYLE_OF: Record<Family, Omit<SeriesStyle, "key">> = {
  sync: { label: "sync", color: EXECUTOR_STYLES.sync.color, symbol: EXECUTOR_STYLES.sync.symbol },
  threads: {
    label: "thread pool",
    color: EXECUTOR_STYLES["threads-gil"].color,
    symbol: EXECUTOR_STYLES["threads-gil"].symbol,
  },
  processes: {
    label: "process pool",
    color: EXECUTOR_STYLES.processes.color,
    symbol: EXECUTOR_STYLES.processes.symbol,
  },
  asyncio: { label: "asyncio", color: EXECUTOR_STYLES.asyncio.color, symbol: EXECUTOR_STYLES.asyncio.symbol },
  "asyncio+threads": {
    label: "asyncio + thread pool",
    color: kindShade(EXECUTOR_STYLES["threads-gil"].color, 1),
    symbol: EXECUTOR_STYLES["threads-gil"].symbol,
  },
  "asyncio+processes": {
    label: "asyncio + process pool",
    color: kindShade(EXECUTOR_STYLES.processes.color, 1),
    symbol: EXECUTOR_STYLES.processes.symbol,
  },
};

export const FAMILY_STYLES: readonly SeriesStyle[] = FAMILIES.map(({ family }) => ({
  key: family,
  ...STYLE_OF[family],
}));

const QUANTITY: Record<MetricKey, { label: string; scale: number }> = {
  makespan: { label: "makespan (s)", scale: 1e-9 },
  throughput: { label: "throughput (tasks/s)", scale: 1 },
  "latency.p50": { label: "p50 latency (ms)", scale: 1e-6 },
  "latency.p95": { label: "p95 latency (ms)", scale: 1e-6 },
  "latency.p99": { label: "p99 latency (ms)", scale: 1e-6 },
};

function present(results: readonly ScenarioResult[]): SeriesStyle[] {
  const seen = new Set(results.map((r) => r.family));
  return FAMILY_STYLES.filter((s) => seen.has(s.key));
}

/** The signed errors of every scenario and metric, a panel per parameter set. */
export function errorStripFigure(
  results: readonly ScenarioResult[],
  context: { title: string; subtitle: string },
): Figure {
  const points: ErrorPoint[] = results.flatMap((r) =>
    PARAM_SETS.flatMap((set) =>
      r.errors[set].map((e) => ({
        row: ERROR_METRICS.find((m) => m.key === e.key)?.label ?? e.key,
        panel: PARAM_SET_LABELS[set],
        error: e.error,
        series: r.family,
      })),
    ),
  );
  return errorStripChart(points, {
    rows: ERROR_METRICS.map((m) => m.label),
    panels: PARAM_SETS.map((s) => PARAM_SET_LABELS[s]),
    series: present(results),
    title: context.title,
    subtitle: context.subtitle,
    caption: `Each dot is one random scenario: the simulation's error against the mean of its real runs. Left, simulated with this machine's measured profile; right, with the Python version's defaults only. The open black I-beam (a bar with a flat cap at each end, drawn under the dots; its width means nothing) is the median signed error; shaded: within ±5% and ±15%. ${FAMILY_COLOUR_RULE} ${SYMLOG_CAPTION}`,
  });
}

/** Simulated against measured, a panel per metric, for one parameter set. */
export function parityFigure(
  results: readonly ScenarioResult[],
  set: ParamSet,
  context: { title: string; subtitle: string },
): Figure {
  const panels: ParityPanel[] = ERROR_METRICS.map(({ key }) => ({
    quantity: QUANTITY[key].label,
    points: results.map((r) => {
      const e = r.errors[set].find((x) => x.key === key);
      if (!e) throw new Error(`${r.id}: no ${key}`);
      return { measured: e.mean * QUANTITY[key].scale, simulated: e.simulated * QUANTITY[key].scale, series: r.family };
    }),
  }));
  return parityChart(panels, {
    series: present(results),
    columns: 3,
    ringOutside: true,
    title: context.title,
    subtitle: context.subtitle,
    caption: `Each dot is one random scenario: the mean of its real runs across, the simulation (${PARAM_SET_LABELS[set]}) up, on log axes. On the dashed line the simulation is exact; between the two solid lines (shaded) it is within ±15%; a black ring marks a scenario outside it. ${FAMILY_COLOUR_RULE}`,
  });
}

/** The three figures of a set, as SVG and PNG in `dir`; returns the file names written. */
export function writeValidationFigures(
  dir: string,
  results: readonly ScenarioResult[],
  options: { seed: number; provenance: readonly RandomRecord[] },
): string[] {
  const subtitle = provenance(options.provenance);
  const figures: [string, Figure][] = [
    [
      "errors",
      errorStripFigure(results, {
        // Both panels, left then right: a title on one would leave the other unread.
        title: `Random scenarios, seed ${options.seed}: with the ${PARAM_SET_LABELS.profile}, ${headline(results, "profile")}; with the ${PARAM_SET_LABELS.defaults}, ${headline(results, "defaults")}`,
        subtitle,
      }),
    ],
    ...PARAM_SETS.map((set): [string, Figure] => [
      `parity-${set}`,
      parityFigure(results, set, {
        title: `Random scenarios, seed ${options.seed}, simulated with the ${PARAM_SET_LABELS[set]}: ${headline(results, set)}`,
        subtitle,
      }),
    ]),
  ];
  const files: string[] = [];
  for (const [name, figure] of figures) {
    writeFigure(join(dir, `${name}.svg`), figure);
    writeFigure(join(dir, `${name}.png`), figure);
    files.push(`${name}.svg`, `${name}.png`);
  }
  return files;
}
