"""Write check results to the database in batches, off the polling threads.

Workers only enqueue; one writer thread drains the queue every
``flush_interval_s`` (or sooner when ``batch_size`` results wait) and writes
the batch in one transaction: raw samples, the latest state per check, and
every confirmed transition. A confirmed transition wakes the writer at once:
a state change is in the database (and on the walls) milliseconds after the
result that decided it, not up to a batch interval later; the samples
queued meanwhile ride along, the rest stay batched. Enqueueing wakes nobody
otherwise (a wake-up per result cost ~8 % of the poller's CPU). If the database is unreachable the batch is kept
and retried, so a short outage loses no transition (samples are bounded by
``max_backlog``: the oldest raw samples are dropped first, never transitions).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from noc_app.checks.result import CheckResult
from noc_app.live.change_hints import notify_changes
from noc_app.polling.state import Outcome, Transition
from noc_app.storage import models as db

log = logging.getLogger(__name__)


class ResultRecorder:
    def __init__(self, factory: sessionmaker[Session], flush_interval_s: float = 1.0,
                 batch_size: int = 1000, max_backlog: int = 100_000,
                 on_error: Callable[[str], None] | None = None):
        self._factory = factory
        self._queue: queue.SimpleQueue[tuple[CheckResult, Outcome]] = queue.SimpleQueue()
        self._wake = threading.Event()  # a transition, a full batch, or stop
        self._flush_interval_s = flush_interval_s
        self._batch_size = batch_size
        self._max_backlog = max_backlog
        self._on_error = on_error or (lambda message: log.warning("%s", message))
        self._backlog: list[tuple[CheckResult, Outcome]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.written = 0

    def submit(self, result: CheckResult, outcome: Outcome) -> None:
        self._queue.put((result, outcome))
        if outcome.transition is not None or self._queue.qsize() >= self._batch_size:
            self._wake.set()

    def start(self) -> ResultRecorder:
        self._thread = threading.Thread(target=self._loop, name="recorder", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        self.flush()

    def flush(self) -> bool:
        """Write everything waiting now; False if the database refused (kept for later)."""
        while True:
            try:
                self._backlog.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if not self._backlog:
            return True
        batch = self._backlog
        try:
            with self._factory() as session, session.begin():
                write_batch(session, batch)
                # Shared desktops wake on this (delivered at commit); no-op on SQLite.
                notify_changes(session)
        except SQLAlchemyError as exc:
            self._trim_backlog()
            self._on_error(f"could not write {len(batch)} check results: {type(exc).__name__}; will retry")
            return False
        self.written += len(batch)
        self._backlog = []
        return True

    def _trim_backlog(self) -> None:
        excess = len(self._backlog) - self._max_backlog
        if excess > 0:
            # Drop the oldest plain samples; keep every transition.
            kept = [item for item in self._backlog if item[1].transition is not None]
            plain = [item for item in self._backlog if item[1].transition is None]
            self._backlog = kept + plain[excess:]

    def _loop(self) -> None:
        next_flush = time.monotonic() + self._flush_interval_s
        while not self._stop.is_set():
            woken = self._wake.wait(max(0.0, next_flush - time.monotonic()))
            self._wake.clear()
            if self._stop.is_set():
                break
            self.flush()
            if not woken or time.monotonic() >= next_flush:
                next_flush = time.monotonic() + self._flush_interval_s


_SAMPLES = db.CheckSample.__table__
_TRANSITIONS = db.StateTransition.__table__
_STATES = db.CheckState.__table__
# One statement per column set, compiled once and cached by SQLAlchemy; the
# SET clause comes from the rows' keys.
_UPDATE_STATE = update(_STATES).where(_STATES.c.check_key == bindparam("k"))


def write_batch(session: Session, batch: list[tuple[CheckResult, Outcome]]) -> None:
    """Samples, latest states and transitions of one batch, in the caller's transaction.

    Core executemany on the tables, not the ORM's bulk paths: the rows are
    plain dicts already, and the ORM's per-row bookkeeping (identity, column
    mapping per row) was most of the write's cost.
    """
    connection = session.connection()
    connection.execute(insert(_SAMPLES), [
        {"check_key": r.check_key, "at": r.at, "status": r.status.value,
         "latency_ms": r.latency_ms, "http_status": r.http_status, "error": _short(r.error)}
        for r, _ in batch
    ])
    transitions = [o.transition for _, o in batch if o.transition is not None]
    if transitions:
        connection.execute(insert(_TRANSITIONS), [_transition_row(t) for t in transitions])
    latest: dict[str, tuple[CheckResult, Outcome]] = {}
    since: dict[str, Transition] = {}
    for r, o in batch:
        latest[r.check_key] = (r, o)
        if o.transition is not None:
            since[r.check_key] = o.transition
    plain, changed = [], []
    for key, (r, o) in latest.items():
        row = {
            "k": key, "status": o.status.value, "last_result_at": r.at,
            "last_latency_ms": r.latency_ms, "last_error": _short(r.error),
            "consecutive_failures": o.consecutive_failures, "flapping": o.flapping,
        }
        if key in since:
            row["status_since"] = since[key].at
            changed.append(row)
        else:
            plain.append(row)
    for rows in (plain, changed):  # one executemany per column set
        if rows:
            connection.execute(_UPDATE_STATE, rows)


def _transition_row(t: Transition) -> dict:
    return {"check_key": t.check_key, "component_id": t.component_id, "at": t.at,
            "from_status": t.from_status.value, "to_status": t.to_status.value,
            "reason": _short(t.reason), "flapping": t.flapping}


def _short(text: str | None, limit: int = 500) -> str | None:
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"
