import { type DistChoice, type FittedDistribution, fitDistribution } from "./distribution-fit.js";
import type { StepKind, TaskStep } from "./steps.js";

/*
 * Task classes from recorded tasks: tasks are grouped by name (a route), and within a name by the
 * sequence of calls they made (their signature). Each common signature becomes a class whose steps
 * alternate pure Python and calls; every step's duration gets a distribution fitted to the values
 * measured at its position.
 */

/** Calls to the same socket method with less Python than this between them are one call (a read loop). */
export const MERGE_NS = 50_000;
/** A signature becomes a class of its own when it covers at least this share of its name's tasks... */
export const VARIANT_SHARE = 0.1;
/** ...and at least this many tasks; rarer signatures are left out of the fit (their tasks still count). */
export const VARIANT_MIN = 30;
/** Python steps shorter than this on average are dropped. */
const PYTHON_MIN_NS = 1_000;

/** A task's steps in canonical form: Python, call, Python, call, ..., Python. */
export function canonical(steps: readonly TaskStep[]): TaskStep[] {
  const out: TaskStep[] = [];
  const python = (ns: number): TaskStep => ({ kind: "python", label: "python", ns, n: 1 });
  for (const s of steps) {
    const last = out[out.length - 1];
    if (s.kind === "python") {
      if (last?.kind === "python") last.ns += s.ns;
      else out.push(python(s.ns));
      continue;
    }
    const step: TaskStep = s.inner ? { ...s, inner: canonical(s.inner) } : { ...s };
    // A read loop: the same socket call again after a little Python is one longer call.
    const prev = out[out.length - 2];
    if (
      last?.kind === "python" &&
      last.ns < MERGE_NS &&
      prev &&
      prev.label === step.label &&
      step.label.startsWith("socket.") &&
      prev.kind !== "offload"
    ) {
      prev.ns += step.ns;
      if (step.kind === "io" || step.kind === "block") prev.kind = step.kind;
      continue;
    }
    if (last === undefined || last.kind !== "python") out.push(python(0));
    out.push(step);
  }
  if (out[out.length - 1]?.kind !== "python") out.push(python(0));
  return out;
}

/** The calls of canonical steps, as a key: tasks with the same key made the same calls in order. */
export function signature(steps: readonly TaskStep[]): string {
  return steps
    .filter((s) => s.kind !== "python")
    .map((s) =>
      s.kind === "offload" ? `${s.label}[${signature(s.inner ?? [])}]` : s.kind === "hold" ? `${s.label}:h` : s.label,
    )
    .join(",");
}

/** One step of a fitted class. */
export interface FittedStep {
  label: string;
  kind: StepKind;
  /** Native calls it repeats (a fetch of many rows releases the GIL once per row). */
  repeat: number;
  /** The fitted duration (of one repetition); null for an offload. */
  dist: FittedDistribution | null;
  /** Share of the tasks whose call here was of this kind (the others were counted as it too). */
  kindShare: number;
  inner?: FittedStep[];
}

export interface FittedClass {
  name: string;
  /** Tasks this class stands for (its own and rarer variants folded in): its weight. */
  tasks: number;
  /** Tasks whose steps were fitted. */
  fitted: number;
  /** The calls it makes, in order. */
  signature: string;
  steps: FittedStep[];
}

function mode<T>(values: readonly T[]): { value: T; share: number } {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] as T;
  let n = 0;
  for (const [v, c] of counts) {
    if (c > n) {
      best = v;
      n = c;
    }
  }
  return { value: best, share: n / values.length };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1] as number;
}

/** Fits each position of tasks that share a signature (canonical steps of equal shape). */
export function fitPositions(tasks: readonly TaskStep[][], choice: DistChoice): FittedStep[] {
  const first = tasks[0];
  if (!first) return [];
  return first.map((step, i): FittedStep => {
    const at = tasks.map((t) => t[i] as TaskStep);
    if (step.kind === "offload") {
      return {
        label: step.label,
        kind: "offload",
        repeat: 1,
        dist: null,
        kindShare: 1,
        inner: fitPositions(
          at.map((s) => s.inner ?? []),
          choice,
        ),
      };
    }
    const kind = mode(at.map((s) => s.kind));
    const repeat = step.kind === "python" ? 1 : Math.max(1, Math.round(median(at.map((s) => s.n))));
    // A socket call that waited in some tasks and not in others: each as the position's kind.
    const durationAsKind = (s: TaskStep): number =>
      kind.value === s.kind
        ? s.ns
        : kind.value === "release"
          ? (s.cpu ?? s.ns)
          : kind.value === "io" || kind.value === "block"
            ? (s.own ?? s.ns)
            : s.ns;
    const values = at.map((s) => (repeat > 1 ? durationAsKind(s) / Math.max(1, s.n) : durationAsKind(s)));
    return {
      label: step.label,
      kind: kind.value,
      repeat,
      dist: fitDistribution(values, choice),
      kindShare: kind.share,
    };
  });
}

/** Classes for the tasks of one name: its common signatures, each fitted. */
export function fitName(name: string, tasks: readonly TaskStep[][], choice: DistChoice): FittedClass[] {
  const bySig = new Map<string, TaskStep[][]>();
  for (const steps of tasks) {
    const c = canonical(steps);
    const key = signature(c);
    const list = bySig.get(key);
    if (list) list.push(c);
    else bySig.set(key, [c]);
  }
  const groups = [...bySig.entries()].sort((a, b) => b[1].length - a[1].length);
  const kept = groups.filter(
    ([, list], k) => k === 0 || (list.length >= VARIANT_MIN && list.length >= VARIANT_SHARE * tasks.length),
  );
  const folded = tasks.length - kept.reduce((a, [, list]) => a + list.length, 0);
  return kept.map(([sig, list], k) => ({
    name: k === 0 ? name : `${name} (variant ${k + 1})`,
    tasks: list.length + (k === 0 ? folded : 0),
    fitted: list.length,
    signature: sig,
    steps: fitPositions(list, choice),
  }));
}

/** A fitted class's steps in scenario-file syntax (Python steps with a tiny mean are left out). */
export function stepsInput(steps: readonly FittedStep[]): unknown[] {
  const out: unknown[] = [];
  for (const s of steps) {
    if (s.kind === "offload") {
      const inner = stepsInput(s.inner ?? []);
      out.push({ offload: inner.length > 0 ? inner : [{ cpu: "0us" }] });
      continue;
    }
    const d = s.dist as FittedDistribution;
    if (s.kind === "python" && d.mean < PYTHON_MIN_NS) continue;
    const one =
      s.kind === "python"
        ? { cpu: d.input }
        : s.kind === "release"
          ? { cpu: d.input, gil: "release" }
          : s.kind === "hold"
            ? { cpu: d.input, gil: "hold" }
            : s.kind === "io"
              ? { io: d.input }
              : { block: d.input };
    out.push(s.repeat > 1 ? { repeat: s.repeat, steps: [one] } : one);
  }
  return out.length > 0 ? out : [{ cpu: "0us" }];
}
