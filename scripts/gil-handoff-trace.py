"""How each GIL hand-off happens in CPython, read from the futex calls of its GIL.

Runs scripts/gil-handoff-gaps.py (N CPU-bound threads) with ftrace's sched_switch, sched_waking
and futex system-call events on for its process, then follows CPython's GIL through its futex
calls (Python/ceval_gil.c: drop_gil locks gil->mutex, clears `locked`, signals gil->cond, unlocks,
and under FORCE_SWITCHING waits on switch_cond until another thread has taken the GIL; the taker
signals switch_cond). This settles what scripts/gil-requester-trace.py can only infer from
wake-ups: a futex's return value says whether a timed wait ran out.

A drop is a FUTEX_WAKE on a gil->cond word (one that wakes nobody is not a system call, and is not
seen). Its taker is the next thread to wake switch_cond, the word droppers wait on with no
timeout. Each taker is sorted by how it got there:
  - "signalled by this drop": the thread this drop's signal claimed, the first waiter on gil->cond
    whose wait began before the signal and ended with 0 after it (this includes a waiter whose
    timer had already made it runnable: the signal takes it off the futex word with no wake-up);
  - "timed out": its last wait on gil->cond returned ETIMEDOUT: the waiter whose interval ran out
    and that set the drop request (the requester of docs/model.md, section 4);
  - "woken by an earlier signal": its last wait on gil->cond returned 0 and this drop did not
    claim it;
and whether it last slept on gil->mutex (it wanted the mutex while another thread held it, and
got it only after that one's unlock), whether it took the GIL on the dropper's CPU, and the gap
from the drop's signal to the taker's wake of switch_cond (its own bookkeeping included, a few
microseconds). A drop whose taker took the GIL before the dropper waited on switch_cond makes no
wake there (glibc does not call the kernel to signal a condition nobody waits on): such hand-offs,
often the fastest, are not classified, nor are signals at a thread's start, exit or join, and the
script prints how many the program saw against how many it classified. Tracing slows every
wake-up and lengthens the races between them, so read the shares as this traced run's, and the
gaps not at all, against an untraced run.

The futex words are told apart by their operations: gil->cond's by timed waits (FUTEX_WAIT_BITSET
with a timeout: CPython's timed condition waits), a mutex's by plain FUTEX_WAIT (glibc's mutex
lock); gil->mutex is the word droppers wake right after signalling gil->cond, switch_cond the
untimed word they then wait on (each the most common such word of the run, with the condition's
other signal word 4 bytes away). This follows glibc 2.25 and later (its condition variables);
other C libraries may not trace the same way. Needs root and tracefs (/sys/kernel/tracing); Linux only;
stdlib only. Every tracefs setting it changes is put back as it was; the trace buffer's earlier
contents are cleared.

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

import tracefs  # scripts/tracefs.py: the run under ftrace, settings put back afterwards

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


def most_common(values):
    counts = collections.Counter(v for v in values if v is not None)
    return counts.most_common(1)[0][0] if counts else None


def analyse(evs):
    """The classified hand-offs (how, where, gap in us) and how many signals could not be classified."""
    calls = futex_calls(evs)
    cond = {c[4] for c in calls if c[5] & 0x7F == FUTEX_WAIT_BITSET and c[6]}
    by_pid = collections.defaultdict(list)
    for k, c in enumerate(calls):
        by_pid[c[2]].append(k)
    position = {k: j for ks in by_pid.values() for j, k in enumerate(ks)}
    signals = [k for k, c in enumerate(calls) if c[5] & 0x7F == FUTEX_WAKE and c[4] in cond]

    def after(k, count=4):
        mine = by_pid[calls[k][2]]
        return [calls[j] for j in mine[position[k] + 1 : position[k] + 1 + count]]

    # gil->mutex: the word a dropper wakes right after signalling gil->cond (its unlock, when
    # someone sleeps on the mutex); switch_cond: the word it then waits on with no timeout. Each is
    # one word for the whole run: the most common such word (a thread joining another also waits
    # untimed, on its lock, and must not count).
    gil_mutex = most_common(
        next((c[4] for c in after(k) if c[5] & 0x7F == FUTEX_WAKE and c[4] not in cond), None) for k in signals
    )
    waits_after = [
        next(
            (c[4] for c in after(k) if c[5] & 0x7F == FUTEX_WAIT_BITSET and not c[6] and c[4] not in cond),
            None,
        )
        for k in signals
    ]
    # A glibc condition variable has two signal words a waiter may sleep on (its two groups), 4
    # bytes apart: switch_cond is the most common word and its neighbour, if droppers use it.
    first = most_common(waits_after)
    switch = set()
    if first is not None:
        switch = {a for a in waits_after if a is not None and abs(int(a, 16) - int(first, 16)) <= 4}
    takes = []
    unclassified = 0
    for n, k in enumerate(signals):
        enter, leave, dropper, dcpu, _addr, _op, _timed, woke = calls[k]
        t_drop = evs[enter][0]
        end = signals[n + 1] if n + 1 < len(signals) else len(calls)
        # The thread this signal claimed: the first wait on gil->cond, begun before the signal,
        # to end with 0 after it (a waiter already runnable when its timer fired, which the
        # signal takes off the futex word with no wake-up event, included).
        signalled = None
        if woke and woke > 0:
            best = None
            for c in calls:
                if c[2] == dropper or c[4] not in cond or c[5] & 0x7F != FUTEX_WAIT_BITSET:
                    continue
                if c[1] is None or c[7] != 0 or evs[c[0]][0] > t_drop or evs[c[1]][0] < t_drop:
                    continue
                if best is None or evs[c[1]][0] < evs[best[1]][0]:
                    best = c
            signalled = best[2] if best else None
        take = None
        for c in calls[k + 1 : end]:
            if c[5] & 0x7F == FUTEX_WAKE and c[4] in switch and c[2] != dropper:
                take = c
                break
        if take is None:
            unclassified += 1
            continue
        taker = take[2]
        last_cond = None
        last_wait = None
        for j in reversed(by_pid[taker]):
            c = calls[j]
            if c[0] >= take[0]:
                continue
            if last_wait is None and c[5] & 0x7F in (FUTEX_WAIT, FUTEX_WAIT_BITSET):
                last_wait = c
            if c[4] in cond and c[5] & 0x7F == FUTEX_WAIT_BITSET and c[6]:
                last_cond = c
                break
        if taker == signalled:
            how = "signalled by this drop"
        elif last_cond is not None and last_cond[7] == -ETIMEDOUT:
            how = "timed out"
        else:
            how = "woken by an earlier signal"
        if last_wait is not None and last_wait[4] == gil_mutex and gil_mutex is not None:
            how += ", after sleeping on gil->mutex"
        where = "the dropper's CPU" if take[3] == dcpu else "another CPU"
        takes.append((how, where, (evs[take[0]][0] - t_drop) * 1e6))
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
    if os.geteuid() != 0:
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
        _, code, output, text = tracefs.capture(
            command, EVENTS, 16384, follow_pid=True, clock="mono", stdout=subprocess.PIPE
        )
    except tracefs.TraceError as error:
        print(f"gil-handoff-trace: {error}", file=sys.stderr)
        return 1
    if code != 0:
        print(f"gil-handoff-trace: the program failed (exit code {code})", file=sys.stderr)
        return 1
    if "LOST" in text:
        print("gil-handoff-trace: the trace lost events (its buffer overflowed): counts are short", file=sys.stderr)
    takes, unclassified = analyse(events(text))
    seen = re.search(r"(\d+) hand-offs", output)
    print(output.strip())
    total = len(takes) + unclassified
    print(
        f"{total} signals of gil->cond traced ({seen.group(1) if seen else '?'} hand-offs seen by the program); "
        f"{len(takes)} classified, {unclassified} not (no wake of switch_cond by another thread before the next signal: a taker faster than the dropper's wait, or a signal at a thread's start, exit or join)"
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
