"""Every incident-service call runs off the GUI thread; results come back as signals.

* ``Operation`` is a ``QRunnable`` around a plain function ``(service) -> result``;
  it knows nothing about dialogs, so it can be tested alone (``op.run()``).
* ``IncidentWorker`` owns a ``QThreadPool`` and hands each caller a ticket;
  ``finished``/``failed``/``queued`` carry plain dataclasses with that ticket.
* When the database is unreachable, a replayable write (see
  ``noc_app.incidents.drafts.REPLAYABLE``) is put in the on-disk ``Outbox``
  and reported as queued; a timer retries ``outbox.flush`` every few seconds.
  The ticket of a queued write is remembered, so its caller still gets the
  ordinary ``finished``/``failed`` signal once the replay has happened.
* While anything is queued, new writes queue behind it: a later edit must
  never overtake an earlier one.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from noc_app.incidents import (
    ConflictError, DatabaseUnavailableError, IncidentError, NotFoundError, Outbox, ValidationError,
)
from noc_app.incidents.drafts import REPLAYABLE

SAVED_LOCALLY = "saved locally — will send when the database is back"
RETRY_MS = 3000


@dataclass(frozen=True)
class OpDone:
    ticket: int
    name: str
    result: Any


@dataclass(frozen=True)
class OpFailed:
    ticket: int
    name: str
    kind: str  # conflict | unavailable | invalid | not_found | error
    message: str  # one line, for the dialog's error line
    error: BaseException

    @property
    def conflict(self) -> ConflictError | None:
        return self.error if isinstance(self.error, ConflictError) else None


@dataclass(frozen=True)
class OpQueued:
    ticket: int
    name: str
    seq: int
    message: str


@dataclass(frozen=True)
class FlushReport:
    sent: int
    remaining: int
    ok: bool  # everything queued went through
    message: str


def one_line(error: BaseException) -> str:
    """An error as the single line a dialog shows."""
    text = " ".join(str(error).split()) or type(error).__name__
    if not isinstance(error, IncidentError):
        text = f"{type(error).__name__}: {text}"  # unexpected: say what it was
    return text if len(text) <= 300 else text[:299] + "…"


def classify_error(error: BaseException) -> str:
    if isinstance(error, ConflictError):
        return "conflict"
    if isinstance(error, DatabaseUnavailableError):
        return "unavailable"
    if isinstance(error, ValidationError):
        return "invalid"
    if isinstance(error, NotFoundError):
        return "not_found"
    return "error"


class OperationSignals(QObject):
    done = Signal(int, object)  # ticket, result
    failed = Signal(int, object)  # ticket, exception


class Operation(QRunnable):
    """Run ``task(service)`` on a pool thread; report through ``signals``."""

    def __init__(self, task: Callable[[Any], Any], service: Any, ticket: int = 0,
                 signals: OperationSignals | None = None):
        super().__init__()
        self.task = task
        self.service = service
        self.ticket = ticket
        # Created on the caller's (GUI) thread, so emits from the pool arrive queued there.
        self.signals = signals or OperationSignals()
        # Python owns the object: Qt must not delete it behind our back.
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.task(self.service)
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the caller
            self.signals.failed.emit(self.ticket, exc)
            return
        self.signals.done.emit(self.ticket, result)


class IncidentWorker(QObject):
    finished = Signal(object)  # OpDone
    failed = Signal(object)  # OpFailed
    queued = Signal(object)  # OpQueued
    flushed = Signal(object)  # FlushReport, after a replay that sent something or failed anew

    def __init__(self, service: Any, outbox: Outbox | None = None, *, retry_ms: int = RETRY_MS,
                 max_threads: int = 3, parent: QObject | None = None):
        super().__init__(parent)
        self.service = service
        self.outbox = outbox
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._tickets = itertools.count(1)
        self._signals = OperationSignals(self)
        self._signals.done.connect(self._on_done)
        self._signals.failed.connect(self._on_failed)
        self._running: dict[int, tuple[str, Operation, tuple[str, dict] | None]] = {}
        self._queued_tickets: dict[int, tuple[int, str]] = {}  # outbox seq -> (ticket, name)
        self._flushing = False
        self._retry = QTimer(self, interval=retry_ms, timeout=self.flush_now)
        if outbox is not None and len(outbox):
            self._retry.start()  # left over from a previous run

    # -- submitting --------------------------------------------------------------
    def submit(self, name: str, task: Callable[[Any], Any], *,
               replay: tuple[str, dict] | None = None) -> int:
        """Run ``task(service)`` in the pool; ``replay`` = (operation, kwargs) to queue offline."""
        ticket = next(self._tickets)
        if replay is not None and self.outbox is not None and len(self.outbox):
            self._enqueue(ticket, name, replay)  # keep order behind what is already queued
            self.flush_now()
            return ticket
        op = Operation(task, self.service, ticket, self._signals)
        self._running[ticket] = (name, op, replay)
        self.pool.start(op)
        return ticket

    def call(self, name: str, **kwargs: Any) -> int:
        """A service method by name; the writes the outbox can replay are queued when offline."""
        replay = (name, dict(kwargs)) if name in REPLAYABLE else None
        return self.submit(name, lambda service: getattr(service, name)(**kwargs), replay=replay)

    def busy(self) -> bool:
        return bool(self._running) or self._flushing

    def pending_count(self) -> int:
        return len(self.outbox) if self.outbox is not None else 0

    # -- results -------------------------------------------------------------------
    def _on_done(self, ticket: int, result: Any) -> None:
        if ticket < 0:
            return self._flush_done(result)
        name, _op, _replay = self._running.pop(ticket, ("?", None, None))
        self.finished.emit(OpDone(ticket, name, result))

    def _on_failed(self, ticket: int, error: BaseException) -> None:
        if ticket < 0:
            self._flushing = False
            return self.flushed.emit(FlushReport(0, self.pending_count(), False, one_line(error)))
        name, _op, replay = self._running.pop(ticket, ("?", None, None))
        if (isinstance(error, DatabaseUnavailableError) and replay is not None
                and self.outbox is not None):
            self._enqueue(ticket, name, replay)
            return
        self.failed.emit(OpFailed(ticket, name, classify_error(error), one_line(error), error))

    def _enqueue(self, ticket: int, name: str, replay: tuple[str, dict]) -> None:
        op = self.outbox.enqueue(*replay)
        self._queued_tickets[op.seq] = (ticket, name)
        self._retry.start()
        self.queued.emit(OpQueued(ticket, name, op.seq, SAVED_LOCALLY))

    # -- the outbox ------------------------------------------------------------------
    def flush_now(self) -> None:
        """Replay the outbox in the pool (one flush at a time)."""
        if self.outbox is None or self._flushing:
            return
        if not len(self.outbox):
            self._retry.stop()
            return
        self._flushing = True
        outbox = self.outbox
        # Ticket -1 marks the flush; it goes through the same relay as any operation.
        op = Operation(lambda service: outbox.flush(service), self.service, -1, self._signals)
        self._running_flush = op  # keep it alive until it reports
        self.pool.start(op)

    def _flush_done(self, result) -> None:
        self._flushing = False
        for op, value in zip(result.done, result.results):
            ticket, name = self._queued_tickets.pop(op.seq, (0, op.name))
            self.finished.emit(OpDone(ticket, name, value))
        failed, error = result.failed, result.error
        if failed is not None and not isinstance(error, DatabaseUnavailableError):
            # A replay the database refuses (a conflict, a vanished incident) would block
            # the queue forever: take it out and give it back to whoever asked for it.
            # Its values stay in that dialog (and its draft), so nothing is lost.
            (self.outbox.directory / f"op-{failed.seq:09d}.json").unlink(missing_ok=True)
            ticket, name = self._queued_tickets.pop(failed.seq, (0, failed.name))
            self.failed.emit(OpFailed(ticket, name, classify_error(error), one_line(error), error))
            remaining = len(self.outbox)
            QTimer.singleShot(0, self.flush_now)  # the rest can go now
        else:
            remaining = result.remaining
        if remaining == 0:
            self._retry.stop()
        if result.done or failed is not None and not isinstance(error, DatabaseUnavailableError):
            sent = len(result.done)
            message = (f"database is back — {sent} saved change{'s' if sent != 1 else ''} sent"
                       if remaining == 0 else f"{sent} sent, {remaining} still waiting")
            self.flushed.emit(FlushReport(sent, remaining, remaining == 0, message))


_SHARED: "weakref.WeakKeyDictionary[Any, IncidentWorker]" = weakref.WeakKeyDictionary()


def worker_for(source: Any) -> IncidentWorker:
    """An ``IncidentWorker``, a service (one shared worker per service) or a service factory.

    The shared worker's outbox lives under the per-user data dir: one outbox,
    one flusher, whatever number of dialogs are open.
    """
    if isinstance(source, IncidentWorker):
        return source
    service = source if hasattr(source, "get") and hasattr(source, "record") else source()
    worker = _SHARED.get(service)
    if worker is None:
        from noc_app.paths import data_dir
        worker = IncidentWorker(service, Outbox(data_dir() / "outbox"))
        _SHARED[service] = worker
    return worker
