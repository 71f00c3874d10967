"""What a fork costs the parent afterwards: copy-on-write (docs/model.md, section 7, "The parent
after its forks: copy-on-write"; the runs that set runtime.forkCow are in data/fork-cow/).
os.fork() leaves every page of the parent shared with the child, write-protected; the parent's
first write to each page afterwards faults and copies it. A CPython program writes
most pages it touches (reference counts), so its next stretch of work runs slowly until its
working set has been copied.

The program: an event loop whose tasks run a little Python, offload a 0.5 ms sleep to a thread
pool of 2 and run a little more Python; batches of such tasks run with asyncio.gather. Each round
runs a batch, forks a child that sleeps (as a pool's worker waits for calls), runs the same batch
again, and one more. Printed, for batches of 1 and 50 tasks (medians of 9 rounds): the process's
CPU time (all its threads, getrusage) and minor faults in the batch before the fork, the first
batch after it and the second. Then, in the same program, calibrate's forkCost: how much longer
the first submit to a new fork ProcessPoolExecutor blocks with 4 workers than with 1, over 3
(medians of 7 pools each). And the figures the model takes:
  debt      the extra CPU of the first 50-task batch after the fork over the batch before it;
  per fork  debt / forkCost: both grow with what a page-table entry and a page fault cost on the
            machine that day (on the development VM a first submit's fork took 2.5 ms on one day
            and 20 ms on another), so a profile's debt is its forkCost times this;
  slowdown  how many times the CPU of the first 1-task batch after the fork is the batch's
            before it: the interpreter's own state (types, builtins, the loop's objects) is
            written by any code, so the first work after a fork pays most of the debt at once.

    python3 scripts/fork-cow.py
"""
import asyncio
import concurrent.futures
import os
import resource
import statistics
import sys
import time

ROUNDS = 9


def spin(n):
    x = 0
    for i in range(n):
        x ^= i
    return x


async def one(loop, pool):
    spin(2000)
    await loop.run_in_executor(pool, time.sleep, 0.0005)
    spin(2000)


async def batch(loop, pool, tasks):
    """The process's CPU (ms) and minor faults over one batch."""
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(one(loop, pool) for _ in range(tasks)))
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1e3
    return cpu, r1.ru_minflt - r0.ru_minflt


async def rounds(loop, pool, tasks):
    rows = {"before": [], "first": [], "second": []}
    for _ in range(ROUNDS):
        rows["before"].append(await batch(loop, pool, tasks))
        pid = os.fork()
        if pid == 0:
            time.sleep(1.0)
            os._exit(0)
        rows["first"].append(await batch(loop, pool, tasks))
        rows["second"].append(await batch(loop, pool, tasks))
        os.waitpid(pid, 0)
    return {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for k, v in rows.items()}


def noop():
    return None


def fork_cost():
    """calibrate's process-fork: (first submit with 4 workers - with 1) / 3, ms, medians of 7."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    times = {1: [], 4: []}
    for _ in range(7):
        for n in (1, 4):
            pool = concurrent.futures.ProcessPoolExecutor(max_workers=n, mp_context=ctx)
            t = time.perf_counter_ns()
            f = pool.submit(noop)
            times[n].append(time.perf_counter_ns() - t)
            f.result()
            pool.shutdown(wait=True)
    return (statistics.median(times[4]) - statistics.median(times[1])) / 3e6


async def main():
    loop = asyncio.get_running_loop()
    pool = concurrent.futures.ThreadPoolExecutor(2)
    for _ in range(5):
        await batch(loop, pool, 50)
    result = {}
    for tasks in (1, 50):
        result[tasks] = await rounds(loop, pool, tasks)
        print("%d tasks a batch:" % tasks)
        for k, (cpu, faults) in result[tasks].items():
            print("  %-6s CPU %6.2f ms, minor faults %4d" % (k, cpu, faults))
    debt = result[50]["first"][0] - result[50]["before"][0]
    slowdown = result[1]["first"][0] / result[1]["before"][0]
    cost = fork_cost()
    print("python %s: debt %.1f ms, forkCost %.2f ms, per fork %.2f, slowdown %.1f" % (
        sys.version.split()[0], debt, cost, debt / cost, slowdown))


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork() in a process with threads
    asyncio.run(main())
