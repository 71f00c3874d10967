"""A plain asyncio program doing what the random validation scenario s2-024 does, without the
harness: N Poisson arrivals (default 223 at 109/s), each a 200 us asyncio.sleep and then
run_in_executor on a 2-worker ProcessPoolExecutor (fork) of 20 us of Python and an exponential
time.sleep of mean 200 us, with a fresh payload (default 1 MiB) pickled each way. Prints the
10th, 50th, 90th, 95th and 99th percentiles, in us, of the whole task, the call's way to the
worker, the work in it, and the result's way back. Compared with `gilsim real` on the same
scenario in docs/model.md, section 10 ("The harness against a plain program").

    python3 scripts/plain-offload.py [N] [rate] [payload bytes]
"""
import asyncio, time, random, sys, os
from concurrent.futures import ProcessPoolExecutor
N=int(sys.argv[1]) if len(sys.argv)>1 else 223
RATE=float(sys.argv[2]) if len(sys.argv)>2 else 109
PAY=int(sys.argv[3]) if len(sys.argv)>3 else 1<<20
def work(t0, payload, sl):
    a=time.monotonic_ns()
    x=0
    end=time.thread_time_ns()+20000
    while time.thread_time_ns()<end: x+=1
    time.sleep(sl)
    b=time.monotonic_ns()
    return a,b,payload
async def one(loop,pool,rng):
    arr=time.monotonic_ns()
    await asyncio.sleep(0.0002)
    p=b"\0"*PAY
    s=time.monotonic_ns()
    a,b,_=await loop.run_in_executor(pool,work,s,p,rng.expovariate(1/0.0002))
    e=time.monotonic_ns()
    return arr,s,a,b,e
async def main():
    loop=asyncio.get_running_loop()
    rng=random.Random(1)
    with ProcessPoolExecutor(2) as pool:
        await loop.run_in_executor(pool,work,0,b"",0)
        await loop.run_in_executor(pool,work,0,b"",0)
        ts=[]
        for i in range(N):
            ts.append(asyncio.ensure_future(one(loop,pool,rng)))
            await asyncio.sleep(rng.expovariate(RATE))
        res=await asyncio.gather(*ts)
    def q(v):
        v=sorted(v);return " ".join("%7.0f"%(v[min(len(v)-1,int(p*len(v)))]/1e3) for p in (0.1,0.5,0.9,0.95,0.99))
    print("total   ",q([e-a for a,s,w0,w1,e in res]))
    print("to-work ",q([w0-s for a,s,w0,w1,e in res]))
    print("in-work ",q([w1-w0 for a,s,w0,w1,e in res]))
    print("back    ",q([e-w1 for a,s,w0,w1,e in res]))
asyncio.run(main())
