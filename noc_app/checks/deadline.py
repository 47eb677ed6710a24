"""A hard total deadline per check, enforced by shutting sockets down.

Socket timeouts bound each *read*, not the whole exchange: a server that
dribbles one byte a second resets the read timeout forever, in the headers
as well as in the body. So each check runs inside a ``DeadlineGuard``; the
sockets it uses are registered with it, and one shared watchdog thread shuts
them down when the deadline passes. The blocked read then returns at once
and the check reports ``timeout after N s``.

The guard keeps a *duplicate* descriptor of each socket: ssl wraps (and
detaches) the original socket object during the handshake, and the pool may
close it, but ``shutdown`` on the duplicate still acts on the connection.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator


class DeadlineGuard:
    """The deadline of one check and the sockets that must not outlive it."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.deadline = time.monotonic() + timeout_s
        # The watchdog cut connections of this check. Only then is "timeout" the
        # whole story: a check with nothing to cut (one stuck in DNS) keeps its own reason.
        self.fired = False
        self._deadline_passed = False  # the watchdog has reached this guard
        self._lock = threading.Lock()
        self._duplicates: list[socket.socket] = []  # made for this check: closed when it ends
        self._lent: list[socket.socket] = []  # a kept-alive connection's: its owner closes them
        self._finished = False

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        return self._deadline_passed or time.monotonic() >= self.deadline

    def watch(self, sock: socket.socket) -> None:
        """Cut ``sock`` if the check is still running at its deadline."""
        duplicate = duplicate_of(sock)
        if duplicate is not None and not self._register(duplicate):
            duplicate.close()

    def watch_duplicate(self, duplicate: socket.socket) -> None:
        """Cut the connection ``duplicate`` was made from at the deadline; the caller keeps it open.

        For a kept-alive connection: its duplicate is made once and lives as
        long as the connection, instead of a ``dup`` and a ``close`` per run
        (the close gives the GIL away: one more hand-off per check).
        """
        self._register(duplicate, owned=False)

    def adopt(self, duplicate: socket.socket) -> bool:
        """Keep watching ``duplicate`` although its owner let go of it, and close it at the end.

        A connection closed mid-check (``Connection: close`` hands the socket
        over to the response) may still be read from. False: the check is
        over, the caller closes it.
        """
        with self._lock:
            if self._finished:
                return False
            if duplicate in self._lent:
                self._lent.remove(duplicate)
        if not self._register(duplicate):
            duplicate.close()
        return True

    def _register(self, duplicate: socket.socket, owned: bool = True) -> bool:
        """Watch ``duplicate``; False when the check is over already (nothing kept)."""
        with self._lock:
            if not (self._finished or self._deadline_passed):
                (self._duplicates if owned else self._lent).append(duplicate)
                return True
            # Registered after the deadline already passed: cut it right away.
            cut_now = not self._finished
            self.fired = self.fired or cut_now
        if cut_now:
            _shutdown_quietly(duplicate)
        return False

    def expire(self) -> None:
        """Called by the watchdog at the deadline."""
        with self._lock:
            if self._finished:
                return
            self._deadline_passed = True
            self.fired = bool(self._duplicates or self._lent)
            for duplicate in self._duplicates + self._lent:
                _shutdown_quietly(duplicate)

    def finish(self) -> None:
        with self._lock:
            self._finished = True
            duplicates, self._duplicates, self._lent = self._duplicates, [], []
        for duplicate in duplicates:
            duplicate.close()


def duplicate_of(sock: socket.socket) -> socket.socket | None:
    """A second descriptor on ``sock``'s connection (None: it is closed already)."""
    try:
        fd = sock.fileno()
        if fd < 0:
            return None
        return socket.socket(sock.family, sock.type, sock.proto, fileno=os.dup(fd))
    except OSError:
        return None


def _shutdown_quietly(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # peer already gone


COALESCE_S = 0.05  # a deadline is enforced at most this late


class _Watchdog:
    """One daemon thread for all guards: a heap of deadlines, woken on change."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, DeadlineGuard]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, guard: DeadlineGuard) -> None:
        with self._cond:
            heapq.heappush(self._heap, (guard.deadline, next(self._order), guard))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="check-deadline-watchdog", daemon=True
                )
                self._thread.start()
            # Wake the watchdog only if it now has an earlier deadline to wait for; with
            # equal timeouts that is rare, and a wake-up per check cost ~13% of poll CPU.
            if self._heap[0][2] is guard:
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                deadline, _, guard = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    # Most guards are finished long before their deadline; waking
                    # for each (hundreds a second in a big poller) cost more than
                    # the checks' own bookkeeping. Wake at most every
                    # COALESCE_S and expire every guard that is due by then.
                    self._cond.wait(delay + COALESCE_S)
                    continue
                now = time.monotonic()
                due = []
                while self._heap and self._heap[0][0] <= now:
                    due.append(heapq.heappop(self._heap)[2])
            # Outside the lock: shutdown() is a syscall and must not delay arm().
            for guard in due:
                guard.expire()


_WATCHDOG = _Watchdog()
_current = threading.local()


def _reset_after_fork() -> None:
    # A forked child (the first round's helper) has no watchdog thread, and
    # the parent's may have held its lock at the fork: a fresh one.
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


@contextlib.contextmanager
def guarding(timeout_s: float) -> Iterator[DeadlineGuard]:
    """Run the body under a total deadline of ``timeout_s`` seconds.

    Sockets registered with ``current_guard()`` while the block runs (our
    connection classes do it, ``session.py``) are cut at the deadline.
    """
    guard = DeadlineGuard(timeout_s)
    previous = getattr(_current, "guard", None)
    _current.guard = guard
    _WATCHDOG.arm(guard)
    try:
        yield guard
    finally:
        _current.guard = previous
        guard.finish()


def current_guard() -> DeadlineGuard | None:
    """The guard of the check running on this thread, if any."""
    return getattr(_current, "guard", None)
