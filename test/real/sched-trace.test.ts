import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { hasPython } from "../python.js";
import { tempDir } from "../temp.js";

/*
 * scripts/sched-trace.py reads the kernel's scheduler events; its bookkeeping is checked here on
 * a small hand-written trace (read back with --from), so no root or tracefs is needed. Program:
 * pid 100 with threads 101, 102 and 103; 101 runs on CPU 0 throughout, and 102 wakes onto it five
 * times.
 */
const SCRIPT = fileURLToPath(new URL("../../scripts/sched-trace.py", import.meta.url));

function line(t: number, cpu: number, who: string, event: string, rest: string): string {
  return `          ${who}     [00${cpu}] d..2. ${t.toFixed(6)}: ${event}: ${rest}`;
}
const wake = (t: number, cpu: number, pid: number, target: number) =>
  line(t, cpu, "python3-100", "sched_wakeup", `comm=python3 pid=${pid} prio=120 target_cpu=00${target}`);
const sw = (t: number, cpu: number, prev: number, state: string, next: number) =>
  line(
    t,
    cpu,
    prev === 0 ? "<idle>-0" : `python3-${prev}`,
    "sched_switch",
    `prev_comm=${prev === 0 ? `swapper/${cpu}` : "python3"} prev_pid=${prev} prev_prio=120 prev_state=${state} ==> next_comm=${next === 0 ? `swapper/${cpu}` : "python3"} next_pid=${next} next_prio=120`,
  );

const TRACE = [
  "# sched-trace pid 100",
  line(1.0, 0, "python3-100", "sched_process_fork", "comm=python3 pid=100 child_comm=python3 child_pid=101"),
  line(1.0, 0, "python3-100", "sched_process_fork", "comm=python3 pid=100 child_comm=python3 child_pid=102"),
  line(1.0, 0, "python3-100", "sched_process_fork", "comm=python3 pid=100 child_comm=python3 child_pid=103"),
  sw(1.0, 0, 0, "R", 101),
  sw(1.0, 1, 0, "R", 102),
  sw(1.0001, 1, 102, "S", 0),
  // 1. woken beside 101, which it preempts 20 us later
  wake(1.001, 0, 102, 0),
  sw(1.00102, 0, 101, "R", 102),
  sw(1.0011, 0, 102, "S", 101),
  // 2. woken beside 101, which goes to sleep 30 us later
  wake(1.002, 0, 102, 0),
  sw(1.00203, 0, 101, "S", 102),
  sw(1.0021, 0, 102, "S", 101),
  // 3. woken beside 101, runs there 2 ms later (101 preempted at a tick)
  wake(1.003, 0, 102, 0),
  sw(1.005, 0, 101, "R", 102),
  sw(1.0051, 0, 102, "S", 101),
  // 4. woken beside 101, moved to the idle CPU 1 before it ran; its switches there are missing
  //    from the trace (as this VM's trace loses switches from idle)
  wake(1.006, 0, 102, 0),
  line(1.00605, 1, "<idle>-0", "sched_migrate_task", "comm=python3 pid=102 prio=120 orig_cpu=0 dest_cpu=1"),
  // 5. woken beside 101, woken again before any switch-in shows; its switch-in on CPU 1 is missing
  //    too, so the 8 ms since CPU 1's last switch shown must not count as 102 running
  wake(1.007, 0, 102, 0),
  wake(1.008, 1, 102, 1),
  sw(1.0081, 1, 102, "S", 0),
  // 6. 102 woken onto the idle CPU 1 (its switch-in missing); 103 woken onto CPU 1 beside it counts
  //    as beside a running thread, and runs when 102 sleeps
  wake(1.009, 1, 102, 1),
  wake(1.0091, 1, 103, 1),
  sw(1.00911, 1, 102, "S", 103),
  sw(1.0092, 1, 103, "S", 0),
  sw(1.01, 0, 101, "S", 0),
].join("\n");

describe.skipIf(!hasPython())("scripts/sched-trace.py", () => {
  test("counts wake-ups beside a running thread: at once (preempting it or after it slept), later, moved, or not seen to run", () => {
    const dir = tempDir();
    const file = join(dir, "trace.txt");
    writeFileSync(file, `${TRACE}\n`);
    const r = spawnSync("python3", [SCRIPT, "--from", file], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "wake-ups onto a CPU running another of its threads: 6; ran there within 50 us 3 (the thread there preempted 1, asleep or ended 2), there later 1 (median 2.00 ms, within a tick 1), on another CPU 1, not seen to run (woken again first) 1",
    );
    // Most switched-in first; time on a CPU from the switch-ins the trace shows: 101 ran from
    // 1.000 to 1.010 s less 102's three turns on CPU 0 (9.75 ms), 102 a few hundred us.
    const busiest = /switches in per CPU: (.*)/.exec(r.stdout)?.[1] ?? "";
    expect(busiest).toBe(
      "101 (10 ms on a CPU) CPU 0 4, CPU 1 0; 102 (0 ms on a CPU) CPU 0 3, CPU 1 1; 103 (0 ms on a CPU) CPU 0 0, CPU 1 1",
    );
  });

  test("bad arguments exit 2 with a one-line message, before touching tracefs", () => {
    for (const args of [["--from"], ["--from", "/nonexistent/trace"], ["--keep"], ["--bogus"], []]) {
      const r = spawnSync("python3", [SCRIPT, ...args], { encoding: "utf8" });
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });
});
