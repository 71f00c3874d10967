/**
 * Child of bench/memory.ts: simulates N tasks of one workload with the trace off and prints
 * {"tasks", "seconds", "peakRss"} (peak resident set in bytes, from getrusage) as JSON. With a
 * third argument, the trace is recorded and streamed to that file.
 */
import { simulate } from "../src/model/simulate.js";
import { parseScenario } from "../src/scenario/scenario.js";
import { traceFile as traceFileSink } from "../src/trace/stream.js";
import { WORKLOADS } from "./workloads.js";

const [workload = "io-asyncio", countText = "1000000", traceFile] = process.argv.slice(2);
const make = WORKLOADS[workload];
if (!make) throw new Error(`invalid workload: ${workload}`);
const count = Number(countText);
const t0 = performance.now();
const result = simulate(parseScenario(make(count)), traceFile ? { traceSink: traceFileSink(traceFile) } : {});
const seconds = (performance.now() - t0) / 1000;
if (result.metrics.tasks.completed !== count) throw new Error("not every task completed");
process.stdout.write(
  `${JSON.stringify({ tasks: count, seconds, peakRss: process.resourceUsage().maxRSS * 1024, events: result.metrics.events })}\n`,
);
