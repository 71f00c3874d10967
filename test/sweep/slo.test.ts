import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { describe as describeStanding, parseSlo, stand } from "../../src/sweep/slo.js";

const est = (mean: number) => ({ mean, lo: mean * 0.9, hi: mean * 1.1, halfWidth: mean * 0.1 });

describe("parseSlo", () => {
  test("parseSlo reads latency, wait and throughput targets joined by commas", () => {
    expect(parseSlo("p99<100ms, p95<=50ms,mean<20ms,wait.p99<5ms,throughput>=450/s")).toEqual([
      { text: "p99<100ms", name: "p99", metric: "latency.p99", op: "<", target: 100 * MS, kind: "time" },
      { text: "p95<=50ms", name: "p95", metric: "latency.p95", op: "<=", target: 50 * MS, kind: "time" },
      { text: "mean<20ms", name: "mean", metric: "latency.mean", op: "<", target: 20 * MS, kind: "time" },
      { text: "wait.p99<5ms", name: "wait.p99", metric: "wait.p99", op: "<", target: 5 * MS, kind: "time" },
      { text: "throughput>=450/s", name: "throughput", metric: "throughput", op: ">=", target: 450, kind: "rate" },
    ]);
    expect(parseSlo("latency.p50 < 1.5s")[0]).toMatchObject({ metric: "latency.p50", target: 1.5e9 });
    expect(parseSlo("throughput>2/ms")[0]).toMatchObject({ target: 2000 });
    expect(parseSlo("throughput>300")[0]).toMatchObject({ target: 300 });
  });

  test("parseSlo rejects malformed targets with one line naming them", () => {
    const cases: [string, string][] = [
      ["", 'invalid --slo: "" (expected targets like p99<100ms,throughput>=450/s)'],
      ["p99", 'invalid --slo: "p99" (expected METRIC<VALUE, like p99<100ms or throughput>=450/s)'],
      ["p99=100ms", 'invalid --slo: "p99=100ms" (expected METRIC<VALUE, like p99<100ms or throughput>=450/s)'],
      ["p99<100ms,", 'invalid --slo: "" (expected METRIC<VALUE, like p99<100ms or throughput>=450/s)'],
      ["p98<100ms", "unknown --slo metric: p98 (expected one of p50, p90, p95, p99, max, mean, latency.p50"],
      ["p99<100", 'invalid --slo value for p99: "100" (expected a duration above 0 like 100ms)'],
      ["p99<0ms", 'invalid --slo value for p99: "0ms" (expected a duration above 0 like 100ms)'],
      ["p99>100ms", "invalid --slo: p99>100ms (a time target is an upper bound: use < or <=)"],
      ["throughput<10/s", "invalid --slo: throughput<10/s (a throughput target is a lower bound: use > or >=)"],
      ["throughput>fast", 'invalid --slo value for throughput: "fast" (expected a rate above 0 like 450/s)'],
    ];
    for (const [text, message] of cases) expect(() => parseSlo(text), text).toThrow(message);
  });
});

describe("stand", () => {
  test("stand judges a target at the confidence bound, the capacity notebook's rule, and says the measured figure", () => {
    const [p99] = parseSlo("p99<100ms");
    const s = stand(p99!, { "latency.p99": est(72 * MS) });
    expect(s).toMatchObject({ meets: true, meetsMean: true, bound: 72 * MS * 1.1 });
    expect(s.headroom).toBeCloseTo(1 - 0.792, 12);
    expect(describeStanding(s)).toBe(
      "p99 72ms (95% upper bound 79.2ms) vs 100ms target: meets, 21% to spare at the bound",
    );
    const miss = stand(p99!, { "latency.p99": est(125 * MS) });
    expect(miss.meets).toBe(false);
    expect(describeStanding(miss)).toBe("p99 125ms (95% upper bound 138ms) vs 100ms target: misses");
    // The case of issue 17: a mean under the target whose upper bound (107 ms) is over it.
    const over = stand(p99!, { "latency.p99": { mean: 95 * MS, lo: 83 * MS, hi: 107 * MS, halfWidth: 12 * MS } });
    expect(over).toMatchObject({ meets: false, meetsMean: true });
    expect(describeStanding(over, 0.9)).toBe(
      "p99 95ms (90% upper bound 107ms) vs 100ms target: meets on the mean only",
    );
    // No "misses by 24741%": a far miss is the measured figure against the target.
    const far = describeStanding(stand(p99!, { "latency.p99": est(24.8e9) }));
    expect(far).toBe("p99 24.8s (95% upper bound 27.3s) vs 100ms target: misses");
    expect(far).not.toMatch(/misses by/);
  });

  test("stand reads a throughput target at the lower bound", () => {
    const [tp] = parseSlo("throughput>=450/s");
    const s = stand(tp!, { throughput: est(480) });
    expect(s).toMatchObject({ bound: 432, meets: false, meetsMean: true });
    expect(describeStanding(s)).toBe(
      "throughput 480/s (95% lower bound 432/s) vs 450/s target: meets on the mean only",
    );
  });

  test("stand treats strict and non-strict bounds apart at the target itself", () => {
    const [lt, le, gt, ge] = parseSlo("p99<10ms,p99<=10ms,throughput>5,throughput>=5");
    const exact = (mean: number) => ({ mean, lo: mean, hi: mean, halfWidth: 0 });
    const summary = { "latency.p99": exact(10 * MS), throughput: exact(5) };
    expect([lt, le, gt, ge].map((o) => stand(o!, summary).meets)).toEqual([false, true, false, true]);
    expect(stand(ge!, { throughput: exact(6) }).headroom).toBeCloseTo(0.2, 12);
  });

  test("stand names a metric the results lack", () => {
    const [p99] = parseSlo("p99<1s");
    expect(() => stand(p99!, {})).toThrow("the results have no metric latency.p99 (for --slo p99<1s)");
  });
});
