"""The whole distribution of GIL hand-off gaps between CPU-bound threads, not just its median.

The mechanism suite's gil-threads experiment keeps the median hand-off gap of each run. This script
runs the same kind of program (N pure-Python threads reading the clock in a loop for --seconds; a
jump of more than 5 us between two iterations of one thread means it stopped running; its runs,
merged in time order across threads, are the GIL holds; unlike the suite's, each thread stops at
its own end time, and quantiles take the lower rank) and prints the gaps' quantiles and the share
under 15 us, which is about what a hand-off costs when the taker needs no CPU woken for it (see
scripts/gil-handoff-trace.py for how each hand-off happened). Compare with the model's
(docs/model.md, section 2, "Cores and the scheduler": hand-off gaps).

    python3 scripts/gil-handoff-gaps.py [--threads 2,4,6] [--seconds 0.5] [--repeats 2]

Stdlib only; any CPython 3.9 or later.
"""

import argparse
import math
import sys
import threading
import time

JUMP_NS = 5_000  # a longer pause between two iterations of one thread: it stopped running
FAST_NS = 15_000  # a gap under this: the taker was already on a CPU


def holds(n, seconds):
    """The GIL holds of n CPU-bound threads: (start, end, thread) in time order, one thread's
    consecutive runs merged."""
    runs = [[] for _ in range(n)]
    go = threading.Event()

    def spin(i):
        go.wait()
        clock = time.perf_counter_ns
        end = clock() + int(seconds * 1e9)
        mine = runs[i]
        first = last = clock()
        while last < end:
            now = clock()
            if now - last > JUMP_NS:
                mine.append((first, last))
                first = now
            last = now
        mine.append((first, last))

    threads = [threading.Thread(target=spin, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    go.set()
    for t in threads:
        t.join()
    merged = []
    for start, end, i in sorted((s, e, i) for i, r in enumerate(runs) for s, e in r):
        if merged and merged[-1][2] == i:
            merged[-1] = (merged[-1][0], end, i)
        else:
            merged.append((start, end, i))
    return merged


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", default="2,4,6", help="thread counts, comma-separated (default 2,4,6)")
    parser.add_argument("--seconds", type=float, default=0.5, help="length of each run (default 0.5)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each thread count (default 2)")
    args = parser.parse_args(argv)
    try:
        counts = [int(x) for x in args.threads.split(",")]
    except ValueError:
        parser.error(f"invalid --threads: {args.threads} (expected integers separated by commas)")
    if any(n < 2 for n in counts) or not (math.isfinite(args.seconds) and args.seconds > 0) or args.repeats < 1:
        parser.error("expected --threads of at least 2, --seconds a number above 0 and --repeats of at least 1")
    print(f"CPython {sys.version.split()[0]}: GIL hand-off gaps, in us")
    for n in counts:
        for _ in range(args.repeats):
            h = holds(n, args.seconds)
            # The first and last n holds are left out, as in the mechanism suite.
            gaps = sorted(h[k][0] - h[k - 1][1] for k in range(n + 1, len(h) - n))
            if not gaps:
                print(f"gil-handoff-gaps: {n} threads: no hand-offs seen", file=sys.stderr)
                return 1

            def q(p):
                return gaps[int(p * (len(gaps) - 1))] / 1e3

            fast = sum(g < FAST_NS for g in gaps) / len(gaps)
            print(
                f"{n} threads: {len(gaps)} hand-offs; p10 {q(0.1):.1f}, p25 {q(0.25):.1f}, median {q(0.5):.1f}, "
                f"p75 {q(0.75):.1f}, p90 {q(0.9):.1f}; under 15 us {fast:.0%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
