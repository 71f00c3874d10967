"""How each GIL hand-off happens in CPython, read from the futex calls of its GIL.

Runs scripts/gil-handoff-gaps.py (N CPU-bound threads) with ftrace's sched_switch, sched_waking
and futex system-call events on for its process, then follows CPython's GIL through its futex
calls (Python/ceval_gil.c: drop_gil locks gil->mutex, clears `locked`, signals gil->cond, unlocks,
and under FORCE_SWITCHING waits on switch_cond until another thread has taken the GIL; the taker
signals switch_cond). This settles what scripts/gil-requester-trace.py can only infer from
wake-ups: a futex's return value says whether a timed wait ran out.

A drop is a FUTEX_WAKE on a gil->cond word. Its switch_cond is the word the dropper then waits on
without a timeout, and its taker is the thread that wakes that word. Each taker is sorted by how it
got there:
  - "signalled": the thread this drop's signal woke (a sched_waking made inside the dropper's
    FUTEX_WAKE call, not from an interrupt);
  - "timed out": its last wait on gil->cond returned ETIMEDOUT: the waiter whose interval ran out,
    which set the drop request (the requester of docs/model.md, section 4);
  - "woken earlier": its last wait on gil->cond returned 0 before this drop (an earlier signal).
For each it also says whether the taker last slept on a mutex (it wanted gil->mutex while another
thread held it, and got it only after that one's unlock), whether it took the GIL on the dropper's
CPU, and the gap from the drop's signal to the taker's wake of switch_cond (its own bookkeeping
included, a few microseconds). A drop whose taker took the GIL before the dropper waited on
switch_cond makes no wake there (glibc does not call the kernel to signal a condition nobody waits
on), and a signal of gil->cond with no waiter makes no system call at all: such hand-offs, often
the fastest, are not classified, and the script prints how many the program saw against how many
it classified. Tracing slows every wake-up and lengthens the races between them, so read the
shares as this traced run's, and the gaps not at all, against an untraced run.

The futex words are told apart by their operations: gil->cond's by timed waits (FUTEX_WAIT_BITSET
with a timeout: CPython's timed condition waits), a mutex's by plain FUTEX_WAIT (glibc's mutex
lock), switch_cond's as above. This follows glibc 2.25 and later (its condition variables); other
C libraries may not trace the same way. Needs root and tracefs (/sys/kernel/tracing); Linux only;
stdlib only. Every tracefs setting it changes is put back as it was.

    sudo python3 scripts/gil-handoff-trace.py [--threads 4] [--seconds 0.3] [--python python3]
"""

import argparse
import collections
import math
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EVENTS = (
    "sched:sched_switch",
    "sched:sched_waking",
    "syscalls:sys_enter_futex",
    "syscalls:sys_exit_futex",
)
LINE = re.compile(r"^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+(\S+)\s+([\d.]+): (\w+)(.*)$")
CALL = re.compile(r"uaddr: (0x[0-9a-f]+), op: (0x[0-9a-f]+), val: \S+ utime: (0x[0-9a-f]+|0)")
RESULT = re.compile(r"-> (0x[0-9a-f]+)")
FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_BITSET = 0, 1, 9
ETIMEDOUT = 110
SETTINGS = ("tracing_on", "set_event", "set_event_pid", "buffer_size_kb", "options/event-fork")


class Failed(Exception):
    """A one-line reason the script cannot go on."""


def tracefs():
    for path in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"):
        if os.path.exists(os.path.join(path, "set_event")):
            return path
    return None


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def append(path, text):
    """Adds a line to a tracefs list (set_event): O_APPEND, with no seek, which tracefs refuses."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def saved_settings(root):
    out = {}
    for name in SETTINGS:
        path = os.path.join(root, name)
        if os.path.exists(path):
            out[name] = read(path)
    return out


def restore(root, saved):
    """Puts every setting back; set_event and set_event_pid line by line (a write replaces them)."""
    write(os.path.join(root, "tracing_on"), "0")
    for name, value in saved.items():
        if name == "tracing_on":
            continue
        path = os.path.join(root, name)
        if name in ("set_event", "set_event_pid"):
            write(path, "")
            for line in value.split():
                append(path, line + "\n")
        elif name == "buffer_size_kb":
            write(path, value.split()[0])
        else:
            write(path, value.strip())
    write(os.path.join(root, "tracing_on"), saved.get("tracing_on", "0").strip())


def capture(root, command):
    """Runs `command` with the events on for its process; returns its output and the trace's text."""
    saved = saved_settings(root)
    child = None
    try:
        write(f"{root}/tracing_on", "0")
        write(f"{root}/trace", "")
        write(f"{root}/buffer_size_kb", "16384")
        write(f"{root}/set_event", "")
        for event in EVENTS:
            append(f"{root}/set_event", event + "\n")
        child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        write(f"{root}/set_event_pid", str(child.pid))
        if os.path.exists(f"{root}/options/event-fork"):
            write(f"{root}/options/event-fork", "1")
        write(f"{root}/tracing_on", "1")
        output = child.communicate()[0]
        write(f"{root}/tracing_on", "0")
        text = read(f"{root}/trace")
    except OSError as error:
        raise Failed(f"tracefs refused a setting ({error.strerror}: {error.filename})") from None
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        try:
            restore(root, saved)
        except OSError as error:
            print(f"gil-handoff-trace: could not put tracefs back as it was: {error}", file=sys.stderr)
    if child.returncode != 0:
        raise Failed(f"the program failed (exit code {child.returncode})")
    return output, text


def events(text):
    out = []
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            flags = m.group(4)
            irq = len(flags) > 2 and flags[2] in "hHsZz"
            out.append((float(m.group(5)), int(m.group(2)), int(m.group(3)), m.group(6), m.group(7), irq))
    return out


def futex_calls(evs):
    """Each futex call: (enter index, exit index or None, pid, cpu, address, op, timed, result)."""
    calls = []
    open_call = {}
    for i, (_t, pid, cpu, kind, rest, _irq) in enumerate(evs):
        if kind != "sys_futex":
            continue
        m = CALL.search(rest)
        if m:
            open_call[pid] = len(calls)
            calls.append([i, None, pid, cpu, m.group(1), int(m.group(2), 16), m.group(3) != "0", None])
            continue
        r = RESULT.search(rest)
        k = open_call.pop(pid, None)
        if r and k is not None:
            value = int(r.group(1), 16)
            calls[k][1] = i
            calls[k][7] = value - (1 << 64) if value >= 1 << 63 else value
    return calls


def analyse(evs):
    calls = futex_calls(evs)
    cond = {c[4] for c in calls if c[5] & 0x7F == FUTEX_WAIT_BITSET and c[6]}
    mutexes = {c[4] for c in calls if c[5] & 0x7F == FUTEX_WAIT}
    last_cond_wait = {}  # pid -> result of its last finished timed wait on gil->cond
    last_wait_addr = {}  # pid -> address of its last wait (any)
    drops = []  # (signal call index, dropper, its cpu, signalled pid, switch address or None)
    by_pid = collections.defaultdict(list)
    for k, c in enumerate(calls):
        by_pid[c[2]].append(k)
    position = {k: j for ks in by_pid.values() for j, k in enumerate(ks)}
    for k, (enter, leave, pid, cpu, addr, op, _timed, _res) in enumerate(calls):
        if op & 0x7F != FUTEX_WAKE or addr not in cond:
            continue
        woken = None
        if leave is not None:
            for t, p, _c, kind, rest, irq in evs[enter + 1 : leave]:
                if p == pid and kind == "sched_waking" and not irq:
                    m = re.search(r" pid=(\d+)", rest)
                    woken = int(m.group(1)) if m else None
                    break
        switch = None
        mine = by_pid[pid]
        for j in mine[position[k] + 1 : position[k] + 5]:
            c2 = calls[j]
            if c2[4] in cond:
                break
            if c2[5] & 0x7F in (FUTEX_WAIT, FUTEX_WAIT_BITSET) and not c2[6] and c2[4] not in mutexes:
                switch = c2[4]
                break
        drops.append((k, pid, cpu, woken, switch))
    takes = []
    unclassified = 0
    drop_at = {d[0]: d for d in drops}
    pending = None
    for k, (enter, leave, pid, cpu, addr, op, timed, res) in enumerate(calls):
        base = op & 0x7F
        if k in drop_at:
            if pending is not None:
                unclassified += 1
            pending = drop_at[k]
        if base in (FUTEX_WAIT, FUTEX_WAIT_BITSET):
            last_wait_addr[pid] = addr
            if addr in cond and timed and res is not None:
                last_cond_wait[pid] = res
        elif base == FUTEX_WAKE and pending is not None and pid != pending[1] and addr == pending[4]:
            dk, dropper, dcpu, woken, _switch = pending
            if pid == woken:
                how = "signalled"
            elif last_cond_wait.get(pid) == -ETIMEDOUT:
                how = "timed out"
            else:
                how = "woken earlier"
            mutex = " after sleeping on a mutex" if last_wait_addr.get(pid) in mutexes else ""
            where = "the dropper's CPU" if cpu == dcpu else "another CPU"
            gap = (evs[enter][0] - evs[calls[dk][0]][0]) * 1e6
            takes.append((f"{how}{mutex}", where, gap))
            pending = None
    if pending is not None:
        unclassified += 1
    return takes, unclassified


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=4, help="CPU-bound threads (default 4)")
    parser.add_argument("--seconds", type=float, default=0.3, help="length of the run (default 0.3)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to trace (default: this one)")
    args = parser.parse_args(argv)
    if args.threads < 2 or not (math.isfinite(args.seconds) and args.seconds > 0):
        parser.error("expected --threads of at least 2 and --seconds a number above 0")
    if shutil.which(args.python) is None:
        print(f"gil-handoff-trace: no interpreter at {args.python}", file=sys.stderr)
        return 1
    root = tracefs()
    if root is None or os.geteuid() != 0:
        print("gil-handoff-trace: needs root and tracefs (/sys/kernel/tracing)", file=sys.stderr)
        return 1
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
    try:
        output, text = capture(root, command)
    except Failed as error:
        print(f"gil-handoff-trace: {error}", file=sys.stderr)
        return 1
    if "LOST" in text:
        print("gil-handoff-trace: the trace lost events (its buffer overflowed): counts are short", file=sys.stderr)
    takes, unclassified = analyse(events(text))
    seen = re.search(r"(\d+) hand-offs", output)
    print(output.strip())
    total = len(takes) + unclassified
    print(
        f"{total} signals of gil->cond traced ({seen.group(1) if seen else '?'} hand-offs seen by the program); "
        f"{len(takes)} classified, {unclassified} not (the taker signalled no one waiting on switch_cond)"
    )
    if not takes:
        print("gil-handoff-trace: no hand-off could be classified", file=sys.stderr)
        return 1
    for (how, where), n in collections.Counter((h, w) for h, w, _ in takes).most_common():
        gaps = sorted(g for h, w, g in takes if (h, w) == (how, where))
        print(
            f"  taker {how}, on {where}: {n} ({n / len(takes):.0%}); "
            f"gap median {statistics.median(gaps):.0f} us, {gaps[0]:.0f} to {gaps[-1]:.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
