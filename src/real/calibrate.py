#!/usr/bin/env python3
"""gilsim calibration: small experiments that measure this machine's CPython runtime costs.

Standard library only; CPython 3.9 to 3.14. Input: one JSON line on stdin,
{"format": 1, "scale": 1.0, "only": null | [names]} (scale multiplies the number of rounds; stdin
stays open, and when it closes the script kills its process group). Output: JSON lines on stdout:

  hello       the interpreter, the machine, the switch interval, the niceness
  experiment  {"name", "samples": [ns, ...]} or {"name", "points": [[x, ns], ...]} for fits
  load        the CPU other processes used while the experiments ran (see mechanisms.py)
  done        when every experiment ran
  error       a failure (then the exit status is 1)

Every time is an integer number of nanoseconds from time.perf_counter_ns(). Each experiment takes
a few hundred milliseconds. GILSIM_PRIORITY=N runs at nice -N, as the harness does.
"""

import asyncio
import concurrent.futures as futures
import json
import math
import os
import random
import sys
import sysconfig
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import raise_priority, recv_exact, watch_stdin  # noqa: E402
from mechanisms import leave_idle_policy, load_between, load_sample, pipe_arrivals  # noqa: E402

now = time.perf_counter_ns
SCALE = 1.0


def rounds(n):
    return max(5, int(n * SCALE))


def idle_gaps(n, seed):
    """Idle times before each wake-up, log-uniform from 0.1 ms to 10 ms (seeded): a core that was
    idle longer wakes up slower (its idle state is deeper; in a virtual machine the host may have
    descheduled it), so wake-ups are measured after idle times like a real program's."""
    rng = random.Random(seed)
    lo, hi = math.log(1e-4), math.log(1e-2)
    return [math.exp(rng.uniform(lo, hi)) for _ in range(n)]


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def noop(*args):
    return None


def echo(payload):
    return payload


def stamp():
    return now()


# ---------------------------------------------------------------- the experiments


def wakeup():
    """threading.Event.set() in one thread -> the waiting thread runs (an OS wake-up, then the GIL)."""
    go = threading.Event()
    back = threading.Event()
    box = [0]
    out = []
    n = rounds(120)

    def waiter():
        for _ in range(n):
            go.wait()
            out.append(now() - box[0])
            go.clear()
            back.set()

    th = threading.Thread(target=waiter)
    th.start()
    for gap in idle_gaps(n, 1):
        time.sleep(gap)  # the waiter is asleep in wait() again
        back.clear()
        box[0] = now()
        go.set()
        back.wait()  # releases the GIL: the waiter only needs its wake-up
    th.join()
    return {"samples": out}


def spinners(interval, duration_ns):
    """Two pure-Python threads under the GIL with sys.setswitchinterval(interval). Each stamps every
    loop iteration; when a thread finds its own clock jumped while the other thread stamped meanwhile,
    the GIL changed hands: the gap from the other's last stamp to its own first is the hand-off, and
    the run before it was one slice."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    stamps = [0, 0]
    gaps = []
    slices = []
    stop_at = now() + duration_ns
    ready = threading.Barrier(2)

    def spin(me):
        other = 1 - me
        ready.wait()
        last = start = now()
        while last < stop_at:
            t = now()
            if t - last > 20_000 and stamps[other] > last:
                gaps.append(t - stamps[other])
                slices.append(last - start)
                start = t
            stamps[me] = t
            last = t

    threads = [threading.Thread(target=spin, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    sys.setswitchinterval(old)
    # The first slice of each thread started at the barrier, not at a hand-off.
    return gaps, slices[2:]


def gil_handoff():
    gaps, _ = spinners(0.001, int(300e6 * SCALE))
    return {"samples": gaps}


def switch_slice():
    _, slices = spinners(0.005, int(400e6 * SCALE))
    return {"samples": slices, "interval": 5_000_000}


def gil_order():
    """Which GIL waiter wins: the main thread holds the GIL (spinning, with a long switch interval so
    nobody forces a drop) while three threads start waiting for it one after another; then it lets
    go, and the order in which they run is recorded. FIFO on Linux (futex wake order), else the OS's."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1.0)
    orders = []
    try:
        for _ in range(rounds(20)):
            t0 = now()
            got = []

            def waiter(k):
                time.sleep(max(0, t0 + (k + 1) * 300_000 - now()) / 1e9)
                got.append(k)  # ran: it held the GIL

            threads = [threading.Thread(target=waiter, args=(k,)) for k in range(3)]
            for th in threads:
                th.start()
            while now() < t0 + 2_000_000:  # hold the GIL while all three queue up for it
                pass
            for th in threads:
                th.join()
            orders.append(got)
    finally:
        sys.setswitchinterval(old)
    # samples: which waiter (0 = the first to wait) ran first in each trial
    return {"samples": [o[0] for o in orders if o], "orders": orders}


def asyncio_step():
    """N tasks each doing K `await asyncio.sleep(0)` (a bare yield: one callback per step); the time
    per loop iteration for N = 1 and N = 100 gives the cost per step and per iteration."""

    async def worker(k):
        for _ in range(k):
            await asyncio.sleep(0)

    async def trial(n, k):
        t = now()
        await asyncio.gather(*(worker(k) for _ in range(n)))
        return now() - t

    loop = asyncio.new_event_loop()
    points = []
    try:
        loop.run_until_complete(trial(10, 50))  # warm-up
        for _ in range(rounds(7)):
            for n, k in ((1, 2000), (100, 40)):
                points.append([n, loop.run_until_complete(trial(n, k)) // k])
    finally:
        loop.close()
    return {"points": points}


def executor_handoff():
    """ThreadPoolExecutor.submit(): the call itself (CPU of the submitter) and from its return to
    the idle worker running the function (a queue wake-up), after idle gaps; and the call again
    back to back (hot: submit(f).result() in a loop, each submit waking the worker that went back
    to wait on the queue), where nothing has gone cold in between."""
    pool = futures.ThreadPoolExecutor(max_workers=1)
    pool.submit(noop).result()
    submit = []
    handoff = []
    hot = []
    try:
        for gap in idle_gaps(rounds(120), 2):
            time.sleep(gap)
            t0 = now()
            fut = pool.submit(stamp)
            t1 = now()
            started = fut.result()
            submit.append(t1 - t0)
            handoff.append(max(0, started - t1))
        for _ in range(rounds(300)):
            t0 = now()
            fut = pool.submit(noop)
            t1 = now()
            fut.result()
            hot.append(t1 - t0)
    finally:
        pool.shutdown(wait=True)
    return {"samples": handoff, "submit": submit, "hot": hot}


def threadsafe_wakeup():
    """loop.call_soon_threadsafe() from another thread while the loop sleeps in select: the
    self-pipe write wakes it; measured to the callback running."""
    loop = asyncio.new_event_loop()
    out = []
    n = rounds(120)

    async def main():
        finished = asyncio.Event()  # created inside the running loop (3.9 binds it here)

        def cb(t0):
            out.append(now() - t0)
            if len(out) >= n:
                finished.set()

        def poster():
            for gap in idle_gaps(n, 3):
                time.sleep(gap)
                loop.call_soon_threadsafe(cb, now())

        th = threading.Thread(target=poster)
        th.start()
        await finished.wait()
        th.join()

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    return {"samples": out}


def run_in_executor():
    """await loop.run_in_executor(pool, f) of a function that does nothing: submit, hand-off,
    the result back through call_soon_threadsafe, the task resumed. A check of the parts above."""
    loop = asyncio.new_event_loop()
    pool = futures.ThreadPoolExecutor(max_workers=1)
    out = []

    async def main():
        await loop.run_in_executor(pool, noop)
        for gap in idle_gaps(rounds(120), 4):
            await asyncio.sleep(gap)
            t = now()
            await loop.run_in_executor(pool, noop)
            out.append(now() - t)

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
        pool.shutdown(wait=True)
    return {"samples": out}


def slice_runner(duration_ns, out):
    """Runs on CPU 0 only, stamping; a jump in its clock is a turn of the other runner."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    runs = []
    last = start = now()
    stop = last + duration_ns
    while last < stop:
        t = now()
        if t - last > 50_000:
            runs.append(last - start)
            start = t
        last = t
    out.put(runs[1:])


def os_slice():
    """Two CPU-bound processes on one CPU: how long each runs before the OS switches to the other
    (the scheduler's time slice, rounded to its tick). Linux only (sched_setaffinity)."""
    if not hasattr(os, "sched_setaffinity"):
        return {"samples": []}
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    q = ctx.Queue()
    duration = int(300e6 * SCALE)
    procs = [ctx.Process(target=slice_runner, args=(duration, q)) for _ in range(2)]
    for p in procs:
        p.start()
    runs = q.get() + q.get()
    for p in procs:
        p.join()
    return {"samples": runs}


SIZES = (0, 16384, 65536, 262144, 1048576)


def process_roundtrip():
    """A warm ProcessPoolExecutor(1): submit(f, payload) -> the same payload back, by size."""
    pool = futures.ProcessPoolExecutor(max_workers=1)
    points = []
    try:
        for _ in range(3):
            pool.submit(echo, b"").result()
        for _ in range(rounds(25)):
            for size in SIZES:
                payload = b"\0" * size
                time.sleep(0.0003)
                t = now()
                pool.submit(echo, payload).result()
                points.append([size, now() - t])
    finally:
        pool.shutdown(wait=True)
    return {"points": points}


COLD_GAPS_US = (300, 1000, 2000, 3000, 5000, 10000, 20000)


COLD_DATA = {"a": list(range(50)), "b": {"c": "x" * 20, "d": [1.5, None, True]}}


def cold_kernel(units):
    """About 60 us per unit of everyday Python (JSON, a heap, a deque, strings): code and data
    spread over the interpreter, as a request handler's are."""
    import collections
    import heapq

    for _ in range(units):
        s = json.dumps(COLD_DATA)
        json.loads(s)
        h = []
        for i in range(20):
            heapq.heappush(h, (i * 7) % 13)
        d = collections.deque(range(30))
        d.rotate(3)
        "-".join(str(i) for i in range(20))


def cold_start():
    """A request into a program that has been idle (mechanisms.pipe_arrivals: another process
    writes on a pipe after each gap, the program reads it in an event loop and creates a task),
    after gaps from 0.3 to 20 ms in a shuffled order; measured to the task's first line. After idles
    of a few milliseconds this takes far longer (the vCPU halted and scheduled again, the caches
    refilled); the shortest gap is the warm reference."""
    order = [g for g in COLD_GAPS_US for _ in range(rounds(30))]
    random.Random(7).shuffle(order)
    points = [[gap * 1000, ns] for gap, ns in pipe_arrivals(order)]
    # How much slower the same Python runs cold: one unit of it right after a 20 ms sleep, then
    # again at once (warm).
    cold = []
    warm = []
    cold_kernel(1)
    for _ in range(rounds(20)):
        time.sleep(0.02)
        t0 = now()
        cold_kernel(1)
        t1 = now()
        cold_kernel(1)
        warm.append(now() - t1)
        cold.append(t1 - t0)
    return {"points": points, "cold": cold, "warm": warm}


def process_start():
    """A new ProcessPoolExecutor(1) with the default start method: submit -> result of the first call."""
    out = []
    method = None
    for _ in range(rounds(6)):
        pool = futures.ProcessPoolExecutor(max_workers=1)
        try:
            t = now()
            pool.submit(noop).result()
            out.append(now() - t)
            ctx = getattr(pool, "_mp_context", None)
            method = ctx.get_start_method() if ctx is not None else method
        finally:
            pool.shutdown(wait=True)
    return {"samples": out, "startMethod": method}


FORK_CALLS = []  # (before, after) of each os.fork in this process while process_fork runs
FORK_TIMING = [False]


def _fork_before():
    if FORK_TIMING[0]:
        FORK_CALLS.append([now(), None])


def _fork_after_in_parent():
    if FORK_TIMING[0] and FORK_CALLS and FORK_CALLS[-1][1] is None:
        FORK_CALLS[-1][1] = now()


def process_fork():
    """How long the first submit to a new fork ProcessPoolExecutor blocks, with 1 and with 4
    workers: it forks every worker in turn before it returns (_launch_processes), so the difference
    over 3 is one fork in this process. Points (workers, ns); none where fork is missing. Also each
    os.fork call's own time in this process (calls, ns), from its before-fork hook to its
    after-fork hook in the parent: the child exists only from the end of it."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return {"points": [], "calls": []}
    ctx = multiprocessing.get_context("fork")
    if hasattr(os, "register_at_fork") and not getattr(process_fork, "hooked", False):
        os.register_at_fork(before=_fork_before, after_in_parent=_fork_after_in_parent)
        process_fork.hooked = True
    points = []
    FORK_CALLS.clear()
    FORK_TIMING[0] = True
    try:
        for _ in range(rounds(5)):
            for n in (1, 4):
                pool = futures.ProcessPoolExecutor(max_workers=n, mp_context=ctx)
                try:
                    t = now()
                    f = pool.submit(noop)
                    points.append([n, now() - t])
                    f.result()
                finally:
                    pool.shutdown(wait=True)
    finally:
        FORK_TIMING[0] = False
    calls = [b - a for a, b in FORK_CALLS if b is not None]
    return {"points": points, "calls": calls}


def overshoots(n):
    """How much longer than 1 ms each of n time.sleep(1 ms) calls took, in ns."""
    out = []
    for _ in range(n):
        t = now()
        time.sleep(0.001)
        out.append(now() - t - 1_000_000)
    return out


def sleep_overshoot():
    """time.sleep(1 ms): how much longer it takes (timer slack and the wake-up)."""
    return {"samples": overshoots(rounds(150))}


def timer_tail():
    """time.sleep(1 ms), 2000 times: how often, and by how much, a timer fires far later than usual
    (the host of a virtual machine running other work when it fires). Only its tail is used."""
    return {"samples": overshoots(rounds(2000))}


def asyncio_timer():
    """await asyncio.sleep(1.5 ms) in an idle loop: the timer's real length (epoll rounds its
    timeout up to whole milliseconds)."""
    loop = asyncio.new_event_loop()
    out = []

    async def main():
        for _ in range(rounds(60)):
            t = now()
            await asyncio.sleep(0.0015)
            out.append(now() - t)

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    return {"samples": out, "asked": 1_500_000}


def fresh_page():
    """What a fresh page of memory costs: 16 MiB mapped anonymously, then one byte written per
    4 KiB page (a page fault and the page zeroed), in ns a page. Not a model parameter: kept in the
    profile because large payloads cost mostly fresh pages (docs/model.md), and this cost changes
    by several times from one day to the next on a virtual machine."""
    import mmap

    size = 16 << 20
    out = []
    for _ in range(rounds(8)):
        m = mmap.mmap(-1, size)
        t = now()
        for off in range(0, size, 4096):
            m[off] = 1
        out.append((now() - t) // (size // 4096))
        m.close()
    return {"samples": out}


SOCKET_PEER = """
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while True:
    data = s.recv(64)
    if not data:
        break
    s.sendall(data)
"""


def socket_send():
    """sendall() of 64 bytes over loopback TCP to a peer process waiting in recv(), which echoes
    it: the call's own time (samples), with the GIL released. The kernel delivers the segment and
    wakes the peer inside the call, so it costs several plain system calls. Also the whole round
    trip to the echo back (roundTrip), and recv() of a 64-byte message that arrived 0.5 ms before
    (ready): the wake-ups of a socket reader are the round trip less these."""
    import socket
    import subprocess

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(10)  # a peer that died before connecting: an error, not a hang
    peer = subprocess.Popen(
        [sys.executable, "-c", SOCKET_PEER, str(server.getsockname()[1])], stdout=subprocess.DEVNULL
    )
    out, trips, ready = [], [], []

    try:
        conn, _ = server.accept()
        conn.settimeout(10)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        msg = b"x" * 64
        with conn:
            for i in range(rounds(2000)):
                t = now()
                conn.sendall(msg)
                sent = now()
                recv_exact(conn, 64)
                if i >= 50:  # after a warm-up
                    out.append(sent - t)
                    trips.append(now() - t)
            for _ in range(rounds(200)):
                conn.sendall(msg)
                time.sleep(0.0005)
                t = now()
                recv_exact(conn, 64)
                ready.append(now() - t)
    finally:
        server.close()
        try:
            peer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            peer.kill()
            peer.wait()
    return {"samples": out, "roundTrip": trips, "ready": ready}


def thread_start():
    """threading.Thread(...).start(): it returns once the new thread runs."""
    out = []
    for _ in range(rounds(100)):
        th = threading.Thread(target=noop)
        t = now()
        th.start()
        out.append(now() - t)
        th.join()
    return {"samples": out}


EXPERIMENTS = (
    ("wakeup", wakeup),
    ("gil-handoff", gil_handoff),
    ("switch-slice", switch_slice),
    ("gil-order", gil_order),
    ("asyncio-step", asyncio_step),
    ("executor-handoff", executor_handoff),
    ("threadsafe-wakeup", threadsafe_wakeup),
    ("run-in-executor", run_in_executor),
    ("process-roundtrip", process_roundtrip),
    ("process-start", process_start),
    ("process-fork", process_fork),
    ("sleep-overshoot", sleep_overshoot),
    ("timer-tail", timer_tail),
    ("asyncio-timer", asyncio_timer),
    ("thread-start", thread_start),
    ("socket-send", socket_send),
    ("os-slice", os_slice),
    ("cold-start", cold_start),
    ("fresh-page", fresh_page),
)


# ---------------------------------------------------------------- main


def cpu_count():
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def main():
    global SCALE
    job = json.loads(sys.stdin.buffer.readline() or b"{}")
    if not isinstance(job, dict) or job.get("format") != 1:
        raise ValueError("the job has no \"format\": 1 field")
    SCALE = float(job.get("scale") or 1.0)
    only = job.get("only")
    watch_stdin()
    nice = raise_priority()
    policy = leave_idle_policy()
    emit(
        {
            "type": "hello",
            "python": "%d.%d.%d" % sys.version_info[:3],
            "implementation": sys.implementation.name,
            "freeThreaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
            "platform": sys.platform,
            "cores": cpu_count(),
            "switchInterval": int(round(sys.getswitchinterval() * 1e9)),
            "nice": nice,
            "policy": policy,
            "experiments": [name for name, _ in EXPERIMENTS if not only or name in only],
        }
    )
    before = load_sample()
    for name, fn in EXPERIMENTS:
        if only and name not in only:
            continue
        t = now()
        result = fn()
        result.update({"type": "experiment", "name": name, "elapsed": now() - t})
        emit(result)
    emit({"type": "load", "load": load_between(before, load_sample())})
    emit({"type": "done"})


if __name__ == "__main__":
    code = 0
    try:
        main()
    except BaseException as e:  # noqa: BLE001 - every failure becomes one error line
        message = "%s: %s" % (type(e).__name__, e)
        try:
            emit({"type": "error", "message": message})
        except BaseException:  # noqa: BLE001
            pass
        sys.stderr.write("gilsim calibrate: %s\n" % message)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
