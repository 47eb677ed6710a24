"""Alert acknowledgements shared through the database: one operator acks, every desktop sees it."""

from __future__ import annotations

import datetime as dt
import shutil
import time

import pytest
from sqlalchemy import func, select

from fleet_topology import write_topology
from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.live import CheckView, StatusBoard
from noc_app.live.acks import AckTracker, AckView, acks_since, open_acks, record_ack
from noc_app.live.change_hints import notify_changes
from noc_app.live.db_source import DatabaseSnapshotReader
from noc_app.polling.recorder import write_batch
from noc_app.polling.state import Outcome, Transition
from noc_app.storage import models as db
from noc_app.storage.db import make_engine, session_factory, transaction
from noc_app.workspace import open_workspace
from widgets.board_store import BoardStore
from widgets.views.alert_acks import AlertAckSharer
from widgets.views.alert_notifier import AlertBanner, AlertNotifier
from widgets.views.alerts import ACK, AlertsModel

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 23, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def workspace(tmp_path, db_url):
    ws = open_workspace(write_topology(tmp_path / "t.toml", "http://127.0.0.1:9"), db_url)
    yield ws
    ws.close()


def record(factory, key: str, component: str, status: Status, before: Status, at: dt.datetime | None = None,
           error: str | None = None) -> dt.datetime:
    """What a poller writes for a confirmed transition; returns its ``at``."""
    at = at or dt.datetime.now(UTC)
    result = CheckResult(key, component, status, 12.0, 200, error, at=at)
    outcome = Outcome(status, Transition(key, component, at, before, status, error, False), False, False, 0)
    with transaction(factory) as session:
        write_batch(session, [(result, outcome)])
        notify_changes(session)
    return at


def push(store, key, status, at, flapping=False):
    """What the in-process poller hands the store (embedded mode)."""
    store.apply(CheckView(key, key.split("#")[0], status, status, at, 10.0, "refused", flapping, at, True))


# --- core ----------------------------------------------------------------

def test_record_is_idempotent_and_loads(workspace):
    sessions = workspace.sessions
    first = record_ack(sessions, "db-main#0", T0, "alice", at=T0 + dt.timedelta(seconds=30))
    assert (first.check_key, first.problem_at, first.acked_by) == ("db-main#0", T0, "alice")
    assert first.problem_at.tzinfo is not None and first.problem_at.utcoffset() == dt.timedelta(0)

    # Bob pressed A a moment later: the first ack stands, and he is told whose it is.
    second = record_ack(sessions, "db-main#0", T0, "bob")
    assert second == first
    other = record_ack(sessions, "api#0", T0, "bob", at=T0 + dt.timedelta(minutes=1))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(db.AlertAck)) == 2
        assert acks_since(s, T0) == [first, other]
        assert acks_since(s, T0 + dt.timedelta(seconds=45)) == [other]
        assert open_acks(s, now=T0 + dt.timedelta(hours=1)) == [first, other]
        assert open_acks(s, now=T0 + dt.timedelta(days=2)) == []

    # The feed's tracker: everything recent on a full read, then only what is new.
    tracker = AckTracker()
    with sessions() as s:
        assert tracker.read(s, full=True, now=T0 + dt.timedelta(hours=1)) == (first, other)
        assert tracker.read(s, full=False) == ()
    third = record_ack(sessions, "search#0", T0, "carol")
    with sessions() as s:
        assert tracker.read(s, full=False) == (third,)
        assert tracker.read(s, full=False) == ()


def test_snapshot_reader_carries_acks(workspace):
    record(workspace.sessions, "db-main#0", "db-main", Status.OK, Status.UNKNOWN)  # data: reads become diffs
    reader = DatabaseSnapshotReader(workspace.sessions)
    old = record_ack(workspace.sessions, "db-main#0", T0, "alice", at=dt.datetime.now(UTC))
    assert reader.read().acks == (old,)  # first read is full: recent acks are loaded
    assert reader.read().acks == ()
    new = record_ack(workspace.sessions, "api#0", T0, "bob")
    assert reader.read().acks == (new,)


# --- the alerts model ---------------------------------------------------

@pytest.fixture
def store(tmp_path):
    from noc_app.topology import load_topology

    return BoardStore(StatusBoard(load_topology(write_topology(tmp_path / "m.toml", "http://127.0.0.1:9"))))


def test_flap_folding_keeps_the_problem_at_and_early_acks_wait_for_their_row(qtbot, store):
    model = AlertsModel(store)
    push(store, "db-main#0", Status.DOWN, T0, flapping=True)
    push(store, "db-main#0", Status.OK, T0 + dt.timedelta(seconds=5), flapping=True)
    assert model.rowCount() == 1
    row = model.alert(0)
    assert row.flaps == 2 and row.at == T0 + dt.timedelta(seconds=5) and row.problem_at == T0

    # An ack read from the database names the row by the transition that opened it.
    with qtbot.waitSignal(model.ackedElsewhere):
        model.apply_acks([AckView(1, "db-main#0", T0, "bob", T0 + dt.timedelta(seconds=9))])
    assert model.index(0, ACK).data() == "ACK by bob"
    assert model.apply_acks([AckView(1, "db-main#0", T0, "bob", T0 + dt.timedelta(seconds=9))]) == []

    # An ack that arrives before its row (read first, or kept over a restart) marks the row when it comes.
    later = T0 + dt.timedelta(minutes=5)
    model.apply_acks([AckView(2, "api#0", later, "carol", later)])
    push(store, "api#0", Status.DOWN, later)
    assert model.alert(0).acked_by == "carol"
    assert model.unacknowledged_problems() == []


def _wait(qtbot, predicate, timeout_s: float = 5.0) -> float:
    started = time.monotonic()
    qtbot.waitUntil(predicate, timeout=int(timeout_s * 1000))
    return time.monotonic() - started


class Desk:
    """One workstation in shared mode: its own engine, database feed, alerts model, ack sharer, banner."""

    def __init__(self, qtbot, ws, user: str):
        from widgets.db_feed import DatabaseFeed, apply_snapshot

        self.user = user
        self.engine = make_engine(ws.db_url)
        sessions = session_factory(self.engine)
        self.store = BoardStore(StatusBoard(ws.topology))
        self.model = AlertsModel(self.store)
        self.sharer = AlertAckSharer(self.model, sessions)
        self.problems: list[str] = []
        self.sharer.problem.connect(self.problems.append)
        self.banner = AlertBanner()
        qtbot.addWidget(self.banner)
        self.notifier = AlertNotifier(self.model, self.banner, use_tray=False)
        self.feed = DatabaseFeed(self.engine, sessions)
        self.feed.snapshot.connect(lambda snap: apply_snapshot(self.store, snap))
        with qtbot.waitSignal(self.feed.snapshot, timeout=5000):
            self.feed.start()

    def close(self):
        self.feed.stop()
        self.sharer.shutdown()
        self.engine.dispose()


def test_an_ack_on_one_workstation_shows_on_the_other_within_seconds(qtbot, workspace):
    for key, component in (("db-main#0", "db-main"), ("api#0", "api"), ("search#0", "search")):
        record(workspace.sessions, key, component, Status.OK, Status.UNKNOWN)
    alice, bob = Desk(qtbot, workspace, "alice"), Desk(qtbot, workspace, "bob")
    try:
        record(workspace.sessions, "db-main#0", "db-main", Status.DOWN, Status.OK, error="refused")
        record(workspace.sessions, "search#0", "search", Status.DOWN, Status.OK, error="timeout")
        for desk in (alice, bob):
            _wait(qtbot, lambda d=desk: len(d.model.unacknowledged_problems()) == 2)
            _wait(qtbot, lambda d=desk: "(+1 more unacknowledged)" in d.banner.text)
        row = next(r for r in range(2) if alice.model.alert(r).check_key == "db-main#0")
        alice.model.acknowledge(alice.model.index(row, 0), "alice")
        assert alice.model.index(row, ACK).data() == "ACK by alice"  # at once, before the write

        elapsed = _wait(qtbot, lambda: any(a.acked_by == "alice" for a in bob.model._rows))
        print(f"{workspace.engine.dialect.name}: ack seen on the other desk after {elapsed * 1000:.0f} ms")
        assert elapsed < 3.0
        acked = next(a for a in bob.model._rows if a.acked_by == "alice")
        assert acked.check_key == "db-main#0"
        assert [a.check_key for a in bob.model.unacknowledged_problems()] == ["search#0"]
        assert "more unacknowledged" not in bob.banner.text and "Search" in bob.banner.text

        # Bob acks the other one; alice sees his name. Both survive in the database.
        row = next(r for r in range(2) if bob.model.alert(r).check_key == "search#0")
        bob.model.acknowledge(bob.model.index(row, 0), "bob")
        _wait(qtbot, lambda: alice.model.unacknowledged_problems() == [])
        assert alice.banner.isHidden() and bob.banner.isHidden()
        assert not alice.problems and not bob.problems
        with workspace.sessions() as s:
            assert sorted((a.check_key, a.acked_by) for a in open_acks(s)) == [
                ("db-main#0", "alice"), ("search#0", "bob")]
    finally:
        alice.close()
        bob.close()


def test_both_ack_at_once_and_the_first_wins_everywhere(qtbot, workspace):
    record(workspace.sessions, "db-main#0", "db-main", Status.OK, Status.UNKNOWN)
    alice, bob = Desk(qtbot, workspace, "alice"), Desk(qtbot, workspace, "bob")
    try:
        at = record(workspace.sessions, "db-main#0", "db-main", Status.DOWN, Status.OK)
        for desk in (alice, bob):
            _wait(qtbot, lambda d=desk: d.model.rowCount() == 1)
        record_ack(workspace.sessions, "db-main#0", at, "carol")  # a third desk was quicker
        bob.model.acknowledge(bob.model.index(0, 0), "bob")
        _wait(qtbot, lambda: bob.model.alert(0).acked_by == "carol")
        _wait(qtbot, lambda: alice.model.alert(0).acked_by == "carol")
    finally:
        alice.close()
        bob.close()


class LostDatabase:
    """A SQLite database whose folder was deleted (a lost share): writes fail until ``restore``."""

    def __init__(self, tmp_path) -> None:
        self.tmp_path = tmp_path
        folder = tmp_path / "db"
        folder.mkdir()
        self.url = f"sqlite:///{folder}/noc.db"
        self.restore()
        shutil.rmtree(folder)  # SQLite now finds no tables
        self.engine = make_engine(self.url)

    def restore(self) -> None:
        open_workspace(write_topology(self.tmp_path / "t.toml", "http://127.0.0.1:9"), self.url).close()
        if hasattr(self, "engine"):
            self.engine.dispose()  # drop connections to the deleted file


@pytest.fixture
def lost(tmp_path):
    database = LostDatabase(tmp_path)
    yield database
    database.engine.dispose()


def test_a_failed_write_keeps_the_local_ack_reports_one_line_and_retries(qtbot, lost, store):
    model = AlertsModel(store)
    sharer = AlertAckSharer(model, session_factory(lost.engine))
    try:
        push(store, "db-main#0", Status.DOWN, T0)
        with qtbot.waitSignal(sharer.problem, timeout=5000) as problem:
            model.acknowledge(model.index(0, 0), "alice")
        line = problem.args[0]
        assert "\n" not in line and len(line) < 300
        assert line.startswith("acknowledgement of Primary database not shared: OperationalError")
        assert "stays acknowledged here" in line
        assert model.index(0, ACK).data() == "ACK by alice" and model.unacknowledged_problems() == []

        # The database is back: the next ack also sends the one that failed.
        lost.restore()
        push(store, "api#0", Status.DOWN, T0 + dt.timedelta(seconds=3))
        with qtbot.waitSignal(sharer.problem, timeout=5000) as cleared:
            model.acknowledge(model.index(0, 0), "alice")
        assert cleared.args[0] == ""
        qtbot.waitUntil(lambda: not sharer.busy(), timeout=5000)
        with session_factory(lost.engine)() as s:
            assert sorted((a.check_key, a.problem_at, a.acked_by) for a in open_acks(s, now=T0)) == [
                ("api#0", T0 + dt.timedelta(seconds=3), "alice"), ("db-main#0", T0, "alice")]
    finally:
        sharer.shutdown()


def test_a_failed_ack_is_retried_by_itself_when_the_database_is_back(qtbot, lost, store):
    model = AlertsModel(store)
    sharer = AlertAckSharer(model, session_factory(lost.engine))
    sharer._retry.setInterval(300)  # 15 s in the app
    try:
        push(store, "db-main#0", Status.DOWN, T0)
        with qtbot.waitSignal(sharer.problem, timeout=5000):
            model.acknowledge(model.index(0, 0), "alice")
        lost.restore()
        # nobody acks anything else: the timer sends it and clears the line
        with qtbot.waitSignal(sharer.problem, timeout=5000, check_params_cb=lambda line: line == ""):
            pass
        with session_factory(lost.engine)() as s:
            assert [(a.check_key, a.acked_by) for a in open_acks(s, now=T0)] == [("db-main#0", "alice")]
    finally:
        sharer.shutdown()


def test_workstation_loads_acks_made_before_a_restart(qtbot, tmp_path, store):
    from PySide6.QtCore import QSettings

    from widgets.workstation import build_workstation

    ws = open_workspace(write_topology(tmp_path / "t.toml", "http://127.0.0.1:9"), f"sqlite:///{tmp_path}/w.db")
    try:
        now = dt.datetime.now(UTC)
        record_ack(ws.sessions, "db-main#0", now, "alice")
        settings = QSettings(str(tmp_path / "ws.ini"), QSettings.Format.IniFormat)
        window = build_workstation(store, ws.sessions, "test", settings=settings)
        qtbot.addWidget(window)
        model = window.views["alerts"].model
        qtbot.waitUntil(lambda: not window.acks.busy(), timeout=5000)
        push(store, "db-main#0", Status.DOWN, now)
        assert model.alert(0).acked_by == "alice" and model.unacknowledged_problems() == []
        window.acks.shutdown()
    finally:
        ws.close()


@pytest.mark.postgres
def test_postgres_stopped_keeps_the_local_ack_and_the_next_ack_sends_both(qtbot, tmp_path, store,
                                                                         pg_server, pg_url):
    ws = open_workspace(write_topology(tmp_path / "t.toml", "http://127.0.0.1:9"), pg_url)
    model = AlertsModel(store)
    sharer = AlertAckSharer(model, ws.sessions)
    try:
        push(store, "db-main#0", Status.DOWN, T0)
        try:
            pg_server.stop()
            with qtbot.waitSignal(sharer.problem, timeout=15000) as problem:
                model.acknowledge(model.index(0, 0), "alice")
        finally:
            pg_server.start()
        assert problem.args[0].startswith("acknowledgement of Primary database not shared: OperationalError")
        assert "\n" not in problem.args[0] and model.unacknowledged_problems() == []
        push(store, "api#0", Status.DOWN, T0 + dt.timedelta(seconds=3))
        with qtbot.waitSignal(sharer.problem, timeout=15000) as cleared:
            model.acknowledge(model.index(0, 0), "alice")
        assert cleared.args[0] == ""
        qtbot.waitUntil(lambda: not sharer.busy(), timeout=5000)
        with ws.sessions() as s:
            assert sorted(a.check_key for a in open_acks(s, now=T0)) == ["api#0", "db-main#0"]
    finally:
        sharer.shutdown()
        ws.close()
