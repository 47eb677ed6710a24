"""Shared mode: a second workstation sees what a poller writes, through the database."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import insert, text

from fleet_topology import write_topology
from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.live import StatusBoard
from noc_app.live.change_hints import notify_changes
from noc_app.live.db_source import (DatabaseSnapshotReader, SqliteChangeWatcher,
                                    run_feed, watcher_for)
from noc_app.polling.recorder import write_batch
from noc_app.polling.state import Outcome, Transition
from noc_app.storage import models as db
from noc_app.storage.db import make_engine, session_factory, transaction
from noc_app.workspace import open_workspace

UTC = dt.timezone.utc


@pytest.fixture
def workspace(tmp_path, db_url):
    ws = open_workspace(write_topology(tmp_path / "t.toml", "http://127.0.0.1:9"), db_url)
    yield ws
    ws.close()


def record(factory, key: str, component: str, status: Status, before: Status | None,
           latency: float | None = 12.0, error: str | None = None) -> None:
    """What a poller does per batch: ``write_batch`` + the NOTIFY the lead adds to the recorder."""
    at = dt.datetime.now(UTC)
    transition = (Transition(key, component, at, before, status, error, False)
                  if before is not None else None)
    result = CheckResult(key, component, status, latency, 200, error, at=at)
    outcome = Outcome(status, transition, False, False, 0 if status == Status.OK else 3)
    with transaction(factory) as session:
        write_batch(session, [(result, outcome)])
        notify_changes(session)


def all_ok(factory) -> None:
    for key, component in (("db-main#0", "db-main"), ("api#0", "api"), ("api#1", "api"),
                           ("search#0", "search")):
        record(factory, key, component, Status.OK, Status.UNKNOWN)


class Feed:
    """A second workstation: its own engine, ``run_feed`` on a thread, snapshots collected."""

    def __init__(self, url: str, retry_s: float = 0.3):
        self.engine = make_engine(url)
        self.reader = DatabaseSnapshotReader(session_factory(self.engine))
        self.snapshots, self.events = [], []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=run_feed, daemon=True, kwargs=dict(
            reader=self.reader, watcher=watcher_for(self.engine), stop=self.stop,
            on_snapshot=self.snapshots.append, on_problem=lambda m: self.events.append(("problem", m)),
            on_recovered=lambda: self.events.append(("recovered", None)),
            resync_s=60.0, retry_s=retry_s))
        self.thread.start()

    def wait_for(self, predicate, timeout_s: float):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for snap in list(self.snapshots):
                if predicate(snap):
                    return snap
            time.sleep(0.01)
        raise AssertionError(f"no matching snapshot within {timeout_s}s; events={self.events}")

    def close(self):
        self.stop.set()
        self.thread.join(5)
        self.engine.dispose()


def test_second_workstation_sees_a_change_within_two_seconds(workspace):
    all_ok(workspace.sessions)
    feed = Feed(workspace.db_url)
    try:
        first = feed.wait_for(lambda s: s.full, 5)
        assert first.component_statuses["search"] == Status.OK and len(first.checks) == 4
        assert first.transitions == ()  # history is not news
        time.sleep(0.3)  # let the watcher settle into waiting
        started = time.monotonic()
        record(workspace.sessions, "search#0", "search", Status.DOWN, Status.OK, None, "connection refused")
        snap = feed.wait_for(lambda s: s.component_statuses.get("search") == Status.DOWN, 2.0)
        elapsed = time.monotonic() - started
        print(f"{workspace.engine.dialect.name}: change seen after {elapsed * 1000:.0f} ms")
        assert elapsed < 2.0
        assert [(t.check_key, t.to_status) for t in snap.transitions] == [("search#0", Status.DOWN)]
        assert [c.check_key for c in snap.checks] == ["search#0"]  # a diff, not everything
        assert snap.checks[0].error == "connection refused" and not snap.full
    finally:
        feed.close()


def test_sqlite_data_version_moves_when_another_engine_commits(tmp_path):
    path = tmp_path / "v.db"
    writer = make_engine(f"sqlite:///{path}")
    with writer.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    watcher = SqliteChangeWatcher(str(path), interval_s=0.05)
    watcher.start()
    try:
        assert watcher.wait(0.2) is False
        with writer.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
        assert watcher.wait(1.0) is True
        assert watcher.wait(0.2) is False  # one commit, one hint
    finally:
        watcher.close()
        writer.dispose()


def test_reader_catches_transitions_committed_out_of_id_order(tmp_path):
    ws = open_workspace(write_topology(tmp_path / "t.toml", "http://127.0.0.1:9"),
                        f"sqlite:///{tmp_path}/o.db")
    try:
        reader = DatabaseSnapshotReader(ws.sessions)
        reader.read()
        now = dt.datetime.now(UTC)
        row = dict(check_key="api#0", component_id="api", at=now, from_status="OK",
                   to_status="DOWN", reason=None, flapping=False)
        with transaction(ws.sessions) as s:  # poller B commits id 11 first...
            s.execute(insert(db.StateTransition), [dict(row, id=11)])
        assert [t.id for t in reader.read().transitions] == [11]
        with transaction(ws.sessions) as s:  # ...poller A's id 10 becomes visible later
            s.execute(insert(db.StateTransition), [dict(row, id=10)])
        assert [t.id for t in reader.read().transitions] == [10]
        assert reader.read().transitions == ()  # each delivered once
    finally:
        ws.close()


@pytest.mark.postgres
def test_postgres_restart_gives_a_problem_then_a_full_resync_without_lost_transitions(
        tmp_path, pg_server, pg_url):
    ws = open_workspace(write_topology(tmp_path / "t.toml", "http://127.0.0.1:9"), pg_url)
    all_ok(ws.sessions)
    feed = Feed(pg_url, retry_s=3.0)  # slow retries: the write below lands while it is away
    try:
        feed.wait_for(lambda s: s.full, 5)
        record(ws.sessions, "api#0", "api", Status.DOWN, Status.OK)
        feed.wait_for(lambda s: any(t.to_status == Status.DOWN for t in s.transitions), 2)
        count = len(feed.snapshots)
        try:
            pg_server.stop()
            deadline = time.monotonic() + 10
            while not any(kind == "problem" for kind, _ in feed.events):
                assert time.monotonic() < deadline, "no problem reported"
                time.sleep(0.05)
        finally:
            pg_server.start()
        ws.engine.dispose()  # the writer's pooled connections died with the server
        record(ws.sessions, "api#0", "api", Status.OK, Status.DOWN)  # written while the feed is away
        after = lambda: feed.snapshots[count:]
        deadline = time.monotonic() + 15
        while not any(t.to_status == Status.OK for s in after() for t in s.transitions):
            assert time.monotonic() < deadline, f"recovery transition never delivered: {feed.events}"
            time.sleep(0.05)
        delivered = [(t.from_status, t.to_status) for s in after() for t in s.transitions]
        assert delivered == [(Status.DOWN, Status.OK)]  # once, none lost
        assert after()[0].full and len(after()[0].checks) == 4  # the reconnect read everything
        assert after()[-1].component_statuses["api"] == Status.OK
        kinds = [kind for kind, _ in feed.events]
        assert kinds == ["problem", "recovered"]
        assert feed.events[0][1].startswith("database unreachable: ") and "\n" not in feed.events[0][1]
    finally:
        feed.close()
        ws.close()


def test_database_feed_drives_the_board_store(qtbot, tmp_path):
    from widgets.board_store import BoardStore
    from widgets.db_feed import DatabaseFeed, apply_snapshot

    ws = open_workspace(write_topology(tmp_path / "t.toml", "http://127.0.0.1:9"),
                        f"sqlite:///{tmp_path}/q.db")
    all_ok(ws.sessions)
    store = BoardStore(StatusBoard(ws.topology))
    reader_engine = make_engine(ws.db_url)
    feed = DatabaseFeed(reader_engine, session_factory(reader_engine))
    feed.snapshot.connect(lambda snap: apply_snapshot(store, snap))
    alerts = []
    store.checkTransition.connect(alerts.append)
    try:
        with qtbot.waitSignal(feed.snapshot, timeout=5000):
            feed.start()
        assert store.board.component("api").own_status == Status.OK
        with qtbot.waitSignal(store.componentsChanged, timeout=3000):
            record(ws.sessions, "db-main#0", "db-main", Status.DOWN, Status.OK, None, "refused")
        assert store.board.component("db-main").own_status == Status.DOWN
        assert store.board.component("db-main").reason == "refused"
        assert store.board.component("api").status == Status.IMPACTED
        assert [(a.check_key, a.status, a.changed) for a in alerts] == [("db-main#0", Status.DOWN, True)]
    finally:
        feed.stop()
        reader_engine.dispose()
        ws.close()
