"""Customer impact view: tier numbers, priority with reasons, the hurt customers, coalesced refresh."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from noc_app.domain import Status
from noc_app.live import CheckView, StatusBoard
from noc_app.topology import load_topology
from widgets.board_store import BoardStore
from widgets.views.customer_impact import (COMPONENTS, IN_HOURS, MANAGER, NAME, PARTNER, SEVERITY, TIER,
                                           CustomerImpactView, ImpactedCustomersModel)

SMALL = Path(__file__).parent / "data" / "small_topology.toml"
# Tuesday 15:00 UTC: 11:00 in New York (ACME at work), 17:00 Berlin (Globex at work),
# midnight in Tokyo (ChannelCo's night shift 22:00-06:00 is on).
AT = dt.datetime(2024, 5, 14, 15, 0, tzinfo=dt.timezone.utc)


def feed(store, key, status, error=None):
    store.apply(CheckView(key, key.split("#")[0], status, status, AT, 10.0, error, False, AT, True))


@pytest.fixture
def store():
    store = BoardStore(StatusBoard(load_topology(SMALL)))
    for key in ("db-main#0", "db-reporting#0", "api#0", "api#1", "web#0", "reporting#0"):
        feed(store, key, Status.OK)
    return store


@pytest.fixture
def view(qtbot, store):
    view = CustomerImpactView(store, clock=lambda: AT)
    qtbot.addWidget(view)
    return view


def rows(view):
    m = view.proxy
    return {m.index(r, NAME).data(): [m.index(r, c).data() for c in range(m.columnCount())]
            for r in range(m.rowCount())}


def test_model_passes_qt_model_tester(qtmodeltester, store):
    model = ImpactedCustomersModel({}, {})
    feed(store, "db-main#0", Status.DOWN)
    model.set_impacts(store.board.result.customer_impacts(AT), {"enterprise": 10.0})
    qtmodeltester.check(model)


def test_outage_shows_tiers_priority_and_customers(qtbot, store, view):
    assert view.proxy.rowCount() == 0
    assert view.priority.value == "—"
    before = view.refresh_count
    feed(store, "db-main#0", Status.DOWN, "connection refused")
    feed(store, "api#0", Status.DOWN, "HTTP 503")
    feed(store, "api#1", Status.DOWN, "HTTP 503")
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 3, timeout=2000)
    assert view.refresh_count == before + 1  # a burst of transitions: one refresh

    assert view.tiers["enterprise"].value == "1"
    assert view.tiers["enterprise"].details[0] == "1 in business hours"
    assert view.tiers["partner"].value == "1"
    assert view.priority.value in {"P1", "P2", "P3", "P4", "P5"}
    assert "Primary database down" in view.reasons.text()  # reasons in words

    table = rows(view)
    acme = table["ACME Corp"]
    assert acme[TIER] == "enterprise" and acme[SEVERITY] == "✖ DOWN"
    assert acme[COMPONENTS] == "Web app" and acme[IN_HOURS] == "yes, at work"
    assert acme[MANAGER] == "Alice Martin"  # the person's name, not their id
    assert table["ChannelCo"][PARTNER] == "PARTNER"
    assert "Public API" in table["Globex"][COMPONENTS]

    view.table.sortByColumn(TIER, Qt.SortOrder.AscendingOrder)
    assert view.proxy.index(0, NAME).data() == "Globex"  # standard (weight 1) sorts first


def test_clock_refresh_follows_business_hours(qtbot, store):
    clock = [AT]
    view = CustomerImpactView(store, clock=lambda: clock[0])
    qtbot.addWidget(view)
    feed(store, "db-main#0", Status.DOWN)
    view.refresh_now()
    assert rows(view)["ACME Corp"][IN_HOURS] == "yes, at work"
    clock[0] = AT + dt.timedelta(hours=8)  # 19:00 in New York
    view.refresh_now()  # what the 60 s timer does
    assert rows(view)["ACME Corp"][IN_HOURS] == "no"
    view.grab()
