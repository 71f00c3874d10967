/**
 * The page's worker: runs scenarios off the page's thread, so a big one shows progress and can
 * be cancelled (the page terminates the worker), and the p99 sparkline fills in beside the page.
 * It is the page's own script, started again from a blob: URL (see main.ts and runner.ts).
 */
import type { FromWorker, ToWorker } from "./protocol.js";
import { p99WithWorkers, parseInput, runScenario } from "./run.js";

const post = (message: FromWorker): void => {
  (self as unknown as { postMessage(m: FromWorker): void }).postMessage(message);
};

/** Answers the page's messages (in a worker). */
export function serveWorker(): void {
  self.onmessage = onMessage;
}

function onMessage(event: MessageEvent<ToWorker>): void {
  const m = event.data;
  try {
    const parsed = parseInput(m.input);
    if (parsed.state === "invalid") {
      post({ id: m.id, kind: "error", message: parsed.message });
      return;
    }
    if (m.kind === "run") {
      const total = parsed.scenario.workload.arrivals.count;
      post({ id: m.id, kind: "progress", done: 0, total });
      const outcome = runScenario(parsed.scenario, (done) => post({ id: m.id, kind: "progress", done, total }));
      post({ id: m.id, kind: "outcome", outcome });
    } else {
      const point = p99WithWorkers(m.input, parsed.scenario, m.workers);
      post({ id: m.id, kind: "point", workers: m.workers, ...point });
    }
  } catch (error) {
    post({ id: m.id, kind: "error", message: error instanceof Error ? error.message : String(error) });
  }
}
