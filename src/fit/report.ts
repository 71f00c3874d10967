import { formatDuration } from "../engine/time.js";
import type { FittedStep } from "./classes.js";
import type { Consistency } from "./consistency.js";
import type { FitResult } from "./fit.js";

/*
 * The fit in words for a terminal, and as JSON (`gilsim fit --report`): what was found, how well
 * each distribution fits (Kolmogorov-Smirnov distance, with the 1% critical value), and the
 * self-consistency of the scenario.
 */

const pct = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;

function stepLines(steps: readonly FittedStep[], indent: string): string[] {
  const out: string[] = [];
  for (const s of steps) {
    if (s.kind === "offload") {
      out.push(`${indent}offload ${s.label}:`);
      out.push(...stepLines(s.inner ?? [], `${indent}  `));
      continue;
    }
    const d = s.dist;
    if (!d) continue;
    if (s.kind === "python" && d.mean < 1000) continue;
    const what = s.kind === "python" ? "python" : `${s.label} (${s.kind}${s.repeat > 1 ? ` x${s.repeat}` : ""})`;
    const fit =
      d.chosen === "constant"
        ? "constant"
        : `${d.chosen}, KS ${d.ks.toFixed(3)}${d.chosen === "empirical" ? "" : ` (<= ${d.critical.toFixed(3)})`}`;
    const mixed = s.kindShare < 0.99 ? `, ${(s.kindShare * 100).toFixed(0)}% ${s.kind}` : "";
    out.push(
      `${indent}${what.padEnd(30)} mean ${formatDuration(d.mean).padStart(8)}  p99 ${formatDuration(d.p99).padStart(8)}  ${fit}${mixed}`,
    );
  }
  return out;
}

/** The fit as lines of text. */
export function fitLines(fit: FitResult, consistency: Consistency | null): string[] {
  const out: string[] = [];
  const p = fit.process;
  out.push(
    `fitted ${fit.recorded.count} tasks of process ${p.pid} (Python ${p.python ?? "unknown"}, ${p.cpus ?? "?"} CPUs) on ${fit.executor.note}`,
  );
  const a = fit.arrivals;
  const written =
    fit.arrivalsWritten === "replay"
      ? `a replay of the ${a.count} recorded times (${a.rate.toFixed(1)}/s on average`
      : `${a.kind === "poisson" ? "Poisson" : "fixed rate"} at ${a.rate.toFixed(1)}/s (${a.count} tasks`;
  out.push(
    `arrivals: ${written}; gaps cv ${a.cv.toFixed(2)}, KS to exponential ${a.ks.toFixed(3)}, 1% critical ${a.critical.toFixed(3)})`,
  );
  if (fit.submitCost !== null)
    out.push(
      fit.acceptCost === null
        ? `submitting thread: ${formatDuration(fit.submitCost)} of CPU per task, all of it as runtime.submitCost (the recording does not say how much was inside submit)`
        : `submitting thread: ${formatDuration(fit.submitCost)} of CPU per task in submit (runtime.submitCost), ${formatDuration(fit.acceptCost)} in the rest of its loop (runtime.acceptCost)`,
    );
  out.push(
    "measured in place: the code between calls, C calls' GIL-held edges and cold caches are in the fitted steps (runtime.stepOverhead and cCallEdge 0, machine.coldStart off)",
  );
  const total = fit.classes.reduce((s, c) => s + c.tasks, 0);
  for (const c of fit.classes) {
    out.push(`class ${c.name}: ${c.tasks} tasks (${((c.tasks / total) * 100).toFixed(1)}%), ${c.fitted} fitted`);
    out.push(...stepLines(c.steps, "  "));
  }
  if (consistency) {
    out.push(
      `self-consistency (${consistency.replications} simulated runs against the recording; error = (simulated - recorded) / recorded):`,
    );
    for (const r of consistency.rows) {
      out.push(
        `  ${r.percentile}  simulated ${formatDuration(r.simulated).padStart(8)}  recorded ${formatDuration(r.recorded).padStart(8)}  ${pct(r.error)}`,
      );
    }
  }
  return out;
}

/** The fit as a JSON report (everything but the scenario itself). */
export function fitReport(fit: FitResult, consistency: Consistency | null): unknown {
  const { input: _input, ...rest } = fit;
  return { ...rest, consistency };
}
