"""How much a process pool's round trip of a large payload depends on glibc's malloc.

A warm ProcessPoolExecutor(1) echoes a payload back (submit(echo, payload).result(), back to back),
in a fresh interpreter for each malloc setting, and prints the median round trip per size:

  default           glibc's own: the mmap threshold starts at 128 KiB and rises to the size of
                    the largest mmapped block freed (M_MMAP_THRESHOLD is dynamic), and a heap's
                    free top is given back to the OS beyond the trim threshold;
  mmap-always       MALLOC_MMAP_THRESHOLD_=131072 fixes the threshold: every block of 128 KiB or
                    more is a fresh mapping, its pages faulted in again on first touch;
  heap-kept         MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ at 1 GiB: large blocks come
                    from the heap and stay there, so a buffer's pages are reused warm.

multiprocessing reads a message in pieces of at most a pipe's capacity (64 KiB on Linux), and each
os.read(fd, remaining) allocates a bytes object of the whole remaining size before it is cut to
what was read, so a 1 MiB message allocates about 16 blocks of up to 1 MiB on each side. It also prints what a
fresh page costs on this machine (a fault and the page zeroed), which sets what those blocks cost.

    python3 scripts/ipc-malloc.py [--repeats N] [PYTHON...]

Stdlib only; Linux with glibc (elsewhere the environment variables do nothing).
"""
import os
import statistics
import subprocess
import sys

SETTINGS = {
    "default": {},
    "mmap-always": {"MALLOC_MMAP_THRESHOLD_": "131072"},
    "heap-kept": {"MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)},
}
SIZES = (65536, 262144, 1048576, 4194304)

CHILD = r"""
import statistics, sys, time
from concurrent import futures

def echo(x):
    return x

if __name__ == "__main__":
    pool = futures.ProcessPoolExecutor(max_workers=1)
    for _ in range(5):
        pool.submit(echo, b"").result()
    out = []
    for size in map(int, sys.argv[1:]):
        payload = b"\0" * size
        xs = []
        for _ in range(8 if size > 1048576 else 20):
            t = time.perf_counter_ns()
            pool.submit(echo, payload).result()
            xs.append(time.perf_counter_ns() - t)
        out.append(str(statistics.median(xs)))
    pool.shutdown()
    print(" ".join(out))
"""


def fresh_page_us():
    """What a fresh page costs this machine: 64 MiB mapped, then one byte written per 4 KiB page
    (a fault and the page zeroed), the median of three, in microseconds a page."""
    import mmap
    import time

    size, costs = 64 << 20, []
    for _ in range(3):
        m = mmap.mmap(-1, size)
        t = time.perf_counter_ns()
        for off in range(0, size, 4096):
            m[off] = 1
        costs.append((time.perf_counter_ns() - t) / (size // 4096) / 1e3)
        m.close()
    return statistics.median(costs)


def main():
    args = sys.argv[1:]
    repeats = 3
    if args[:1] == ["--repeats"]:
        repeats, args = int(args[1]), args[2:]
    pythons = args or [sys.executable]
    print(f"# scripts/ipc-malloc.py, {repeats} fresh interpreters per setting; median round trip in ms"
          f" by payload ({', '.join(f'{s // 1024} KiB' for s in SIZES)})")
    print(f"# a fresh page (mapped, then written once): {fresh_page_us():.1f} us", flush=True)
    for python in pythons:
        version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        for name, extra in SETTINGS.items():
            runs = []
            for _ in range(repeats):
                env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
                env.update(extra)
                done = subprocess.run([python, "-c", CHILD, *map(str, SIZES)], env=env,
                                      capture_output=True, text=True, check=True)
                runs.append([int(float(x)) for x in done.stdout.split()])
            cells = []
            for i in range(len(SIZES)):
                xs = sorted(r[i] / 1e6 for r in runs)
                cells.append(f"{statistics.median(xs):.2f} ({xs[0]:.2f}-{xs[-1]:.2f})")
            print(f"CPython {version} {name:12} " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
