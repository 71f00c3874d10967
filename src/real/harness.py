#!/usr/bin/env python3
"""gilsim real-execution harness: runs a planned scenario in this CPython and reports what happened.

Standard library only; CPython 3.9 to 3.14, GIL and free-threaded builds.

Input: one JSON job (format 1), as the first line of stdin or in the file named by the first
argument. Output: JSON lines on stdout, one object each:

  hello        the interpreter and the machine the run uses
  calibration  work rates measured before ("start") and after ("end") the run
  progress     tasks completed so far (only when the job asks for it), during the run
  thread       one per thread that ran a step: process id, thread name, role, start time
  step         one per step that ran: start and end, the thread, the demand in ns, the work units
  task         one per completed task: arrival, dispatch, first step start, end
  done         the run's end time, counts, calibration drift
  error        a failure (then the exit status is 1)

Every time is in integer nanoseconds from t0, the moment the first task could be dispatched,
read from time.perf_counter_ns() (CLOCK_MONOTONIC on Linux: the same clock in every process).
Work is sized from rates calibrated in thread CPU time, so a step's CPU time matches its planned
duration even when the machine is busy; its wall time then shows the waits (GIL, cores). Pure-Python
steps go further: they run until the thread has used their CPU time (spin_for), since the rate of a
core shared with other work changes during a run (unless the job fixes the rates).

The run ends when every task is done and no background thread has work left, or at the job's
"until" (then tasks not done are left out and the steps still running end there, as partial).

Step and task records are kept in memory during the run and written after it, so that writing
them does not take the GIL in the middle of the measurement; only progress lines stream live.

`harness.py --echo-server` runs the loopback echo server used by the "echo" IO mode.
GILSIM_PRIORITY=N runs the harness (and its worker processes) at nice -N where permitted.
Test hook: GILSIM_HARNESS_FAIL=error raises inside the first task step (in whichever thread or
process runs it); GILSIM_HARNESS_FAIL=crash aborts the interpreter after calibration.
"""

import asyncio
import concurrent.futures as futures
import gc
import hashlib
import heapq
import json
import multiprocessing
import os
import queue
import signal
import socket
import struct
import subprocess
import sys
import sysconfig
import threading
import time
import warnings

FORMAT = 1
now = time.perf_counter_ns
cpu_time = time.thread_time_ns  # CPU time of the calling thread: it does not count waiting for the GIL
PID = os.getpid()
FAIL = os.environ.get("GILSIM_HARNESS_FAIL", "")
PROGRESS_EVERY = 250_000_000
MIN_RELEASE = 2048  # hashlib releases the GIL only for inputs of at least this many bytes

warnings.filterwarnings("ignore", category=DeprecationWarning)


class JobError(Exception):
    """A job the harness cannot run."""


# ---------------------------------------------------------------- output


class Output:
    def __init__(self, stream):
        self.stream = stream
        self.lock = threading.Lock()

    def emit(self, obj):
        self.emit_many([obj])

    def emit_many(self, objs):
        text = "".join(json.dumps(o, separators=(",", ":")) + "\n" for o in objs)
        with self.lock:
            self.stream.write(text)
            self.stream.flush()


# ---------------------------------------------------------------- work kernels


def spin(n):
    """Pure Python: a loop with a check point at every back-edge (the GIL can be taken away)."""
    x = 0
    for i in range(n):
        x ^= i
    return x


SPIN_CHUNK_NS = 50_000
LIVE_MIN_NS = 50_000  # the least CPU time of a C step whose time sizes the next ones (State.ran)
LIVE_WEIGHT = 0.25  # how far one such step moves the time per unit


def spin_for(ns, rate):
    """Pure Python until this thread has used `ns` of CPU: loops of about 50 us at the calibrated
    rate, the thread's CPU clock read between them, the last loop sized to what is left. The rate of
    a core shared with other work (another hyperthread, a busy host) changes during a run; a step
    sized by its CPU time keeps the duration the scenario gives it. Returns the iterations run."""
    end = cpu_time() + ns
    per_ns = rate / 1000.0
    chunk = max(1, int(SPIN_CHUNK_NS * per_ns))
    done = 0
    left = ns
    while left > 0:
        n = min(chunk, max(1, int(left * per_ns)))
        spin(n)
        done += n
        left = end - cpu_time()
    return done


def hold(n):
    """One C call that holds the GIL with no check point: sum() over a range iterator."""
    return sum(range(n))


class Kernels:
    def __init__(self, chunk):
        self.chunk = max(MIN_RELEASE, int(chunk))
        block = bytes(range(256))
        self.buf = memoryview(block * (self.chunk // 256 + 1))[: self.chunk]

    def release(self, nbytes):
        """sha256 of nbytes in chunks; hashlib drops the GIL for each chunk of 2048 bytes or more."""
        h = hashlib.sha256()
        chunk = self.chunk
        buf = self.buf
        while nbytes > 0:
            k = nbytes if nbytes < chunk else chunk
            if k < MIN_RELEASE:
                k = MIN_RELEASE
            h.update(buf[:k])
            nbytes -= k
        return h.digest()


RATE_KEYS = ("pythonItersPerUs", "releaseBytesPerUs", "holdUnitsPerUs")


# Rates are timed in the thread's CPU time, not wall time: on a busy machine a trial that the OS
# preempts would otherwise look slow and make every step too short. A step's duration in a scenario
# is CPU time, so this is also the right unit. (Windows counts thread time in 15.6 ms ticks: wall time there.)
trial_clock = time.perf_counter_ns if sys.platform == "win32" else time.thread_time_ns


def probe_size(fn, first, probe_ns):
    """The n for which fn(n) takes about probe_ns: grow n until a run takes a quarter of it, then scale."""
    n = first
    while True:
        t = trial_clock()
        fn(n)
        d = trial_clock() - t
        if d * 4 >= probe_ns or n >= 1 << 40:
            break
        n *= 4
    return max(1, int(n * probe_ns / max(d, 1)))


def calibrate(kernels, probe_ns, trials):
    """Units of work per microsecond of CPU for each kernel: the median of `trials` timed runs of
    about probe_ns each. The kernels take turns, so that a slow phase of the machine hits all of them.
    Returns the rates, their spread ((max - min) / median) and the same rates timed in wall time."""
    fns = (spin, kernels.release, hold)
    sizes = [probe_size(fn, first, probe_ns) for fn, first in zip(fns, (1000, 65536, 1000))]
    samples = [[] for _ in fns]
    walls = [[] for _ in fns]
    for trial in range(trials + 1):  # the first round warms up and is not counted
        for fn, n, out, wall in zip(fns, sizes, samples, walls):
            w = now()
            t = trial_clock()
            fn(n)
            if trial > 0:
                out.append(trial_clock() - t)
                wall.append(now() - w)
    rates = {}
    spread = {}
    wall_rates = {}
    for key, n, out, wall in zip(RATE_KEYS, sizes, samples, walls):
        out.sort()
        wall.sort()
        median = max(out[len(out) // 2], 1)
        rates[key] = n * 1000.0 / median
        spread[key] = (out[-1] - out[0]) / median
        wall_rates[key] = n * 1000.0 / max(wall[len(wall) // 2], 1)
    return rates, spread, wall_rates


# ---------------------------------------------------------------- per-process state


class State:
    """What one process needs to run steps: the calibrated rates, the kernels, the thread registry."""

    def __init__(self, rates, kernels, echo_port, timed=False):
        self.rates = rates
        self.kernels = kernels
        self.echo_port = echo_port
        # Pure-Python steps run until the thread has used their CPU time (see spin_for), unless the
        # job fixed the rates (then every step does the same work in every run).
        self.timed = timed
        # When timed, a C step (hashing, a GIL-holding call) is sized at the time a unit of its kernel
        # took lately, by thread CPU time, not at the calibrated rate: a shared host's core runs the
        # same code up to twice as fast at one moment as at another (measured: a pure-Python loop at
        # 20 to 48 iterations a microsecond within a second), and a single C call cannot read the
        # clock half way as spin_for does. The time per unit, not the rate, is averaged, so that
        # the steps' CPU time is right on average whatever the speeds they meet.
        self.unit_ns = {}
        self.tl = threading.local()
        self.threads = {}  # key -> thread record (absolute start time)
        self.records = []  # step tuples
        self.current = {}  # thread key -> the step it is running now
        self.conns = []  # asyncio echo connections not in use
        self.background_records = []  # one list per background thread
        self.lock = threading.Lock()

    def register(self, role):
        t = threading.current_thread()
        key = "%d:%d" % (PID, threading.get_ident())
        native = threading.get_native_id() if hasattr(threading, "get_native_id") else None
        info = {"thread": key, "pid": PID, "native": native, "name": t.name, "role": role, "start": now()}
        with self.lock:
            self.threads[key] = info
        self.tl.key = key
        return key

    def key(self):
        k = getattr(self.tl, "key", None)
        return k if k is not None else self.register("worker")

    def units(self, gil, ns):
        per = self.unit_ns.get(gil)
        if per is None:
            return int(round(ns * self.rates[RATE_KEYS[("python", "release", "hold").index(gil)]] / 1000.0))
        return int(round(ns / per))

    def ran(self, gil, units, cpu_ns):
        """Moves the time per unit of a timed C step's kernel (see unit_ns) a quarter of the way to
        what this step took: from a step of 50 us of CPU or more, within a factor of 4 of the
        calibrated time (a step cut short or a stray clock reading moves nothing)."""
        if not self.timed or gil == "python" or units <= 0 or cpu_ns < LIVE_MIN_NS:
            return
        calibrated = 1000.0 / self.rates[RATE_KEYS[("python", "release", "hold").index(gil)]]
        per = cpu_ns / units
        if calibrated / 4 <= per <= calibrated * 4:
            old = self.unit_ns.get(gil, calibrated)
            self.unit_ns[gil] = old + LIVE_WEIGHT * (per - old)

    def cpu(self, gil, units):
        if gil == "python":
            spin(units)
        elif gil == "release":
            self.kernels.release(units)
        else:
            hold(units)

    def echo_socket(self):
        s = getattr(self.tl, "sock", None)
        if s is None:
            s = socket.create_connection(("127.0.0.1", self.echo_port))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.tl.sock = s
        return s

    def run_step(self, step, task, path, recs):
        """Runs one cpu, io or block step in this thread (io blocks: a sleep or an echo round trip)."""
        if FAIL == "error":
            raise RuntimeError("injected failure (GILSIM_HARNESS_FAIL=error)")
        kind = step["kind"]
        if kind == "offload":
            raise JobError("an offload step can only run in an asyncio task")
        ns = step["ns"]
        gil = step.get("gil")
        units = self.units(gil, ns) if kind == "cpu" else 0
        sock = self.echo_socket() if kind == "io" and self.echo_port else None
        key = self.key()
        c0 = cpu_time()
        start = now()
        self.current[key] = (task, None, path, kind, gil, start, ns, units)
        if kind == "cpu":
            if gil == "python" and self.timed:
                units = spin_for(ns, self.rates["pythonItersPerUs"])
            else:
                self.cpu(gil, units)
        elif sock is not None:
            sock.sendall(struct.pack("!Q", ns))
            recv_exact(sock, 1)
        else:
            time.sleep(ns / 1e9)
        end = now()
        c1 = cpu_time()
        if kind == "cpu":
            self.ran(gil, units, c1 - c0)
        recs.append((task, None, path, kind, gil, key, start, end, ns, units, False, False, c1 - c0))
        self.current.pop(key, None)  # after the record exists, so a snapshot never misses the step
        return start, end

    def run_steps(self, task, steps, prefix, recs):
        first = last = None
        for j, step in enumerate(steps):
            s, e = self.run_step(step, task, prefix + [j], recs)
            first = s if first is None else first
            last = e
        return first, last


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        more = sock.recv(n - len(data))
        if not more:
            raise ConnectionError("the echo server closed the connection")
        data += more
    return data


STATE = None  # this process's State
POOLS = []  # executors to stop if the run fails


def thread_init():
    STATE.register("worker")


def thread_run(task, steps, prefix):
    return STATE.run_steps(task, steps, prefix, STATE.records)


# The harness's own kernels, set before any pool starts. A forked worker inherits them: building
# its own would fill a fresh buffer of releaseChunk bytes (1 MiB: every page faulted in, about
# 4 ms of CPU on a VM), start-up work of the harness that the scenario does not describe.
PARENT_KERNELS = None


def process_init(rates, chunk, echo_port, switch_ns, timed=False):
    global STATE, PID
    PID = os.getpid()
    sys.setswitchinterval(switch_ns / 1e9)
    inherited = PARENT_KERNELS is not None and PARENT_KERNELS.chunk == chunk
    STATE = State(rates, PARENT_KERNELS if inherited else Kernels(chunk), echo_port, timed)
    STATE.register("process-worker")


# One payload of each size the job sends, made before the run starts: making it on the way to
# submit() would fault in fresh pages for every message (about 1 ms per 256 KiB on a VM), work in
# the dispatching thread that the scenario does not describe. Pickling it is what the model charges.
PAYLOADS = {}


def payload_bytes(n):
    b = PAYLOADS.get(n)
    if b is None:
        b = PAYLOADS[n] = b"\0" * n
    return b


def process_run(task, steps, prefix, payload):
    """Runs in a worker process; returns the step records, a payload of the same size, the thread."""
    recs = []
    STATE.run_steps(task, steps, prefix, recs)
    return recs, payload, STATE.threads[STATE.key()]


# ---------------------------------------------------------------- echo server (a separate process)


def echo_server_main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1024)

    def serve(conn):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                (ns,) = struct.unpack("!Q", recv_exact(conn, 8))
                time.sleep(ns / 1e9)
                conn.sendall(b"\x01")
        except (ConnectionError, OSError):
            pass
        finally:
            conn.close()

    def accept():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    sys.stdout.write("%d\n" % srv.getsockname()[1])
    sys.stdout.flush()
    sys.stdin.read()  # ends when the harness closes the pipe or dies
    os._exit(0)


def start_echo_server():
    proc = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--echo-server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    line = proc.stdout.readline()
    if not line.strip():
        raise RuntimeError("the echo server did not start")
    return proc, int(line)


# ---------------------------------------------------------------- open arrivals (a separate process)

ARRIVAL = struct.Struct("!qq")  # (task index, or END / DEADLINE; the time it was sent)
END = -1
DEADLINE = -2


def arrivals_main(fd):
    """Sends open arrivals as a load generator does: from another process, on a pipe the program
    reads, each at its time. Input on stdin: one JSON line {"at": [absolute ns...], "until": ns or
    null}. Each record carries the time it was written, which the program takes as the arrival
    (a request's latency starts when it is sent). It ends when stdin closes or the list is done."""
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    line = sys.stdin.buffer.readline()
    if not line.strip():
        os._exit(0)
    plan = json.loads(line)
    until = plan.get("until")
    times = plan["at"]
    i = 0
    while i < len(times):
        t = times[i]
        if until is not None and t >= until:
            break
        d = t - now()
        if d > 0:
            time.sleep(d / 1e9)
        if not send(fd, i):
            os._exit(0)
        i += 1
    if i >= len(times) and not send(fd, END):
        os._exit(0)
    if until is not None:
        d = until - now()
        if d > 0:
            time.sleep(d / 1e9)
        send(fd, DEADLINE)
    sys.stdin.buffer.read()  # ends when the harness closes the pipe or dies
    os._exit(0)


def send(fd, index):
    """Writes one record; False when the harness is gone (the pipe is closed)."""
    try:
        os.write(fd, ARRIVAL.pack(index, now()))
        return True
    except OSError:
        return False


class Feeder:
    """The arrivals process and the read end of its pipe."""

    def __init__(self):
        self.r, w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--arrivals", str(w)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            pass_fds=(w,),
        )
        os.close(w)
        self.buf = b""
        self.ready = False

    def wait_ready(self):
        """Waits until the arrivals process has started (its interpreter start-up must not delay arrivals)."""
        if not self.ready:
            if self.proc.stdout.readline().strip() != b"ready":
                raise RuntimeError("the arrivals process did not start")
            self.ready = True

    def start(self, times, until):
        self.wait_ready()
        self.proc.stdin.write((json.dumps({"at": times, "until": until}) + "\n").encode())
        self.proc.stdin.flush()

    def read_one(self):
        """Blocks (the GIL released) until the next record: (index, sent)."""
        while len(self.buf) < ARRIVAL.size:
            more = os.read(self.r, 4096)
            if not more:
                raise RuntimeError("the arrivals process ended early")
            self.buf += more
        rec, self.buf = self.buf[: ARRIVAL.size], self.buf[ARRIVAL.size :]
        return ARRIVAL.unpack(rec)

    def take_ready(self):
        """The records waiting on the pipe now (the pipe is non-blocking), for an event loop's reader."""
        try:
            self.buf += os.read(self.r, 65536)
        except BlockingIOError:
            pass
        n = len(self.buf) // ARRIVAL.size
        out = [ARRIVAL.unpack_from(self.buf, k * ARRIVAL.size) for k in range(n)]
        self.buf = self.buf[n * ARRIVAL.size :]
        return out

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.r)


# ---------------------------------------------------------------- the run


class Run:
    """Shared bookkeeping of one run: t0, the deadline, task records, progress, the first error."""

    def __init__(self, job, state, out):
        self.job = job
        self.state = state
        self.out = out
        self.total = len(job["tasks"])
        self.completed = 0
        self.tasks = []  # (id, class, arrival, dispatched, start, end) absolute
        self.t0 = 0
        self.deadline = None
        self.truncated = False
        self.error = None
        self.last_progress = 0
        self.background = []  # threads to start at t0

    def begin(self):
        # The harness's own objects (the parsed job: a dict per task and step, the calibration) are
        # collected and frozen out of the collector first: otherwise they sit in the young
        # generations and the run's first collections traverse them all, holding the GIL 2 to
        # 3.5 ms (a generation-1 pass) and 0.1 to 0.8 ms (generation 0) on a 2-vCPU VM, pauses a
        # server's steady state does not have and the model leaves out. The run's own garbage is
        # still collected.
        gc.collect()
        gc.freeze()
        self.t0 = now()
        self.last_progress = self.t0
        until = self.job.get("until")
        self.deadline = None if until is None else self.t0 + until
        for th in self.background:
            th.start()

    def finish(self, task, arrival, dispatched, start, end):
        self.tasks.append((task["id"], task["class"], arrival, dispatched, start, end))
        self.completed += 1

    def tick(self):
        if not self.job.get("progress"):
            return
        t = now()
        if t - self.last_progress >= PROGRESS_EVERY:
            self.last_progress = t
            self.out.emit({"type": "progress", "completed": self.completed, "total": self.total, "time": t - self.t0})

    def initial(self):
        """(issue time, id, task) for the tasks issued at the start; closed populations issue `clients`."""
        tasks = self.job["tasks"]
        arrivals = self.job["arrivals"]
        if arrivals["kind"] == "closed":
            first = tasks[: arrivals["clients"]]
            return [(self.t0 + t["think"], t["id"], t) for t in first], iter(tasks[len(first) :])
        return [(self.t0 + t["arrival"], t["id"], t) for t in tasks], iter(())


def run_blocking(job, run, pool):
    """sync (pool None: tasks run in this thread), threads or processes: a dispatcher in the main thread."""
    st = run.state
    limit = job.get("concurrency")
    sem = threading.BoundedSemaphore(limit) if limit and pool is not None else None
    done = queue.SimpleQueue()
    is_proc = job["executor"]["kind"] == "processes"
    run.begin()
    heap, rest = run.initial()
    heapq.heapify(heap)

    def completed(task, arrival, dispatched, start, end):
        run.finish(task, arrival, dispatched, start, end)
        nxt = next(rest, None)
        if nxt is not None:
            heapq.heappush(heap, (end + nxt["think"], nxt["id"], nxt))

    def on_done(fut, task, arrival, dispatched):
        end = now()
        if sem is not None:
            sem.release()
        done.put((fut, task, arrival, dispatched, end))

    def submit(task, arrival):
        if sem is not None:
            while not sem.acquire(timeout=0.05):
                if past(run):
                    return False
        dispatched = now()
        if pool is None:
            start, end = st.run_steps(task["id"], task["steps"], [], st.records)
            completed(task, arrival, dispatched, start if start is not None else dispatched, end or dispatched)
            return True
        if is_proc:
            fut = pool.submit(process_run, task["id"], task["steps"], [], payload_bytes(task["payload"]))
        else:
            fut = pool.submit(thread_run, task["id"], task["steps"], [])
        fut.add_done_callback(lambda f: on_done(f, task, arrival, dispatched))
        return True

    def drain(item):
        fut, task, arrival, dispatched, end = item
        result = fut.result()
        if is_proc:
            recs, _payload, info = result
            st.records.extend(recs)
            st.threads.setdefault(info["thread"], info)
            start = recs[0][6] if recs else dispatched
        else:
            start = result[0] if result[0] is not None else dispatched
        completed(task, arrival, dispatched, start, end)

    while run.completed < run.total:
        t = now()
        while heap and heap[0][0] <= t and not past(run):
            arrival, _, task = heapq.heappop(heap)
            if not submit(task, arrival):
                break
            run.tick()
            t = now()
        if past(run):
            run.truncated = True
            break
        if run.completed >= run.total:
            break
        wait = PROGRESS_EVERY
        if heap:
            wait = min(wait, heap[0][0] - now())
        if run.deadline is not None:
            wait = min(wait, run.deadline - now())
        try:
            item = done.get(timeout=max(wait, 0) / 1e9) if wait > 0 else done.get_nowait()
        except queue.Empty:
            item = None
        while item is not None:
            drain(item)
            try:
                item = done.get_nowait()
            except queue.Empty:
                item = None
        run.tick()
    return now() if not run.truncated else run.deadline


def run_open_blocking(job, run, pool, feeder):
    """Open arrivals (poisson, fixed, replay) for sync, threads or processes: the main thread reads each
    arrival from the arrivals process's pipe (a blocking read releases the GIL, as a server's
    accept does) and runs or submits it. Completions do not wake the main thread: a worker records
    its task's end, as a server's worker sends its own response."""
    st = run.state
    limit = job.get("concurrency")
    sem = threading.BoundedSemaphore(limit) if limit and pool is not None else None
    is_proc = job["executor"]["kind"] == "processes"
    tasks = job["tasks"]
    finished = []
    all_done = threading.Event()
    feeder.wait_ready()
    run.begin()
    feeder.start([run.t0 + t["arrival"] for t in tasks], run.deadline)
    if not tasks:
        all_done.set()

    def on_done(fut, task, arrival, dispatched):
        end = now()
        if sem is not None:
            sem.release()
        finished.append((fut, task, arrival, dispatched, end))
        if len(finished) == len(tasks):
            all_done.set()

    while True:
        index, sent = feeder.read_one()
        if index == DEADLINE:
            run.truncated = True
            break
        if index == END:
            break
        task = tasks[index]
        if sem is not None:
            while not sem.acquire(timeout=0.05):
                if past(run):
                    run.truncated = True
                    break
            if run.truncated:
                break
        dispatched = now()
        if pool is None:
            start, end = st.run_steps(task["id"], task["steps"], [], st.records)
            run.finish(task, sent, dispatched, start if start is not None else dispatched, end or dispatched)
            if run.completed >= run.total:
                all_done.set()
        else:
            if is_proc:
                fut = pool.submit(process_run, task["id"], task["steps"], [], payload_bytes(task["payload"]))
            else:
                fut = pool.submit(thread_run, task["id"], task["steps"], [])
            fut.add_done_callback(lambda f, t=task, a=sent, d=dispatched: on_done(f, t, a, d))
        run.tick()
        if past(run):
            run.truncated = True
            break
    while not run.truncated and not all_done.is_set():
        wait = PROGRESS_EVERY if run.deadline is None else min(PROGRESS_EVERY, max(run.deadline - now(), 0))
        if all_done.wait(wait / 1e9):
            break
        if past(run):
            run.truncated = True
        run.tick()
    for fut, task, arrival, dispatched, end in list(finished):
        if run.truncated and end > run.deadline:
            continue
        result = fut.result()
        if is_proc:
            recs, _payload, info = result
            st.records.extend(recs)
            st.threads.setdefault(info["thread"], info)
            start = recs[0][6] if recs else dispatched
        else:
            start = result[0] if result[0] is not None else dispatched
        run.finish(task, arrival, dispatched, start, end)
    return run.deadline if run.truncated else now()


def wait_background(run):
    """The tasks are done; like the simulator, the run goes on while background threads have work,
    up to run.until (a forever loop runs until then)."""
    for th in run.background:
        while th.is_alive() and not past(run):
            th.join(timeout=0.05 if run.deadline is None else max(0, min(run.deadline - now(), 5e7)) / 1e9)
            if run.error is not None:
                raise run.error
    return now() if run.deadline is None or not past(run) else run.deadline


def past(run):
    return run.deadline is not None and now() >= run.deadline


def run_asyncio(job, run, pool, feeder):
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    return loop.run_until_complete(asyncio_main(job, run, pool, loop, feeder))


async def asyncio_main(job, run, pool, loop, feeder):
    st = run.state
    limit = job.get("concurrency")
    sem = asyncio.Semaphore(limit) if limit else None
    finished = asyncio.Event()
    live = set()
    is_proc = pool is not None and job["executor"]["offload"]["kind"] == "processes"
    loop_key = st.key()

    async def io_wait(ns):
        if not st.echo_port:
            await asyncio.sleep(ns / 1e9)
            return
        # asyncio sets TCP_NODELAY on its TCP transports.
        conn = st.conns.pop() if st.conns else await asyncio.open_connection("127.0.0.1", st.echo_port)
        conn[1].write(struct.pack("!Q", ns))
        await conn[0].readexactly(1)
        st.conns.append(conn)

    async def body(task):
        first = None
        tid = task["id"]
        for i, step in enumerate(task["steps"]):
            kind = step["kind"]
            if kind in ("cpu", "block"):
                s, _ = st.run_step(step, tid, [i], st.records)
            elif kind == "io":
                if FAIL == "error":
                    raise RuntimeError("injected failure (GILSIM_HARNESS_FAIL=error)")
                s = now()
                await io_wait(step["ns"])
                st.records.append((tid, None, [i], "io", None, loop_key, s, now(), step["ns"], 0, True, False, None))
            else:
                s = now()
                if is_proc:
                    payload = payload_bytes(task["payload"])
                    recs, _p, info = await loop.run_in_executor(pool, process_run, tid, step["steps"], [i], payload)
                    st.records.extend(recs)
                    st.threads.setdefault(info["thread"], info)
                else:
                    await loop.run_in_executor(pool, thread_run, tid, step["steps"], [i])
                st.records.append((tid, None, [i], "offload", None, loop_key, s, now(), 0, 0, False, False, None))
            first = s if first is None else first
        return first

    async def one(task, arrival):
        try:
            dispatched = now()
            if sem is not None:
                await sem.acquire()
            try:
                start = await body(task)
            finally:
                if sem is not None:
                    sem.release()
            end = now()
            run.finish(task, arrival, dispatched, start if start is not None else end, end)
            if run.completed >= run.total:
                finished.set()
            return end
        except BaseException as e:  # noqa: BLE001 - reported by the main coroutine
            run.error = run.error or e
            finished.set()
            raise

    def spawn(coro):
        t = loop.create_task(coro)
        live.add(t)
        t.add_done_callback(live.discard)

    async def sleep_until(t):
        d = t - now()
        if d > 0:
            await asyncio.sleep(d / 1e9)

    async def dispatcher(heap):
        for arrival, _, task in heap:
            await sleep_until(arrival)
            spawn(one(task, arrival))

    def on_arrivals():
        """The arrivals pipe is readable: a request came in. Its coroutine starts in the next
        iteration (create_task), as a request read from a socket does."""
        for index, sent in feeder.take_ready():
            if index == DEADLINE:
                finished.set()
            elif index >= 0:
                task = job["tasks"][index]
                spawn(one(task, sent))

    async def client(first, rest):
        item = first
        while item is not None:
            arrival, _, task = item
            await sleep_until(arrival)
            end = await one(task, arrival)
            nxt = next(rest, None)
            item = None if nxt is None else (end + nxt["think"], nxt["id"], nxt)

    async def ticker():
        while not finished.is_set():
            await asyncio.sleep(PROGRESS_EVERY / 1e9)
            run.tick()

    if feeder is not None:
        feeder.wait_ready()
    run.begin()
    heap, rest = run.initial()
    if run.total == 0:
        finished.set()
    if job["arrivals"]["kind"] == "closed":
        for item in heap:
            spawn(client(item, rest))
    elif job["arrivals"]["kind"] == "batch":
        spawn(dispatcher(sorted(heap, key=lambda x: (x[0], x[1]))))
    else:
        os.set_blocking(feeder.r, False)
        loop.add_reader(feeder.r, on_arrivals)
        feeder.start([run.t0 + t["arrival"] for t in job["tasks"]], run.deadline)
    if job.get("progress"):
        spawn(ticker())
    try:
        if run.deadline is None:
            await finished.wait()
        else:
            await asyncio.wait_for(finished.wait(), max(run.deadline - now(), 0) / 1e9)
    except asyncio.TimeoutError:
        run.truncated = True
    if feeder is not None:
        loop.remove_reader(feeder.r)
        if run.completed < run.total:
            run.truncated = True
    if run.error is not None:
        raise run.error
    return run.deadline if run.truncated else now()


# ---------------------------------------------------------------- background threads


def background_thread(st, index, steps, stop, run):
    st.register("background")
    recs = []
    st.background_records.append(recs)  # read by the main thread at the end, even if this thread is still busy

    def add(kind, gil, start, end, ns, units, cpu):
        # Back-to-back steps of the same kind merge into one record (a forever loop makes many).
        if recs and recs[-1][3] == kind and recs[-1][4] == gil:
            last = recs[-1]
            recs[-1] = last[:7] + (end, last[8] + ns, last[9] + units, False, False, last[12] + cpu)
        else:
            recs.append((None, index, [len(recs)], kind, gil, st.key(), start, end, ns, units, False, False, cpu))

    def walk(steps):
        for step in steps:
            if stop.is_set():
                return
            kind = step["kind"]
            if kind == "forever":
                k = 0
                its = step["iterations"]
                while not stop.is_set():
                    walk(its[k % len(its)])
                    k += 1
                continue
            ns = step["ns"]
            gil = step.get("gil")
            key = st.key()
            c0 = cpu_time()
            start = now()
            st.current[key] = (None, index, [len(recs)], kind, gil, start, ns, 0)
            units = 0
            if kind == "cpu":
                units = st.units(gil, ns)
                if gil == "python":
                    chunk = max(1, int(st.rates["pythonItersPerUs"] * 1000))
                    left = units
                    while left > 0 and not stop.is_set():
                        spin(min(chunk, left))
                        left -= chunk
                else:
                    st.cpu(gil, units)
            else:
                stop.wait(ns / 1e9)
            end = now()
            c1 = cpu_time()
            if kind == "cpu":
                st.ran(gil, units, c1 - c0)
            add(kind, gil, start, end, ns, units, c1 - c0)
            st.current.pop(key, None)

    try:
        walk(steps)
    except BaseException as e:  # noqa: BLE001 - reported by the main thread
        run.error = run.error or e


# ---------------------------------------------------------------- main


def make_pool(kind, workers, start_method, st, job, prefix=""):
    if kind == "threads":
        # asyncio's own default executor names its threads "asyncio_N"; a plain pool "ThreadPoolExecutor-0_N".
        return futures.ThreadPoolExecutor(max_workers=workers, initializer=thread_init, thread_name_prefix=prefix)
    ctx = multiprocessing.get_context(start_method)
    args = (st.rates, st.kernels.chunk, st.echo_port, job["switchInterval"], st.timed)
    return futures.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=process_init, initargs=args)


def pin_cores(requested):
    """Limits this process (and its children) to `requested` CPUs when the machine has more."""
    if not hasattr(os, "sched_getaffinity"):
        return os.cpu_count() or 1, os.cpu_count() or 1
    avail = sorted(os.sched_getaffinity(0))
    if requested < len(avail):
        os.sched_setaffinity(0, avail[:requested])
        return requested, len(avail)
    return len(avail), len(avail)


def read_job(argv):
    if len(argv) > 1 and argv[1] != "-":
        with open(argv[1], "rb") as f:
            text = f.read()
    else:
        text = sys.stdin.buffer.readline()
    try:
        job = json.loads(text)
    except ValueError as e:
        raise JobError("the job is not valid JSON: %s" % e)
    if not isinstance(job, dict) or job.get("format") != FORMAT:
        got = job.get("format") if isinstance(job, dict) else None
        raise JobError("the job has no \"format\": %d field (got %r)" % (FORMAT, got))
    for field in ("executor", "arrivals", "tasks", "background", "calibration", "switchInterval", "cores"):
        if field not in job:
            raise JobError("the job has no %r field" % field)
    return job


def watch_stdin():
    """The runner keeps stdin open; when it closes (the runner died), take the whole process group down."""

    def watch():
        # os.read, not sys.stdin: a thread blocked inside sys.stdin holds its lock, and a forked
        # worker process that closes its copy of sys.stdin would wait for that lock forever.
        while os.read(0, 65536):
            pass
        try:
            if os.getpgid(0) == os.getpid():
                os.killpg(os.getpid(), signal.SIGKILL)
        finally:
            os._exit(1)

    threading.Thread(target=watch, name="gilsim-stdin-watch", daemon=True).start()


def snapshot(st, run, end):
    """The records and completed tasks as of `end`. A step still running then (a background thread's,
    or one cut by run.until) becomes a partial record ending at `end`; later work is left out."""
    records = list(st.records)
    for recs in st.background_records:
        records.extend(list(recs))
    current = st.current.copy()
    seen = set((r[5], r[6]) for r in records)
    for key, (task, bg, path, kind, gil, start, ns, units) in current.items():
        if (key, start) not in seen:
            records.append((task, bg, path, kind, gil, key, start, end, ns, units, False, True, None))
    kept = []
    for r in records:
        if r[6] >= end:
            continue
        if r[7] > end:
            r = r[:7] + (end,) + r[8:11] + (True, None)
        kept.append(r)
    tasks = [t for t in run.tasks if t[5] <= end]
    return kept, tasks


def step_dict(r, t0):
    task, bg, path, kind, gil, key, start, end, demand, units, awaited, partial, cpu = r
    d = {"type": "step", "task": task, "background": bg, "path": path, "kind": kind, "thread": key}
    if gil is not None:
        d["gil"] = gil
    d.update({"start": start - t0, "end": end - t0, "demand": demand, "units": units, "cpu": cpu})
    if awaited:
        d["awaited"] = True
    if partial:
        d["partial"] = True
    return d


def raise_priority():
    """GILSIM_PRIORITY=N (1 to 20) asks to run at nice -N, so that other work on a shared machine
    disturbs the measurement less. On Linux with autogroups (sched_autogroup_enabled), nice values
    only weigh within a session's group, and the harness leads its own session: the group's nice is
    raised too. Needs the privilege to lower nice values (root, CAP_SYS_NICE); without it nothing
    changes. Returns the niceness it runs at, or None when no raise was asked for."""
    try:
        n = int(os.environ.get("GILSIM_PRIORITY", "0") or 0)
    except ValueError:
        n = 0
    if n <= 0 or not hasattr(os, "nice"):
        return None
    n = min(n, 20)
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(-n))
    except OSError:
        pass
    try:
        os.nice(-n)
    except OSError:
        pass
    return os.nice(0)


def main(argv, out):
    global STATE, PARENT_KERNELS
    job = read_job(argv)
    nice = raise_priority()
    if job.get("watchStdin"):
        watch_stdin()
    ex = job["executor"]
    echo = None
    if job.get("io") == "echo":
        echo = start_echo_server()
    cores, available = pin_cores(int(job["cores"]))
    # Open arrivals come from another process, started now so that its start-up is over by t0.
    feeder = Feeder() if job["arrivals"]["kind"] in ("poisson", "fixed", "replay") else None
    sys.setswitchinterval(job["switchInterval"] / 1e9)
    gil_enabled = getattr(sys, "_is_gil_enabled", lambda: True)()
    out.emit(
        {
            "type": "hello",
            "format": FORMAT,
            "python": "%d.%d.%d" % sys.version_info[:3],
            "implementation": sys.implementation.name,
            "freeThreaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
            "gilEnabled": bool(gil_enabled),
            "pid": PID,
            "platform": sys.platform,
            "cores": cores,
            "availableCores": available,
            "switchInterval": int(round(sys.getswitchinterval() * 1e9)),
            "echoPort": echo[1] if echo else None,
            "nice": nice,
        }
    )
    cal = job["calibration"]
    chunk = int(cal.get("releaseChunk", 1 << 20))
    kernels = Kernels(chunk)
    PARENT_KERNELS = kernels
    fixed = cal.get("fixed")
    measured, spread, wall = calibrate(kernels, cal["probeNs"], cal["trials"])
    rates = dict(fixed) if fixed else measured
    out.emit(
        {
            "type": "calibration",
            "phase": "start",
            **{k: measured[k] for k in RATE_KEYS},
            "used": {k: rates[k] for k in RATE_KEYS},
            "spread": spread,
            "wall": wall,
            "trials": cal["trials"],
            "probeNs": cal["probeNs"],
            "releaseChunk": kernels.chunk,
            "clock": "wall" if trial_clock is time.perf_counter_ns else "thread",
        }
    )
    if FAIL == "crash":
        sys.stderr.write("injected crash (GILSIM_HARNESS_FAIL=crash)\n")
        sys.stderr.flush()
        os.abort()

    timed = not fixed and trial_clock is time.thread_time_ns
    st = STATE = State(rates, kernels, echo[1] if echo else 0, timed)
    if ex["kind"] == "processes" or (ex.get("offload") or {}).get("kind") == "processes":
        for t in job["tasks"]:
            payload_bytes(t["payload"])
    run = Run(job, st, out)
    st.register("loop" if ex["kind"] == "asyncio" else "main")
    pool = None
    if ex["kind"] in ("threads", "processes"):
        pool = make_pool(ex["kind"], ex["workers"], ex.get("startMethod"), st, job)
    elif ex["kind"] == "asyncio" and ex.get("offload"):
        off = ex["offload"]
        pool = make_pool(off["kind"], off["workers"], off.get("startMethod"), st, job, "asyncio")
    elif ex["kind"] not in ("sync", "asyncio"):
        raise JobError("unknown executor kind %r" % ex["kind"])

    stop = threading.Event()
    for i, b in enumerate(job["background"]):
        th = threading.Thread(target=background_thread, args=(st, i, b["steps"], stop, run), name=b["name"], daemon=True)
        run.background.append(th)
    POOLS.append(pool)
    if ex["kind"] == "asyncio":
        end = run_asyncio(job, run, pool, feeder)
    elif feeder is not None:
        end = run_open_blocking(job, run, pool, feeder)
    else:
        end = run_blocking(job, run, pool)
    if run.error is not None:
        raise run.error
    if not run.truncated and any(th.is_alive() for th in run.background):
        end = wait_background(run)

    records, tasks = snapshot(st, run, end)
    stop.set()
    if pool is not None:
        if run.truncated:
            for p in list((getattr(pool, "_processes", None) or {}).values()):
                p.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
        else:
            pool.shutdown(wait=True)
    quiet = True
    for th in run.background:
        th.join(timeout=2.0)
        quiet = quiet and not th.is_alive()
    quiet = quiet and not run.truncated
    ending = None
    if quiet:
        ending, end_spread, end_wall = calibrate(kernels, cal["probeNs"], cal["trials"])

    t0 = run.t0
    lines = []
    for info in st.threads.copy().values():
        d = dict(info)
        d["type"] = "thread"
        d["start"] = d["start"] - t0
        lines.append(d)
    lines.extend(step_dict(r, t0) for r in records)
    for tid, cls, arrival, dispatched, start, tend in tasks:
        lines.append(
            {
                "type": "task",
                "id": tid,
                "class": cls,
                "arrival": arrival - t0,
                "dispatched": dispatched - t0,
                "start": start - t0,
                "end": tend - t0,
            }
        )
    drift = None
    if ending is not None:
        lines.append({"type": "calibration", "phase": "end", **ending, "spread": end_spread, "wall": end_wall})
        drift = {k: (ending[k] - measured[k]) * 100.0 / measured[k] for k in RATE_KEYS}
    lines.append(
        {
            "type": "done",
            "end": end - t0,
            "completed": len(tasks),
            "total": run.total,
            "truncated": run.truncated,
            "drift": drift,
        }
    )
    out.emit_many(lines)
    if feeder is not None:
        feeder.close()
    if echo is not None:
        echo[0].stdin.close()
    return 0


def entry():
    if len(sys.argv) > 1 and sys.argv[1] == "--echo-server":
        echo_server_main()
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--arrivals":
        arrivals_main(int(sys.argv[2]))
        return
    out = Output(sys.stdout)
    code = 1
    try:
        code = main(sys.argv, out)
    except BaseException as e:  # noqa: BLE001 - every failure becomes one error line
        message = str(e) if isinstance(e, JobError) else "%s: %s" % (type(e).__name__, e)
        try:
            out.emit({"type": "error", "message": message})
        except BaseException:  # noqa: BLE001
            pass
        sys.stderr.write("gilsim harness: %s\n" % message)
        sys.stderr.flush()
        code = 1
        for pool in POOLS:
            for p in list((getattr(pool, "_processes", None) or {}).values()):
                p.terminate()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


if __name__ == "__main__":
    entry()
