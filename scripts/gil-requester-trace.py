"""Which waiter wins a forced GIL switch, from the kernel's own scheduler events.

Runs N pure-Python threads for 2 s under scripts/sched-trace.py (ftrace: sched_switch and
sched_wakeup on every CPU; root only), keeps the raw trace, and reads from it, for each hand-off of
the GIL between the threads:
  - the holds: each thread's runs on a CPU of at least 0.5 ms, runs of the same thread less than
    1 ms apart merged (a pure-Python thread runs only while it holds the GIL);
  - the requester: the last of the other threads woken from a hardware or soft interrupt (a timer:
    its timed wait on the GIL ran out, so it set the drop request) in the 6 ms before the hold
    ended;
  - the thread the holder woke (a sched_wakeup not from an interrupt, made by the holder, from
    0.2 ms before its hold ended to 0.2 ms after the next began): the one its signal reached;
  - the winner: the next hold's thread.
It prints how often the winner was the thread displaced last (the mechanism suite's winner.last)
and how often it was the requester, by whom the holder's signal woke. The classification is a
reading of the trace, not CPython's own record, and it can mislead: sched_wakeup is logged where
the woken thread is activated, so a wake-up the holder sends to the other CPU can show there from
an interrupt or the idle task and be read as a timer's (its thread then counts as the requester);
a thread woken for another reason can look like a requester too; and it does not check that the
requester was still on its CPU when the holder signalled. Tracing sched_waking and the futex
calls' timeouts would settle it.
Compared with the model in docs/model.md, section 4 (runtime.gilRequesterWins).

    sudo python3 scripts/gil-requester-trace.py [N] [--python PYTHON]
"""
import collections
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LINE = re.compile(r"^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+(\S+)\s+([\d.]+): (\w+): (.*)$")
SPIN = r"""
import sys, threading, time
stop = time.monotonic() + 2.0
def spin():
    x = 0
    while time.monotonic() < stop:
        for i in range(2000):
            x += i
ts = [threading.Thread(target=spin) for _ in range(int(sys.argv[1]))]
for t in ts: t.start()
print("TIDS", " ".join(str(t.native_id) for t in ts), flush=True)
for t in ts: t.join()
"""


def read(trace):
    ev = []
    with open(trace) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            _comm, pid, _cpu, flags, ts, name, rest = m.groups()
            ts, pid = float(ts), int(pid)
            if name == "sched_switch":
                prev = int(re.search(r"prev_pid=(\d+)", rest).group(1))
                nxt = int(re.search(r"next_pid=(\d+)", rest).group(1))
                ev.append((ts, "switch", prev, nxt, False))
            elif name == "sched_wakeup":
                woken = int(re.search(r" pid=(\d+)", rest).group(1))
                # The third column of the flags: h/H a hard interrupt (H: in a soft one too),
                # s a soft interrupt, z/Z an NMI.
                irq = pid == 0 or (len(flags) > 2 and flags[2] in "hHsZz")
                ev.append((ts, "wake", pid, woken, irq))
    ev.sort()
    return ev


def holds_of(ev, tids):
    on, segs = {}, []
    for ts, kind, a, b, _irq in ev:
        if kind != "switch":
            continue
        if a in tids and a in on:
            segs.append((on.pop(a), ts, a))
        if b in tids:
            on[b] = ts
    holds = []
    for s0, s1, t in sorted(segs):
        if s1 - s0 < 0.0005:
            continue
        if holds and holds[-1][2] == t and s0 - holds[-1][1] < 0.001:
            holds[-1] = (holds[-1][0], s1, t)
        else:
            holds.append((s0, s1, t))
    return holds


def main():
    args = sys.argv[1:]
    python = sys.executable
    if "--python" in args:
        i = args.index("--python")
        python = args[i + 1]
        del args[i : i + 2]
    n = int(args[0]) if args else 3
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "trace.txt")
        out = subprocess.run(
            [sys.executable, os.path.join(HERE, "sched-trace.py"), "--keep", trace, "--", python, "-c", SPIN, str(n)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        tids = {int(x) for x in re.search(r"^TIDS (.*)$", out, re.M).group(1).split()}
        ev = read(trace)
    holds = holds_of(ev, tids)
    seq = [h[2] for h in holds]
    last = sum(1 for i in range(2, len(seq)) if seq[i] == seq[i - 2])
    print(f"{n} threads, {python}: {len(seq) - 1} hand-offs; the winner was the thread displaced last in "
          f"{last} of {len(seq) - 2} ({100 * last / max(1, len(seq) - 2):.0f}%)")
    kinds = collections.Counter()
    for i in range(1, len(holds)):
        end, start, h, x = holds[i - 1][1], holds[i][0], holds[i - 1][2], holds[i][2]
        timed = [b for ts, k, _a, b, irq in ev if k == "wake" and irq and b in tids and b != h and end - 0.006 <= ts <= end]
        req = timed[-1] if timed else None
        signalled = [b for ts, k, a, b, irq in ev if k == "wake" and not irq and a == h and b in tids and end - 0.0002 <= ts <= start + 0.0002]
        t = signalled[0] if signalled else None
        won = "no requester seen" if req is None else "the requester won" if x == req else "an older waiter won"
        woke = "the holder woke no waiter" if t is None else "the holder woke the requester" if t == req else "the holder woke another waiter"
        kinds[(won, woke)] += 1
    total = sum(kinds.values())
    for (won, woke), v in kinds.most_common():
        print(f"  {v:4d} ({100 * v / total:3.0f}%)  {won}; {woke}")


if __name__ == "__main__":
    main()
