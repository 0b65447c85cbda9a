#!/usr/bin/env python3
"""HTTP/1.1 client for bench/soak: holds idle connections, or makes bounded active traffic and churn.

  soak_client.py idle --port P -n N
      Opens N keep-alive connections to 127.0.0.1:P, makes one GET on each (so each one reaches a
      real server), prints "ready open=.. failed=..", then holds them without sending anything.
      SIGUSR1: one more GET on every held connection, then "check ok=.. failed=.. lost=..".
      SIGTERM or SIGINT: closes them all, prints "closed ..." and exits 0.
      Every --report seconds it prints "held open=.. lost=..": lost = closed by the other side.

  soak_client.py load --port P --seconds S [--active A] [--rate R] [--churn C]
      For S seconds: A keep-alive connections make R GETs per second in all (every 10th one of
      /64k, the others of /small), and C new connections per second are opened and closed, in
      turn: GET with "Connection: close" read to the server's close; GET then the client closes;
      connect then close without a request; GET then a reset (SO_LINGER 0) before the answer.
      Every --report seconds a line of counters; at the end "summary key=value ...".

Only 127.0.0.0/8 is used (--host must be in it). Every wait has a timeout; the load stops at S
seconds plus at most the request timeout.
"""

import argparse
import asyncio
import ipaddress
import resource
import signal
import socket
import struct
import sys
import time

REQUEST_TIMEOUT = 10.0


def say(*parts):
    print(" ".join(p for p in parts if p), flush=True)


def kinds(counts):
    return " ".join("%s=%d" % kv for kv in sorted(counts.items()))


class HttpConnection(asyncio.Protocol):
    """One client connection: sequential GETs, answers read by Content-Length."""

    def __init__(self, on_lost=None):
        self.transport = None
        self.buf = bytearray()
        self.waiter = None
        self.closed = False
        self.on_lost = on_lost

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        self._parse()

    def eof_received(self):
        return False

    def connection_lost(self, exc):
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            # "closed" with nothing of the answer, "truncated" with part of it.
            self.waiter.set_exception(
                ConnectionError("truncated" if self.buf else "closed", "%s after %d bytes of the answer" % (
                    exc or "EOF", len(self.buf))))
        if self.on_lost is not None:
            self.on_lost(self)

    def _parse(self):
        if self.waiter is None or self.waiter.done():
            return
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        try:
            status = int(head[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            self.waiter.set_exception(ValueError("bad status line %r" % head[0]))
            return
        length = 0
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if len(self.buf) < end + 4 + length:
            return
        del self.buf[: end + 4 + length]
        self.waiter.set_result(status)

    async def get(self, path, close=False):
        """One GET; returns the status. Raises on a timeout, a close or garbage."""
        if self.closed:
            raise ConnectionError("closed by the other side")
        self.waiter = asyncio.get_running_loop().create_future()
        extra = "Connection: close\r\n" if close else ""
        self.transport.write(("GET %s HTTP/1.1\r\nHost: bench\r\n%s\r\n" % (path, extra)).encode())
        self._parse()
        return await asyncio.wait_for(self.waiter, REQUEST_TIMEOUT)

    def close(self):
        if self.transport is not None:
            self.transport.close()

    def reset(self):
        """Closes with a RST instead of a FIN."""
        sock = self.transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()


async def connect(host, port, on_lost=None):
    loop = asyncio.get_running_loop()
    _, conn = await asyncio.wait_for(
        loop.create_connection(lambda: HttpConnection(on_lost), host, port), REQUEST_TIMEOUT)
    return conn


def failure_kind(exc):
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ValueError):
        return "garbage"
    if type(exc) is ConnectionError and exc.args and exc.args[0] == "truncated":
        return "truncated"
    return "closed"


failures_told = [0]


def tell_failure(what, conn, exc, started):
    """One line per failure (the first 100): enough to find the connection in other logs."""
    if failures_told[0] >= 100:
        return
    failures_told[0] += 1
    port = None
    if conn is not None and conn.transport is not None:
        port = (conn.transport.get_extra_info("sockname") or (None, None))[1]
    say("failure %s %s: %r local_port=%s after %.0f ms at %s" % (
        what, failure_kind(exc), exc, port, (time.monotonic() - started) * 1000,
        time.strftime("%H:%M:%S", time.gmtime())))


# --- idle ---------------------------------------------------------------------------------------


async def idle(args):
    held = []
    lost = [0]
    failures = {}

    def on_lost(conn):
        # Counted only once the connection is held, and not when we close it ourselves.
        if getattr(conn, "held", False) and not getattr(conn, "closing", False):
            lost[0] += 1

    async def open_one(sem):
        async with sem:
            try:
                conn = await connect(args.host, args.port, on_lost)
                status = await conn.get(args.path)
                if status != 200:
                    raise ValueError("status %d" % status)
            except Exception as exc:  # counted, not fatal: the summary line says how many
                kind = failure_kind(exc)
                failures[kind] = failures.get(kind, 0) + 1
                return
            conn.held = True
            held.append(conn)

    sem = asyncio.Semaphore(args.concurrency)
    started = time.monotonic()
    await asyncio.gather(*(open_one(sem) for _ in range(args.n)))
    failed = sum(failures.values())
    say("ready open=%d failed=%d" % (len(held), failed), kinds(failures),
        "seconds=%.1f" % (time.monotonic() - started))

    stop = asyncio.Event()
    check = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, check.set)

    async def check_all():
        ok = [0]
        bad = {}

        async def one(conn):
            async with sem:
                try:
                    status = await conn.get(args.path)
                    if status == 200:
                        ok[0] += 1
                        return
                    raise ValueError("status %d" % status)
                except Exception as exc:
                    kind = failure_kind(exc)
                    bad[kind] = bad.get(kind, 0) + 1

        await asyncio.gather(*(one(c) for c in held))
        say("check ok=%d failed=%d" % (ok[0], sum(bad.values())), kinds(bad), "lost=%d" % lost[0])

    next_report = time.monotonic() + args.report
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass
        if check.is_set():
            check.clear()
            await check_all()
        if time.monotonic() >= next_report:
            next_report += args.report
            say("held open=%d lost=%d" % (sum(1 for c in held if not c.closed), lost[0]))
    for conn in held:
        conn.closing = True
        conn.close()
    await asyncio.sleep(0.2)
    say("closed %d lost=%d" % (len(held), lost[0]))


# --- load ---------------------------------------------------------------------------------------

CHURN_KINDS = ("close", "client-close", "abort", "reset")


async def load(args):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.seconds
    counts = {}

    def count(key, n=1):
        counts[key] = counts.get(key, 0) + n

    async def active_loop(index):
        # Each connection keeps its own schedule: rate / active GETs per second.
        interval = args.active / args.rate
        due = loop.time() + interval * index / args.active
        conn = None
        n = index
        while True:
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            due += interval
            if loop.time() >= deadline:
                break
            n += 1
            started = time.monotonic()
            try:
                if conn is None or conn.closed:
                    conn = await connect(args.host, args.port)
                status = await conn.get("/64k" if n % 10 == 0 else "/small")
                count("req_ok" if status == 200 else "req_status_%d" % status)
            except Exception as exc:
                count("req_" + failure_kind(exc))
                tell_failure("request", conn, exc, started)
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    async def churn_one(kind):
        started = time.monotonic()
        try:
            conn = await connect(args.host, args.port)
        except Exception as exc:
            count("churn_" + failure_kind(exc))
            tell_failure("churn-" + kind + " connect", None, exc, started)
            return
        try:
            if kind == "abort":
                conn.close()
            elif kind == "reset":
                conn.transport.write(b"GET /small HTTP/1.1\r\nHost: bench\r\n\r\n")
                await asyncio.sleep(0)  # the answer is not awaited: a reset with it on its way
                conn.reset()
            else:
                status = await conn.get("/small", close=(kind == "close"))
                if status != 200:
                    raise ValueError("status %d" % status)
                if kind == "close":
                    # The server closes; the relay must pass that close on.
                    for _ in range(int(REQUEST_TIMEOUT / 0.01)):
                        if conn.closed:
                            break
                        await asyncio.sleep(0.01)
                    else:
                        raise asyncio.TimeoutError()
                conn.close()
            count("churn_ok")
            count("churn_ok_" + kind)
        except Exception as exc:
            count("churn_" + failure_kind(exc))
            tell_failure("churn-" + kind, conn, exc, started)
            conn.close()

    async def churn_loop():
        tasks = set()
        n = 0
        due = loop.time()
        while True:
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            due += 1.0 / args.churn
            if loop.time() >= deadline:
                break
            if len(tasks) >= args.max_in_flight:
                count("churn_skipped")  # the balancer is slower than the rate; said, not hidden
                continue
            task = asyncio.ensure_future(churn_one(CHURN_KINDS[n % len(CHURN_KINDS)]))
            n += 1
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT + 1)

    async def reporter():
        started = loop.time()
        while loop.time() < deadline:
            await asyncio.sleep(min(args.report, max(0.0, deadline - loop.time())))
            say("t=%.0f" % (loop.time() - started), kinds(counts))

    jobs = [active_loop(i) for i in range(args.active)] if args.rate > 0 else []
    if args.churn > 0:
        jobs.append(churn_loop())
    report = asyncio.ensure_future(reporter())
    await asyncio.gather(*jobs)
    report.cancel()
    failed = sum(v for k, v in counts.items()
                 if not k.startswith("req_ok") and not k.startswith("churn_ok"))
    say("summary failed=%d" % failed, kinds(counts))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    p_idle = sub.add_parser("idle")
    p_idle.add_argument("-n", type=int, required=True)
    p_idle.add_argument("--concurrency", type=int, default=200)
    p_idle.add_argument("--path", default="/small")
    p_load = sub.add_parser("load")
    p_load.add_argument("--seconds", type=float, required=True)
    p_load.add_argument("--active", type=int, default=50)
    p_load.add_argument("--rate", type=float, default=500.0)
    p_load.add_argument("--churn", type=float, default=100.0)
    p_load.add_argument("--max-in-flight", type=int, default=500)
    for p in (p_idle, p_load):
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--report", type=float, default=10.0)
    args = parser.parse_args()
    if not ipaddress.ip_address(args.host).is_loopback:
        parser.error("--host must be a loopback address")
    if args.mode == "load" and args.rate > 0 and args.active < 1:
        parser.error("--rate needs --active >= 1")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(idle(args) if args.mode == "idle" else load(args))


if __name__ == "__main__":
    sys.exit(main())
