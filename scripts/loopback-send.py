"""A send on loopback to a peer process blocked in recv: how long the sender is off the CPU inside it.

    python3 scripts/loopback-send.py [--sends 300] [--size 2000] [--idle-ms 10] [--work-us 1000]
                                     [--after-us 100]

The sender sleeps --idle-ms, runs --work-us of pure Python (as a request handler does before it
answers), sends --size bytes to a child process waiting in recv (which answers one byte after a
little Python), runs --after-us more of Python (a handler's close and bookkeeping), then reads the
answer; it times the sendall call's wall and thread CPU time. With --after-us 0 (the sender blocks
in recv at once) the time off the CPU all but disappears on the development VM. Wall minus
CPU is time the sender was runnable or waiting but not running: on loopback the send runs the
receiver's TCP path and wakes it inside the system call, and the woken peer may run on the
sender's CPU first. Prints the median, mean and 90th percentile of that time and of the CPU, in
microseconds. docs/model.md ("Scenarios fitted to a recording") quotes it.
"""

import argparse
import os
import socket
import statistics
import time


def spin(us):
    """Pure Python for `us` microseconds of wall time."""
    until = time.perf_counter_ns() + us * 1000
    x = 0
    while time.perf_counter_ns() < until:
        x += 1
    return x


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sends", type=int, default=300)
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--idle-ms", type=float, default=10.0)
    ap.add_argument("--work-us", type=float, default=1000.0)
    ap.add_argument("--after-us", type=float, default=100.0)
    args = ap.parse_args()
    if args.sends < 1 or args.size < 1 or min(args.idle_ms, args.work_us, args.after_us) < 0:
        ap.error("--sends and --size must be at least 1, --idle-ms, --work-us and --after-us at least 0")

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    pid = os.fork()
    if pid == 0:  # the peer: read a message, do a little Python, answer one byte
        peer = socket.create_connection(("127.0.0.1", port))
        peer.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(args.sends):
            got = 0
            while got < args.size:
                got += len(peer.recv(65536))
            x = 0
            for j in range(2000):
                x += j
            peer.sendall(b"k")
        os._exit(0)

    conn, _ = listener.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    message = b"x" * args.size
    off, cpu = [], []
    for _ in range(args.sends):
        time.sleep(args.idle_ms / 1000)
        spin(args.work_us)
        w0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        conn.sendall(message)
        c1, w1 = time.thread_time_ns(), time.perf_counter_ns()
        off.append(max(0, (w1 - w0) - (c1 - c0)) / 1000)
        cpu.append((c1 - c0) / 1000)
        spin(args.after_us)
        conn.recv(1)
    os.waitpid(pid, 0)

    def line(name, xs):
        s = sorted(xs)
        p90 = s[int(0.9 * (len(s) - 1))]
        return f"{name}: median {statistics.median(s):.1f} us, mean {statistics.mean(s):.1f} us, p90 {p90:.1f} us"

    print(
        f"{args.sends} sends of {args.size} B, each after {args.idle_ms:g} ms idle and {args.work_us:g} us of Python,"
        f" {args.after_us:g} us of Python after it"
    )
    print(line("off the CPU in sendall", off))
    print(line("CPU of sendall", cpu))


if __name__ == "__main__":
    main()
