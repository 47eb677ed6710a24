"""The plain status window: a correct Qt model, live updates, a loud stale-data indicator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.polling.state import CheckStateMachine
from noc_app.topology import load_topology
from widgets.component_table import NAME, STATUS, ComponentStatusModel
from widgets.live_feed import LiveFeed
from widgets.status_window import STALE_AFTER_S, StatusWindow

SMALL = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc


@pytest.fixture
def topology():
    return load_topology(SMALL)


def push(feed, machine, status, at=None, error=None):
    result = CheckResult(machine.check_key, machine.component_id, status, 12.0, 200, error, {},
                         at or dt.datetime.now(UTC))
    feed.push(result, machine.feed(result), machine.since)


def row_of(model, name):
    return next(r for r in range(model.rowCount()) if model.index(r, NAME).data() == name)


def test_model_passes_qt_model_tester(qtmodeltester, topology):
    model = ComponentStatusModel(list(topology.components))
    qtmodeltester.check(model)


def test_rows_follow_check_updates(qtbot, topology):
    model = ComponentStatusModel(list(topology.components))
    feed = LiveFeed()
    window = StatusWindow(model, feed)
    qtbot.addWidget(window)
    db_machine = CheckStateMachine("db-main#0", "db-main", retries=0)
    row = row_of(model, "Primary database")
    assert "UNKNOWN" in model.index(row, STATUS).data()
    with qtbot.waitSignal(feed.updated):
        push(feed, db_machine, Status.OK)
    assert model.index(row, STATUS).data() == "✔ OK"
    with qtbot.waitSignal(feed.updated):
        push(feed, db_machine, Status.DOWN, error="connection refused")
    assert model.index(row, STATUS).data() == "✖ DOWN"
    assert "connection refused" in model.index(row, 5).data()
    assert "1 DOWN" in window.banner.text()
    derived = row_of(model, "EU-West data centre")
    assert "no checks" in model.index(derived, STATUS).data()


def test_data_age_goes_loud_when_updates_stop(qtbot, topology):
    model = ComponentStatusModel(list(topology.components))
    feed = LiveFeed()
    window = StatusWindow(model, feed)
    qtbot.addWidget(window)
    machine = CheckStateMachine("web#0", "web", retries=0)
    old = dt.datetime.now(UTC) - dt.timedelta(seconds=STALE_AFTER_S + 5)
    with qtbot.waitSignal(feed.updated):
        push(feed, machine, Status.OK, at=old)
    window.tick()
    assert window.data_age.property("stale") is True
    assert window.data_age.text().startswith("NO DATA FOR")
    with qtbot.waitSignal(feed.updated):
        push(feed, machine, Status.OK)
    window.tick()
    assert window.data_age.property("stale") is False
