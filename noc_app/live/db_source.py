"""The database as a live source for desktops in shared mode (Qt-free).

In shared mode desktops never poll endpoints: pollers write to the database
and every workstation or wall reads it. This module answers two questions:

* *What does the database say now?* ``DatabaseSnapshotReader.read()`` returns
  a ``Snapshot``: each component's own status, the latest confirmed state of
  the checks that changed since the previous read (all of them on a full
  read), the transitions recorded since the previous read (for alerts) and
  the alert acknowledgements made since (all recent ones on a full read).
* *Has anything changed?* A ``ChangeWatcher`` blocks until a hint arrives:
  LISTEN/NOTIFY on PostgreSQL (``PgChangeWatcher``), ``PRAGMA data_version``
  on SQLite (``SqliteChangeWatcher``). Hints only say "maybe": the reader
  always reads the truth, so a lost or duplicate hint costs nothing but time,
  and a periodic full resync covers anything a hint could miss.

``run_feed`` is the loop a worker thread runs (``widgets/db_feed.py``); it is
plain Python so tests drive it without Qt.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from noc_app.domain import Status
from noc_app.live.acks import AckTracker, AckView
from noc_app.live.board import CheckView
from noc_app.live.change_hints import CHANNEL
from noc_app.live.seen_ids import SeenIds
from noc_app.storage import models as db
from noc_app.storage.readers import component_statuses

log = logging.getLogger(__name__)



# --------------------------------------------------------------------------
# What a read returns
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class TransitionRecord:
    """One ``state_transitions`` row: a confirmed change of a check (alerts)."""

    id: int
    check_key: str
    component_id: str
    at: dt.datetime
    from_status: Status
    to_status: Status
    reason: str | None
    flapping: bool

    def as_check_view(self) -> CheckView:
        """The shape ``BoardStore.checkTransition`` carries in embedded mode."""
        return CheckView(check_key=self.check_key, component_id=self.component_id,
                         status=self.to_status, raw_status=self.to_status, since=self.at,
                         latency_ms=None, error=self.reason, flapping=self.flapping,
                         at=self.at, changed=True)


@dataclass(frozen=True)
class Snapshot:
    at: dt.datetime | None  # newest check result in the database: the data's age, not the read's
    read_at: dt.datetime
    full: bool  # True: ``checks`` holds every check (first read, resync, reconnect)
    component_statuses: Mapping[str, Status]  # every live component with checks
    checks: tuple[CheckView, ...]  # changed since the previous read (all when ``full``)
    transitions: tuple[TransitionRecord, ...]  # new since the previous read, oldest first
    acks: tuple[AckView, ...] = ()  # alert acks new since the previous read (all recent when ``full``)


class DatabaseSnapshotReader:
    """Reads snapshots; remembers what it delivered so the next read is a diff.

    Transition ids come from a sequence at INSERT time, not at COMMIT: with
    several pollers, id 41 may become visible after id 42. So each read looks
    back ``tail`` ids below the newest delivered and skips ids already seen,
    instead of trusting "id > last".
    """

    def __init__(self, factory: sessionmaker[Session], initial_transitions: int = 0,
                 tail: int = 64):
        self._factory = factory
        self._initial_transitions = initial_transitions
        self._tail = tail
        self._checks: dict[str, CheckView] = {}
        self._seen = SeenIds(tail)
        self._acks = AckTracker(tail)

    @property
    def last_transition_id(self) -> int | None:
        return self._seen.last

    def read(self, full: bool = False) -> Snapshot:
        """One consistent read. Raises SQLAlchemy errors when the database is away."""
        read_at = dt.datetime.now(dt.timezone.utc)
        with self._factory() as session, session.begin():
            # One transaction: on PostgreSQL REPEATABLE READ makes statuses,
            # checks and transitions describe the same moment.
            if session.get_bind().dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            statuses = component_statuses(session, read_at)
            views = self._read_checks(session)
            transitions = self._read_transitions(session)
            full = full or not self._checks
            acks = self._acks.read(session, full, read_at)
        changed = tuple(v for k, v in views.items() if full or self._checks.get(k) != v)
        self._checks = views
        newest = max((v.at for v in views.values()), default=None)
        return Snapshot(at=newest, read_at=read_at, full=full, component_statuses=statuses,
                        checks=changed, transitions=transitions, acks=acks)

    def transitions_since(self, session: Session, last_id: int, limit: int = 1000
                          ) -> list[TransitionRecord]:
        """``state_transitions`` rows with ``id > last_id``, oldest first."""
        rows = session.execute(
            _TRANSITION_COLUMNS.where(db.StateTransition.id > last_id)
            .order_by(db.StateTransition.id).limit(limit)
        ).all()
        return [_transition(r) for r in rows]

    # --- internals ---------------------------------------------------------
    def _read_checks(self, session: Session) -> dict[str, CheckView]:
        rows = session.execute(
            select(db.CheckState.check_key, db.Check.component_id, db.CheckState.status,
                   db.CheckState.status_since, db.CheckState.last_latency_ms,
                   db.CheckState.last_error, db.CheckState.flapping, db.CheckState.last_result_at)
            .join(db.Check, db.Check.key == db.CheckState.check_key)
            .where(db.Check.retired_at.is_(None), db.CheckState.last_result_at.is_not(None))
        ).all()
        views = {}
        for key, component_id, status, since, latency, error, flapping, at in rows:
            state = Status(status)
            views[key] = CheckView(check_key=key, component_id=component_id, status=state,
                                   raw_status=state, since=since, latency_ms=latency, error=error,
                                   flapping=bool(flapping), at=at, changed=False)
        return views

    def _read_transitions(self, session: Session) -> tuple[TransitionRecord, ...]:
        if self._seen.last is None:
            # First read: start at the newest row (history is not "new"),
            # optionally handing over the last few for an alerts list.
            newest = session.scalar(select(func.max(db.StateTransition.id))) or 0
            self._seen.advance(newest)
            back = max(self._tail, self._initial_transitions)
            recent = self.transitions_since(session, max(0, newest - back))
            records = [r for r in recent if r.id > newest - self._initial_transitions]
            for old in recent:  # the tail look-back must not re-deliver history
                if old not in records:
                    self._seen.add(old.id)
        else:
            records = [r for r in self.transitions_since(session, self._seen.look_back_from())
                       if r.id not in self._seen]
        for record in records:
            self._seen.add(record.id)
        return tuple(records)


_TRANSITION_COLUMNS = select(
    db.StateTransition.id, db.StateTransition.check_key, db.StateTransition.component_id,
    db.StateTransition.at, db.StateTransition.from_status, db.StateTransition.to_status,
    db.StateTransition.reason, db.StateTransition.flapping,
)


def _transition(row) -> TransitionRecord:
    return TransitionRecord(id=row.id, check_key=row.check_key, component_id=row.component_id,
                            at=row.at, from_status=Status(row.from_status),
                            to_status=Status(row.to_status), reason=row.reason,
                            flapping=bool(row.flapping))


# --------------------------------------------------------------------------
# Change hints
# --------------------------------------------------------------------------

class SourceUnavailable(RuntimeError):
    """The watcher lost the database; the message is one short line."""


class ChangeWatcher(Protocol):
    def wait(self, timeout_s: float) -> bool:
        """Block up to ``timeout_s``; True when something may have changed.

        Raises ``SourceUnavailable`` when the database cannot be reached (the
        next call tries again).
        """

    def take_resync(self) -> bool:
        """True once after a reconnect: hints were lost, read everything."""

    def close(self) -> None: ...


class PgChangeWatcher:
    """LISTEN on a dedicated psycopg connection (never a pooled one: LISTEN is per session)."""

    def __init__(self, engine: Engine, channel: str = CHANNEL, connect_timeout_s: int = 3):
        url = engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._channel = channel
        self._connect_timeout_s = connect_timeout_s
        self._conn = None
        self._resync = False
        self._ever_connected = False

    def _connect(self) -> None:
        import psycopg  # the shipped PostgreSQL driver; only needed in shared mode

        conn = psycopg.connect(self._conninfo, autocommit=True,
                               connect_timeout=self._connect_timeout_s)
        conn.execute(f"LISTEN {self._channel}")
        self._conn = conn
        if self._ever_connected:
            self._resync = True  # notifications sent while we were away are gone
        self._ever_connected = True

    def start(self) -> None:
        """(Re)connect and LISTEN now, before a full read, so no change slips between them."""
        self._drop()
        try:
            self._connect()
            self._resync = False  # the caller's next read is a full one anyway
        except Exception as exc:  # noqa: BLE001 - any driver error means "away"
            raise SourceUnavailable(_one_line(exc)) from None

    def wait(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        if self._conn is None:
            try:
                self._connect()
            except Exception as exc:  # noqa: BLE001
                time.sleep(max(0.0, deadline - time.monotonic()))  # back off until the next try
                raise SourceUnavailable(_one_line(exc)) from None
            return True  # reconnected: the caller reads everything
        try:
            got = False
            for _ in self._conn.notifies(timeout=timeout_s, stop_after=1):
                got = True
            if got:
                # Fold a burst (one NOTIFY per batch commit) into one read.
                for _ in self._conn.notifies(timeout=0.0):
                    pass
            return got
        except Exception as exc:  # noqa: BLE001
            self._drop()
            raise SourceUnavailable(_one_line(exc)) from None

    def take_resync(self) -> bool:
        resync, self._resync = self._resync, False
        return resync

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - it is already broken
                pass
        self._conn = None

    def close(self) -> None:
        self._drop()


class SqliteChangeWatcher:
    """Polls ``PRAGMA data_version`` on a dedicated connection (~250 ms).

    ``data_version`` changes when *another* connection commits to the file,
    which is exactly "a poller wrote something"; it costs no I/O beyond a
    shared-memory look in WAL mode.
    """

    def __init__(self, path: str, interval_s: float = 0.25):
        self._path = path
        self._interval_s = interval_s
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None

    def start(self) -> None:
        self._version = self._read_version()

    def _read_version(self) -> int:
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self._path, isolation_level=None,
                                             check_same_thread=False)
            return self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as exc:
            self.close()
            raise SourceUnavailable(_one_line(exc)) from None

    def wait(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while True:
            version = self._read_version()
            if self._version is None or version != self._version:
                self._version = version
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(self._interval_s, remaining))

    def take_resync(self) -> bool:
        return False  # a local file loses no hints: data_version is a counter, not a message

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None


class PeriodicWatcher:
    """No cheap hint (an in-memory database): say "maybe" every ``interval_s``."""

    def __init__(self, interval_s: float = 2.0):
        self._interval_s = interval_s
        self._next = time.monotonic() + interval_s

    def start(self) -> None:
        self._next = time.monotonic() + self._interval_s

    def wait(self, timeout_s: float) -> bool:
        now = time.monotonic()
        if now + timeout_s < self._next:
            time.sleep(timeout_s)
            return False
        time.sleep(max(0.0, self._next - now))
        self._next = time.monotonic() + self._interval_s
        return True

    def take_resync(self) -> bool:
        return False

    def close(self) -> None:
        pass


def watcher_for(engine: Engine):
    """The cheapest reliable change hint for this engine's backend."""
    if engine.dialect.name == "postgresql":
        return PgChangeWatcher(engine)
    path = engine.url.database
    if engine.dialect.name == "sqlite" and path and path != ":memory:":
        return SqliteChangeWatcher(path)
    return PeriodicWatcher()


# --------------------------------------------------------------------------
# The worker loop
# --------------------------------------------------------------------------

def run_feed(reader: DatabaseSnapshotReader, watcher, stop: threading.Event,
             on_snapshot: Callable[[Snapshot], None], on_problem: Callable[[str], None],
             on_recovered: Callable[[], None], resync_s: float = 30.0, retry_s: float = 2.0,
             wait_s: float = 0.5) -> None:
    """Watch and read until ``stop`` is set.

    A full read first, then a diff read per hint; a full read after every
    reconnect or failure (hints were lost meanwhile) and every ``resync_s``
    anyway. While the database is away: one ``on_problem`` line per failure
    streak, a retry every ``retry_s``, then ``on_recovered`` and a full read.
    Transitions are never lost across an outage: the reader continues from
    the last id it delivered.
    """
    need_full = True
    failing = False
    started = False
    last_full = time.monotonic()
    try:
        while not stop.is_set():
            try:
                if not started:
                    # (Re)start hints before the full read, never after: a
                    # change between the two would otherwise go unseen.
                    watcher.start()
                    started, need_full = True, True
                if not need_full:
                    due = resync_s - (time.monotonic() - last_full)
                    hinted = watcher.wait(max(0.0, min(wait_s, due)))
                    need_full = watcher.take_resync() or due <= 0
                    if not (hinted or need_full):
                        continue
                snapshot = reader.read(full=need_full)
            except Exception as exc:  # noqa: BLE001 - the loop must outlive any database error
                if not failing:
                    on_problem(f"database unreachable: {_one_line(exc)}; retrying")
                failing, started = True, False
                stop.wait(retry_s)
                continue
            if failing:
                failing = False
                on_recovered()
            if snapshot.full:
                last_full = time.monotonic()
            need_full = False
            on_snapshot(snapshot)
    finally:
        watcher.close()


def _one_line(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = message[0] if message else ""
    return f"{type(exc).__name__}: {first}"[:200] if first else type(exc).__name__
