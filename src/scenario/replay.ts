import { z } from "zod";
import { fromMillis, MAX_TIME, type Nanos } from "../engine/time.js";
import { formatLimit } from "./limits.js";

/*
 * Replayed arrivals: `{"kind": "replay", "times": [0, 4.2, 9.75, ...]}`, the instants at which
 * tasks arrive, in milliseconds from the start of the run (a bare number, as durations are), in
 * order. `gilsim fit --arrivals replay` writes the recorded arrival times this way, so a scenario
 * meets exactly the traffic the recorded program met. Parsed to integer nanoseconds
 * (`Math.round(ms * 1e6)`, as every duration); task i arrives at times[i].
 */

/** The most arrival times a replay may list. */
export const MAX_REPLAY_TIMES = 1_000_000;

const TIME_HINT = "expected an arrival time in milliseconds from the start: a finite number of at least 0";

/** Replayed arrivals after parsing: the instants in ns, and their number as `count`. */
export interface ReplayArrivals {
  kind: "replay";
  /** Arrival instants from the start of the run, ns, non-decreasing. */
  times: Nanos[];
  /** times.length: how many tasks arrive (every arrivals kind has one). */
  count: number;
}

/**
 * The list of arrival times. Every element is checked, but the list reports its first problem of
 * each kind only (a million unsorted times make one line, not a million).
 */
export const replayTimesSchema = z
  .array(z.unknown(), { error: "expected a list of arrival times in milliseconds from the start" })
  .transform((values, ctx): Nanos[] => {
    if (values.length === 0) {
      ctx.addIssue({ code: "custom", message: "expected at least one arrival time", input: values });
      return z.NEVER;
    }
    if (values.length > MAX_REPLAY_TIMES) {
      ctx.addIssue({
        code: "custom",
        message: `${formatLimit(values.length)} arrival times (expected at most ${formatLimit(MAX_REPLAY_TIMES)})`,
      });
      return z.NEVER;
    }
    const out: Nanos[] = new Array(values.length);
    let bad = false;
    let unsorted = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const ns = typeof v === "number" && Number.isFinite(v) ? fromMillis(v) : Number.NaN;
      if (!(ns >= 0 && ns <= MAX_TIME)) {
        if (!bad) {
          const why =
            typeof v === "number" && Number.isFinite(v) && v >= 0 ? `${TIME_HINT}, at most 104 days` : TIME_HINT;
          ctx.addIssue({ code: "custom", message: why, input: v, path: [i] });
        }
        bad = true;
        continue;
      }
      out[i] = ns;
      const prev = i > 0 ? out[i - 1] : undefined;
      if (!unsorted && prev !== undefined && ns < prev) {
        ctx.addIssue({
          code: "custom",
          message: `expected times in order, not before times[${i - 1}] (${values[i - 1]} ms); sort them`,
          input: v,
          path: [i],
        });
        unsorted = true;
      }
    }
    return bad || unsorted ? z.NEVER : out;
  })
  .meta({
    description:
      "Arrival instants in milliseconds from the start of the run, in order (ties allowed): task i arrives at times[i]. At most 1,000,000.",
  });
