"""How each GIL hand-off happens in CPython, from the kernel's own events: who takes the GIL, how it
was woken, and on which CPU.

Runs scripts/gil-handoff-gaps.py (N CPU-bound threads) with ftrace's sched_switch, sched_waking,
sched_wakeup and futex system-call events on for its process, then reads the futex calls of
CPython's GIL (Python/ceval_gil.h: drop_gil locks gil->mutex, clears `locked`, signals gil->cond,
unlocks; under FORCE_SWITCHING it then waits on switch_cond until another thread has taken the GIL,
and the taker signals switch_cond). Each signal of switch_cond by a thread other than the one that
last signalled gil->cond is a hand-off; the script sorts them by how the taker got there:
  - "signalled": the thread the dropper's signal of gil->cond woke;
  - "mutex": a thread whose last wait was on gil->mutex (it wanted the mutex while the dropper held
    it, and was woken again by the unlock);
  - "awake": a thread that was not waiting (a waiter whose timed wait had just expired);
and by whether it took the GIL on the dropper's CPU. The gap is from the signal of gil->cond to the
signal of switch_cond, so it includes the taker's own bookkeeping (a few microseconds). Tracing
slows every wake-up, so read the shares, not the gaps, against an untraced run.

The futex words are told apart by their operations: gil->cond's by timed waits (FUTEX_WAIT_BITSET
with a timeout), gil->mutex's by plain FUTEX_WAIT, switch_cond's by FUTEX_WAIT_BITSET with
CLOCK_REALTIME. Needs root and tracefs (/sys/kernel/tracing); Linux only; stdlib only.

    sudo python3 scripts/gil-handoff-trace.py [--threads 4] [--seconds 0.3] [--python python3]
"""

import argparse
import collections
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EVENTS = (
    "sched:sched_switch",
    "sched:sched_waking",
    "sched:sched_wakeup",
    "syscalls:sys_enter_futex",
    "syscalls:sys_exit_futex",
)
LINE = re.compile(r"^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+([\d.]+): (\w+)(.*)$")
CALL = re.compile(r"uaddr: (0x[0-9a-f]+), op: (0x[0-9a-f]+)")
FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_BITSET = 0, 1, 9
FUTEX_CLOCK_REALTIME = 256


def tracefs():
    for path in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"):
        if os.path.exists(os.path.join(path, "set_event")):
            return path
    return None


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def capture(root, command):
    """Runs `command` with the events on for its process; returns the trace's text."""
    write(f"{root}/tracing_on", "0")
    write(f"{root}/trace", "")
    write(f"{root}/buffer_size_kb", "16384")
    write(f"{root}/set_event", "\n".join(EVENTS) + "\n")
    child = subprocess.Popen(command)
    try:
        write(f"{root}/set_event_pid", str(child.pid))
        if os.path.exists(f"{root}/options/event-fork"):
            write(f"{root}/options/event-fork", "1")
        write(f"{root}/tracing_on", "1")
        child.wait()
    finally:
        write(f"{root}/tracing_on", "0")
        if child.poll() is None:
            child.kill()
    with open(f"{root}/trace") as f:
        text = f.read()
    write(f"{root}/set_event", "")
    write(f"{root}/set_event_pid", "")
    if child.returncode != 0:
        raise SystemExit(f"gil-handoff-trace: the program failed (exit code {child.returncode})")
    return text


def events(text):
    out = []
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            out.append((float(m.group(4)), int(m.group(2)), int(m.group(3)), m.group(5), m.group(6)))
    return out


def analyse(evs):
    calls = []
    for i, (t, pid, cpu, kind, rest) in enumerate(evs):
        if kind == "sys_futex" and rest.startswith("("):
            m = CALL.search(rest)
            if m:
                calls.append((i, m.group(1), int(m.group(2), 16)))
    cond = {a for _, a, op in calls if op & 0x7F == FUTEX_WAIT_BITSET and not op & FUTEX_CLOCK_REALTIME}
    switch = {a for _, a, op in calls if op & 0x7F == FUTEX_WAIT_BITSET and op & FUTEX_CLOCK_REALTIME}
    mutex = {a for _, a, op in calls if op & 0x7F == FUTEX_WAIT}
    waiting = {}
    last_signal = None  # (time, dropper, its cpu, the thread it woke)
    takes = []
    for i, addr, op in calls:
        t, pid, cpu, _, _ = evs[i]
        base = op & 0x7F
        if base in (FUTEX_WAIT, FUTEX_WAIT_BITSET):
            waiting[pid] = addr
        elif base == FUTEX_WAKE and addr in cond:
            woken = None
            for j in range(i + 1, min(i + 8, len(evs))):
                if evs[j][1] == pid and evs[j][3] == "sched_waking":
                    m = re.search(r"pid=(\d+)", evs[j][4])
                    woken = int(m.group(1)) if m else None
                    break
            last_signal = (t, pid, cpu, woken)
        elif base == FUTEX_WAKE and addr in switch and last_signal and last_signal[1] != pid:
            t0, _, dropper_cpu, woken = last_signal
            if woken == pid:
                how = "signalled"
            elif waiting.get(pid) in mutex:
                how = "mutex"
            else:
                how = "awake"
            where = "the dropper's CPU" if cpu == dropper_cpu else "the other CPU"
            takes.append((how, where, (t - t0) * 1e6))
            last_signal = None
    return takes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=4, help="CPU-bound threads (default 4)")
    parser.add_argument("--seconds", type=float, default=0.3, help="length of the run (default 0.3)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to trace (default: this one)")
    args = parser.parse_args(argv)
    if args.threads < 2 or args.seconds <= 0:
        parser.error("expected --threads of at least 2 and --seconds above 0")
    root = tracefs()
    if root is None or os.geteuid() != 0:
        print("gil-handoff-trace: needs root and tracefs (/sys/kernel/tracing)", file=sys.stderr)
        return 2
    command = [
        args.python,
        os.path.join(HERE, "gil-handoff-gaps.py"),
        "--threads",
        str(args.threads),
        "--repeats",
        "1",
        "--seconds",
        str(args.seconds),
    ]
    takes = analyse(events(capture(root, command)))
    if not takes:
        print("no hand-offs found in the trace")
        return 1
    print(f"{len(takes)} GIL hand-offs traced (gap: gil->cond signalled to switch_cond signalled, us)")
    for (how, where), n in collections.Counter((h, w) for h, w, _ in takes).most_common():
        gaps = sorted(g for h, w, g in takes if (h, w) == (how, where))
        print(
            f"  taken by a {how} thread on {where}: {n} ({n / len(takes):.0%}), "
            f"gap median {statistics.median(gaps):.0f}, {gaps[0]:.0f} to {gaps[-1]:.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
