"""The random validation scenario s2-050 as a plain program, without the harness: a
ThreadPoolExecutor of 4, 275 tasks arriving at fixed times 161 a second; each task, with even odds,
either pure Python for a lognormal time of thread CPU (median 4.61 ms, p99 13.8 ms) or one sha256
call (GIL released) sized to take uniform 6.68 to 20 ms at this machine's hashing rate.

Per kind of task it prints the mean time asked for, and from the task's start to its end the wall
time and the thread's CPU time; for all tasks together, their wall time beyond CPU and the worker
threads' time runnable but waiting for a CPU over the whole run, an upper bound of that wait inside
the tasks (run_delay of /proc/<pid>/task/<tid>/schedstat, Linux, read before and after the run:
reading it in a task would drop the GIL for each system call, and beside a Python thread each drop
can cost a whole switch interval); the mean wait before the task started, and the latency
percentiles. Compared with the model in docs/model.md, section 10 ("Thread pools mixing Python and
long hashes").

    python3 scripts/plain-mixed-pool.py [seed]
"""
import concurrent.futures
import hashlib
import math
import random
import statistics
import sys
import threading
import time

now = time.perf_counter_ns
cpu = time.thread_time_ns
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
PROBE = memoryview(bytes(range(256)) * (8 << 12))  # 8 MiB


def rate():
    """Bytes of sha256 a nanosecond of thread CPU, the best of five 8 MiB hashes."""
    best = 0
    for _ in range(5):
        c0 = cpu()
        hashlib.sha256(PROBE).digest()
        best = max(best, len(PROBE) / (cpu() - c0))
    return best


R = rate()
# Big enough for the longest hash (20 ms) at this machine's rate, so no slice comes out short.
BUF = memoryview(bytes(range(256)) * (int(20e6 * R * 1.1) // 256 + 1))


def run_delay(tid):
    """A thread's time runnable but waiting for a CPU so far, ns."""
    with open("/proc/self/task/%d/schedstat" % tid) as f:
        return int(f.read().split()[1])


def spin_cpu(ns):
    """Pure Python until this thread has used ns of CPU."""
    end = cpu() + ns
    while cpu() < end:
        x = 0
        for i in range(2000):
            x ^= i


def task(kind, ns, arrival):
    start, c0 = now(), cpu()
    if kind == "py":
        spin_cpu(ns)
    else:
        hashlib.sha256(BUF[: int(ns * R)]).digest()
    end, c1 = now(), cpu()
    return kind, ns, arrival, start, end, c1 - c0, threading.get_native_id()


sigma = math.log(13.8 / 4.61) / 2.326
plan = []
for i in range(275):
    if rng.random() < 0.5:
        plan.append(("py", int(4.61e6 * math.exp(sigma * rng.gauss(0, 1)))))
    else:
        plan.append(("hash", int(rng.uniform(6.68e6, 20e6))))
pool = concurrent.futures.ThreadPoolExecutor(4)
ready = threading.Barrier(4)  # four tasks at once: the pool starts all four of its threads


def started():
    ready.wait()
    return threading.get_native_id()


workers = set(f.result() for f in [pool.submit(started) for _ in range(4)])
delay0 = {tid: run_delay(tid) for tid in workers}
t0 = now() + 10_000_000
futures = []
for i, (kind, ns) in enumerate(plan):
    at = t0 + int(i * 1e9 / 161)
    d = at - now()
    if d > 0:
        time.sleep(d / 1e9)
    futures.append(pool.submit(task, kind, ns, at))
results = [f.result() for f in futures]
waited = sum(run_delay(tid) - delay0[tid] for tid in delay0)


def ms(values):
    return statistics.mean(values) / 1e6


for kind in ("py", "hash"):
    rs = [r for r in results if r[0] == kind]
    print(
        "%s: n %d, asked %.2f ms; from its start to its end: wall %.2f, CPU %.2f; before its start %.2f; "
        "latency p50 %.2f"
        % (kind, len(rs), ms([r[1] for r in rs]), ms([r[4] - r[3] for r in rs]), ms([r[5] for r in rs]),
           ms([r[3] - r[2] for r in rs]), sorted((r[4] - r[2]) / 1e6 for r in rs)[len(rs) // 2])
    )
beyond = sum(r[4] - r[3] - r[5] for r in results)
print(
    "all tasks: wall time beyond CPU from start to end %.2f ms a task (waiting for a CPU or for the GIL); "
    "the %d workers waited %.2f ms a task for a CPU over the whole run (run_delay, in tasks and between "
    "them: at most that much of it in tasks)"
    % (beyond / len(results) / 1e6, len(delay0), waited / len(results) / 1e6)
)
latencies = sorted((r[4] - r[2]) / 1e6 for r in results)
n = len(latencies)
print("latency (ms): p50 %.2f  p95 %.2f  p99 %.2f" % (latencies[n // 2], latencies[int(0.95 * n)], latencies[int(0.99 * n)]))
