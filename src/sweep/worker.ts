/*
 * The worker thread of a sweep pool: it runs each job it is sent and posts the result back.
 * Started by pool.ts through a small bootstrap that registers tsx first.
 */
import { parentPort } from "node:worker_threads";
import { evaluate, type Job } from "./evaluate.js";

const port = parentPort;
if (port) {
  port.on("message", (job: Job) => {
    port.postMessage(evaluate(job));
  });
}
