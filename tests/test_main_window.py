"""The workstation window and its component list: a correct Qt model, live updates with impact, a loud stale-data indicator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.live import StatusBoard
from noc_app.polling.state import CheckStateMachine
from noc_app.topology import load_topology
from widgets.board_store import BoardStore
from widgets.component_table import NAME, REASON, STATUS, ComponentStatusModel
from widgets.live_feed import LiveFeed
from widgets.component_list import ComponentListView
from widgets.main_window import STALE_AFTER_S, MainWindow

SMALL = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc


@pytest.fixture
def store():
    return BoardStore(StatusBoard(load_topology(SMALL)))


@pytest.fixture
def window(qtbot, store, tmp_path):
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings=settings)
    window.add_view("components", "Components", ComponentListView(store))
    window.model = window.views["components"].model
    qtbot.addWidget(window)
    return window


def push(qtbot, store, key, status, at=None, error=None):
    feed = LiveFeed()
    feed.updated.connect(store.apply)
    component = key.split("#")[0]
    machine = CheckStateMachine(key, component, retries=0)
    result = CheckResult(key, component, status, 12.0, 200, error, {}, at or dt.datetime.now(UTC))
    with qtbot.waitSignal(feed.updated):
        feed.push(result, machine.feed(result), machine.since)


def cell(model, name, column):
    row = next(r for r in range(model.rowCount()) if model.index(r, NAME).data() == name)
    return model.index(row, column).data()


def test_model_passes_qt_model_tester(qtmodeltester, store):
    qtmodeltester.check(ComponentStatusModel(store))


def test_rows_follow_updates_with_cause_and_symptoms(qtbot, store, window):
    model = window.model
    assert "UNKNOWN" in cell(model, "Primary database", STATUS)
    for key in ("db-main#0", "api#0", "api#1", "web#0"):
        push(qtbot, store, key, Status.OK)
    assert cell(model, "Primary database", STATUS) == "✔ OK"
    assert cell(model, "Web app", STATUS) == "✔ OK"

    push(qtbot, store, "db-main#0", Status.DOWN, error="connection refused")
    push(qtbot, store, "api#0", Status.DOWN, error="HTTP 503")
    assert cell(model, "Primary database", STATUS) == "✖ DOWN"
    assert cell(model, "Primary database", REASON).startswith("PROBABLE CAUSE")
    assert "connection refused" in cell(model, "Primary database", REASON)
    assert cell(model, "Public API", REASON).startswith("symptom")
    assert cell(model, "Web app", STATUS) == "◆ IMPACTED"  # fine itself, its API is not
    assert "2 DOWN" in window.banner.text() and "1 IMPACTED" in window.banner.text()

    push(qtbot, store, "db-main#0", Status.OK)
    push(qtbot, store, "api#0", Status.OK)
    assert cell(model, "Web app", STATUS) == "✔ OK"  # recovery is always shown


def test_data_age_goes_loud_when_updates_stop(qtbot, store, window):
    old = dt.datetime.now(UTC) - dt.timedelta(seconds=STALE_AFTER_S + 5)
    push(qtbot, store, "web#0", Status.OK, at=old)
    window.tick()
    assert window.data_age.property("stale") is True
    assert window.data_age.text().startswith("NO DATA FOR")
    push(qtbot, store, "web#0", Status.OK)
    window.tick()
    assert window.data_age.property("stale") is False


def test_data_age_follows_the_first_results_without_waiting_for_the_tick(qtbot, store, window):
    window._ticker.stop()  # only the change itself may update it
    assert window.data_age.text() == "waiting for data…"
    push(qtbot, store, "web#0", Status.OK)
    assert window.data_age.text() == "data 0s old"


def test_theme_and_tab_are_remembered(qtbot, store, window):
    window.apply_theme("light")
    window.close()
    again = MainWindow(store, settings=window.settings)
    qtbot.addWidget(again)
    assert again.theme == "light"


def test_workstation_has_every_view_and_shortcuts(qtbot, store, tmp_path):
    from PySide6.QtCore import QSettings

    from widgets.workstation import build_workstation

    settings = QSettings(str(tmp_path / "ws.ini"), QSettings.Format.IniFormat)
    from noc_app.storage.db import make_engine, session_factory

    engine = make_engine(f"sqlite:///{tmp_path}/ws.db")
    window = build_workstation(store, session_factory(engine), "test", settings=settings)
    qtbot.addWidget(window)
    assert list(window.views) == ["components", "impact", "map", "alerts", "incidents", "detail"]
    shortcuts = {a.shortcut().toString() for a in window.actions()}
    assert {"Ctrl+1", "Ctrl+5", "Ctrl+N", "Ctrl+M", "F11", "Ctrl+Q", "Ctrl+Shift+T"} <= shortcuts
    push(qtbot, store, "db-main#0", Status.DOWN, error="connection refused")
    assert window.notifier is not None
    # The ack sharer's "all clear" only clears its own line, never another source's.
    window.acks.problem.emit("acknowledgement of X not shared: gone")
    assert window.problem.text().startswith("acknowledgement of X")
    window.acks.problem.emit("")
    assert window.problem.text() == ""
    window.acks.problem.emit("acknowledgement of X not shared: gone")
    window.show_problem("database unreachable (feed)")
    window.acks.problem.emit("")
    assert window.problem.text() == "database unreachable (feed)"


def test_open_incident_from_an_alert(qtbot, store, tmp_path):
    from PySide6.QtCore import QSettings

    from noc_app.workspace import open_workspace
    from widgets.incidents import IncidentDialog
    from widgets.workstation import build_workstation

    workspace = open_workspace(SMALL, f"sqlite:///{tmp_path}/inc.db")
    settings = QSettings(str(tmp_path / "ws.ini"), QSettings.Format.IniFormat)
    window = build_workstation(store, workspace.sessions, "test", settings=settings)
    qtbot.addWidget(window)
    push(qtbot, store, "db-main#0", Status.OK)
    push(qtbot, store, "db-main#0", Status.DOWN, error="connection refused")
    alerts = window.views["alerts"]
    alerts.table.selectRow(0)
    alert = alerts.open_incident_for_selected()
    assert alert is not None and alert.component_id == "db-main"
    components = window.views["components"]
    components.table.selectRow(0)
    assert components.request_incident() is not None
    dialogs = [w for w in window.findChildren(IncidentDialog) if w.isVisible()]
    assert len(dialogs) == 2  # one from the alert, one from a component
    for dialog in dialogs:
        dialog.close()
    workspace.close()
