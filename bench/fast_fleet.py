"""A minimal, fast HTTP/1.1 keep-alive fleet for the polling benches (its own process).

    python bench/fast_fleet.py [--ports 4] [--host 127.0.0.1] [--delay-ms 0]
    python bench/fast_fleet.py --selftest [--seconds 3]

Answers ``GET /<id>/health`` with a tiny ``200 ok`` (or ``503 failing`` once
``<id>`` was flipped) on every port it listens on, so the poller's per-host
connection pools spread over a few ports. One asyncio loop with plain
``Protocol`` objects (no streams, no per-request tasks): a request costs a
buffer scan and one ``transport.write``, several thousand requests per second
on one core (``--selftest`` measures it). ``--delay-ms`` holds every health
answer that long (a timer, not a sleep: the loop keeps serving), to mimic a
network round trip and show what the worker count must cover.

Control, on any port (the benches use a dedicated keep-alive connection):

    GET /_ctl/fail/<id>   <id> answers 503 from now on
    GET /_ctl/ok/<id>     <id> answers 200 again
    GET /_ctl/stats       JSON: requests served, by status, and this process's CPU seconds

On start it prints one JSON line ``{"ports": [...], "pid": ...}`` on stdout,
then serves until SIGTERM/SIGINT or until stdin closes (so it never outlives
a bench that forgot it). Only 127.0.0.1 by default.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time

OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
FAILING = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nfailing"
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found"
BAD = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbad"
MAX_HEADER = 16 * 1024


class Fleet:
    """Shared state of every connection: who fails, and counters."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.failing: set[bytes] = set()
        self.served = {200: 0, 503: 0, 404: 0}

    def answer(self, path: bytes) -> bytes:
        # /<id>/health  or  /_ctl/...
        if path.startswith(b"/_ctl/"):
            return self.control(path[6:])
        if path.endswith(b"/health"):
            ident = path[1:-7]
            if ident in self.failing:
                self.served[503] += 1
                return FAILING
            self.served[200] += 1
            return OK
        self.served[404] += 1
        return NOT_FOUND

    def control(self, command: bytes) -> bytes:
        verb, _, ident = command.partition(b"/")
        if verb == b"fail":
            self.failing.add(ident)
            body = b"failing"
        elif verb == b"ok":
            self.failing.discard(ident)
            body = b"ok"
        elif verb == b"stats":
            usage = resource.getrusage(resource.RUSAGE_SELF)
            body = json.dumps({
                "served": self.served,
                "failing": len(self.failing),
                "cpu_s": usage.ru_utime + usage.ru_stime,
            }).encode()
        else:
            return NOT_FOUND
        return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(body)).encode() + b"\r\n\r\n" + body)


class HttpProtocol(asyncio.Protocol):
    __slots__ = ("fleet", "transport", "buffer")

    def __init__(self, fleet: Fleet) -> None:
        self.fleet = fleet
        self.transport: asyncio.Transport | None = None
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        out = []
        close = False
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buffer[:end]
            buffer = buffer[end + 4:]
            # Requests have no body here (GET only); the request line is enough.
            line_end = head.find(b"\r\n")
            request_line = head if line_end < 0 else head[:line_end]
            parts = request_line.split(b" ")
            if len(parts) != 3 or parts[0] != b"GET":
                out.append(BAD)
                close = True
                break
            out.append(self.fleet.answer(parts[1]))
            if b"onnection: close" in head or b"ONNECTION: CLOSE" in head:
                close = True
                break
        self.buffer = buffer
        if len(buffer) > MAX_HEADER:
            out.append(BAD)
            close = True
        if out:
            payload = b"".join(out) if len(out) > 1 else out[0]
            if self.fleet.delay_s > 0 and not close:
                # Same delay for every answer: order on the connection is kept.
                asyncio.get_running_loop().call_later(self.fleet.delay_s, self._send, payload)
                return
            self.transport.write(payload)
        if close:
            self.transport.close()

    def _send(self, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(payload)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(host: str, ports: int, delay_s: float = 0.0) -> None:
    loop = asyncio.get_running_loop()
    fleet = Fleet(delay_s)
    servers = [
        await loop.create_server(lambda: HttpProtocol(fleet), host, 0, backlog=1024, reuse_address=True)
        for _ in range(ports)
    ]
    bound = [s.sockets[0].getsockname()[1] for s in servers]
    print(json.dumps({"ports": bound, "pid": os.getpid()}), flush=True)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # Stop when the parent goes away (stdin reaches EOF).
    if not sys.stdin.isatty():
        fd = sys.stdin.fileno()

        def on_stdin() -> None:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                loop.remove_reader(fd)
                stop.set()

        loop.add_reader(fd, on_stdin)
    await stop.wait()
    for s in servers:
        s.close()


class FleetProcess:
    """Start the fleet in a child process; ``with FleetProcess(4) as fleet: fleet.ports``."""

    def __init__(self, ports: int = 4, host: str = "127.0.0.1", delay_ms: float = 0.0) -> None:
        self.host = host
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--ports", str(ports), "--host", host,
             "--delay-ms", str(delay_ms)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
        line = self.proc.stdout.readline()
        if not line:
            self.close()
            raise RuntimeError("fast_fleet did not start")
        info = json.loads(line)
        self.ports: list[int] = info["ports"]
        self.pid: int = info["pid"]
        self._ctl: socket.socket | None = None
        self._ctl_lock = threading.Lock()

    def url(self, i: int) -> str:
        return f"http://{self.host}:{self.ports[i % len(self.ports)]}/e{i}/health"

    def control(self, command: str) -> bytes:
        """One control request over a persistent connection; returns the body."""
        with self._ctl_lock:
            if self._ctl is None:
                self._ctl = socket.create_connection((self.host, self.ports[0]), timeout=5)
                self._ctl.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._ctl.sendall(f"GET /_ctl/{command} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            data = b""
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                chunk = self._ctl.recv(65536)
                if not chunk:
                    raise RuntimeError("fast_fleet closed the control connection")
                data += chunk
                head, sep, body = data.partition(b"\r\n\r\n")
                if sep:
                    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                    if len(body) >= length:
                        return body[:length]
            raise RuntimeError("fast_fleet control request timed out")

    def fail(self, i: int) -> None:
        self.control(f"fail/e{i}")

    def ok(self, i: int) -> None:
        self.control(f"ok/e{i}")

    def stats(self) -> dict:
        return json.loads(self.control("stats"))

    def close(self) -> None:
        if self._ctl is not None:
            self._ctl.close()
            self._ctl = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def __enter__(self) -> FleetProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _hammer(host: str, port: int, seconds: float, conns: int, out: list) -> None:
    """Keep-alive client: ``conns`` connections, one request in flight on each (no pipelining)."""
    import selectors

    sel = selectors.DefaultSelector()
    request = b"GET /e1/health HTTP/1.1\r\nHost: x\r\n\r\n"
    socks = []
    for _ in range(conns):
        s = socket.create_connection((host, port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        s.send(request)
        sel.register(s, selectors.EVENT_READ)
        socks.append(s)
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            data = key.fileobj.recv(65536)
            done += data.count(b"HTTP/1.1 200")
            key.fileobj.send(request)
    for s in socks:
        s.close()
    out.append(done)


def selftest(seconds: float) -> None:
    """Measure the server alone: a raw keep-alive client in another process."""
    import multiprocessing

    with FleetProcess(ports=1) as fleet:
        before = fleet.stats()
        started = time.monotonic()
        with multiprocessing.Pool(1) as pool:
            done = pool.apply(_hammer_count, (fleet.host, fleet.ports[0], seconds, 32))
        wall = time.monotonic() - started
        after = fleet.stats()
        cpu = after["cpu_s"] - before["cpu_s"]
        print(f"fast_fleet selftest: {done} requests in {wall:.1f} s = {done / wall:,.0f} req/s "
              f"over 32 keep-alive connections; server CPU {cpu:.2f} s "
              f"({cpu / wall * 100:.0f} % of one core, {cpu / max(done, 1) * 1e6:.0f} us/request)")


def _hammer_count(host: str, port: int, seconds: float, conns: int) -> int:
    out: list[int] = []
    _hammer(host, port, seconds, conns, out)
    return out[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ports", type=int, default=4)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="hold each answer this long")
    parser.add_argument("--selftest", action="store_true", help="measure the server's own capacity")
    parser.add_argument("--seconds", type=float, default=3.0, help="selftest duration")
    args = parser.parse_args()
    if args.selftest:
        selftest(min(args.seconds, 30.0))
        return
    asyncio.run(serve(args.host, args.ports, max(0.0, min(args.delay_ms, 5000.0)) / 1000.0))


if __name__ == "__main__":
    main()
