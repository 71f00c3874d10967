/*
 * A sweep worker process: it runs each job it is sent over the IPC channel and sends the result
 * back, and exits when the channel closes (the pool closed, or the main process ended).
 * pool.ts starts it from a bundle of this module (worker-code.ts).
 */
import { evaluate, type Job } from "./evaluate.js";

const send = process.send?.bind(process);
if (send) {
  process.on("message", (job: Job) => {
    send(evaluate(job));
  });
  process.on("disconnect", () => process.exit(0));
}
