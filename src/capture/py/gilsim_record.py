"""gilsim's recorder: what each request or task of a Python program does, as JSON lines.

Standard library only; CPython 3.9 or later. `gilsim record -- python app.py` loads it into the
program (through the sitecustomize.py beside it, on PYTHONPATH) and sets GILSIM_RECORD to the file
to write. Without GILSIM_RECORD every function here is a no-op, so a program may import it freely.

What a task is, without changing the program:
  - a call submitted to a concurrent.futures.ThreadPoolExecutor from outside any task (a thread-pool
    server's request), arriving when submitted;
  - a request handled by http.server (BaseHTTPRequestHandler, also under ThreadingHTTPServer),
    named "METHOD /path";
  - a connection served by asyncio.start_server, arriving when the loop accepted it.
And in code the program controls:
      import gilsim_record
      @gilsim_record.task("nightly-report")          # a decorator (functions and coroutines)
      with gilsim_record.task("GET /items"): ...     # a context manager (threads and coroutines)
      gilsim_record.name("GET /items", request_start=headers.get("x-request-start"))

Per task it records wall time and thread CPU time (time.thread_time_ns), and each call into code
that releases the GIL or holds it without check points, with its wall and thread CPU time:
  class "r": C code that releases the GIL while it works: hashlib (inputs of 2 KiB or more),
             zlib, sqlite3 (execute and fetch: one GIL release per row stepped, n rows)
  class "h": C code that holds the GIL with no check points: json, hashlib below 2 KiB
  class "w": calls that wait: socket (recv, send, accept, connect, close), select.select
  class "s": time.sleep (the requested time is kept)
Asyncio tasks also record each callback run of their coroutine (class "run"), and each call they
offload with run_in_executor or asyncio.to_thread (class "off"), with the calls made inside it.
Thread CPU time is a system call (about 1 us on a VM); it is read twice per recorded call, except
for class "h", whose calls hold the GIL and never wait: they are timed by wall time alone (cpu and
c0 -1), and the fit takes their CPU time to be their wall time.

Output: one JSON object per line. A "recording" header per process (the interpreter, the machine,
the clocks), then one line per task:
  {"task": id, "pid": P, "name": "...", "arrival": ns, "start": ns, "end": ns, "thread": "...",
   "exec": {"kind": ...}, "cpu": ns, "sub": ns or null, "subp": ns (with sub),
   "segs": [[class, label, t, wall, cpu, n, c0, track], ...]}
"sub" is the submitting thread's CPU from the start of its previous submit to the start of this one
(its whole loop per request: accept, read, submit), and "subp" the part of it spent inside that
previous submit call (known before this submit starts, so the two are always written together).
Times are integer nanoseconds from the header's t0 (time.perf_counter_ns); a segment's t is from the
task's start, c0 its thread CPU time at entry from the track's start (-1 when not read), cpu -1 when
not read, track 0 the task's own thread and k > 0 its k-th offload. A "recorded" footer ends each
process's lines. Lines are written by a background thread every half second and at exit. A forked
child (a prefork server's worker, a multiprocessing fork) writes a header, its tasks and a footer
of its own, under its own pid, also when it ends with os._exit; a task in progress when it forked
is the parent's.
"""

import atexit
import contextvars
import functools
import itertools
import json
import os
import sys
import threading
import time

__all__ = ["task", "name", "recording"]

FORMAT = 1
_perf = time.perf_counter_ns
_cpu = time.thread_time_ns
_get_ident = threading.get_ident
_OUT = os.environ.get("GILSIM_RECORD", "")
_MAX_TASKS = int(os.environ.get("GILSIM_RECORD_MAX", "1000000") or 1000000)
_dumps = json.dumps  # the recorder's own, before json.dumps is wrapped
_quote = json.encoder.encode_basestring_ascii  # a str as a JSON string
_current = contextvars.ContextVar("gilsim_task", default=None)


class _Local(threading.local):
    track = 0  # the offload this worker thread runs (0: none); unlike a ContextVar, ctx.run keeps it


_local = _Local()
_ids = itertools.count(1)
_state = {"installed": False, "fd": -1, "t0": 0, "t0_unix": 0, "pid": 0, "dropped": 0, "done": 0, "forked": 0}
_lines = []
_lines_lock = threading.Lock()
_stop = threading.Event()


def recording():
    """Whether this process is being recorded."""
    return _state["installed"]


# ---------------------------------------------------------------- tasks


class _Task:
    """A task being recorded. Its segments are tuples (head, t, wall, cpu, n, c0, track), head the
    segment's class and label already written as JSON ('"w","socket.recv"'), so that a call costs
    the program no more than a tuple and writing a task costs one string format per segment."""

    __slots__ = ("id", "name", "arrival", "start", "end", "thread", "executor", "cpu0", "cpu", "sub", "segs",
                 "tracks", "error", "run_w0", "loop", "subp", "tid")

    def __init__(self, name, arrival, executor, sub=None, subp=None):
        self.id = next(_ids)
        self.name = name
        self.arrival = arrival
        self.start = _perf()
        self.end = 0
        self.thread = threading.current_thread().name
        self.tid = _get_ident()
        self.executor = executor  # as JSON text
        # Thread CPU time at the start: of the task, or on an event loop of the callback run in
        # progress (the c0 of calls counts from it).
        self.cpu0 = _cpu()
        self.cpu = 0
        self.sub = sub
        self.subp = subp
        self.segs = []
        self.tracks = 0
        self.error = None
        self.run_w0 = 0
        self.loop = None

    def finish(self):
        self.end = _perf()
        if self.loop is None:
            self.cpu = _cpu() - self.cpu0
        _emit(self)


_SEG = "[%s,%d,%d,%d,%d,%d,%d]"


def _emit(t):
    if t.start < _state["forked"]:
        return  # begun before this process was forked from its parent: the parent writes it
    if _state["done"] >= _MAX_TASKS:
        _state["dropped"] += 1
        return
    _state["done"] += 1
    t0 = _state["t0"]
    extra = ""
    if t.subp is not None:
        extra = ',"subp":%d' % t.subp
    if t.error:
        extra += ',"error":' + _quote(t.error)
    _lines.append('{"task":%d,"pid":%d,"name":%s,"arrival":%d,"start":%d,"end":%d,"thread":%s,"exec":%s,'
                  '"cpu":%d,"sub":%s,"segs":[%s]%s}' % (
                      t.id, _state["pid"], _quote(str(t.name)), t.arrival - t0, t.start - t0, t.end - t0,
                      _quote(t.thread), t.executor if t.loop is None else _asyncio_executor(t.loop), t.cpu,
                      "null" if t.sub is None else "%d" % t.sub, ",".join([_SEG % s for s in t.segs]), extra))


def _json(value):
    return _dumps(value, separators=(",", ":"))


def _head(cls, label):
    """A segment's class and label, as the start of its JSON array."""
    return _quote(cls) + "," + _quote(str(label))


_SYNC = _json({"kind": "sync"})
_THREAD_PER_REQUEST = _json({"kind": "thread-per-request"})
_THREAD = _json({"kind": "thread"})


def _executor_of_thread():
    """The executor a task started outside any pool runs on, from its thread (as JSON text)."""
    th = threading.current_thread()
    if th is threading.main_thread():
        return _SYNC
    if "process_request_thread" in th.name:
        return _THREAD_PER_REQUEST
    return _THREAD


def _start(name, arrival=None, executor=None, sub=None):
    t = _Task(name, _perf() if arrival is None else arrival, executor or _executor_of_thread(), sub)
    loop = _running_loop()
    if loop is not None:
        t.loop = loop
        t.run_w0 = t.start
    return t


def _running_loop():
    aio = sys.modules.get("asyncio")
    return None if aio is None else aio._get_running_loop()


def _parse_request_start(value):
    """X-Request-Start ("t=1700000000.123", or in ms or us, as load balancers write it) as perf_counter ns."""
    if not value:
        return None
    text = str(value).strip()
    if text.startswith("t="):
        text = text[2:]
    try:
        x = float(text)
    except ValueError:
        return None
    for scale in (1e9, 1e6, 1e3, 1.0):  # seconds, milliseconds, microseconds, nanoseconds
        ns = x * scale
        if 1e18 <= ns < 1e19:
            break
    else:
        return None
    perf = _state["t0"] + int(ns) - _state["t0_unix"]
    now = _perf()
    return perf if now - 60_000_000_000 < perf <= now else None


class task:
    """A task, as a context manager or a decorator: `with task("GET /x"):` or `@task("job")`.

    Inside a task already being recorded (one the recorder started for a pool submission or a
    server request), it names that task instead of starting another. `request_start` is an
    X-Request-Start header value: the time the request really arrived, when a client or a proxy
    stamped it.
    """

    def __init__(self, name=None, *, request_start=None):
        self.name = name
        self.request_start = request_start
        self._token = None
        self._task = None

    def __enter__(self):
        if not _state["installed"]:
            return self
        t = _current.get()
        if t is not None:
            _rename(t, self.name, self.request_start)
            return self
        arrival = _parse_request_start(self.request_start)
        self._task = _start(self.name or "task", arrival)
        self._token = _current.set(self._task)
        return self

    def __exit__(self, exc_type, exc, tb):
        t = self._task
        if t is None:
            return False
        _current.reset(self._token)
        self._task = self._token = None
        if exc_type is not None:
            t.error = exc_type.__name__
        if t.loop is not None:
            _close_run(t)
        t.finish()
        return False

    def __call__(self, fn):
        label = self.name or getattr(fn, "__qualname__", "task")
        request_start = self.request_start
        if _is_coroutine_function(fn):

            @functools.wraps(fn)
            async def run_async(*args, **kwargs):
                with task(label, request_start=request_start):
                    return await fn(*args, **kwargs)

            return run_async

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with task(label, request_start=request_start):
                return fn(*args, **kwargs)

        return run


def _is_coroutine_function(fn):
    import inspect

    return inspect.iscoroutinefunction(fn)


def _rename(t, new_name, request_start):
    if new_name:
        t.name = new_name
    arrival = _parse_request_start(request_start)
    if arrival is not None and arrival < t.arrival:
        t.arrival = arrival


def name(new_name, *, request_start=None):
    """Names the task being recorded ("GET /items"); with an X-Request-Start value, moves its
    arrival back to when the request was really sent. Returns whether a task was named."""
    t = _current.get() if _state["installed"] else None
    if t is None:
        return False
    _rename(t, new_name, request_start)
    return True


# ---------------------------------------------------------------- calls


def _call(t, head, fn, args, kwargs):
    """Runs a recorded call: its wall time and its thread CPU time (c0: the CPU already used on
    this track, from the task's start, or from the callback run's start on an event loop)."""
    w0 = _perf()
    c0 = _cpu()
    try:
        return fn(*args, **kwargs)
    finally:
        c1 = _cpu()
        track = _local.track
        t.segs.append((head, w0 - t.start, _perf() - w0, c1 - c0, 1, _since(t, c0, track), track))


def _since(t, c0, track):
    """A call's c0: the CPU its thread had used since the task's (or the callback run's) start;
    -1 on an offload's track, or when the call runs on another thread than the task (a coroutine
    sent to another thread's loop with run_coroutine_threadsafe), whose clock counts apart."""
    return -1 if track or _get_ident() != t.tid else c0 - t.cpu0


_RAISED = object()  # what a call returned when it raised instead


def _call_n(t, head, fn, args, kwargs, n_of):
    """_call for a call that does `n_of(result)` pieces of work (rows stepped, a sleep's time)."""
    w0 = _perf()
    c0 = _cpu()
    result = _RAISED
    try:
        result = fn(*args, **kwargs)
        return result
    finally:
        c1 = _cpu()
        track = _local.track
        n = 1 if result is _RAISED else n_of(result)
        t.segs.append((head, w0 - t.start, _perf() - w0, c1 - c0, n, _since(t, c0, track), track))


def _call_held(t, head, fn, args, kwargs):
    """Runs a call that holds the GIL and does not wait (json, a small hash): wall time only. Its
    CPU time is its wall time unless the OS took the core away, and the fit estimates it so
    (cpu and c0 -1); not reading the thread CPU clock, a system call, keeps these short calls cheap."""
    w0 = _perf()
    try:
        return fn(*args, **kwargs)
    finally:
        t.segs.append((head, w0 - t.start, _perf() - w0, -1, 1, -1, _local.track))


def _recorded(cls, label, fn):
    """Wraps `fn` so that, inside a task, each call is recorded as a segment of class `cls`."""
    head = _head(cls, label)
    call = _call_held if cls == "h" else _call

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t = _current.get()
        if t is None:
            return fn(*args, **kwargs)
        return call(t, head, fn, args, kwargs)

    return wrapper


def _patch_socket():
    import socket

    for method in ("recv", "recv_into", "recvfrom", "recvfrom_into", "send", "sendall", "sendto", "connect", "accept"):
        original = getattr(socket.socket, method, None)
        if original is not None:
            label = "socket.recv" if method.startswith("recv") else "socket.send" if method.startswith("send") else f"socket.{method}"
            setattr(socket.socket, method, _recorded("w", label, original))
    # close() releases the GIL around the system call (a TCP close does the FIN's work there)
    socket.socket._real_close = _recorded("w", "socket.close", socket.socket._real_close)


def _patch_select():
    import select

    select.select = _recorded("w", "select", select.select)


def _patch_sleep():
    original = time.sleep
    head = _head("s", "sleep")

    @functools.wraps(original)
    def sleep(seconds):
        t = _current.get()
        if t is None:
            return original(seconds)
        requested = int(max(0.0, seconds) * 1e9)
        return _call_n(t, head, original, (seconds,), {}, lambda _: requested)

    time.sleep = sleep


def _patch_json():
    json.loads = _recorded("h", "json", json.loads)
    json.dumps = _recorded("h", "json", json.dumps)


def _patch_zlib():
    import zlib

    zlib.compress = _recorded("r", "zlib", zlib.compress)
    zlib.decompress = _recorded("r", "zlib", zlib.decompress)


_HASH_RELEASES = _head("r", "hashlib")
_HASH_HOLDS = _head("h", "hashlib")


def _hash_call(t, fn, args, kwargs, size):
    """A hashlib call on `size` bytes: hashlib releases the GIL for 2 KiB or more."""
    if size >= 2048:
        return _call(t, _HASH_RELEASES, fn, args, kwargs)
    return _call_held(t, _HASH_HOLDS, fn, args, kwargs)


class _Hash:
    """A hashlib object whose update() is recorded."""

    __slots__ = ("_h",)

    def __init__(self, h):
        self._h = h

    def update(self, data):
        t = _current.get()
        if t is None:
            return self._h.update(data)
        return _hash_call(t, self._h.update, (data,), {}, len(memoryview(data)))

    def copy(self):
        return _Hash(self._h.copy())

    def digest(self, *args):
        return self._h.digest(*args)

    def hexdigest(self, *args):
        return self._h.hexdigest(*args)

    def __getattr__(self, attr):
        return getattr(self._h, attr)


def _hash_constructor(fn):
    @functools.wraps(fn)
    def make(*args, **kwargs):
        t = _current.get()
        if t is None:
            return fn(*args, **kwargs)
        data = args[-1] if args and not isinstance(args[-1], str) else kwargs.get("data", kwargs.get("string", b""))
        size = len(memoryview(data)) if data else 0
        return _Hash(_hash_call(t, fn, args, kwargs, size) if size else fn(*args, **kwargs))

    return make


def _patch_hashlib():
    import hashlib

    for algo in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s",
                 "sha3_224", "sha3_256", "sha3_384", "sha3_512"):
        fn = getattr(hashlib, algo, None)
        if fn is not None:
            setattr(hashlib, algo, _hash_constructor(fn))
    hashlib.new = _hash_constructor(hashlib.new)


def _patch_sqlite():
    import sqlite3

    rows = len
    head = _head("r", "sqlite")
    base = sqlite3.Cursor
    execute, executemany, fetchall, fetchmany, fetchone, step = (
        base.execute, base.executemany, base.fetchall, base.fetchmany, base.fetchone, base.__next__)

    class Cursor(sqlite3.Cursor):
        def execute(self, *args, **kwargs):
            t = _current.get()
            if t is None:
                return execute(self, *args, **kwargs)
            return _call(t, head, execute, (self, *args), kwargs)

        def executemany(self, *args, **kwargs):
            t = _current.get()
            if t is None:
                return executemany(self, *args, **kwargs)
            return _call(t, head, executemany, (self, *args), kwargs)

        def fetchall(self):
            t = _current.get()
            if t is None:
                return fetchall(self)
            return _call_n(t, head, fetchall, (self,), {}, rows)

        def fetchmany(self, *args, **kwargs):
            t = _current.get()
            if t is None:
                return fetchmany(self, *args, **kwargs)
            return _call_n(t, head, fetchmany, (self, *args), kwargs, rows)

        def fetchone(self):
            t = _current.get()
            if t is None:
                return fetchone(self)
            return _call(t, head, fetchone, (self,), {})

        def __next__(self):
            t = _current.get()
            if t is None:
                return step(self)
            return _call(t, head, step, (self,), {})

    class Connection(sqlite3.Connection):
        def cursor(self, factory=Cursor):
            return super().cursor(factory)

        def execute(self, *args, **kwargs):
            return self.cursor().execute(*args, **kwargs)

        def executemany(self, *args, **kwargs):
            return self.cursor().executemany(*args, **kwargs)

    original = sqlite3.connect

    @functools.wraps(original)
    def connect(*args, **kwargs):
        if "factory" in kwargs or len(args) > 5:
            return original(*args, **kwargs)  # the program's own connection class: left as it is
        return original(*args, factory=Connection, **kwargs)

    sqlite3.connect = connect


# ---------------------------------------------------------------- executors and servers


def _patch_thread_pool():
    from concurrent.futures import ThreadPoolExecutor

    original = ThreadPoolExecutor.submit
    _pool_json = {}  # a pool's size: its executor as JSON text

    class _LastSubmit(threading.local):
        cpu = None  # this thread's CPU time when its last submit began
        inside = None  # the CPU that submit itself used

    last_cpu = _LastSubmit()
    # A forked child's thread CPU clock starts again from 0: its first submit has no "before".
    os.register_at_fork(after_in_child=lambda: last_cpu.__dict__.clear())

    @functools.wraps(original)
    def submit(self, fn, /, *args, **kwargs):
        if _current.get() is not None or _running_loop() is not None:
            return original(self, fn, *args, **kwargs)  # part of a task, or an event loop's offload
        arrival = _perf()
        now_cpu = _cpu()
        before = last_cpu.cpu
        last_cpu.cpu = now_cpu
        sub = None if before is None else now_cpu - before
        subp = None if before is None else last_cpu.inside
        executor = _pool_json.get(self._max_workers)
        if executor is None:
            executor = _pool_json[self._max_workers] = _json({"kind": "threads", "workers": self._max_workers})
        label = getattr(fn, "__qualname__", None) or type(fn).__name__

        def run():
            t = _Task(label, arrival, executor, sub, subp)
            token = _current.set(t)
            try:
                return fn(*args, **kwargs)
            except BaseException as error:
                t.error = type(error).__name__
                raise
            finally:
                _current.reset(token)
                t.finish()

        try:
            return original(self, run)
        finally:
            last_cpu.inside = _cpu() - now_cpu  # this submit's own CPU, for the next task's subp

    ThreadPoolExecutor.submit = submit


def _patch_http_server():
    import http.server
    from urllib.parse import urlsplit

    handler = http.server.BaseHTTPRequestHandler
    original_handle = handler.handle_one_request
    original_parse = handler.parse_request

    @functools.wraps(original_handle)
    def handle_one_request(self):
        if _current.get() is not None:
            return original_handle(self)
        t = _start("http")
        token = _current.set(t)
        try:
            return original_handle(self)
        finally:
            _current.reset(token)
            # a keep-alive connection's last wait (no request came) is not a task
            if t.name != "http" or getattr(self, "raw_requestline", b""):
                t.finish()

    @functools.wraps(original_parse)
    def parse_request(self):
        ok = original_parse(self)
        t = _current.get()
        if ok and t is not None:
            _rename(t, f"{self.command} {urlsplit(self.path).path}", self.headers.get("X-Request-Start"))
        return ok

    handler.handle_one_request = handle_one_request
    handler.parse_request = parse_request


def _asyncio_executor(loop):
    pool = getattr(loop, "_default_executor", None)
    workers = getattr(pool, "_max_workers", None) or min(32, (os.cpu_count() or 1) + 4)
    return _json({"kind": "asyncio", "offload": {"kind": "threads", "workers": workers}})


_RUN = _head("run", "")


def _close_run(t):
    """Ends the callback run in progress when a task ends inside it."""
    if t.run_w0:
        cpu = _cpu() - t.cpu0
        t.segs.append((_RUN, t.run_w0 - t.start, _perf() - t.run_w0, cpu, 1, -1, 0))
        t.cpu += cpu
        t.run_w0 = 0


def _patch_asyncio():
    import asyncio
    import asyncio.base_events
    import asyncio.events
    import asyncio.streams

    handle = asyncio.events.Handle
    original_run = handle._run

    def _run(self):
        t = self._context.get(_current)
        # Only an asyncio task's callbacks are its runs; a thread task whose context a loop copied
        # (asyncio.run inside a pool task, run_coroutine_threadsafe) keeps its own clock.
        if t is None or t.loop is None:
            original_run(self)
            t = self._context.get(_current)
            if t is not None and t.run_w0:  # the task began during this callback
                _close_run(t)
            return
        t.run_w0 = w0 = _perf()
        t.cpu0 = c0 = _cpu()
        try:
            original_run(self)
        finally:
            if t.run_w0 == w0:  # not ended inside the callback
                c1 = _cpu()
                t.segs.append((_RUN, w0 - t.start, _perf() - w0, c1 - c0, 1, -1, 0))
                t.cpu += c1 - c0
                t.run_w0 = 0

    handle._run = _run

    loop_class = asyncio.base_events.BaseEventLoop
    original_offload = loop_class.run_in_executor

    def run_in_executor(self, executor, func, *args):
        t = _current.get()
        if t is None or t.loop is None:
            return original_offload(self, executor, func, *args)
        t.tracks += 1
        k = t.tracks
        submitted = _perf()
        inner = func.args[0] if isinstance(func, functools.partial) and func.args else func
        label = getattr(inner, "__qualname__", None) or type(inner).__name__
        head = _head("off", label)

        def offloaded(*a):
            token = _current.set(t)
            outer = _local.track
            _local.track = k
            w0 = _perf()
            c0 = _cpu()
            try:
                return func(*a)
            finally:
                c1 = _cpu()
                _local.track = outer
                _current.reset(token)
                t.segs.append((head, w0 - t.start, _perf() - w0, c1 - c0, 1, submitted - t.start, k))

        return original_offload(self, executor, offloaded, *args)

    loop_class.run_in_executor = run_in_executor

    protocol = asyncio.streams.StreamReaderProtocol
    original_init = protocol.__init__

    def __init__(self, stream_reader, client_connected_cb=None, loop=None):
        if client_connected_cb is not None:
            client_connected_cb = _connection_task(client_connected_cb)
        original_init(self, stream_reader, client_connected_cb, loop)

    protocol.__init__ = __init__


def _connection_task(cb):
    label = getattr(cb, "__qualname__", None) or "connection"

    def accepted(reader, writer):
        arrival = _perf()
        result = cb(reader, writer)
        if not hasattr(result, "__await__"):
            return result

        async def serve():
            t = _start(label, arrival)
            token = _current.set(t)
            try:
                return await result
            except BaseException as error:
                t.error = type(error).__name__
                raise
            finally:
                _current.reset(token)
                _close_run(t)
                t.finish()

        return serve()

    return accepted


# ---------------------------------------------------------------- output


def _write(text):
    data = text.encode()
    while data:
        n = os.write(_state["fd"], data)
        data = data[n:]


def flush():
    """Writes the tasks recorded so far."""
    with _lines_lock:
        if _state["fd"] < 0 or not _lines:
            return
        batch = _lines[:]
        del _lines[: len(batch)]
        _write("".join(line + "\n" for line in batch))


def _flusher():
    while not _stop.wait(0.5):
        flush()


def _finish():
    _stop.set()
    flush()
    if _state["fd"] >= 0:
        footer = {
            "recorded": _state["done"],
            "pid": _state["pid"],
            "dropped": _state["dropped"],
            "end": _perf() - _state["t0"],
            "process_cpu": time.process_time_ns(),
        }
        _write(_dumps(footer, separators=(",", ":")) + "\n")
        os.close(_state["fd"])
        _state["fd"] = -1


def _after_fork_in_child():
    """A forked child (a prefork server's worker) records as a process of its own: its own pid,
    header, counts and flusher thread (the parent's did not survive the fork), fresh locks (one may
    have been held at the fork), and none of the parent's unwritten lines, which the parent writes.
    Times still count from the parent's t0, on the same system-wide clock."""
    global _lines_lock, _stop
    if not _state["installed"] or _state["fd"] < 0:
        return
    _lines_lock = threading.Lock()
    _stop = threading.Event()
    del _lines[:]
    _state["pid"] = os.getpid()
    _state["done"] = 0
    _state["dropped"] = 0
    # A task in progress in the forking thread is the parent's: the child neither writes it nor
    # adds to it (its thread CPU clock starts again from 0), and a task it starts is its own.
    _state["forked"] = _perf()
    _current.set(None)
    # multiprocessing's and ProcessPoolExecutor's forked children end with os._exit, which skips
    # atexit: write what the child recorded first.
    os._exit = _exit_writing
    _write(_json(_header()) + "\n")
    threading.Thread(target=_flusher, name="gilsim-recorder", daemon=True).start()


_real_exit = os._exit


def _exit_writing(status):
    """os._exit in a forked child: the recording's last lines and footer, then the real exit."""
    try:
        _finish()
    finally:
        _real_exit(status)


def _on_sigterm(signum, frame):
    import signal

    _finish()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _header():
    import platform
    import sysconfig

    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    return {
        "gilsim": "recording",
        "format": FORMAT,
        "pid": _state["pid"],
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil": bool(gil),
        "switch_interval": sys.getswitchinterval(),
        "cpus": cpus,
        "platform": sys.platform,
        "argv": sys.argv if hasattr(sys, "argv") else [],
        "t0_unix": _state["t0_unix"],
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_state["t0_unix"] / 1e9)),
    }


def install(path=_OUT):
    """Starts recording into `path` (appending). Called by sitecustomize under `gilsim record`."""
    if _state["installed"] or not path:
        return False
    _state["pid"] = os.getpid()
    _state["t0"] = _perf()
    _state["t0_unix"] = time.time_ns()
    _state["fd"] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    _write(_dumps(_header(), separators=(",", ":")) + "\n")
    for patch in (_patch_json, _patch_socket, _patch_select, _patch_sleep, _patch_zlib, _patch_hashlib, _patch_sqlite,
                  _patch_thread_pool, _patch_http_server, _patch_asyncio):
        patch()
    _state["installed"] = True
    threading.Thread(target=_flusher, name="gilsim-recorder", daemon=True).start()
    atexit.register(_finish)
    os.register_at_fork(after_in_child=_after_fork_in_child)
    try:
        import signal

        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
    except (ImportError, ValueError):
        pass
    return True
