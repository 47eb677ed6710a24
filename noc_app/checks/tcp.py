"""The TCP check: can we connect, and how long does it take."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Sequence

from noc_app.checks.deadline import DeadlineGuard, guarding
from noc_app.checks.errors import DeadlineExceeded, classify, timeout_reason
from noc_app.checks.judge import slow_reason
from noc_app.checks.resolve import lookup
from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.topology.model import CheckSpec

SocketOption = tuple[int, int, int | bytes]  # setsockopt(level, name, value)


def open_connection(host: str, port: int, guard: DeadlineGuard,
                    socket_options: Sequence[SocketOption] | None = None) -> socket.socket:
    """A connected socket to ``host:port`` within the guard's deadline.

    Unlike ``socket.create_connection``, which gives *each* address the full
    timeout, every attempt here only gets what is left of the deadline, and
    so does name resolution (``resolve.lookup``). ``socket_options`` are set
    before connecting (urllib3 passes TCP_NODELAY this way).
    """
    addresses = lookup(host, port, guard)
    last_error: OSError | None = None
    for family, kind, proto, _, address in addresses:
        remaining = guard.remaining()
        if remaining <= 0:
            break
        sock = socket.socket(family, kind, proto)
        sock.settimeout(remaining)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        guard.watch(sock)
        return sock
    if last_error is not None and guard.remaining() > 0:
        raise last_error
    raise DeadlineExceeded(guard.timeout_s)


def run_tcp_check(spec: CheckSpec, at: dt.datetime) -> CheckResult:
    started = time.monotonic()
    with guarding(spec.timeout_s) as guard:
        try:
            sock = open_connection(spec.host or "", int(spec.port or 0), guard)
            latency_ms = (time.monotonic() - started) * 1000.0
            with sock:
                detail = {"address": sock.getpeername()[0]}
        except Exception as exc:  # noqa: BLE001 - endpoint misbehaviour must never escape a check
            reason = timeout_reason(spec.timeout_s) if guard.fired else classify(exc, spec.timeout_s)
            return CheckResult(spec.key, spec.component_id, Status.DOWN, None, None, reason, {}, at)
    if spec.degraded_ms is not None and latency_ms > spec.degraded_ms:
        return CheckResult(spec.key, spec.component_id, Status.DEGRADED, latency_ms, None,
                           slow_reason(latency_ms, spec.degraded_ms), detail, at)
    return CheckResult(spec.key, spec.component_id, Status.OK, latency_ms, None, None, detail, at)
