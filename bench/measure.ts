/**
 * Timing helpers for benchmarks that compare two implementations in one process: warm each up
 * once, then alternate rounds and take the median of each, so drift in machine load hits both.
 */

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("invalid values: [] (expected at least one value)");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Seconds taken by `work`, measured with the monotonic high-resolution clock. */
export function timeIt(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export interface Contender {
  /** Label used in progress messages. */
  name: string;
  /** Does one full round of work. */
  run: () => void;
}

/**
 * Times each contender once to warm up, then `rounds` times in alternation (a, b, a, b...),
 * and returns the median seconds of each, in the order given.
 */
export function alternate(
  contenders: readonly Contender[],
  rounds: number,
  progress: (status: string) => void = () => {},
): number[] {
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError(`invalid rounds: ${rounds} (expected a positive integer)`);
  }
  for (const c of contenders) {
    progress(`warm-up ${c.name}`);
    c.run();
  }
  const seconds: number[][] = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach((c, i) => {
      progress(`round ${r + 1}/${rounds} ${c.name}`);
      (seconds[i] as number[]).push(timeIt(c.run));
    });
  }
  return seconds.map(median);
}
