"""Running a command under ftrace, for the scripts that read the kernel's own events
(sched-trace.py, gil-handoff-trace.py): find tracefs, turn the events on, run the command, read
the trace, and put every setting it changed back as it was, also when the command cannot start or
the run is interrupted. The trace buffer's earlier contents are cleared. Root only; Linux only;
stdlib only.
"""

import os
import re
import subprocess

SETTINGS = ("tracing_on", "set_event", "set_event_pid", "buffer_size_kb", "trace_clock", "options/event-fork")


class TraceError(Exception):
    """A one-line reason the trace could not be taken."""


def root():
    """The tracefs mount, or None."""
    for path in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"):
        if os.path.exists(os.path.join(path, "set_event")):
            return path
    return None


def _read(path):
    with open(path) as f:
        return f.read()


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _append(path, text):
    """Adds a line to a tracefs list (set_event): O_APPEND, with no seek, which tracefs refuses."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _saved(base):
    out = {}
    for name in SETTINGS:
        path = os.path.join(base, name)
        if os.path.exists(path):
            out[name] = _read(path)
    return out


def _restore(base, saved):
    _write(os.path.join(base, "tracing_on"), "0")
    for name, value in saved.items():
        path = os.path.join(base, name)
        if name == "tracing_on":
            continue
        if name in ("set_event", "set_event_pid"):
            _write(path, "")  # a write replaces the list; the old one goes back line by line
            for line in value.split():
                _append(path, line + "\n")
        elif name == "buffer_size_kb":
            # A buffer never used reads "7 (expanded: 1408)": its size is the expanded one.
            m = re.search(r"expanded: (\d+)", value)
            _write(path, m.group(1) if m else value.split()[0])
        elif name == "trace_clock":
            m = re.search(r"\[(\S+)\]", value)  # the clock in use is the one in brackets
            if m:
                _write(path, m.group(1))
        else:
            _write(path, value.strip())
    _write(os.path.join(base, "tracing_on"), saved.get("tracing_on", "0").strip())


def capture(command, events, buffer_kb, follow_pid=False, clock=None, stdout=None):
    """Runs `command` with `events` ("sched:sched_switch", ...) on, for every process or, with
    `follow_pid`, for the command's process and the threads and children it starts. Returns the
    command's pid, exit code, standard output (with stdout=subprocess.PIPE, else None) and the
    trace's text. Raises TraceError with a one-line reason; FileNotFoundError when the command
    does not exist."""
    base = root()
    if base is None:
        raise TraceError("no tracefs (mount -t tracefs nodev /sys/kernel/tracing, as root)")
    try:
        saved = _saved(base)
    except OSError as error:
        raise TraceError(f"cannot read tracefs ({error.strerror})") from None
    child = None
    try:
        try:
            _write(f"{base}/tracing_on", "0")
            _write(f"{base}/trace", "")
            _write(f"{base}/buffer_size_kb", str(buffer_kb))
            if clock:
                _write(f"{base}/trace_clock", clock)
            _write(f"{base}/set_event", "")
            for event in events:
                _append(f"{base}/set_event", event + "\n")
            if follow_pid and os.path.exists(f"{base}/options/event-fork"):
                _write(f"{base}/options/event-fork", "1")
        except PermissionError:
            raise TraceError("tracefs is not writable (run as root)") from None
        except OSError as error:
            raise TraceError(f"tracefs refused a setting ({error.strerror})") from None
        if not follow_pid:
            _write(f"{base}/tracing_on", "1")
        child = subprocess.Popen(command, stdout=stdout, text=stdout is not None)
        if follow_pid:
            _write(f"{base}/set_event_pid", str(child.pid))
            _write(f"{base}/tracing_on", "1")
        output = child.communicate()[0]
        _write(f"{base}/tracing_on", "0")
        text = _read(f"{base}/trace")
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        try:
            _restore(base, saved)
        except OSError as error:
            raise TraceError(f"could not put tracefs back as it was ({error.strerror})") from None
    return child.pid, child.returncode, output, text
