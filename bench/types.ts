/**
 * The contract between `bench/run.ts` and each benchmark module.
 *
 * A benchmark measures in one process and reports plain lines; speed targets are ratios measured
 * in the same run (never absolute timings), so a noisy shared machine moves both sides alike.
 */

/** One measured figure. */
export interface BenchLine {
  /** What was measured, e.g. "engine customers/s". */
  metric: string;
  /** The measured value. */
  value: number;
  /** The unit shown beside the value, e.g. "customers/s" or "x". */
  unit: string;
  /** The smallest acceptable value, when the figure has a target. */
  atLeast?: number;
  /** The largest acceptable value, when the figure has a ceiling. */
  atMost?: number;
}

/** A benchmark module: `run` does all its work (warm-up included) and returns its figures. */
export interface Bench {
  /** Short name, used to select benchmarks on the command line. */
  name: string;
  /** One line saying what the benchmark does. */
  description: string;
  /** Runs the benchmark; `progress` reports a short status (shown only on a TTY). */
  run(progress: (status: string) => void): Promise<BenchLine[]>;
}
