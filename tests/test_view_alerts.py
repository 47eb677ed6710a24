"""Alerts: new problems listed and announced, acknowledgement, recoveries, flaps folded, symptoms marked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from noc_app.domain import Status
from noc_app.live import CheckView, StatusBoard
from noc_app.topology import load_topology
from widgets.board_store import BoardStore
from widgets.views.alert_notifier import AlertBanner, AlertNotifier
from widgets.views.alerts import ACK, STATE, WHAT, AlertsModel, AlertsView

SMALL = Path(__file__).parent / "data" / "small_topology.toml"
T0 = dt.datetime(2024, 5, 14, 13, 30, tzinfo=dt.timezone.utc)


def feed(store, key, status, error=None, flapping=False, seconds=0):
    at = T0 + dt.timedelta(seconds=seconds)
    store.apply(CheckView(key, key.split("#")[0], status, status, at, 10.0, error, flapping, at, True))


@pytest.fixture
def store():
    return BoardStore(StatusBoard(load_topology(SMALL)))


@pytest.fixture
def view(qtbot, store):
    view = AlertsView(store, user="alice")
    qtbot.addWidget(view)
    return view


def test_model_passes_qt_model_tester(qtmodeltester, store):
    model = AlertsModel(store)
    feed(store, "db-main#0", Status.DOWN, "refused")
    feed(store, "api#0", Status.DEGRADED, "slow", seconds=5)
    qtmodeltester.check(model)


def test_down_adds_unacknowledged_row_and_raises_banner(qtbot, store, view):
    banner = AlertBanner()
    qtbot.addWidget(banner)
    notifier = AlertNotifier(view.model, banner, use_tray=False)  # offscreen has no tray anyway
    assert banner.isHidden()
    with qtbot.waitSignal(notifier.notified):
        feed(store, "db-main#0", Status.DOWN, "connection refused")
    model = view.model
    assert model.rowCount() == 1
    assert model.index(0, STATE).data() == "✖ DOWN"
    assert model.index(0, ACK).data() == "NEW — press A"
    assert not banner.isHidden() and "Primary database" in banner.text and "DOWN" in banner.text

    # Select the row and press A: acknowledged, greyed, banner gone, signal carries the alert.
    view.table.selectionModel().select(model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                       | QItemSelectionModel.SelectionFlag.Rows)
    view.show()
    view.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    with qtbot.waitSignal(view.acknowledged) as ack:
        qtbot.keyClick(view.table, Qt.Key.Key_A)
    assert ack.args[0].acked_by == "alice"
    assert model.index(0, ACK).data() == "ACK by alice"
    assert model.index(0, STATE).data(Qt.ItemDataRole.ForegroundRole).name() == "#7d8591"
    assert banner.isHidden()

    # The button does the same; a recovery is announced on the banner (which hides it again by itself).
    feed(store, "web#0", Status.DEGRADED, "slow", seconds=5)
    view.table.selectRow(0)
    view.ack_button.click()
    assert model.index(0, ACK).data() == "ACK by alice"
    feed(store, "web#0", Status.OK, seconds=9)
    assert not banner.isHidden() and "RECOVERED" in banner.text


def test_recovery_adds_a_recovered_row(qtbot, store, view):
    feed(store, "db-main#0", Status.DOWN, "refused")
    feed(store, "db-main#0", Status.OK, seconds=60)
    model = view.model
    assert [model.index(r, STATE).data() for r in range(model.rowCount())] == ["✔ RECOVERED", "✖ DOWN"]
    assert view.count.text() == "1 unacknowledged"  # the self-healed problem still wants an ack


def test_first_ok_and_unknown_raise_nothing(store, view):
    feed(store, "web#0", Status.OK)
    feed(store, "web#0", Status.UNKNOWN, seconds=1)
    assert view.model.rowCount() == 0


def test_symptoms_are_marked_even_when_the_cause_arrives_later(store, view):
    feed(store, "api#0", Status.DOWN, "HTTP 503")
    model = view.model
    assert "symptom" not in model.index(0, WHAT).data()  # nothing known behind it yet
    feed(store, "db-main#0", Status.DOWN, "refused", seconds=3)
    assert model.index(0, WHAT).data().startswith("PROBABLE CAUSE")
    assert model.index(1, WHAT).data() == "symptom of Primary database — HTTP 503"


def test_flapping_transitions_fold_into_one_row(store, view):
    for i, status in enumerate([Status.DOWN, Status.OK, Status.DOWN, Status.OK, Status.DOWN]):
        feed(store, "web#0", status, "HTTP 502" if status != Status.OK else None, flapping=True, seconds=i)
    model = view.model
    assert model.rowCount() == 1
    assert model.index(0, STATE).data() == "⇄ FLAPPING ×5, now ✖ DOWN"
