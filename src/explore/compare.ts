/**
 * Compare mode's sentence: what differs between two configurations, and what it does to p99 and
 * throughput ("python 3.13t instead of 3.12 cuts p99 from 412ms to 38ms").
 */

import { formatNumber } from "../cli/summary.js";
import { formatDuration } from "../engine/time.js";
import type { Metrics } from "../metrics/types.js";
import { durationText, EXECUTOR_LABELS, type Knobs, STEP_KNOBS, type StepKnob } from "./knobs.js";

const STEP_NAMES: Readonly<Record<StepKnob, string>> = {
  cpu: "CPU",
  release: "GIL-releasing C code",
  block: "a blocking call",
  io: "IO",
};

/** The knobs that differ from `a` to `b`, each as "<b's value> instead of <a's>" ("8 cores instead of 4"). */
export function knobDifferences(a: Knobs, b: Knobs): string[] {
  const out: string[] = [];
  // `short` is the value alone, for the "instead of" side; an empty text: the knob does not
  // apply to that side (a rate for batch arrivals), so it is not compared.
  const differ = (short: (k: Knobs) => string, full: (k: Knobs) => string = short) => {
    const x = short(a);
    const y = short(b);
    if (x !== y && x !== "" && y !== "") out.push(`${full(b)} instead of ${x}`);
  };
  const ms = (ns: number) => durationText(ns);
  differ((k) => EXECUTOR_LABELS[k.executor]);
  if (a.executor === b.executor) {
    differ(
      (k) => String(k.workers ?? 1),
      (k) => `${k.workers ?? 1} ${k.executor === "asyncio" ? "event loops" : "workers"}`,
    );
  }
  differ(
    (k) => k.python,
    (k) => `python ${k.python}`,
  );
  differ(
    (k) => (k.gil ? "on" : "off"),
    (k) => `GIL ${k.gil ? "on" : "off"}`,
  );
  differ(
    (k) => ms(k.switchInterval),
    (k) => `a ${ms(k.switchInterval)} switch interval`,
  );
  differ(
    (k) => String(k.cores),
    (k) => `${k.cores} ${k.cores === 1 ? "core" : "cores"}`,
  );
  for (const step of STEP_KNOBS) {
    differ(
      (k) => (k.steps[step] > 0 ? ms(k.steps[step]) : "none"),
      (k) => (k.steps[step] > 0 ? `${ms(k.steps[step])} of ${STEP_NAMES[step]}` : `no ${STEP_NAMES[step]}`),
    );
  }
  differ(
    (k) => k.arrivals,
    (k) => `${k.arrivals} arrivals`,
  );
  differ(
    (k) => (k.rate === null ? "" : formatNumber(k.rate)),
    (k) => `${formatNumber(k.rate ?? 0)} tasks/s`,
  );
  differ(
    (k) => (k.clients === null ? "" : String(k.clients)),
    (k) => `${k.clients} clients`,
  );
  differ(
    (k) => String(k.count),
    (k) => `${k.count} tasks`,
  );
  differ(
    (k) => String(k.seed),
    (k) => `seed ${k.seed}`,
  );
  return out;
}

function change(name: string, from: number, to: number, format: (x: number) => string, lowerIsBetter: boolean): string {
  if (from === to) return `leaves ${name} at ${format(from)}`;
  const ratio = from > 0 && to > 0 ? Math.max(from, to) / Math.min(from, to) : null;
  const factor = ratio === null ? "" : ` (${formatNumber(ratio)}× ${to < from ? "lower" : "higher"})`;
  const better = to < from === lowerIsBetter;
  const verb = name === "p99" ? (better ? "cuts" : "raises") : to < from ? "lowers" : "raises";
  return `${verb} ${name} from ${format(from)} to ${format(to)}${factor}`;
}

/** One sentence comparing configuration B with A. */
export function compareSentence(a: { knobs: Knobs; metrics: Metrics }, b: { knobs: Knobs; metrics: Metrics }): string {
  const diffs = knobDifferences(a.knobs, b.knobs);
  const subject =
    diffs.length === 0
      ? "B, the same configuration,"
      : `B (${diffs.slice(0, 3).join("; ")}${diffs.length > 3 ? `; ${diffs.length - 3} more` : ""})`;
  const p99 = change("p99", a.metrics.latency.p99, b.metrics.latency.p99, formatDuration, true);
  const throughput = change(
    "throughput",
    a.metrics.throughput,
    b.metrics.throughput,
    (x) => `${formatNumber(x)} tasks/s`,
    false,
  );
  return `${subject} ${p99}, and ${throughput}.`;
}
