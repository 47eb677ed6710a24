"""Name resolution bounded by a check's deadline.

``socket.getaddrinfo`` has no timeout and no socket the deadline watchdog
could cut: a DNS server that never answers holds the caller for the system
resolver's own timeout (5 s x attempts x nameservers), far past the check's
``timeout_s``. So hostnames are resolved on a few daemon threads while the
check waits only for what is left of its deadline, then gives up with
``DnsTimeout``. The hung lookup finishes (or not) on its own thread.

Daemon threads, not ``concurrent.futures``: its worker threads are joined at
interpreter exit, so one hung lookup would hold the process open.

Concurrent lookups of the same (host, port) share one query, so 200 checks on
one hostname cost one query (and one thread) while DNS is down. Nothing is
kept once the query ends: caching and TTLs belong to the OS resolver.
"""

from __future__ import annotations

import copy
import os
import queue
import socket
import threading
from typing import Any

from noc_app.checks.deadline import DeadlineGuard
from noc_app.checks.errors import DnsTimeout

# Hung lookups each hold a thread until the system resolver gives up; more
# lookups than this wait in the queue and time out at their own deadlines.
POOL_SIZE = 8

AddrInfo = tuple[Any, ...]  # one ``socket.getaddrinfo`` entry

# The resolver function the threads call; tests wrap it to count or hold queries.
_getaddrinfo = socket.getaddrinfo


class _Query:
    """One in-flight ``getaddrinfo`` and the checks waiting for it."""

    def __init__(self, host: str, port: int) -> None:
        self.key = (host, port)
        self.waiters = 0  # guarded by _lock
        self.done = threading.Event()
        self.addresses: list[AddrInfo] = []
        self.error: BaseException | None = None


_lock = threading.Lock()
_in_flight: dict[tuple[str, int], _Query] = {}
_pending: queue.SimpleQueue[_Query] = queue.SimpleQueue()
_threads: list[threading.Thread] = []


def lookup(host: str, port: int, guard: DeadlineGuard) -> list[AddrInfo]:
    """``getaddrinfo(host, port, type=SOCK_STREAM)`` within the guard's deadline.

    Raises ``DnsTimeout`` when the deadline passes first; a ``gaierror``
    (no such name) is raised as ``getaddrinfo`` raised it.
    """
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        # IP literals need no resolver (and no thread hop): AI_NUMERICHOST
        # never touches the network and fails at once for a name.
        return socket.getaddrinfo(literal, port, type=socket.SOCK_STREAM,
                                  flags=socket.AI_NUMERICHOST)
    except socket.gaierror:
        pass
    query = _join(host, port)
    if not query.done.wait(guard.remaining()):
        with _lock:
            query.waiters -= 1
        raise DnsTimeout(guard.timeout_s)
    if query.error is not None:
        # A copy per waiter: raising one shared instance from several threads
        # would splice their tracebacks together.
        raise copy.copy(query.error)
    return list(query.addresses)


def _join(host: str, port: int) -> _Query:
    """The in-flight query for (host, port), queued now if there is none."""
    with _lock:
        query = _in_flight.get((host, port))
        if query is None:
            query = _in_flight[(host, port)] = _Query(host, port)
            _pending.put(query)
            if len(_threads) < POOL_SIZE:
                thread = threading.Thread(target=_serve, name="check-dns-resolver", daemon=True)
                _threads.append(thread)
                thread.start()
        query.waiters += 1
        return query


def _serve() -> None:
    while True:
        query = _pending.get()
        with _lock:
            # Every check waiting for it has timed out while it sat in the
            # queue: don't spend a thread on an answer nobody will read.
            abandoned = query.waiters == 0
            if abandoned:
                del _in_flight[query.key]
        if not abandoned:
            try:
                query.addresses = _getaddrinfo(*query.key, type=socket.SOCK_STREAM)
            except Exception as exc:  # noqa: BLE001 - handed to the waiting checks
                query.error = exc
            with _lock:
                del _in_flight[query.key]  # the next lookup asks afresh
        query.done.set()


def _reset_after_fork() -> None:
    # A forked child has none of the threads (and maybe a lock held by one).
    global _lock, _pending
    _lock = threading.Lock()
    _pending = queue.SimpleQueue()
    _in_flight.clear()
    _threads.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
