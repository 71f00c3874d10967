"""A plain asyncio program doing what the random validation scenario s1-023 does, without the
harness: N Poisson arrivals (default 231 at 154/s) sent from another process on a pipe, as the
harness sends them; 3 in 7 tasks run 4.13 ms and then 0.32 to 0.95 ms of Python on the event
loop and offload an exponential time.sleep of mean 1.69 ms, the others offload a 1.98 ms and then
a 7.22 ms time.sleep; every offload is run_in_executor on a 2-worker ProcessPoolExecutor (fork).
With "cold" (the default) the pool starts at the first offload, as in the harness and the model;
with "warm" every worker has run once before the first arrival.

Prints when, after the first arrival, the forks ended, the manager thread queued its first call,
the call queue's feeder thread started and pickled its first call, and a worker ran it; the
first 12 tasks' latencies; and the 50th, 95th and 99th percentiles of all of them, in ms. Then,
call by call, by when the call was submitted (before 150 ms, to 400 ms, after): the time from
submit (as it is entered: the first one forks the workers) to the manager thread putting it on the
call queue and to a worker starting it, and from the worker's end to the manager thread taking the
result (the worker returns when it started and ended); and the event loop's iterations longer
than 1 ms in the first 200 ms (start:duration).
Compared with `gilsim real` and the model in docs/model.md, section 10 ("A cold process pool
behind a busy event loop").

    python3 scripts/plain-cold-pool.py [N] [seed] [cold|warm]
"""

import asyncio
import asyncio.base_events
import concurrent.futures
import concurrent.futures.process as cfp
import json
import multiprocessing.queues as mpq
import os
import random
import struct
import subprocess
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 231
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 1
WARM = len(sys.argv) > 3 and sys.argv[3] == "warm"
RATE = 154.0
now = time.perf_counter_ns
EVENTS = []  # (what, when)

# The arrivals process: sleeps until each planned time, then writes (index, time sent).
SENDER = r"""
import os, sys, json, time, struct
fd = int(sys.argv[1])
for i, t in enumerate(json.loads(sys.stdin.readline())):
    d = t - time.perf_counter_ns()
    if d > 0:
        time.sleep(d / 1e9)
    os.write(fd, struct.pack("!qq", i, time.perf_counter_ns()))
sys.stdin.read()
"""


CALLS = {}  # work id: {"submit": ns, "queued": ns, "result": ns, "end": ns (the worker's)}
ITERATIONS = []  # (start, end) of each event loop iteration


def mark(what):
    EVENTS.append((what, now()))


def call_mark(work_id, what, when=None):
    CALLS.setdefault(work_id, {})[what] = now() if when is None else when


def instrument():
    """Marks the pool's start-up: forks, the manager's first queued call, the feeder's start."""
    add = cfp._ExecutorManagerThread.add_call_item_to_queue

    def add_marked(self):
        mark("manager thread queues a call")
        return add(self)

    cfp._ExecutorManagerThread.add_call_item_to_queue = add_marked
    start = mpq.Queue._start_thread

    def start_marked(self):
        mark("feeder thread start begins")
        start(self)
        mark("feeder thread start returned")

    mpq.Queue._start_thread = start_marked
    os.register_at_fork(after_in_parent=lambda: mark("a fork returned in the parent"))

    # Call by call: submitted (the loop), put on the call queue and its result taken (the manager).
    submit = cfp.ProcessPoolExecutor.submit

    def submit_marked(self, fn, *args, **kwargs):
        call_mark(self._queue_count, "submit")  # the id this submit gives, before it runs (forks included)
        return submit(self, fn, *args, **kwargs)

    cfp.ProcessPoolExecutor.submit = submit_marked
    put = mpq.Queue.put

    def put_marked(self, obj, *args, **kwargs):
        if hasattr(obj, "work_id"):
            call_mark(obj.work_id, "queued")
        return put(self, obj, *args, **kwargs)

    mpq.Queue.put = put_marked
    take = cfp._ExecutorManagerThread.process_result_item

    def take_marked(self, item):
        if hasattr(item, "work_id") and isinstance(getattr(item, "result", None), tuple):
            call_mark(item.work_id, "result")
            call_mark(item.work_id, "start", item.result[0])
            call_mark(item.work_id, "end", item.result[1])
        return take(self, item)

    cfp._ExecutorManagerThread.process_result_item = take_marked
    run_once = asyncio.base_events.BaseEventLoop._run_once

    def run_once_marked(self):
        began = now()
        run_once(self)
        ITERATIONS.append((began, now()))

    asyncio.base_events.BaseEventLoop._run_once = run_once_marked


def spin(ns):
    end = now() + ns
    while now() < end:
        pass


def work(sleep_ns):
    """Runs in a worker: the offloaded sleep; returns when it began and when it ended."""
    began = now()
    time.sleep(sleep_ns / 1e9)
    return began, now()


RECORDS = []  # (arrival, end, [worker start of each offload])


async def task(sent, loop, pool, rng):
    starts = []
    if rng.random() < 3 / 7:
        spin(4_130_000)
        spin(int(rng.uniform(317_000, 952_000)))
        starts.append((await loop.run_in_executor(pool, work, int(rng.expovariate(1 / 1.69e6))))[0])
    else:
        for ns in (1_980_000, 7_220_000):
            starts.append((await loop.run_in_executor(pool, work, ns))[0])
    RECORDS.append((sent, now(), starts))


async def main():
    loop = asyncio.get_running_loop()
    pool = concurrent.futures.ProcessPoolExecutor(2)
    if WARM:
        await asyncio.gather(*[loop.run_in_executor(pool, work, 1000) for _ in range(4)])
        CALLS.clear()
    rng = random.Random(SEED)
    r, w = os.pipe()
    sender = subprocess.Popen([sys.executable, "-c", SENDER, str(w)], stdin=subprocess.PIPE, pass_fds=(w,))
    os.close(w)
    os.set_blocking(r, False)
    t = now() + 20_000_000
    times = []
    for _ in range(N):
        t += int(rng.expovariate(RATE) * 1e9)
        times.append(t)
    sender.stdin.write((json.dumps(times) + "\n").encode())
    sender.stdin.flush()
    tasks = []
    done = asyncio.Event()
    buf = b""

    def on_arrivals():
        nonlocal buf
        buf += os.read(r, 65536)
        while len(buf) >= 16:
            _, sent = struct.unpack("!qq", buf[:16])
            buf = buf[16:]
            tasks.append(loop.create_task(task(sent, loop, pool, rng)))
            if len(tasks) == N:
                done.set()

    loop.add_reader(r, on_arrivals)
    await done.wait()
    await asyncio.gather(*tasks)
    loop.remove_reader(r)
    # The pool's workers inherited the sender's stdin; end it directly.
    sender.kill()
    pool.shutdown()


instrument()
asyncio.run(main())
first = min(sent for sent, _, _ in RECORDS)
worker = min(s for _, _, starts in RECORDS for s in starts)
seen = set()
for what, when in sorted(EVENTS + [("a worker runs its first call", worker)], key=lambda e: e[1]):
    if what in seen and what != "a fork returned in the parent":
        continue
    seen.add(what)
    print("%+8.1f ms  %s" % ((when - first) / 1e6, what))
latencies = [(end - sent) / 1e6 for sent, end, _ in sorted(RECORDS)]
print("first 12 latencies (ms):", " ".join("%.1f" % x for x in latencies[:12]))
ordered = sorted(latencies)


def q(p):
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


print("latency (ms): p50 %.1f  p95 %.1f  p99 %.1f" % (q(0.5), q(0.95), q(0.99)))


def spread(values):
    values = sorted(values)
    if not values:
        return "-"
    return "n %d, median %.2f, p90 %.2f, max %.2f" % (
        len(values), values[len(values) // 2], values[int(0.9 * len(values))], values[-1])


calls = [c for _, c in sorted(CALLS.items()) if "submit" in c]
WINDOWS = ((0, 150), (150, 400), (400, float("inf")))
for label, a, b, by in (
    ("submit -> on the call queue", "submit", "queued", "submit"),
    ("submit -> a worker starts it", "submit", "start", "submit"),
    ("worker's end -> manager takes the result", "end", "result", "end"),
):
    cells = []
    for lo, hi in WINDOWS:
        sel = [(c[b] - c[a]) / 1e6 for c in calls if a in c and b in c and lo <= (c[by] - first) / 1e6 < hi]
        cells.append("[%d, %s) ms: %s" % (lo, "end" if hi == float("inf") else "%d" % hi, spread(sel)))
    print("%s (ms), by %s time: %s" % (label, "the worker's end" if by == "end" else "submit", "; ".join(cells)))
print("loop iterations over 1 ms in the first 200 ms (start:duration, ms):", " ".join(
    "%d:%.1f" % ((a - first) / 1e6, (b - a) / 1e6) for a, b in ITERATIONS if 0 <= a - first < 200e6 and b - a > 1e6))
