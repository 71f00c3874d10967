/*
 * Where a recorded request's time went, to set beside a simulation of the fitted scenario
 * (`gilsim trace SCENARIO --format csv`: its intervals give the simulated time per thread state).
 *
 *   tsx scripts/app-diagnose.ts RECORDING.jsonl [--last N]
 *
 * Per task (the last N, default all): latency from arrival, queueing (arrival to a worker starting
 * it), service, thread CPU, and the time off-CPU inside the service (waiting for the GIL or a core,
 * or for IO); per kind of recorded call its wall and CPU time; and the CPU outside any task.
 */
import { readRecording } from "../src/capture/recording.js";

const args = process.argv.slice(2);
const file = args[0];
if (!file) {
  process.stderr.write("usage: tsx scripts/app-diagnose.ts RECORDING.jsonl [--last N]\n");
  process.exit(2);
}
const lastAt = args.indexOf("--last");
const p = readRecording(file).processes.reduce((a, b) => (b.tasks.length > a.tasks.length ? b : a));
const tasks = lastAt >= 0 ? p.tasks.slice(-Number(args[lastAt + 1])) : p.tasks;

function line(name: string, values: number[]): void {
  const s = [...values].sort((a, b) => a - b);
  const q = (x: number) => (s[Math.floor((s.length - 1) * x)] ?? Number.NaN) / 1e6;
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length) / 1e6;
  process.stdout.write(
    `${name.padEnd(30)} mean ${mean.toFixed(3)}  p50 ${q(0.5).toFixed(3)}  p95 ${q(0.95).toFixed(3)}  p99 ${q(0.99).toFixed(3)} ms\n`,
  );
}

line(
  "latency (end - arrival)",
  tasks.map((t) => t.end - t.arrival),
);
line(
  "queueing (start - arrival)",
  tasks.map((t) => t.start - t.arrival),
);
line(
  "service (end - start)",
  tasks.map((t) => t.end - t.start),
);
line(
  "thread CPU",
  tasks.map((t) => t.cpu),
);
line(
  "off-CPU in service",
  tasks.map((t) => t.end - t.start - t.cpu),
);
const labels = [...new Set(tasks.flatMap((t) => t.segs.filter((s) => s.track === 0).map((s) => s.label)))].sort();
for (const label of labels) {
  const own = (t: (typeof tasks)[number]) => t.segs.filter((s) => s.track === 0 && s.label === label);
  line(
    `  ${label || "(run)"} wall`,
    tasks.map((t) => own(t).reduce((a, s) => a + s.wall, 0)),
  );
  line(
    `  ${label || "(run)"} CPU`,
    tasks.map((t) => own(t).reduce((a, s) => a + Math.max(0, s.cpu), 0)),
  );
}
const subs = tasks.flatMap((t) => (t.sub === null ? [] : [t.sub]));
if (subs.length > 0) line("submitting thread CPU per task", subs);
const first = Math.min(...tasks.map((t) => t.arrival));
const end = Math.max(...tasks.map((t) => t.end));
const inTasks = tasks.reduce((a, t) => a + t.cpu + (t.sub ?? 0), 0);
process.stdout.write(
  `tasks: ${tasks.length}, ${((tasks.length * 1e9) / (end - first)).toFixed(1)}/s; CPU in tasks and submits ${(inTasks / (end - first)).toFixed(3)} cores\n`,
);
