"""The submitting thread's own CPU time in ThreadPoolExecutor.submit(), when the submit wakes the
pool's sleeping worker and when it does not (the worker is busy), one submit at a time.

The difference is what waking a sleeping thread costs the thread that wakes it: the queue's put
releases the lock the worker sleeps on, a futex wake, and on a VM the wake-up's inter-processor
interrupt traps to the hypervisor inside that system call. The model charges one submitCost for
every submit (section 6 of docs/model.md). Standard library only; run it with each python3.

    python3 scripts/submit-wake-cost.py [N]
"""
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

cpu = time.thread_time_ns
pool = ThreadPoolExecutor(1)
pool.submit(int).result()  # the worker exists and sleeps on the queue


def waking(n):
    """The worker asleep on the queue (2 ms after its last item): the submit wakes it."""
    out = []
    for _ in range(n):
        time.sleep(0.002)
        c0 = cpu()
        f = pool.submit(int)
        out.append(cpu() - c0)
        f.result()
    return out


def not_waking(n):
    """The worker busy (blocked in an item of its own, not on the queue): the submit wakes nobody."""
    out = []
    for _ in range(n):
        release = threading.Event()
        pool.submit(release.wait)
        time.sleep(0.0005)
        c0 = cpu()
        f = pool.submit(int)
        out.append(cpu() - c0)
        release.set()
        f.result()
    return out


def summary(xs):
    s = sorted(x / 1000 for x in xs)
    return f"median {statistics.median(s):.1f} us, p10 {s[len(s) // 10]:.1f}, p90 {s[len(s) * 9 // 10]:.1f}"


n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
print(f"Python {sys.version.split()[0]}, {n} submits each, submitting thread's CPU inside submit():")
print(f"  waking the sleeping worker: {summary(waking(n))}")
print(f"  worker busy, no wake-up:    {summary(not_waking(n))}")
