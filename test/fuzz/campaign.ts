import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inProcess, type Outcome, problemsOf, RUN_LIMITS, viaCli } from "./check.js";
import { type FuzzInput, fuzzInputs } from "./inputs.js";

/*
 * One fuzzing campaign, shared by test/fuzz/fuzz.test.ts (2,000 inputs) and scripts/fuzz.ts
 * (10,000): hostile scenario files (inputs.ts) through the CLI's own entry in-process, every 20th
 * of them through `gilsim trace` as well, and a share through real child processes of the built
 * CLI (bin/gilsim.js on plain node), each with its CPU time and peak memory measured. Every
 * outcome is held to check.ts's demands: exit 0 or 2, at most 20 lines, no stack trace, within
 * 20 s, under 512 MB, and nothing left behind in the folder of the input or of the outputs.
 */

/** The outputs `trace --out BASE --format F` may leave when it succeeds (and only then). */
const TRACE_FORMATS = ["chrome", "jsonl", "both"] as const;
function traceOutputs(base: string, format: (typeof TRACE_FORMATS)[number]): string[] {
  if (format === "chrome") return [`${base}.json`];
  if (format === "jsonl") return [`${base}.jsonl`];
  return [`${base}.json`, `${base}.intervals.csv`, `${base}.tasks.csv`];
}

export interface Failure {
  i: number;
  how: string;
  mutations: string[];
  problems: string[];
  stderr: string;
}

export interface CampaignOptions {
  count: number;
  /** How many of the inputs (the first ones) also run as child processes. */
  children: number;
  seed: number;
  /** A fresh folder for inputs and outputs (emptied as the campaign goes). */
  dir: string;
  /** Called after each input, with how many are done (in-process and child runs together). */
  onProgress?: (done: number, total: number) => void;
}

export interface CampaignResult {
  inputs: number;
  /** Runs by how they ended: "in-process exit 2", "child exit 0", ... */
  outcomes: Map<string, number>;
  failures: Failure[];
  /** The longest CPU time of one in-process run, and of one child process (s). */
  worstSeconds: { inProcess: number; child: number };
  /** The highest peak resident memory of one child process (bytes). */
  worstChildPeak: number;
  childRuns: number;
  traceRuns: number;
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Runs the campaign; never throws for a bad outcome, it lists it in `failures`. */
export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const inputs = join(o.dir, "in");
  const outs = join(o.dir, "out");
  mkdirSync(inputs, { recursive: true });
  mkdirSync(outs, { recursive: true });
  const result: CampaignResult = {
    inputs: 0,
    outcomes: new Map(),
    failures: [],
    worstSeconds: { inProcess: 0, child: 0 },
    worstChildPeak: 0,
    childRuns: 0,
    traceRuns: 0,
  };
  const total = o.count + o.children;
  let done = 0;
  const record = (i: number, input: FuzzInput, how: string, outcome: Outcome, more: string[] = []): void => {
    const problems = [...problemsOf(outcome), ...more];
    if (problems.length > 0) {
      result.failures.push({ i, how, mutations: input.mutations, problems, stderr: outcome.err.slice(0, 400) });
    }
  };
  const childQueue: { i: number; input: FuzzInput; file: string }[] = [];
  let i = 0;
  for (const input of fuzzInputs(o.count, o.seed)) {
    const file = join(inputs, `${String(i).padStart(5, "0")}.json`);
    writeFileSync(file, input.text);
    const outcome = await inProcess(["simulate", file, ...RUN_LIMITS], inputs);
    count(result.outcomes, `in-process exit ${outcome.code}`);
    result.worstSeconds.inProcess = Math.max(result.worstSeconds.inProcess, outcome.seconds);
    record(i, input, "simulate (in-process)", outcome);
    if (i % 20 === 0) {
      // Every 20th also through trace, whose outputs must appear whole or not at all.
      const format = TRACE_FORMATS[(i / 20) % 3] as (typeof TRACE_FORMATS)[number];
      const traced = await inProcess(
        ["trace", file, "--out", join(outs, `t${i}`), "--format", format, ...RUN_LIMITS],
        outs,
        traceOutputs(`t${i}`, format),
      );
      result.traceRuns++;
      result.worstSeconds.inProcess = Math.max(result.worstSeconds.inProcess, traced.seconds);
      count(result.outcomes, `in-process trace exit ${traced.code}`);
      record(i, input, `trace --format ${format} (in-process)`, traced);
      rmSync(outs, { recursive: true, force: true });
      mkdirSync(outs);
    }
    if (childQueue.length < o.children) childQueue.push({ i, input, file });
    else rmSync(file, { force: true });
    result.inputs++;
    o.onProgress?.(++done, total);
    i++;
  }
  // Child processes two at a time (the machine has two cores): simulate and trace in turn.
  for (let k = 0; k < childQueue.length; k += 2) {
    const pair = childQueue.slice(k, k + 2);
    const runs = pair.map(async ({ i, input, file }) => {
      const asTrace = i % 2 === 1;
      const how = asTrace ? "trace --format both (child)" : "simulate (child)";
      const args = asTrace
        ? ["trace", file, "--out", join(outs, `c${i}`), "--format", "both", ...RUN_LIMITS]
        : ["simulate", file, ...RUN_LIMITS];
      const watched = asTrace ? outs : inputs;
      const outcome = await viaCli(args, watched, asTrace ? traceOutputs(`c${i}`, "both") : []);
      result.childRuns++;
      count(result.outcomes, `child exit ${outcome.hung ? "hung" : outcome.code}`);
      result.worstSeconds.child = Math.max(result.worstSeconds.child, outcome.seconds);
      result.worstChildPeak = Math.max(result.worstChildPeak, outcome.peakBytes ?? 0);
      record(i, input, how, outcome, outcome.peakBytes ? [] : ["no peak memory measured"]);
      o.onProgress?.(++done, total);
    });
    await Promise.all(runs);
    rmSync(outs, { recursive: true, force: true });
    mkdirSync(outs);
  }
  rmSync(o.dir, { recursive: true, force: true });
  return result;
}

/** "input 12, simulate (in-process) (value at count -> hostile; cut at 40): exit 1; stderr: ..." */
export function describeFailures(failures: readonly Failure[], max = 10): string[] {
  return failures
    .slice(0, max)
    .map(
      (f) =>
        `input ${f.i}, ${f.how} (${f.mutations.join("; ").slice(0, 300)}): ${f.problems.join(", ")}; stderr: ${f.stderr}`,
    );
}
