"""A sleeper beside a CPU-bound process on one CPU: how often its wake-up waits for the CPU.

Both processes are pinned to CPU 0 (sched_setaffinity). The sleeper loops time.sleep(1 ms) then
WORK microseconds of busy work; the overshoot of each sleep is its wake-up latency. Alone, that is
the timer's slack and the wake-up; beside the CPU-bound process, a wake-up that does not preempt
it (EEVDF: the woken thread is not the earliest eligible deadline) waits for it to use up its
slice, noticed at a tick. The model's side is scripts/pinned-sleeper.ts (the same loop on one
core); docs/model.md, "Known gaps", compares them.

    python3 scripts/pinned-sleeper.py [ROUNDS]

Linux only (sched_setaffinity). Stdlib only.
"""
import multiprocessing as mp
import os
import sys
import time

LATE = 500_000  # ns: a wake-up this late waited for the CPU-bound process


def hog(stop):
    os.sched_setaffinity(0, {0})
    while not stop.is_set():
        for _ in range(10000):
            pass


def sleeper(rounds, work_us):
    os.sched_setaffinity(0, {0})
    over = []
    for _ in range(rounds):
        t = time.perf_counter_ns()
        time.sleep(0.001)
        over.append(time.perf_counter_ns() - t - 1_000_000)
        end = time.perf_counter_ns() + work_us * 1000
        while time.perf_counter_ns() < end:
            pass
    return over


def q(xs, p):
    return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] / 1e3


def main():
    if not hasattr(os, "sched_setaffinity"):
        sys.exit("pinned-sleeper: needs sched_setaffinity (Linux)")
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    print(f"# scripts/pinned-sleeper.py {rounds}: time.sleep(1 ms) overshoot in us, pinned to CPU 0;"
          f" 'late' is over {LATE // 1000} us")
    for work in (20, 500):
        alone = sleeper(rounds // 2, work)
        stop = mp.Event()
        h = mp.Process(target=hog, args=(stop,))
        h.start()
        time.sleep(0.1)
        beside = sleeper(rounds, work)
        stop.set()
        h.join()
        late = sum(1 for x in beside if x > LATE)
        print(f"work {work} us: alone p50 {q(alone, .5):.0f} p90 {q(alone, .9):.0f};"
              f" beside a CPU-bound process p50 {q(beside, .5):.0f} p90 {q(beside, .9):.0f}"
              f" p99 {q(beside, .99):.0f}; late {late} of {len(beside)} ({late / len(beside):.1%})", flush=True)


if __name__ == "__main__":
    main()
