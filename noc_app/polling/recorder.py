"""Write check results to the database in batches, off the polling threads.

Workers only enqueue; one writer thread drains the queue every
``flush_interval_s`` (or sooner when ``batch_size`` results wait) and writes
the batch in one transaction: raw samples, the latest state per check, and
every confirmed transition. If the database is unreachable the batch is kept
and retried, so a short outage loses no transition (samples are bounded by
``max_backlog``: the oldest raw samples are dropped first, never transitions).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from sqlalchemy import insert, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from noc_app.checks.result import CheckResult
from noc_app.live.change_hints import notify_changes
from noc_app.polling.state import Outcome, Transition
from noc_app.storage import models as db
from noc_app.storage.failures import describe_failure

log = logging.getLogger(__name__)


class ResultRecorder:
    def __init__(self, factory: sessionmaker[Session], flush_interval_s: float = 1.0,
                 batch_size: int = 1000, max_backlog: int = 100_000,
                 on_error: Callable[[str], None] | None = None):
        self._factory = factory
        self._queue: queue.Queue[tuple[CheckResult, Outcome]] = queue.Queue()
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

    def start(self) -> ResultRecorder:
        self._thread = threading.Thread(target=self._loop, name="recorder", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
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
            self._on_error(f"could not write {len(batch)} check results: {describe_failure(exc)}; will retry")
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
            timeout = max(0.0, next_flush - time.monotonic())
            try:
                self._backlog.append(self._queue.get(timeout=timeout))
            except queue.Empty:
                pass
            if self._queue.qsize() + len(self._backlog) >= self._batch_size or time.monotonic() >= next_flush:
                self.flush()
                next_flush = time.monotonic() + self._flush_interval_s


def write_batch(session: Session, batch: list[tuple[CheckResult, Outcome]]) -> None:
    """Samples, latest states and transitions of one batch, in the caller's transaction."""
    session.execute(insert(db.CheckSample), [
        {"check_key": r.check_key, "at": r.at, "status": r.status.value,
         "latency_ms": r.latency_ms, "http_status": r.http_status, "error": _short(r.error)}
        for r, _ in batch
    ])
    transitions = [o.transition for _, o in batch if o.transition is not None]
    if transitions:
        session.execute(insert(db.StateTransition), [_transition_row(t) for t in transitions])
    latest: dict[str, tuple[CheckResult, Outcome]] = {}
    since: dict[str, Transition] = {}
    for r, o in batch:
        latest[r.check_key] = (r, o)
        if o.transition is not None:
            since[r.check_key] = o.transition
    rows = []
    for key, (r, o) in latest.items():
        row = {
            "check_key": key, "status": o.status.value, "last_result_at": r.at,
            "last_latency_ms": r.latency_ms, "last_error": _short(r.error),
            "consecutive_failures": o.consecutive_failures, "flapping": o.flapping,
        }
        if key in since:
            row["status_since"] = since[key].at
        rows.append(row)
    # ORM bulk UPDATE by primary key: one executemany per distinct key set.
    session.execute(update(db.CheckState), rows)


def _transition_row(t: Transition) -> dict:
    return {"check_key": t.check_key, "component_id": t.component_id, "at": t.at,
            "from_status": t.from_status.value, "to_status": t.to_status.value,
            "reason": _short(t.reason), "flapping": t.flapping}


def _short(text: str | None, limit: int = 500) -> str | None:
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"
