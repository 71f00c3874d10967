"""The submitting thread's own CPU time in ThreadPoolExecutor.submit(), when the submit wakes the
pool's sleeping worker and when it does not (the worker is busy), one submit at a time.

Both cases wait the same 2 ms before the timed submit (Python runs slower after a longer idle, so
unequal waits would confound the two), they are interleaved at random so a drift of the host's
speed touches both alike, and before each timed submit the pool's idle semaphore is released once
so both take the same path through _adjust_thread_count (from 3.12 the worker releases it only when
it finds the queue empty, so the busy case would otherwise take a slower path). What is left is the
cost of the wake-up itself to the thread that makes it. Standard library only; run it with each
python3 on a quiet machine, several times.

    python3 scripts/submit-wake-cost.py [N]
"""
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

cpu = time.thread_time_ns
pool = ThreadPoolExecutor(1)
pool.submit(int).result()  # the worker exists and sleeps on the queue


def timed_submit():
    pool._idle_semaphore.release()  # the same path through _adjust_thread_count in both cases
    c0 = cpu()
    f = pool.submit(int)
    return cpu() - c0, f


def waking():
    """The worker asleep on the queue: the submit wakes it."""
    time.sleep(0.002)
    took, f = timed_submit()
    f.result()
    return took


def not_waking():
    """The worker busy (blocked in an item of its own, not on the queue): the submit wakes nobody."""
    release = threading.Event()
    pool.submit(release.wait)
    time.sleep(0.002)
    took, f = timed_submit()
    release.set()
    f.result()
    return took


def summary(xs):
    s = sorted(x / 1000 for x in xs)
    return f"median {statistics.median(s):.1f} us, p10 {s[len(s) // 10]:.1f}, p90 {s[len(s) * 9 // 10]:.1f}"


n = int(sys.argv[1]) if len(sys.argv) > 1 else 600
order = [waking, not_waking] * n
random.Random(1).shuffle(order)
times = {waking: [], not_waking: []}
for case in order:
    times[case].append(case())
print(f"Python {sys.version.split()[0]}, {n} submits each, interleaved, submitting thread's CPU inside submit():")
print(f"  waking the sleeping worker: {summary(times[waking])}")
print(f"  worker busy, no wake-up:    {summary(times[not_waking])}")
