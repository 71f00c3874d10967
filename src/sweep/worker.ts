/*
 * A sweep worker process: it runs each job it is sent over the IPC channel and sends the result
 * back, and exits when the channel closes (the pool closed, or the main process ended).
 * pool.ts starts it from a bundle of this module (worker-code.ts).
 *
 * A job holds the main thread for as long as it runs, so the channel's close is not seen until it
 * ends. A watchdog thread checks every PARENT_CHECK_MS that the parent still runs: an orphan is
 * re-parented (its ppid changes) when its parent dies, by a kill that could not be caught too, and
 * the worker then kills itself at once instead of running its point on, alone, to the end.
 */
import { Worker } from "node:worker_threads";
import { evaluate, type Job } from "./evaluate.js";

const PARENT_CHECK_MS = 200;

// A dynamic import, valid whether the thread's code is read as a module (the bundle runs with
// --input-type=module, which threads inherit) or not.
const WATCHDOG = `
import("node:worker_threads").then(({ workerData }) => {
  setInterval(() => {
    if (process.ppid !== workerData.parent) process.kill(process.pid, "SIGKILL");
  }, workerData.every);
});
`;

const send = process.send?.bind(process);
if (send) {
  new Worker(WATCHDOG, { eval: true, workerData: { parent: process.ppid, every: PARENT_CHECK_MS } }).unref();
  process.on("message", (job: Job) => {
    send(evaluate(job));
  });
  process.on("disconnect", () => process.exit(0));
}
