#!/usr/bin/env python3
"""A small order service: gilsim's demo of "start from your own app". Standard library only.

The same request handlers run under either of two servers:

  --mode threads --workers N   the main thread accepts connections and hands each one to a
                               concurrent.futures.ThreadPoolExecutor(N), which runs the whole request
  --mode asyncio --workers N   asyncio.start_server; parsing and the pure-Python work run on the event
                               loop, the SQLite query and the SHA-256 in asyncio.to_thread (a default
                               executor of N threads)

Routes (one request per connection, HTTP/1.1 with Connection: close):

  POST /orders         a JSON order: parse it, price its lines from SQLite, SHA-256 of the body (the
                       order's content hash), then pure-Python pricing rules
  GET  /report?region=R  a SQLite aggregate over the region's sales, then pure-Python statistics

When it listens it prints one JSON line to stdout: {"ready": true, "port": P, "mode": ..., "workers": N}.
SIGINT or SIGTERM stops it cleanly. Under `gilsim record` it names each request by its route and
takes its arrival time from the X-Request-Start header (sent by gilsim's load generator).
"""

import argparse
import asyncio
import hashlib
import json
import math
import os
import shutil
import signal
import socket
import sqlite3
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

try:  # present when run under `gilsim record`; the app runs the same without it
    import gilsim_record as recorder
except ImportError:
    recorder = None

PRODUCTS = 5000
SALES = 30000
REGIONS = 12
CATEGORIES = 24
MAX_HEAD = 16384
MAX_BODY = 1 << 20


# ---------------------------------------------------------------- the database


def create_database(path):
    """A product catalogue and a sales history, the same every run (a fixed LCG, no random)."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE products (sku INTEGER PRIMARY KEY, category INTEGER, price REAL, stock INTEGER)")
    db.execute("CREATE TABLE sales (id INTEGER PRIMARY KEY, region INTEGER, category INTEGER, amount REAL, day INTEGER)")
    db.execute("CREATE INDEX sales_region ON sales(region, category, amount, day)")
    x = 12345

    def draw():
        nonlocal x
        x = (1103515245 * x + 12345) % 2147483648
        return x >> 8  # the high bits: an LCG's low bits repeat with a short period

    db.executemany(
        "INSERT INTO products VALUES (?, ?, ?, ?)",
        [(sku, draw() % CATEGORIES, 1 + draw() % 50000 / 100, draw() % 500) for sku in range(PRODUCTS)],
    )
    db.executemany(
        "INSERT INTO sales VALUES (?, ?, ?, ?, ?)",
        [(i, draw() % REGIONS, draw() % CATEGORIES, draw() % 100000 / 100, draw() % 365) for i in range(SALES)],
    )
    db.commit()
    db.close()


class Database:
    """One SQLite connection per thread (sqlite3 connections stay on the thread that made them)."""

    def __init__(self, path):
        self.path = path
        self.local = threading.local()

    def connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = sqlite3.connect(self.path)
        return conn


DB = None


def lookup_prices(skus):
    marks = ",".join("?" * len(skus))
    sql = f"SELECT sku, category, price, stock FROM products WHERE sku IN ({marks})"
    return DB.connection().execute(sql, skus).fetchall()


def region_sales(region):
    sql = (
        "SELECT category, count(*), sum(amount), min(amount), max(amount), avg(day)"
        " FROM sales WHERE region = ? GROUP BY category ORDER BY category"
    )
    return DB.connection().execute(sql, (region,)).fetchall()


def content_hash(body):
    return hashlib.sha256(body).hexdigest()


# ---------------------------------------------------------------- the handlers (pure Python)


def price_order(order, rows):
    """Pricing rules: volume tiers, category discounts, stock checks and a risk score."""
    prices = {sku: (category, price, stock) for sku, category, price, stock in rows}
    total = 0.0
    risk = 0.0
    lines = []
    for line in order["lines"]:
        category, price, stock = prices.get(line["sku"], (0, 0.0, 0))
        qty = line["qty"]
        tier = 1.0
        for threshold, factor in ((50, 0.9), (20, 0.95), (10, 0.97)):
            if qty >= threshold:
                tier = factor
                break
        discount = 0.02 * (category % 5)
        amount = round(qty * price * tier * (1 - discount), 2)
        # a risk score: a few hundred arithmetic steps per line, as scoring code does
        h = line["sku"] * 2654435761 % 4294967296
        for k in range(160):
            h = (h * 1103515245 + 12345 + k) % 2147483648
            risk += (h % 1000) / 1e6 * (1 if stock > qty else 3)
        lines.append({"sku": line["sku"], "qty": qty, "amount": amount, "backorder": qty > stock})
        total += amount
    return {"customer": order["customer"], "total": round(total, 2), "risk": round(risk, 4), "lines": lines}


def report_stats(region, rows):
    """Per-category shares, and a smoothed series with its spread, in pure Python."""
    grand = sum(r[2] for r in rows) or 1.0
    series = []
    for category, count, amount, low, high, day in rows:
        series.append(amount / count)
    smoothed = []
    for i in range(len(series)):
        window = series[max(0, i - 3) : i + 1]
        smoothed.append(sum(window) / len(window))
    # a bootstrap of the mean from a fixed LCG: the statistics code of a real report
    x = region + 1
    means = []
    for _ in range(200):
        acc = 0.0
        for _ in range(len(series)):
            x = (x * 1103515245 + 12345) % 2147483648
            acc += series[x % len(series)]
        means.append(acc / len(series))
    means.sort()
    mean = sum(means) / len(means)
    sd = math.sqrt(sum((m - mean) ** 2 for m in means) / len(means))
    return {
        "region": region,
        "categories": [
            {"category": r[0], "sales": r[1], "share": round(r[2] / grand, 4), "range": [r[3], r[4]]} for r in rows
        ],
        "smoothed": [round(s, 2) for s in smoothed],
        "mean": round(mean, 2),
        "ci": [round(means[1], 2), round(means[-2], 2)],
        "sd": round(sd, 3),
    }


def orders(body, query):
    """POST /orders. A generator: each `yield (fn, arg)` is a call the asyncio server offloads."""
    order = json.loads(body)
    rows = yield lookup_prices, [line["sku"] for line in order["lines"]]
    etag = yield content_hash, body
    result = price_order(order, rows)
    result["etag"] = etag
    return 201, result


def report(body, query):
    """GET /report?region=R."""
    region = int(query.get("region", ["0"])[0]) % REGIONS
    rows = yield region_sales, region
    return 200, report_stats(region, rows)


ROUTES = {("POST", "/orders"): orders, ("GET", "/report"): report}


def not_found(body, query):
    return 404, {"error": "not found"}
    yield  # a generator like the others


# ---------------------------------------------------------------- HTTP, shared by both servers


class BadRequest(Exception):
    pass


def parse_head(head):
    """The request line and headers: (method, path, query, headers with lower-case names)."""
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, _version = lines[0].split(" ")
    except ValueError:
        raise BadRequest("bad request line") from None
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    url = urlsplit(target)
    return method, url.path, parse_qs(url.query), headers


def body_length(headers):
    try:
        n = int(headers.get("content-length", "0"))
    except ValueError:
        raise BadRequest("bad content-length") from None
    if n < 0 or n > MAX_BODY:
        raise BadRequest("body too large")
    return n


def begin(method, path, headers):
    """Names the request for the recorder (when recording), with its arrival from X-Request-Start."""
    if recorder is not None:
        recorder.name(f"{method} {path}", request_start=headers.get("x-request-start"))
    return ROUTES.get((method, path), not_found)


def response(status, result):
    body = json.dumps(result, separators=(",", ":")).encode()
    reason = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def run_inline(gen):
    """Runs a handler, making its offloadable calls right here (the thread-pool server)."""
    try:
        fn, arg = next(gen)
        while True:
            fn, arg = gen.send(fn(arg))
    except StopIteration as stop:
        return stop.value


async def run_offloaded(gen):
    """Runs a handler on the event loop, its offloadable calls in asyncio.to_thread."""
    try:
        fn, arg = next(gen)
        while True:
            fn, arg = gen.send(await asyncio.to_thread(fn, arg))
    except StopIteration as stop:
        return stop.value


# ---------------------------------------------------------------- the thread-pool server


def read_request(conn):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            raise BadRequest("connection closed")
        buf += chunk
        if len(buf) > MAX_HEAD and b"\r\n\r\n" not in buf:
            raise BadRequest("head too large")
    head, _, rest = buf.partition(b"\r\n\r\n")
    method, path, query, headers = parse_head(head)
    need = body_length(headers)
    chunks = [rest]
    have = len(rest)
    while have < need:
        chunk = conn.recv(min(65536, need - have))
        if not chunk:
            raise BadRequest("connection closed")
        chunks.append(chunk)
        have += len(chunk)
    return method, path, query, headers, b"".join(chunks)[:need]


def handle_connection(conn):
    with conn:
        try:
            method, path, query, headers, body = read_request(conn)
            status, result = run_inline(begin(method, path, headers)(body, query))
        except BadRequest as error:
            status, result = 400, {"error": str(error)}
        except Exception as error:  # a handler bug answers 500, as a server would
            status, result = 500, {"error": repr(error)}
        conn.sendall(response(status, result))


def serve_threads(listener, workers):
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="app") as pool:
        try:
            while True:
                conn, _ = listener.accept()
                pool.submit(handle_connection, conn)
        except KeyboardInterrupt:
            pass
        finally:
            listener.close()


# ---------------------------------------------------------------- the asyncio server


async def handle_stream(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        method, path, query, headers = parse_head(head[:-4])
        body = await reader.readexactly(body_length(headers))
        status, result = await run_offloaded(begin(method, path, headers)(body, query))
    except (BadRequest, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
        status, result = 400, {"error": str(error)}
    except Exception as error:
        status, result = 500, {"error": repr(error)}
    writer.write(response(status, result))
    try:
        await writer.drain()
    finally:
        writer.close()


async def serve_asyncio(listener, workers):
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=workers, thread_name_prefix="app"))
    server = await asyncio.start_server(handle_stream, sock=listener, limit=MAX_HEAD + MAX_BODY)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


# ---------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description="gilsim's demo order service")
    parser.add_argument("--mode", choices=["threads", "asyncio"], default="threads")
    parser.add_argument("--workers", type=int, default=4, help="thread-pool size (default 4)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"invalid --workers: {args.workers} (expected a positive integer)")

    global DB
    folder = tempfile.mkdtemp(prefix="gilsim-app-")
    try:
        path = os.path.join(folder, "shop.db")
        create_database(path)
        DB = Database(path)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", args.port))
        listener.listen(1024)
        ready = {"ready": True, "port": listener.getsockname()[1], "mode": args.mode, "workers": args.workers}
        print(json.dumps(ready), flush=True)
        if args.mode == "threads":
            signal.signal(signal.SIGTERM, signal.default_int_handler)
            serve_threads(listener, args.workers)
        else:
            asyncio.run(serve_asyncio(listener, args.workers))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
