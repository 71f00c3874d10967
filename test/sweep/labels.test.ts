import { describe, expect, it } from "vitest";
import { SUMMARY_METRICS } from "../../src/sweep/evaluate.js";
import { describeValue, metricQuantity, pathQuantity } from "../../src/sweep/labels.js";

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
});
