import { describe, expect, it } from "vitest";
import { SUMMARY_METRICS } from "../../src/sweep/evaluate.js";
import {
  describeValue,
  formatIn,
  metricQuantity,
  metricUnit,
  pathQuantity,
  replicationsOf,
  replicationsText,
} from "../../src/sweep/labels.js";

describe("sweep labels", () => {
  it("pathQuantity names known paths as a reader would", () => {
    expect(pathQuantity("executor.workers")).toEqual({ quantity: "workers" });
    expect(pathQuantity("runtime.switchInterval")).toEqual({ quantity: "switch interval" });
    expect(pathQuantity("runtime.python")).toEqual({ quantity: "Python version" });
  });

  it("pathQuantity names any other path after its last field, with its step and class, never raw", () => {
    expect(pathQuantity("workload.classes[1].steps[0].cpu")).toEqual({ quantity: "CPU of step 1 (class 2)" });
    expect(pathQuantity("runtime.pythonSlowdown")).toEqual({ quantity: "python slowdown" });
    expect(pathQuantity("workload.classes[0].payload").quantity).toBe("payload of class 1");
  });

  it("metricQuantity gives every summary metric a name without dots", () => {
    for (const m of SUMMARY_METRICS) expect(metricQuantity(m).quantity, m).not.toContain(".");
    expect(metricQuantity("latency.p99")).toEqual({ quantity: "p99 latency" });
    expect(metricQuantity("throughput")).toEqual({ quantity: "throughput", unit: "tasks/s" });
  });

  it("describeValue writes a varied value as 'quantity: value'", () => {
    expect(describeValue("runtime.gil", "off")).toBe("GIL: off");
  });

  it("metricUnit picks the axis unit of the largest value for times, none otherwise; formatIn writes in it", () => {
    expect(metricUnit("latency.p99", [25e6, 1.5e9])?.label).toBe("ms");
    expect(metricUnit("latency.p99", [25e6, 2.2e9])?.label).toBe("s");
    expect(metricUnit("throughput", [40])).toBeNull();
    const s = metricUnit("latency.p99", [2.2e9]);
    expect(formatIn("latency.p99", 25e6, s)).toBe("0.025 s");
    expect(formatIn("latency.p99", 1.5e9, metricUnit("latency.p99", [1.5e9]))).toBe("1500 ms");
    // Without a unit, a time takes its own, as the text table writes it.
    expect(formatIn("latency.p99", 1.5e9, null)).toBe("1.5s");
    expect(formatIn("throughput", 40, null)).toBe("40/s");
  });

  it("replicationsText says what one point is, from the fewest and most replications", () => {
    expect(replicationsText({ fewest: 3, most: 3 })).toBe("the mean of 3 replications");
    expect(replicationsText({ fewest: 2, most: 5 })).toBe("the mean of 2 to 5 replications");
    expect(replicationsText({ fewest: 1, most: 1 })).toBe("one run");
    expect(replicationsOf([{ replications: 4 }, { replications: 2 }])).toEqual({ fewest: 2, most: 4 });
    expect(replicationsOf([])).toBeNull();
  });
});
