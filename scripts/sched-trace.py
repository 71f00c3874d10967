"""Where Linux places a program's threads, from the kernel's own scheduler events.

Runs a command with the sched_switch, sched_wakeup, sched_wakeup_new, sched_migrate_task and
sched_process_fork trace events on (ftrace, all CPUs), then reads the trace for the command's process
and every thread or process it starts, and prints:
  - its wake-ups: how many left the thread on its previous CPU and how many moved it, split by
    whether that CPU was busy and another idle at the time (upstream Linux looks for the idle one
    in the last-level-cache domain: select_idle_sibling);
  - a CPU going idle while one of its threads waits in another CPU's queue: how often that CPU
    pulls it later, and how long the rest waited. A pull at once (newidle balancing) happens
    before the switch to idle and so never shows here: the "within 100 us" count is not a
    measure of it (a known limit; counting migrations to a CPU that then runs the thread would be);
  - its threads' time runnable in a busy CPU's queue, and the part of it during which another CPU
    was idle;
  - the three threads switched in most often and the two longest on a CPU: their time on a CPU,
    and how often each CPU switched to them;
  - its wake-ups onto a CPU running another of its threads: how many ran there within 50 us, split
    by how that thread left the CPU (preempted by the woken one, check_preempt_wakeup_fair, or gone
    to sleep or ended), how many ran there later, how many were moved to another CPU first, and how
    many were woken again before the trace showed them running (a missing switch-in).
Compared with the model in docs/model.md, "Cores and the scheduler" (machine.sharedCache).

Needs root and tracefs (/sys/kernel/tracing, or /sys/kernel/debug/tracing), on Linux. Stdlib only;
scripts/tracefs.py runs the command and puts every tracefs setting back afterwards.

    python3 scripts/sched-trace.py [--keep FILE] -- COMMAND...
    python3 scripts/sched-trace.py --from FILE     (analyse a trace kept with --keep)

On the development VM (Firecracker) some switches from the idle task to a woken thread are missing
from the trace; a CPU counts as busy from the moment a wake-up targets it, which is when the
kernel's own idle-time accounting (rq->avg_idle) ends an idle period too.
"""
import collections
import re
import sys

import tracefs  # scripts/tracefs.py: the run under ftrace, settings put back afterwards

EVENTS = ("sched_switch", "sched_wakeup", "sched_wakeup_new", "sched_migrate_task", "sched_process_fork")
LINE = re.compile(r"^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+([\d.]+): (\w+): (.*)$")
PULL_AT_ONCE = 100e-6  # a pull within this of a CPU going idle is its newidle balance
PREEMPT_AT_ONCE = 50e-6  # a woken thread running this soon on a busy CPU preempted the running one
TICK = 4e-3  # 1/HZ with HZ = 250 (Debian's kernels): when a used-up slice is noticed
CACHE_HOT = 500e-6  # sysctl_sched_migration_cost: a thread that ran this recently is not pulled


def record(command):
    try:
        pid, code, _, text = tracefs.capture(command, [f"sched:{e}" for e in EVENTS], 65536, clock="mono")
    except tracefs.TraceError as error:
        sys.exit(f"sched-trace: {error}")
    except FileNotFoundError:
        sys.exit(f"sched-trace: no command {command[0]}")
    return pid, code, text


def field(rest, name):
    m = re.search(name + r"=(\S+)", rest)
    return m.group(1) if m else None


def analyse(pid, text):
    events = []
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            events.append((float(m.group(4)), int(m.group(3)), m.group(5), m.group(6), int(m.group(2))))
    if "LOST" in text:
        print("warning: the trace lost events (a bigger buffer_size_kb would keep them)")
    ours = {pid}
    for t, cpu, kind, rest, _ in events:
        if kind == "sched_process_fork":
            m = re.search(r"pid=(\d+) child_comm=.* child_pid=(\d+)", rest)
            if m and int(m.group(1)) in ours:
                ours.add(int(m.group(2)))
    cpus = sorted({e[1] for e in events})
    cur = {c: None for c in cpus}  # task on each CPU (0: idle; None: not seen yet)
    prev_cpu = {}  # a thread's CPU: where it last ran or was moved
    moved_at_wake = {}  # a sleeping thread moved by its coming wake-up: thread -> the CPU it left
    last_ran = {}
    waiting = {}  # our runnable threads not running: thread -> (cpu, since)
    wakes = collections.Counter()
    idle_events = []  # [time, cpu, thread, its wait so far, pulled after]
    busy_wait = idle_wait = 0.0
    onto_busy = {}  # our thread woken onto a CPU running another of ours: thread -> (time, cpu, that thread)
    onto_busy_runs = []  # (delay to its switch-in, ran on that CPU, how the thread there left it)
    onto_busy_lost = 0  # such wake-ups woken again before the trace showed them running
    ran = collections.Counter()  # thread -> seconds on a CPU
    ran_on = collections.defaultdict(collections.Counter)  # thread -> CPU -> switches in
    switched_in = {}  # CPU -> (when, which thread) its current thread switched in, as the trace shows
    last = None
    first = end = None
    for t, cpu, kind, rest, running in events:
        if last is not None:
            dt = t - last
            for thread, (c, _) in waiting.items():
                if cur.get(c) not in (0, None):
                    busy_wait += dt
                    if any(cur.get(o) == 0 for o in cpus if o != c):
                        idle_wait += dt
        last = t
        if kind == "sched_switch":
            p, n = int(field(rest, "prev_pid")), int(field(rest, "next_pid"))
            state = field(rest, "prev_state") or ""
            cur[cpu] = n
            # Time on a CPU only from a switch-in the trace shows to this switch-out: a missing
            # switch from idle must not count the idle time before a wake-up as running.
            if p in ours and switched_in.get(cpu, (0.0, None))[1] == p:
                ran[p] += t - switched_in[cpu][0]
            switched_in[cpu] = (t, n)
            if n in ours:
                ran_on[n][cpu] += 1
            for x in (p, n):
                if x in ours:
                    prev_cpu[x] = cpu
                    first = first if first is not None else t
                    end = t
            if p in ours:
                last_ran[p] = t
                if state.startswith("R"):
                    waiting[p] = (cpu, t)
            if n in onto_busy:
                t0, c0, there = onto_busy.pop(n)
                # The thread there preempted (R, still runnable), or gone to sleep or ended.
                left = "preempted" if p == there and state.startswith("R") else "slept"
                onto_busy_runs.append((t - t0, cpu == c0, left))
            if n in waiting:
                for e in idle_events:
                    if e[4] is None and e[2] == n:
                        e[4], e[5] = t - e[0], cpu == e[1]
            waiting.pop(n, None)
            if n == 0:
                for thread, (c, since) in waiting.items():
                    if c != cpu and cur.get(c) not in (0, None):
                        idle_events.append([t, cpu, thread, t - last_ran.get(thread, 0), None, None])
                        break
        elif kind in ("sched_wakeup", "sched_wakeup_new"):
            p, target = int(field(rest, "pid")), int(field(rest, "target_cpu"))
            before = moved_at_wake.pop(p, prev_cpu.get(p))
            if p in ours and kind == "sched_wakeup" and before is not None and p not in cur.values() and None not in cur.values():
                busy_other_idle = cur[before] != 0 and any(cur[o] == 0 for o in cpus if o != before)
                waker = ("an interrupt on an idle CPU (a timer)" if running == 0 else
                         "a task on its previous CPU" if cpu == before else "a task on another CPU")
                wakes[("previous CPU busy, another idle" if busy_other_idle else "otherwise", waker,
                       "stayed" if target == before else "moved")] += 1
            # The thread on the target: the one switched in, or one of ours woken onto it while idle
            # whose switch-in is still to come (or missing from the trace).
            running_there = cur.get(target)
            if running_there is not None and running_there < 0:
                running_there = -running_there
            if p in onto_busy:
                onto_busy_lost += 1  # woken again before the trace showed it running
                del onto_busy[p]
            if p in ours and kind == "sched_wakeup" and running_there in ours and running_there != p:
                onto_busy[p] = (t, target, running_there)
            if cur.get(target) == 0:
                cur[target] = -p  # taken by the woken thread (its switch-in may be missing)
                waiting.pop(p, None)
            elif p in ours and p not in cur.values():
                waiting[p] = (target, t)
            if p in ours:
                prev_cpu[p] = target
        elif kind == "sched_migrate_task":
            p, dest = int(field(rest, "pid")), int(field(rest, "dest_cpu"))
            if p in ours and p not in waiting and p not in cur.values():
                # Moved while asleep: the wake-up that follows chose dest over where it was.
                moved_at_wake[p] = int(field(rest, "orig_cpu"))
            if p in ours:
                prev_cpu[p] = dest
            if p in onto_busy and dest != onto_busy[p][1]:
                # Moved before it ran there; whether it then ran at once is not known here.
                onto_busy_runs.append((t - onto_busy[p][0], False, "moved"))
                del onto_busy[p]
            pulled_to_idle = cur.get(dest) == 0
            if pulled_to_idle:
                cur[dest] = -p  # pulled to an idle CPU, which runs it (its switch-in may be missing)
            if p in waiting:
                if pulled_to_idle:
                    waiting.pop(p)
                else:
                    waiting[p] = (dest, waiting[p][1])
            for e in idle_events:
                if e[4] is None and e[2] == p:
                    e[4], e[5] = t - e[0], dest == e[1]
    span = (end - first) if first is not None else 0.0
    print(f"threads and processes: {len(ours)}; traced span {span:.3f} s; CPUs {len(cpus)}")
    print("wake-ups of its threads (by where the thread was before):")
    for case in ("previous CPU busy, another idle", "otherwise"):
        for waker in ("an interrupt on an idle CPU (a timer)", "a task on its previous CPU", "a task on another CPU"):
            stayed, moved = wakes[(case, waker, "stayed")], wakes[(case, waker, "moved")]
            if stayed or moved:
                print(f"  {case}, woken by {waker}: stayed {stayed}, moved {moved}")
    cold = [e for e in idle_events if e[3] >= CACHE_HOT]
    for label, group in (("all", idle_events), (f"thread cold (last ran {CACHE_HOT * 1e6:.0f} us or more before)", cold)):
        pulled = sorted(e[4] for e in group if e[5])
        stayed = sorted(e[4] for e in group if e[5] is False)
        at_once = sum(1 for x in pulled if x < PULL_AT_ONCE)

        def median(xs):
            return f", median {xs[len(xs) // 2] * 1e3:.2f} ms after" if xs else ""

        print(f"a CPU going idle with one of its threads queued on another CPU ({label}): {len(group)};"
              f" that CPU took the thread within {PULL_AT_ONCE * 1e6:.0f} us {at_once},"
              f" later {len(pulled) - at_once}{median([x for x in pulled if x >= PULL_AT_ONCE])};"
              f" the thread ran where it waited first {len(stayed)}{median(stayed)}")
    print(f"its threads' time queued on a busy CPU: {busy_wait * 1e3:.1f} ms, of it while another CPU"
          f" was idle {idle_wait * 1e3:.1f} ms")
    busiest = sorted(ran_on, key=lambda x: -sum(ran_on[x].values()))[:3]
    busiest += [x for x in sorted(ran, key=lambda x: -ran[x])[:2] if x not in busiest]
    print("its threads switched in most often and longest on a CPU, switches in per CPU: " + "; ".join(
        f"{x} ({ran[x] * 1e3:.0f} ms on a CPU) " + ", ".join(f"CPU {c} {ran_on[x][c]}" for c in cpus) for x in busiest))
    there = sorted((d, left) for d, same, left in onto_busy_runs if same)
    at_once = [left for d, left in there if d < PREEMPT_AT_ONCE]
    later = [d for d, _ in there if d >= PREEMPT_AT_ONCE]
    print(f"wake-ups onto a CPU running another of its threads: {len(onto_busy_runs) + onto_busy_lost};"
          f" ran there within {PREEMPT_AT_ONCE * 1e6:.0f} us {len(at_once)} (the thread there preempted"
          f" {at_once.count('preempted')}, asleep or ended {at_once.count('slept')}), there later {len(later)}"
          f"{f' (median {later[len(later) // 2] * 1e3:.2f} ms, within a tick {sum(1 for d in later if d <= TICK)})' if later else ''},"
          f" on another CPU {len(onto_busy_runs) - len(there)}, not seen to run (woken again first) {onto_busy_lost}")


USAGE = "usage: python3 scripts/sched-trace.py [--keep FILE] -- COMMAND...  |  --from FILE"


def usage_error(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def main():
    args = sys.argv[1:]
    if args[:1] == ["--from"]:
        if len(args) != 2:
            usage_error(USAGE)
        try:
            with open(args[1]) as f:
                text = f.read()
        except OSError as e:
            usage_error(f"sched-trace: cannot read {args[1]} ({e.strerror})")
        m = re.match(r"# sched-trace pid (\d+)\n", text)
        if not m:
            usage_error(f"sched-trace: {args[1]} is not a trace kept by --keep (no '# sched-trace pid' line)")
        analyse(int(m.group(1)), text)
        return
    keep = None
    if args[:1] == ["--keep"]:
        if len(args) < 2:
            usage_error(USAGE)
        keep, args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args or args[0].startswith("-"):
        usage_error(USAGE)
    pid, code, text = record(args)
    if keep:
        with open(keep, "w") as f:
            f.write(f"# sched-trace pid {pid}\n{text}")
    if code != 0:
        print(f"the command exited with {code}")
    analyse(pid, text)


if __name__ == "__main__":
    main()
