"""The first round on a second core: a forked helper process works through it with the poller.

At start every check is due at once, and the round is CPU-bound in one
process (the GIL): 2,000 checks took 1.3-2.4 s on one core of a 2-core
machine while the other core sat nearly idle. So a headless poller forks a
helper before it starts any thread of its own, and hands it every check it
holds once it knows them (``share``); a poller alone on its database starts
the helper at once (``start_now``), while it still prepares the database,
since it will hold every check.

The two work through the round from opposite ends. The helper runs the
checks in sorted order, with a pool of its own, and streams the results
back in small batches; the poller's scheduler queues them behind its other
first runs in reverse order (``Scheduler.set_active(..., last=...)``). A
check is *claimed* by whichever of the two starts it first (one byte per
check in memory both share, under a lock both share), so no check is run
twice, and neither waits for the other: a poller worker reaching a check
takes the helper's result if it is there, waits for it if the helper is at
it, and else runs it itself. However long the poller's start-up takes (a
new database, a slow one, a busy machine), the round is split where the
two meet. Everything after a result is as for any result, in the poller:
the state machine, the database write, the next slot. Then the helper exits.

Forked, not spawned: the helper needs no imports and no copy of the
topology (the checks are in its memory already), so it is ready within
milliseconds. It never touches the poller's database connections: it runs
with the collector off and leaves with ``os._exit``, so nothing is closed
(or a PostgreSQL session ended) behind the poller's back.

A helper can never lose or hold back a check for long: if it dies, or a
result is not back within the check's timeout plus ``GRACE_S`` of a worker
asking for it, the worker runs the check itself. Nor can it hand over an
old result: one measured more than an interval before a worker asks (a
check whose lease went and came back later) is dropped and the check run.
"""

from __future__ import annotations

import datetime as dt
import gc
import mmap
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection

from noc_app.checks.result import CheckResult
from noc_app.polling import trace
from noc_app.topology.model import CheckSpec

RunCheck = Callable[[CheckSpec], CheckResult]
GRACE_S = 2.0  # past a check's own timeout: the helper's queue and the pipe
MIN_CHECKS = 500  # below this the round is a fraction of a second: not worth a process
BATCH = 16  # results per message back (fewer wake-ups of the poller's reader)
# Who started a check of the round (one byte each, shared by both processes).
_FREE, _HELPER, _POLLER = 0, 1, 2


class _Claims:
    """Which of the two processes runs each check of the round: whoever claims it first.

    Made before the fork: an anonymous shared mapping and a process-shared lock.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self._index = {key: i for i, key in enumerate(keys)}
        self._owner = mmap.mmap(-1, max(1, len(keys)))
        # A fork-context lock: unlinked at once, shared by inheritance (no resource tracker process).
        self._lock = multiprocessing.get_context("fork").Lock()

    def helper_has(self, key: str) -> bool:
        return self._owner[self._index[key]] == _HELPER

    def take(self, key: str, who: int) -> bool:
        """Claim ``key`` for ``who``; False when the other one has it already."""
        i = self._index[key]
        with self._lock:
            if self._owner[i] != _FREE:
                return False
            self._owner[i] = who
            return True


def wanted(checks: int, minimum: int = MIN_CHECKS) -> bool:
    """Would a helper pay here? Enough checks, a second core, and fork."""
    return checks >= minimum and (os.cpu_count() or 1) >= 2 and hasattr(os, "fork")


class RoundHelper:
    """The poller's side: ``share(keys)`` once, then ``run(spec, local)`` on the worker threads."""

    def __init__(self, pid: int, to_helper: Connection, from_helper: Connection, claims: _Claims) -> None:
        self.pid = pid
        self._claims = claims
        self._to_helper = to_helper
        self._from_helper = from_helper
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._shared: set[str] = set()  # handed to the helper, result not taken yet
        self._results: dict[str, CheckResult] = {}
        self._alive = True  # the helper may still send results
        self.delivered = 0  # results taken from the helper (tests, traces)
        self.taken_back = 0  # checks of its share the poller reached first and ran itself
        self._reader: threading.Thread | None = None

    @classmethod
    def fork(cls, checks: Sequence[CheckSpec], workers: int) -> RoundHelper | None:
        """Fork the helper (call before this process starts threads); None where fork fails."""
        claims = _Claims([c.key for c in checks])
        to_read, to_write = os.pipe()
        from_read, from_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (to_read, to_write, from_read, from_write):
                os.close(fd)
            return None
        if pid == 0:  # the helper
            status = 0
            try:
                os.close(to_write)
                os.close(from_read)
                _serve(Connection(to_read, writable=False), Connection(from_write, readable=False),
                       {c.key: c for c in checks}, workers, claims)
            except BaseException:  # noqa: BLE001 - never unwind into the poller's code
                status = 1
            finally:
                os._exit(status)
        os.close(to_read)
        os.close(from_write)
        return cls(pid, Connection(to_write, readable=False), Connection(from_read, writable=False), claims)

    def start_now(self, keys: Collection[str]) -> set[str]:
        """Start the helper on ``keys`` at once, before the poller holds any lease.

        For a poller alone on its database (no other poller alive, or no
        schema yet): it will hold every check, so the helper's round runs
        while the poller prepares the database, syncs and takes its leases.
        """
        return self._hand(keys)

    def share(self, keys: Collection[str]) -> set[str]:
        """Hand the helper the checks the poller holds (``keys``); returns what it has of them.

        Started early: what it has of ``keys`` (its results for the rest go
        unused). Once: a later lease change hands nothing more.
        """
        with self._lock:
            if self._reader is not None:
                self._shared &= set(keys)
                return set(self._shared)
        return self._hand(keys)

    def _hand(self, keys: Collection[str]) -> set[str]:
        with self._lock:
            if self._reader is not None or not self._alive:
                return set()
            share = sorted(keys)  # the order it runs them in; the poller comes from the other end
            self._shared = set(share)
            self._reader = threading.Thread(target=self._read, name="round-helper", daemon=True)
        try:
            self._to_helper.send(share)
            self._to_helper.close()  # all it gets: the helper ends when its share is done
        except OSError:
            with self._lock:
                self._shared.clear()
                self._alive = False
            return set()
        self._reader.start()
        return set(share)

    def run(self, spec: CheckSpec, local: RunCheck) -> CheckResult:
        """``spec``'s result: the helper's, if the check is in its share and not taken yet; else run here."""
        key = spec.key
        result = None
        if self._shared:  # after the round: no lock, straight to the check
            with self._lock:
                if key in self._shared and key not in self._results and self._claims.take(key, _POLLER):
                    # Not started by the helper: this worker runs it (the helper will skip it).
                    self._shared.discard(key)
                    self.taken_back += 1
                elif key in self._shared:
                    self._arrived.wait_for(lambda: key in self._results or not self._alive,
                                           timeout=spec.timeout_s + GRACE_S)
                    # Taken once: its later runs are the poller's. Only now: while it
                    # waits, the key's result must survive the reader's tidying at the end.
                    self._shared.discard(key)
                    result = self._results.pop(key, None)
                    if result is not None and _older_than_interval(result, spec):
                        result = None
                    if result is not None:
                        self.delivered += 1
        return local(spec) if result is None else result

    def finish(self) -> None:
        """Stop the helper if it is still at work (the poller is stopping); waiting workers run their own."""
        with self._lock:
            alive = self._alive and self._reader is not None
        if alive:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        elif self._reader is None:
            self._close()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the helper to exit (and reap it); True when it has."""
        reader = self._reader
        if reader is None or reader.ident is None:  # nothing reads its results: reap it here
            self._close()
            return True
        reader.join(timeout)
        return not reader.is_alive()

    def _read(self) -> None:
        received = 0
        try:
            while True:
                try:
                    batch = self._from_helper.recv()
                except (EOFError, OSError):
                    break
                received += len(batch)
                with self._lock:
                    self._results.update(batch)
                    self._arrived.notify_all()
        finally:
            trace.mark("round_helper_done", received=received)
            with self._lock:
                self._alive = False
                self._arrived.notify_all()  # whoever still waits runs the check here, at once
                # Results of checks the poller does not hold (an early start) are never asked for.
                self._results = {key: r for key, r in self._results.items() if key in self._shared}
            self._close()

    def _close(self) -> None:
        with self._lock:
            self._alive = False
        for connection in (self._to_helper, self._from_helper):
            if not connection.closed:
                connection.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _older_than_interval(result: CheckResult, spec: CheckSpec) -> bool:
    return dt.datetime.now(dt.timezone.utc) - result.at > dt.timedelta(seconds=spec.interval_s)


def _serve(inbox: Connection, outbox: Connection, specs: dict[str, CheckSpec], workers: int,
           claims: _Claims) -> None:
    """The helper's whole life: run the share it is sent, send the results back, exit."""
    gc.disable()  # short-lived, and no finalizer may run on the poller's objects
    # Ctrl-C reaches the whole process group: the poller stops, and so does
    # the helper, quietly. SIGTERM just ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from noc_app.checks import run_check
    from noc_app.checks.session import thread_local_session

    try:
        share: list[str] = inbox.recv()
    except (EOFError, OSError):
        return  # the poller stopped before it knew what it holds
    inbox.close()
    done: queue.SimpleQueue[tuple[str, CheckResult | None]] = queue.SimpleQueue()

    def one(key: str) -> None:
        try:
            if not claims.take(key, _HELPER):
                done.put((key, None))  # the poller got there first and runs it
                return
            done.put((key, run_check(specs[key], thread_local_session(workers))))
        except BaseException:  # noqa: BLE001 - counted all the same; the poller runs it itself
            done.put((key, None))

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="helper") as pool:
        for key in share:
            pool.submit(one, key)
        left = len(share)
        while left:
            batch = dict([done.get()])
            while len(batch) < BATCH and left - len(batch) > 0:
                try:
                    key, result = done.get_nowait()
                except queue.Empty:
                    break
                batch[key] = result
            left -= len(batch)
            try:
                outbox.send({key: result for key, result in batch.items() if result is not None})
            except OSError:
                return  # the poller is gone
