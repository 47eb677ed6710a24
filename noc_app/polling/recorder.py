"""Write check results to the database in batches, off the polling threads.

Workers only enqueue; one writer thread drains the queue every
``flush_interval_s`` (or sooner when ``batch_size`` results wait) and writes
the backlog in transactions of at most ``batch_size`` results, oldest first:
raw samples, the latest state per check, and every confirmed transition.
A confirmed transition wakes the writer at once: a state change is in the
database (and on the walls) tens of milliseconds after the result that
decided it, not up to a batch interval later (the writer lingers
``linger_s``, 50 ms, so the transitions of one burst share a transaction);
the samples queued meanwhile ride along, the rest stay batched. Enqueueing wakes nobody otherwise (a wake-up per
result cost ~8 % of the poller's CPU).

If the database will not take them (unreachable, disk full) the results are
kept and retried, so an outage loses no transition. Memory is bounded by
``max_backlog``: past it the oldest raw samples are shed, never a
transition, and the number shed is counted and said. The warning names the
reason in words ("disk full: /data/noc.db ..."), once when it starts, when
it changes and every ``repeat_warning_s``; "writes resumed" says when it is
over. A full SQLite disk gets its write-ahead log truncated before the next
try (see ``write_failures``).

At stop the backlog is retried for a bounded grace; what is still unwritten
is handed back (``stop`` returns it) for the spool.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, func, insert, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from noc_app.checks.result import CheckResult
from noc_app.live.change_hints import notify_changes
from noc_app.polling import trace
from noc_app.polling.state import Outcome, Transition
from noc_app.storage import models as db
from noc_app.storage.write_failures import WalSizeGuard, describe_write_failure, relieve_full_disk

log = logging.getLogger(__name__)

Item = tuple[CheckResult, Outcome]


@dataclass(frozen=True)
class Unwritten:
    """What the database did not take before the stop's grace ran out."""

    items: list[Item]
    reason: str | None  # the last write failure, in words
    shed: int  # raw samples dropped earlier to bound memory (not in ``items``)

    @property
    def transitions(self) -> int:
        return sum(1 for _, o in self.items if o.transition is not None)


class ResultRecorder:
    def __init__(self, factory: sessionmaker[Session], flush_interval_s: float = 1.0,
                 batch_size: int = 1000, max_backlog: int = 100_000,
                 on_error: Callable[[str], None] | None = None, repeat_warning_s: float = 30.0,
                 linger_s: float = 0.05):
        self._factory = factory
        self._engine: Engine | None = factory.kw.get("bind")
        self._wal = WalSizeGuard(self._engine) if self._engine is not None else None
        self._queue: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._wake = threading.Event()  # a transition, a full batch, or stop
        self._flush_interval_s = flush_interval_s
        self._linger_s = linger_s
        self._batch_size = batch_size
        self._max_backlog = max_backlog
        self._on_error = on_error or (lambda message: log.warning("%s", message))
        self._repeat_warning_s = repeat_warning_s
        self._backlog: list[Item] = []
        self._lock = threading.Lock()  # one flush at a time (the loop, or stop after a slow join)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing: str | None = None  # reason of the current outage, while it lasts
        self._warned_at = 0.0
        self.written = 0
        self.shed = 0  # raw samples dropped to bound memory during an outage

    def submit(self, result: CheckResult, outcome: Outcome) -> None:
        self._queue.put((result, outcome))
        if outcome.transition is not None or self._queue.qsize() >= self._batch_size:
            self._wake.set()

    def start(self, first: Callable[[], object] | None = None) -> ResultRecorder:
        """Start the writer thread; it runs ``first`` (e.g. a spool replay) before any write."""
        self._thread = threading.Thread(target=self._loop, args=(first,), name="recorder", daemon=True)
        self._thread.start()
        return self

    def stop(self, grace_s: float = 10.0) -> Unwritten:
        """Stop the writer thread, then retry the backlog for up to ``grace_s``; return what is left."""
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=grace_s + 10)
        deadline = time.monotonic() + grace_s
        while not self.flush():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(self._flush_interval_s, left))
        with self._lock:
            left_over, self._backlog = self._backlog, []
        return Unwritten(left_over, self._failing, self.shed)

    @property
    def failing(self) -> str | None:
        """The reason writes fail now, or None."""
        return self._failing

    def flush(self) -> bool:
        """Write everything waiting now; False if the database refused (the rest is kept for later)."""
        with self._lock:
            while True:
                try:
                    self._backlog.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            while self._backlog:
                batch = self._backlog[: self._batch_size]
                try:
                    with trace.span("write", rows=len(batch)), self._factory() as session, session.begin():
                        write_batch(session, batch)
                        # Shared desktops wake on this (delivered at commit); no-op on SQLite.
                        notify_changes(session)
                except SQLAlchemyError as exc:
                    self._failed(exc)
                    return False
                del self._backlog[: len(batch)]
                self.written += len(batch)
                if self._wal is not None:
                    self._wal.after_write()  # the log must never be what fills a small disk
            if self._failing is not None:
                self._on_error(f"writes resumed: every check result kept during the outage is written"
                               + (f" ({self.shed} raw samples were shed)" if self.shed else ""))
                self._failing = None
            return True

    def _failed(self, exc: SQLAlchemyError) -> None:
        failure = describe_write_failure(exc, self._engine)
        if failure.disk_full and self._engine is not None:
            relieve_full_disk(self._engine)  # the WAL may be what filled it
        self._trim_backlog()
        now = time.monotonic()
        if failure.reason != self._failing or now - self._warned_at >= self._repeat_warning_s:
            shed = f"; {self.shed} raw samples shed so far (state changes are all kept)" if self.shed else ""
            self._on_error(f"could not write check results: {failure.reason}; "
                           f"{len(self._backlog)} kept in memory, retrying{shed}")
            self._warned_at = now
        self._failing = failure.reason

    def _trim_backlog(self) -> None:
        excess = len(self._backlog) - self._max_backlog
        if excess <= 0:
            return
        # Shed the oldest plain samples; keep every transition, and the order
        # (the last result of a check is its current state).
        kept, dropped = [], 0
        for item in self._backlog:
            if dropped < excess and item[1].transition is None:
                dropped += 1
                continue
            kept.append(item)
        self._backlog = kept
        self.shed += dropped

    def _loop(self, first: Callable[[], object] | None = None) -> None:
        if first is not None:
            try:
                first()
            except Exception:  # noqa: BLE001 - the writer must run whatever the hook did
                log.exception("recorder start-up hook failed")
        if self._wal is not None:
            self._wal.after_write()  # schema creation and sync may have left a big log
        next_flush = time.monotonic() + self._flush_interval_s
        while not self._stop.is_set():
            woken = self._wake.wait(max(0.0, next_flush - time.monotonic()))
            if woken and self._linger_s and not self._stop.is_set():
                # A transition rarely comes alone (a start-up round, an outage of
                # many checks): the ones decided in the next few milliseconds share
                # its transaction instead of each paying for one.
                self._stop.wait(self._linger_s)
            self._wake.clear()
            if self._stop.is_set():
                break  # stop() writes what is left, within its grace
            self.flush()
            if not woken or time.monotonic() >= next_flush:
                next_flush = time.monotonic() + self._flush_interval_s


_SAMPLES = db.CheckSample.__table__
_TRANSITIONS = db.StateTransition.__table__
_STATES = db.CheckState.__table__
# One statement for every row, in key order: a poller's lease renewal locks
# the same rows in key order too, so the two never deadlock on PostgreSQL.
# ``status_since`` moves only with a transition (NULL keeps the stored one).
_UPDATE_STATE = update(_STATES).where(_STATES.c.check_key == bindparam("k")).values(
    status=bindparam("v_status"), last_result_at=bindparam("v_last_result_at"),
    last_latency_ms=bindparam("v_last_latency_ms"), last_error=bindparam("v_last_error"),
    consecutive_failures=bindparam("v_consecutive_failures"), flapping=bindparam("v_flapping"),
    status_since=func.coalesce(bindparam("v_status_since", type_=_STATES.c.status_since.type),
                               _STATES.c.status_since),
)


def write_batch(session: Session, batch: list[Item]) -> None:
    """Samples, latest states and transitions of one batch, in the caller's transaction.

    Core executemany on the tables, not the ORM's bulk paths: the rows are
    plain dicts already, and the ORM's per-row bookkeeping was most of the
    write's cost.
    """
    connection = session.connection()
    connection.execute(insert(_SAMPLES), sample_rows(batch))
    transitions = [o.transition for _, o in batch if o.transition is not None]
    if transitions:
        connection.execute(insert(_TRANSITIONS), [transition_row(t) for t in transitions])
    latest: dict[str, Item] = {}
    since: dict[str, Transition] = {}
    for r, o in batch:
        latest[r.check_key] = (r, o)
        if o.transition is not None:
            since[r.check_key] = o.transition
    rows = []
    for key in sorted(latest):
        r, o = latest[key]
        row = {f"v_{name}": value for name, value in state_row(key, r, o, since.get(key)).items()}
        row["k"] = row.pop("v_check_key")
        row.setdefault("v_status_since", None)
        rows.append(row)
    connection.execute(_UPDATE_STATE, rows)


def sample_rows(batch: list[Item]) -> list[dict]:
    return [{"check_key": r.check_key, "at": r.at, "status": r.status.value,
             "latency_ms": r.latency_ms, "http_status": r.http_status, "error": short(r.error)}
            for r, _ in batch]


def state_row(key: str, r: CheckResult, o: Outcome, since: Transition | None) -> dict:
    row = {
        "check_key": key, "status": o.status.value, "last_result_at": r.at,
        "last_latency_ms": r.latency_ms, "last_error": short(r.error),
        "consecutive_failures": o.consecutive_failures, "flapping": o.flapping,
    }
    if since is not None:
        row["status_since"] = since.at
    return row


def transition_row(t: Transition) -> dict:
    return {"check_key": t.check_key, "component_id": t.component_id, "at": t.at,
            "from_status": t.from_status.value, "to_status": t.to_status.value,
            "reason": short(t.reason), "flapping": t.flapping}


def short(text: str | None, limit: int = 500) -> str | None:
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"
