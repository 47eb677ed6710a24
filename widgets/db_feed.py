"""Shared mode: carry database snapshots from a worker thread to the GUI thread.

The worker runs ``noc_app.live.db_source.run_feed`` (watch for change hints,
read, repeat); every database call happens there. The GUI thread only
receives plain ``Snapshot`` dataclasses through queued signals and folds them
into the ``BoardStore`` with ``apply_snapshot``.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from noc_app.live.db_source import DatabaseSnapshotReader, Snapshot, run_feed, watcher_for


class _FeedThread(QThread):
    def __init__(self, feed: DatabaseFeed, reader: DatabaseSnapshotReader, watcher,
                 resync_s: float, retry_s: float):
        super().__init__()
        self._feed = feed
        self._reader = reader
        self._watcher = watcher
        self._resync_s = resync_s
        self._retry_s = retry_s
        self.stop_event = threading.Event()

    def run(self) -> None:
        # Emitting a signal of a GUI-thread object from here queues the call
        # to the GUI thread (AutoConnection compares threads at emit time).
        run_feed(self._reader, self._watcher, self.stop_event,
                 on_snapshot=self._feed.snapshot.emit, on_problem=self._feed.problem.emit,
                 on_recovered=self._feed.recovered.emit,
                 resync_s=self._resync_s, retry_s=self._retry_s)


class DatabaseFeed(QObject):
    """Start with ``start()``; stop (and join) with ``stop()`` before the app quits."""

    snapshot = Signal(object)  # noc_app.live.db_source.Snapshot
    problem = Signal(str)  # "database unreachable: ...; retrying"
    recovered = Signal()

    def __init__(self, engine: Engine, factory: sessionmaker[Session], parent: QObject | None = None,
                 resync_s: float = 30.0, retry_s: float = 2.0, initial_transitions: int = 0,
                 watcher=None):
        super().__init__(parent)
        self._reader = DatabaseSnapshotReader(factory, initial_transitions=initial_transitions)
        self._watcher = watcher or watcher_for(engine)
        self._resync_s = resync_s
        self._retry_s = retry_s
        self._thread: _FeedThread | None = None

    def start(self) -> DatabaseFeed:
        if self._thread is None:
            self._thread = _FeedThread(self, self._reader, self._watcher, self._resync_s, self._retry_s)
            self._thread.setObjectName("database-feed")
            self._thread.start()
        return self

    def stop(self, timeout_ms: int = 5000) -> None:
        if self._thread is not None:
            self._thread.stop_event.set()
            self._thread.wait(timeout_ms)
            self._thread = None


def apply_snapshot(store, snapshot: Snapshot) -> set[str]:
    """Fold a snapshot into a ``BoardStore`` (GUI thread); returns the repainted ids.

    Checks first, so each component carries its reasons, latency and "since";
    then the database's own statuses, which win (they know maintenance
    windows and retired checks). New transitions go out as
    ``checkTransition``, exactly as the in-process poller announces them;
    acknowledgements after them (so an ack finds the row its transition made)
    as ``alertsAcked``.
    """
    board = store.board
    changed = board.apply_checks(snapshot.checks)
    changed |= board.set_own_statuses(snapshot.component_statuses, snapshot.at)
    for record in snapshot.transitions:
        store.checkTransition.emit(record.as_check_view())
    if snapshot.acks:
        store.alertsAcked.emit(list(snapshot.acks))
    if changed:
        store.componentsChanged.emit(changed)
    return changed
