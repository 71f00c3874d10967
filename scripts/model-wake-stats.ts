/**
 * The model's side of scripts/sched-trace.py's last line: of a scenario's wake-ups onto a CPU that
 * runs another thread, how many run there within 50 us (split by how that thread left the CPU:
 * preempted by the woken one, or gone to sleep), how many later, and how many on another CPU.
 *
 *     npx tsx scripts/model-wake-stats.ts SCENARIO [--profile FILE]
 *
 * SCENARIO is a suite scenario id (src/real/suite.ts), a preset or a scenario file, looked up in
 * that order; a suite id is simulated with data/validation/machine-profile.json applied, as the
 * suite test does, unless --profile names another (which a preset or a file also takes).
 * A diagnostic: it wraps the model's Machine methods (wake, onDispatch) and a thread's
 * onPreempted, and stops with an error if those are gone.
 */
import { loadInput } from "../src/cli/profile-option.js";
import { Machine } from "../src/model/machine.js";
import { simulate } from "../src/model/simulate.js";
import { SimThread } from "../src/model/thread.js";
import { applyProfile, DEFAULT_PROFILE_PATH, readProfile } from "../src/real/profile.js";
import { SUITE } from "../src/real/suite.js";
import { parseScenario, type Scenario } from "../src/scenario/scenario.js";

const AT_ONCE = 50_000;
const TICK = 4_000_000;

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npx tsx scripts/model-wake-stats.ts SCENARIO [--profile FILE]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const name = args[0];
if (!name || name.startsWith("-")) usage("model-wake-stats: no scenario");
const pi = args.indexOf("--profile");
const profilePath = pi >= 0 ? args[pi + 1] : undefined;
if (pi >= 0 && !profilePath) usage("model-wake-stats: --profile needs a file");

// A suite id with its recorded profile (as the suite test runs it); else a preset or a file, read
// as the CLI reads them (loadInput), with --profile applied when given.
const suite = SUITE.find((e) => e.id === name);
let scenario: Scenario;
try {
  const input = suite
    ? applyProfile(suite.input, readProfile(profilePath ?? DEFAULT_PROFILE_PATH))
    : loadInput(name, profilePath);
  scenario = parseScenario(input, name);
} catch (e) {
  usage(`model-wake-stats: ${(e as Error).message}`);
}

type Cpu = { index: number; current: SimThread | null; incoming: SimThread | null; queue: SimThread[] };
type Internals = {
  world: { now: number };
  cpus: Cpu[];
  wake(t: SimThread, latency: number, timer?: boolean): void;
  onDispatch(index: number): void;
};
const machine = Machine.prototype as unknown as Record<string, unknown>;
const thread = SimThread.prototype as unknown as Record<string, unknown>;
for (const [proto, method] of [
  [machine, "wake"],
  [machine, "onDispatch"],
  [thread, "onPreempted"],
] as const) {
  if (typeof proto[method] !== "function") throw new Error(`model-wake-stats: the model has no ${method} any more`);
}

/** Woken onto a CPU running another thread: when, which CPU, and that thread. */
const pending = new Map<SimThread, { at: number; cpu: number; there: SimThread }>();
/** The last preemption per thread (its time), to tell how the thread there left its CPU. */
const preemptedAt = new Map<SimThread, number>();
const runs: { delay: number; same: boolean; left: "preempted" | "slept" }[] = [];
let now = () => 0;

const wake = machine.wake as Internals["wake"];
machine.wake = function (this: Internals, t: SimThread, latency: number, timer?: boolean) {
  now = () => this.world.now;
  wake.call(this, t, latency, timer);
  const cpu = this.cpus.find((c) => c.queue.includes(t));
  if (cpu?.current && cpu.current !== t) pending.set(t, { at: this.world.now, cpu: cpu.index, there: cpu.current });
  else pending.delete(t);
};
const onDispatch = machine.onDispatch as Internals["onDispatch"];
machine.onDispatch = function (this: Internals, index: number) {
  const t = this.cpus[index]?.incoming;
  const p = t ? pending.get(t) : undefined;
  if (t && p) {
    pending.delete(t);
    const left = preemptedAt.get(p.there) === this.world.now ? "preempted" : "slept";
    runs.push({ delay: this.world.now - p.at, same: index === p.cpu, left });
  }
  onDispatch.call(this, index);
};
const onPreempted = thread.onPreempted as (this: SimThread) => void;
thread.onPreempted = function (this: SimThread) {
  preemptedAt.set(this, now());
  onPreempted.call(this);
};

simulate(scenario, { trace: false });

const there = runs.filter((r) => r.same).sort((a, b) => a.delay - b.delay);
const atOnce = there.filter((r) => r.delay < AT_ONCE);
const later = there.filter((r) => r.delay >= AT_ONCE).map((r) => r.delay);
const median =
  later.length > 0
    ? ` (median ${((later[later.length >> 1] as number) / 1e6).toFixed(2)} ms, within a tick ${later.filter((d) => d <= TICK).length})`
    : "";
process.stdout.write(
  `model, ${name} (seed ${scenario.seed}): wake-ups onto a CPU running another thread: ${runs.length + pending.size};` +
    ` ran there within ${AT_ONCE / 1000} us ${atOnce.length} (the thread there preempted ${atOnce.filter((r) => r.left === "preempted").length},` +
    ` asleep or ended ${atOnce.filter((r) => r.left === "slept").length}), there later ${later.length}${median},` +
    ` on another CPU ${runs.length - there.length}, not run by the end ${pending.size}\n`,
);
