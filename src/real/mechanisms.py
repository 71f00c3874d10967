#!/usr/bin/env python3
"""gilsim mechanism suite: small experiments, each measuring one mechanism of CPython's runtime.

Standard library only; CPython 3.9 to 3.14. Input: one JSON line on stdin,
  {"format": 1, "scale": 1.0, "repeats": 5, "only": null | [ids]}
(scale multiplies the work of every experiment; stdin stays open, and when it closes the script
kills its process group). Output: JSON lines on stdout:

  hello   the interpreter (version, build), the machine, the switch interval, the niceness
  trial   {"id", "repeat", "figures": {name: number}, "elapsed": ns, "load": {...}}: one run of
          one experiment; "load" is the CPU the rest of the machine used meanwhile
  done    when every experiment ran
  error   a failure (then the exit status is 1)

Each experiment is one function below whose docstring says what it measures and how; its figures
are medians (or shares, or rates) over the samples of that one run. The runner (mechanisms/run.ts)
repeats each experiment and keeps the median and the range of every figure across the repeats.
GILSIM_PRIORITY=N runs at nice -N, as the harness does.

`mechanisms.py --echo-client PORT` is the client of the socket experiment (a separate process, so
it does not share the server's GIL): for each line "D" on stdin it connects to PORT, sends 64-byte
requests and reads the echoes for D seconds, closes, and writes the number of round trips.
"""

import asyncio
import concurrent.futures as futures
import hashlib
import json
import multiprocessing
import os
import random
import socket
import struct
import subprocess
import sys
import sysconfig
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import raise_priority, watch_stdin  # noqa: E402

now = time.perf_counter_ns
SCALE = 1.0
US = 1_000
MS = 1_000_000


def n_of(n, least=3):
    """n scaled, at least `least`."""
    return max(least, int(n * SCALE))


def dur(ns):
    """A duration in ns scaled, at least 20 ms."""
    return max(20 * MS, int(ns * SCALE))


def median(xs):
    s = sorted(xs)
    if not s:
        return None
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def quantile(xs, q):
    s = sorted(xs)
    if not s:
        return None
    h = (len(s) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def noop(*args):
    return None


def echo(payload):
    return payload


async def anoop():
    return None


def switch_interval(seconds):
    """A context that sets sys.setswitchinterval and restores it."""

    class Ctx:
        def __enter__(self):
            self.old = sys.getswitchinterval()
            sys.setswitchinterval(seconds)

        def __exit__(self, *exc):
            sys.setswitchinterval(self.old)

    return Ctx()


class Spinners:
    """k pure-Python threads that loop until stopped (the CPU-bound neighbours). `count` grows
    while any of them holds the GIL, so a reader can tell whether one ran meanwhile."""

    def __init__(self, k):
        self.k = k
        self.stop = False
        self.count = [0]
        self.threads = [threading.Thread(target=self.spin, name="spinner-%d" % i) for i in range(k)]

    def spin(self):
        c = self.count
        while not self.stop:
            c[0] += 1

    def __enter__(self):
        for th in self.threads:
            th.start()
        # every spinner has run (taken the GIL) before the measurement starts
        deadline = now() + 200 * MS
        while self.k and self.count[0] == 0 and now() < deadline:
            time.sleep(0.001)
        return self

    def __exit__(self, *exc):
        self.stop = True
        for th in self.threads:
            th.join()


# ---------------------------------------------------------------- the GIL

GIL_THREADS = (2, 3, 4, 6)


def gil_threads():
    """N pure-Python threads (N = 2, 3, 4, 6) under the GIL at the default switch interval (5 ms).
    Each thread loops reading the clock; a jump of more than 5 us between two of its iterations
    means it stopped running meanwhile, so it keeps its runs as (first, last) stamps. Merged in
    time order across threads (a thread paused with no one else running in between is one run),
    the runs are the GIL holds: a run's length is a slice, the gap from one run's end to the next
    one's start is the hand-off, and the sequence says who won each switch. Figures per N: the
    slice median and p90, the hand-off gap median, and (N >= 3) the share of switches won by the
    thread displaced last (the one that held the GIL before the current holder): 1/(N-1) if the
    OS picked a waiter at random, 0 for FIFO, 1 for LIFO."""
    out = {}
    for n in GIL_THREADS:
        stop_at = [0]
        ready = threading.Barrier(n + 1)
        runs = [[] for _ in range(n)]

        def spin(me):
            mine = runs[me]
            ready.wait()
            first = last = now()
            stop = stop_at[0]
            while last < stop:
                t = now()
                if t - last > 5000:
                    mine.append((first, last, me))
                    first = t
                last = t
            mine.append((first, last, me))

        threads = [threading.Thread(target=spin, args=(i,)) for i in range(n)]
        for th in threads:
            th.start()
        stop_at[0] = now() + dur(500 * MS) + 10 * MS
        ready.wait()
        for th in threads:
            th.join()
        holds = []
        for r in sorted((r for rs in runs for r in rs), key=lambda r: r[0]):
            if holds and holds[-1][2] == r[2]:
                holds[-1] = (holds[-1][0], r[1], r[2])
            else:
                holds.append(r)
        # the first holds began at the barrier, not at a hand-off; the last ones at the stop
        body = holds[n : len(holds) - n]
        slices = [b - a for a, b, _ in body]
        gaps = [holds[i][0] - holds[i - 1][1] for i in range(n + 1, len(holds) - n)]
        who = [h[2] for h in holds]
        out["slice.median.n%d" % n] = median(slices)
        out["slice.p90.n%d" % n] = quantile(slices, 0.9)
        out["handoff.median.n%d" % n] = median(gaps)
        if n >= 3:
            # who[i] won the switch from who[i-1]; who[i-2] was displaced last
            wins = [who[i] == who[i - 2] for i in range(n + 2, len(who) - n)]
            out["winner.last.n%d" % n] = sum(wins) / len(wins) if wins else None
        out["switches.n%d" % n] = len(gaps)
    return out


# ---------------------------------------------------------------- short GIL releases

RELEASE_CALLS = (
    ("sha256-1k", 1024),
    ("sha256-4k", 4096),
    ("sha256-16k", 16384),
    ("sha256-64k", 65536),
    ("sha256-256k", 262144),
    ("sha256-1m", 1048576),
    ("zlib-16k", 16384),
)


def compressible(size):
    """Seeded bytes from 16 letters: zlib compresses them to about 60%, mostly by Huffman coding."""
    rng = random.Random(7)
    return bytes(rng.choice(b"abcdefghijklmnop") for _ in range(size))


def release_call(name, size):
    if name.startswith("zlib"):
        data = compressible(size)
        return lambda: zlib.compress(data, 1)
    data = bytes(range(256)) * (size // 256)
    return lambda: hashlib.sha256(data)


def gil_release():
    """Short GIL releases beside a CPU-bound thread. For each call (sha256 of 1 KiB to 1 MiB:
    hashlib releases the GIL for inputs of 2 KiB or more; zlib.compress of 16 KiB at level 1,
    which releases it around its one deflate() call) the main thread makes K calls alone, then K calls while a
    pure-Python thread spins beside it (default switch interval). A call "lost the GIL" when the
    spinner ran between its start and its end (its counter moved): the caller released the GIL
    (or was made to drop it) and had to wait to get it back. Figures per call: the median time of
    a call alone (solo) and beside the spinner (busy), and the share of calls that lost the GIL."""
    out = {}
    for name, size in RELEASE_CALLS:
        call = release_call(name, size)
        k = n_of(60 if size < 1048576 else 30)
        for _ in range(5):
            call()
        solo = []
        for _ in range(k):
            t = now()
            call()
            solo.append(now() - t)
        busy = []
        lost = 0
        with Spinners(1) as sp:
            c = sp.count
            for _ in range(k):
                c0 = c[0]
                t = now()
                call()
                busy.append(now() - t)
                if c[0] != c0:
                    lost += 1
        out["solo.%s" % name] = median(solo)
        out["busy.%s" % name] = median(busy)
        out["lost.%s" % name] = lost / k
    return out


STARVE_MODES = (("hold", 4.8, False), ("release-4.8ms", 4.8, True), ("release-1ms", 1.0, True))


def gil_starvation():
    """A thread waiting for the GIL beside a pure-Python thread (the releaser) that releases it
    for a system call (os.write of one byte to /dev/null, GIL released around write()) after each
    C ms of Python, or never (hold). The waiter sleeps 2 ms (time.sleep) and then needs the GIL,
    over and over, for D (it starts first, so it is asleep when the releaser begins): each turn
    ends when it holds the GIL again. A release signals the
    waiter, which wakes to find the GIL taken back and sleeps a whole new switch interval, so
    releases closer together than the interval keep it from ever asking for a drop. Figures per
    mode: the waiter's turns per second while the releaser ran (turns.*), and with no releases the
    median turn beyond its 2 ms sleep (wait.hold)."""
    out = {}
    d = dur(600 * MS)
    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        for mode, chunk_ms, release in STARVE_MODES:
            chunk = int(chunk_ms * MS)
            go = threading.Event()
            span = [0, 0]
            stop = [False]
            ends = []

            def releaser():
                try:
                    go.wait()
                    span[0] = now()
                    end = span[0] + d
                    while now() < end:
                        t = now() + chunk
                        while now() < t:
                            pass
                        if release:
                            os.write(fd, b"x")
                    span[1] = now()
                finally:
                    stop[0] = True

            def waiter():
                while not stop[0]:
                    time.sleep(0.002)
                    ends.append(now())

            # The waiter runs (asleep) before the releaser starts; turns are counted while the
            # releaser ran, by the releaser's own clock readings.
            w = threading.Thread(target=waiter, name="waiter", daemon=True)
            r = threading.Thread(target=releaser, name="releaser", daemon=True)
            w.start()
            r.start()
            time.sleep(0.005)
            go.set()
            r.join()
            w.join()
            t0, t1 = span
            inside = [e for e in ends if t0 <= e < t1]
            out["turns.%s" % mode] = len(inside) / ((t1 - t0) / 1e9) if t1 > t0 else None
            if not release:
                out["wait.hold"] = median([b - a - 2 * MS for a, b in zip(inside, inside[1:])])
    finally:
        os.close(fd)
    return out


SPEEDUP_CALLS = (("sha256-64k", 65536), ("sha256-1m", 1048576))
SPEEDUP_THREADS = (2, 4)


def release_speedup():
    """The speed-up of k threads (k = 1, 2, 4) sharing W calls that release the GIL (sha256 of
    64 KiB and of 1 MiB): T(1) / T(k), where T is the wall time from starting the threads to the
    last one ending. Each thread makes W / k calls back to back. Figures: speedup per call and k,
    and T(1) / W, the time per call of one thread."""
    out = {}
    for name, size in SPEEDUP_CALLS:
        call = release_call(name, size)
        w = n_of(64 if size < 1048576 else 32, least=8)
        times = {}
        for k in (1,) + SPEEDUP_THREADS:
            per = w // k
            ready = threading.Barrier(k + 1)

            def work(per=per, ready=ready):
                ready.wait()
                for _ in range(per):
                    call()

            threads = [threading.Thread(target=work) for _ in range(k)]
            for th in threads:
                th.start()
            ready.wait()
            t = now()
            for th in threads:
                th.join()
            times[k] = (now() - t) / (per * k)
        out["percall.%s" % name] = times[1]
        for k in SPEEDUP_THREADS:
            out["speedup.%s.k%d" % (name, k)] = times[1] / times[k]
    return out


# ---------------------------------------------------------------- asyncio


def asyncio_costs():
    """The CPU costs of the event loop, with nothing else running. step and iteration: N tasks
    each awaiting asyncio.sleep(0) (a bare yield) K times, for N = 1 and N = 100; the time per
    round is iteration + N x step. create-task: inside a running coroutine, create_task() of M
    coroutines that return at once, then await them all: time per task. gather: asyncio.gather of
    1,000, 10,000 and 100,000 such coroutines (gather wraps each in a task): total time.
    semaphore: 10,000 tasks (gathered), each `async with Semaphore(100): await asyncio.sleep(0)`:
    time per task."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    out = {}

    async def worker(k):
        for _ in range(k):
            await asyncio.sleep(0)

    async def rounds(n, k):
        t = now()
        await asyncio.gather(*(worker(k) for _ in range(n)))
        return (now() - t) / k

    async def create(m):
        t = now()
        tasks = [asyncio.ensure_future(anoop()) for _ in range(m)]
        for task in tasks:
            await task
        return (now() - t) / m

    async def gather(m):
        t = now()
        await asyncio.gather(*(anoop() for _ in range(m)))
        return now() - t

    async def semaphore(m, limit):
        sem = asyncio.Semaphore(limit)

        async def one():
            async with sem:
                await asyncio.sleep(0)

        t = now()
        await asyncio.gather(*(one() for _ in range(m)))
        return (now() - t) / m

    try:
        loop.run_until_complete(rounds(10, 50))  # warm-up
        steps = []
        iterations = []
        for _ in range(5):
            y1 = loop.run_until_complete(rounds(1, n_of(2000)))
            y100 = loop.run_until_complete(rounds(100, n_of(40)))
            step = (y100 - y1) / 99
            steps.append(step)
            iterations.append(y1 - step)
        out["step"] = median(steps)
        out["iteration"] = median(iterations)
        out["create-task"] = median([loop.run_until_complete(create(n_of(2000))) for _ in range(5)])
        for m, label in ((1000, "1k"), (10000, "10k"), (100000, "100k")):
            mm = n_of(m, least=10)
            reps = 3 if m >= 100000 else 5
            out["gather.%s" % label] = median([loop.run_until_complete(gather(mm)) for _ in range(reps)])
        out["semaphore"] = median([loop.run_until_complete(semaphore(n_of(10000), 100)) for _ in range(3)])
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    return out


def asyncio_beside_cpu():
    """An event loop beside a CPU-bound thread (default switch interval). sleep0: a coroutine
    awaits asyncio.sleep(0) in a loop for D; each iteration polls the selector with timeout 0,
    which releases the GIL, and the spinner may take it: loop iterations per second. sleep1ms:
    a coroutine awaits asyncio.sleep(0.001) repeatedly: the median time of each await. Each is
    measured alone first (the same figures with no spinner: solo)."""
    out = {}

    async def zeros(d):
        n = 0
        t = now()
        end = t + d
        while now() < end:
            await asyncio.sleep(0)
            n += 1
        return n / ((now() - t) / 1e9)

    async def millis(k):
        xs = []
        for _ in range(k):
            t = now()
            await asyncio.sleep(0.001)
            xs.append(now() - t)
        return median(xs)

    loop = asyncio.new_event_loop()
    try:
        out["solo.sleep0-rate"] = loop.run_until_complete(zeros(dur(100 * MS)))
        out["solo.sleep1ms"] = loop.run_until_complete(millis(n_of(50)))
        with Spinners(1):
            out["busy.sleep0-rate"] = loop.run_until_complete(zeros(dur(400 * MS)))
            out["busy.sleep1ms"] = loop.run_until_complete(millis(n_of(50)))
    finally:
        loop.close()
    return out


def asyncio_executor():
    """Offloads from a coroutine to the loop's default executor (a ThreadPoolExecutor): await
    loop.run_in_executor(None, f) and await asyncio.to_thread(f) of a function that returns at
    once. single: one at a time, K of them: the median round trip. bulk: asyncio.gather of M
    offloads at once: the time per offload."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    out = {}

    async def single(k, kind):
        xs = []
        for _ in range(k):
            t = now()
            if kind == "executor":
                await loop.run_in_executor(None, noop)
            else:
                await asyncio.to_thread(noop)
            xs.append(now() - t)
        return median(xs)

    async def bulk(m, kind):
        t = now()
        if kind == "executor":
            await asyncio.gather(*(loop.run_in_executor(None, noop) for _ in range(m)))
        else:
            await asyncio.gather(*(asyncio.to_thread(noop) for _ in range(m)))
        return (now() - t) / m

    try:
        loop.run_until_complete(bulk(50, "executor"))  # start the pool's workers
        for kind in ("executor", "to-thread"):
            out["single.%s" % kind] = loop.run_until_complete(single(n_of(200), kind))
            out["bulk.%s" % kind] = median([loop.run_until_complete(bulk(n_of(1000), kind)) for _ in range(3)])
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)
    return out


# ---------------------------------------------------------------- thread pools


def thread_pool():
    """ThreadPoolExecutor(4), workers started beforehand. single: submit(f).result() one at a
    time, K of them: the median round trip. pipelined: submit M calls, then wait for all: the time
    per call. start-join: threading.Thread(target=f).start() then .join(): the median of K."""
    out = {}
    pool = futures.ThreadPoolExecutor(max_workers=4)
    try:
        futures.wait([pool.submit(time.sleep, 0.001) for _ in range(4)])
        xs = []
        for _ in range(n_of(300)):
            t = now()
            pool.submit(noop).result()
            xs.append(now() - t)
        out["single"] = median(xs)
        ys = []
        for _ in range(3):
            m = n_of(2000)
            t = now()
            futures.wait([pool.submit(noop) for _ in range(m)])
            ys.append((now() - t) / m)
        out["pipelined"] = median(ys)
    finally:
        pool.shutdown(wait=True)
    zs = []
    for _ in range(n_of(200)):
        t = now()
        th = threading.Thread(target=noop)
        th.start()
        th.join()
        zs.append(now() - t)
    out["start-join"] = median(zs)
    return out


# ---------------------------------------------------------------- process pools

PAYLOADS = (("0", 0), ("4k", 4096), ("64k", 65536), ("256k", 262144), ("1m", 1048576), ("4m", 4194304))


def process_roundtrip():
    """A warm ProcessPoolExecutor(1) (default start method): submit(echo, payload).result(), the
    same bytes pickled there and back, for payloads of 0 B to 4 MiB: the median round trip."""
    out = {}
    pool = futures.ProcessPoolExecutor(max_workers=1)
    try:
        for _ in range(3):
            pool.submit(echo, b"").result()
        for label, size in PAYLOADS:
            payload = b"\0" * size
            xs = []
            for _ in range(n_of(30 if size < 1048576 else 12)):
                t = now()
                pool.submit(echo, payload).result()
                xs.append(now() - t)
            out["roundtrip.%s" % label] = median(xs)
    finally:
        pool.shutdown(wait=True)
    return out


def stop_forkserver():
    """Stops multiprocessing's fork server, so that the next forkserver pool starts a new one."""
    try:
        from multiprocessing import forkserver

        stop = getattr(forkserver._forkserver, "_stop", None)
        if stop is not None:
            stop()
    except Exception:  # noqa: BLE001 - then the server stays warm; the record says so
        return False
    return True


def new_pool_results(ctx, workers):
    """Creates a ProcessPoolExecutor(workers) with `ctx`, submits `workers` calls at once and
    returns the ns from creating it to the last result (start-up included); shuts it down."""
    t = now()
    pool = futures.ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    try:
        for f in [pool.submit(noop) for _ in range(workers)]:
            f.result()
        return now() - t
    finally:
        pool.shutdown(wait=True)


def process_start():
    """The first result of a new ProcessPoolExecutor(1) with each start method (fork, spawn,
    forkserver): from creating the pool to the result of its first submit(f) (the worker's
    start-up, the imports it needs, one round trip). all4.fork: a new ProcessPoolExecutor(4) with
    fork, from creating it to the results of four submits at once (the first submit forks all
    four). Before each forkserver pool the fork server is stopped, so each measures a cold start as
    a program's first pool pays it. K pools per method: the median."""
    out = {}
    methods = multiprocessing.get_all_start_methods()
    for method in ("fork", "spawn", "forkserver"):
        if method not in methods:
            continue
        ctx = multiprocessing.get_context(method)
        xs = []
        for _ in range(n_of(3, least=1)):
            if method == "forkserver":
                stop_forkserver()
            xs.append(new_pool_results(ctx, 1))
        out["first.%s" % method] = median(xs)
    if "fork" in methods:
        ctx = multiprocessing.get_context("fork")
        out["all4.fork"] = median([new_pool_results(ctx, 4) for _ in range(n_of(3, least=1))])
    stop_forkserver()
    return out


def process_map():
    """A warm ProcessPoolExecutor(2): list(pool.map(f, range(M), chunksize=c)) of a function that
    returns at once, for c = 1 and c = 50: the time per item."""
    out = {}
    pool = futures.ProcessPoolExecutor(max_workers=2)
    try:
        list(pool.map(noop, range(20)))
        for c in (1, 50):
            xs = []
            for _ in range(3):
                m = n_of(1000, least=100)
                t = now()
                list(pool.map(noop, range(m), chunksize=c))
                xs.append((now() - t) / m)
            out["map.chunk%d" % c] = median(xs)
    finally:
        pool.shutdown(wait=True)
    return out


# ---------------------------------------------------------------- sockets

SOCKET_THREADS = (0, 1, 2, 4)
SOCKET_INTERVALS = (("5ms", 0.005), ("1ms", 0.001), ("0.1ms", 0.0001))


def sockets():
    """A loopback echo server thread beside k CPU-bound threads (k = 0, 1, 2, 4) at switch
    intervals of 5 ms, 1 ms and 0.1 ms. A client in another process (its own GIL) sends a 64-byte
    request and waits for the echo, back to back, for D; the server thread's recv() and sendall()
    each release the GIL and must take it back from the spinners. Figure: round trips per second."""
    out = {}
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = server.getsockname()[1]
    client = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--echo-client", str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    d = dur(300 * MS) / 1e9
    try:
        for label, interval in SOCKET_INTERVALS:
            for k in SOCKET_THREADS:
                with switch_interval(interval), Spinners(k):
                    client.stdin.write("%r\n" % d)
                    client.stdin.flush()
                    conn, _ = server.accept()
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    t = now()
                    with conn:
                        while True:
                            data = conn.recv(64)
                            if not data:
                                break
                            conn.sendall(data)
                    elapsed = now() - t
                    count = int(client.stdout.readline())
                out["rps.k%d.i%s" % (k, label)] = count / (elapsed / 1e9)
    finally:
        client.stdin.close()
        client.wait()
        server.close()
    return out


def echo_client(port):
    for line in sys.stdin:
        d = float(line)
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        msg = b"x" * 64
        n = 0
        end = time.perf_counter() + d
        while time.perf_counter() < end:
            s.sendall(msg)
            got = 0
            while got < 64:
                chunk = s.recv(64 - got)
                if not chunk:
                    raise ConnectionError("the echo server closed the connection")
                got += len(chunk)
            n += 1
        s.close()
        sys.stdout.write("%d\n" % n)
        sys.stdout.flush()


# ---------------------------------------------------------------- sleeps


def sleeps():
    """time.sleep(0) (it releases the GIL and yields the CPU): the median time of K calls; and
    time.sleep(0.001): the median of its overshoot beyond 1 ms (timer slack and the wake-up)."""
    zero = []
    for _ in range(n_of(500)):
        t = now()
        time.sleep(0)
        zero.append(now() - t)
    over = []
    for _ in range(n_of(150)):
        t = now()
        time.sleep(0.001)
        over.append(now() - t - MS)
    return {"zero": median(zero), "overshoot-1ms": median(over)}


# ---------------------------------------------------------------- a request into an idle program

IDLE_GAPS_US = (300, 3000, 20000)
PIPE_RECORD = struct.Struct("!qq")  # (the gap slept before it in us, or -1 at the end; the time sent)


def pipe_sender(fd, gaps_json):
    """The other process of pipe_arrivals: for each gap in turn, sleeps it, then writes the gap and
    the time it sends."""
    for gap in json.loads(gaps_json):
        time.sleep(gap / 1e6)
        os.write(fd, PIPE_RECORD.pack(gap, now()))
    os.write(fd, PIPE_RECORD.pack(-1, 0))


def pipe_arrivals(gaps_us):
    """Requests into a program that has been idle. Another process sleeps each gap of `gaps_us` in
    turn and then writes the time it sends on a pipe; this program, all its threads asleep
    meanwhile, reads it in an event loop's reader callback, which creates a task. Returns
    [(gap, ns from the send to the task's first line)], in order. (calibrate.py's cold-start
    experiment uses it too.)"""
    r, w = os.pipe()
    code = "import sys; sys.path.insert(0, %r); import mechanisms; mechanisms.pipe_sender(%d, %r)" % (
        os.path.dirname(os.path.abspath(__file__)),
        w,
        json.dumps(list(gaps_us)),
    )
    try:
        proc = subprocess.Popen([sys.executable, "-c", code], pass_fds=(w,))
    except BaseException:
        os.close(r)
        os.close(w)
        raise
    out = []
    ended = [False]  # the pipe closed before the sender's last record: it died
    loop = None
    try:
        os.close(w)
        os.set_blocking(r, False)
        loop = asyncio.new_event_loop()

        async def main():
            done = asyncio.Event()
            buf = [b""]

            async def first_line(gap, sent):
                out.append((gap, now() - sent))

            def readable():
                try:
                    more = os.read(r, 65536)
                except BlockingIOError:
                    return
                if not more:
                    ended[0] = True
                    loop.remove_reader(r)
                    done.set()
                    return
                buf[0] += more
                while len(buf[0]) >= PIPE_RECORD.size:
                    gap, sent = PIPE_RECORD.unpack_from(buf[0])
                    buf[0] = buf[0][PIPE_RECORD.size :]
                    if gap < 0:
                        loop.remove_reader(r)
                        done.set()
                        return
                    loop.create_task(first_line(gap, sent))

            loop.add_reader(r, readable)
            await done.wait()
            await asyncio.sleep(0)

        loop.run_until_complete(main())
    except BaseException:
        proc.kill()
        raise
    finally:
        if loop is not None:
            loop.close()
        os.close(r)
        code = proc.wait()
    if ended[0]:
        raise RuntimeError("the pipe_arrivals sender process ended early (exit status %d)" % code)
    return out


def idle_arrival():
    """A request into a program that has been idle (pipe_arrivals), after gaps of 0.3, 3 and 20 ms.
    The figure is the median time from the send to the task's first line, per gap: after idles of
    milliseconds the vCPU must be scheduled again and the program's code and data are no longer in
    the caches."""
    figures = {}
    for gap in IDLE_GAPS_US:
        n = n_of(40 if gap < 10000 else 15)
        figures["first-line.%gms" % (gap / 1000)] = median([ns for _, ns in pipe_arrivals([gap] * n)])
    return figures


GLUE_STEPS_US = (100, 1000, 3000)


def glue_after_step():
    """Tasks of an event loop run back to back (gathered), each one burst of pure Python of S
    (0.1, 1 or 3 ms, timed by the clock); the figure is the median gap between the end of one
    task's burst and the start of the next one's: the event loop's own code between them (the
    task's end, the next task's step). A long burst keeps only its own small loop in the caches;
    the loop's code has gone cold meanwhile."""
    figures = {}
    for s_us in GLUE_STEPS_US:
        n = n_of(100 if s_us < 3000 else 60)
        marks = []

        async def one():
            t = now()
            end = t + s_us * US
            while now() < end:
                pass
            marks.append((t, now()))

        async def main():
            await asyncio.gather(*(one() for _ in range(n)))

        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(main())
        finally:
            loop.close()
        figures["gap.%gms" % (s_us / 1000)] = median([b[0] - a[1] for a, b in zip(marks, marks[1:])])
    return figures


EXPERIMENTS = (
    ("gil-threads", gil_threads),
    ("gil-release", gil_release),
    ("gil-starvation", gil_starvation),
    ("release-speedup", release_speedup),
    ("asyncio-costs", asyncio_costs),
    ("asyncio-beside-cpu", asyncio_beside_cpu),
    ("asyncio-executor", asyncio_executor),
    ("thread-pool", thread_pool),
    ("process-roundtrip", process_roundtrip),
    ("process-start", process_start),
    ("process-map", process_map),
    ("sockets", sockets),
    ("sleeps", sleeps),
    ("idle-arrival", idle_arrival),
    ("glue-after-step", glue_after_step),
)


# ---------------------------------------------------------------- the machine's load


def cpu_fields():
    """The first line of /proc/stat: user nice system idle iowait irq softirq steal (ticks)."""
    try:
        with open("/proc/stat") as f:
            parts = f.readline().split()
        return [int(x) for x in parts[1:9]]
    except (OSError, ValueError):
        return None


def own_ticks():
    """CPU ticks of this process group (utime, stime, and reaped children), from /proc."""
    pgid = os.getpgid(0)
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                text = f.read()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()
        if int(fields[2]) != pgid:
            continue
        total += sum(int(x) for x in fields[11:15])
    return total


def load_sample():
    return {"cpu": cpu_fields(), "own": own_ticks(), "t": now()}


def load_between(a, b):
    """The share of the machine's CPU time others used between two samples: all of it (busy),
    and at nice 0 or below (busy work at positive nice yields to a raised-priority measurement)."""
    if a["cpu"] is None or b["cpu"] is None:
        return None
    d = [y - x for x, y in zip(a["cpu"], b["cpu"])]
    total = sum(d)
    if total <= 0:
        return None
    own = max(0, b["own"] - a["own"])
    busy = total - d[3] - d[4]
    unniced = busy - d[1]
    return {
        "others": round(max(0.0, busy - own) / total, 4),
        "othersUnniced": round(max(0.0, unniced - own) / total, 4),
        "own": round(own / total, 4),
        "ticks": total,
    }


# ---------------------------------------------------------------- main

POLICIES = {
    getattr(os, "SCHED_OTHER", -1): "other",
    getattr(os, "SCHED_BATCH", -2): "batch",
    getattr(os, "SCHED_IDLE", -3): "idle",
    getattr(os, "SCHED_FIFO", -4): "fifo",
    getattr(os, "SCHED_RR", -5): "rr",
}


def leave_idle_policy():
    """With GILSIM_PRIORITY set, a process started under SCHED_IDLE or SCHED_BATCH (as a shell may
    run everything in the background) moves to SCHED_OTHER: a nice value weighs nothing against
    other idle-class work while the process itself is in the idle class. Linux applies it to the
    calling thread; threads and processes started later inherit it. Returns the policy's name."""
    if not hasattr(os, "sched_getscheduler"):
        return None
    policy = os.sched_getscheduler(0)
    if os.environ.get("GILSIM_PRIORITY", "0") not in ("", "0") and policy in (
        getattr(os, "SCHED_IDLE", None),
        getattr(os, "SCHED_BATCH", None),
    ):
        try:
            os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
        except OSError:
            pass
        policy = os.sched_getscheduler(0)
    return POLICIES.get(policy, str(policy))


def cpu_count():
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def build():
    return {
        "compiler": sys.version.split("[")[-1].rstrip("]") if "[" in sys.version else "",
        "buildDate": " ".join(sys.version.split("(")[1].split(")")[0].split(",")[1:]).strip()
        if "(" in sys.version
        else "",
        "configArgs": sysconfig.get_config_var("CONFIG_ARGS") or "",
        "freeThreaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    }


def main():
    global SCALE
    job = json.loads(sys.stdin.buffer.readline() or b"{}")
    if not isinstance(job, dict) or job.get("format") != 1:
        raise ValueError('the job has no "format": 1 field')
    SCALE = float(job.get("scale") or 1.0)
    repeats = int(job.get("repeats") or 1)
    only = job.get("only")
    watch_stdin()
    nice = raise_priority()
    policy = leave_idle_policy()
    chosen = [(name, fn) for name, fn in EXPERIMENTS if not only or name in only]
    emit(
        {
            "type": "hello",
            "python": "%d.%d.%d" % sys.version_info[:3],
            "implementation": sys.implementation.name,
            "build": build(),
            "executable": sys.executable,
            "platform": sys.platform,
            "cores": cpu_count(),
            "switchInterval": int(round(sys.getswitchinterval() * 1e9)),
            "startMethod": multiprocessing.get_start_method(),
            "nice": nice,
            "policy": policy,
            "experiments": [name for name, _ in chosen],
        }
    )
    for repeat in range(repeats):
        for name, fn in chosen:
            a = load_sample()
            t = now()
            figures = fn()
            elapsed = now() - t
            emit(
                {
                    "type": "trial",
                    "id": name,
                    "repeat": repeat,
                    "figures": figures,
                    "elapsed": elapsed,
                    "load": load_between(a, load_sample()),
                }
            )
    emit({"type": "done"})


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--echo-client":
        echo_client(int(sys.argv[2]))
        sys.exit(0)
    code = 0
    try:
        main()
    except BaseException as e:  # noqa: BLE001 - every failure becomes one error line
        message = "%s: %s" % (type(e).__name__, e)
        try:
            emit({"type": "error", "message": message})
        except BaseException:  # noqa: BLE001
            pass
        sys.stderr.write("gilsim mechanisms: %s\n" % message)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
