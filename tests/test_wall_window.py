"""The wall window: screen fallback, rotation, pinned views, and the stale-data alarm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from noc_app.domain import Status
from noc_app.live import CheckView, StatusBoard
from noc_app.topology import load_topology
from widgets.board_store import BoardStore
from widgets.wall import StaleWatch, WallWindow, stale_threshold_for, wall_text_px

SMALL = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc
T0 = dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store():
    return BoardStore(StatusBoard(load_topology(SMALL)))


def views():
    return {"components": QLabel("a"), "map": QLabel("b"), "customers": QLabel("c")}


def make(qtbot, store, **kw):
    window = WallWindow(store, views(), **kw)
    qtbot.addWidget(window)
    return window


def feed(store, at):
    store.apply(CheckView("web#0", "web", Status.OK, Status.OK, at, 10.0, None, False, at, False))


def test_stale_watch_alone():
    watch = StaleWatch(30, started_at=T0)
    assert watch.check(None, T0 + dt.timedelta(seconds=5)).text == "waiting for data…"
    assert watch.check(None, T0 + dt.timedelta(seconds=45)).stale  # never got data: as bad
    fresh = watch.check(T0, T0 + dt.timedelta(seconds=3))
    assert not fresh.stale and fresh.text == "data 3s old"
    old = watch.check(T0, T0 + dt.timedelta(seconds=45))
    assert old.stale and old.text == "NO DATA FOR 45s"
    assert stale_threshold_for(10) == 30 and stale_threshold_for(1) == 15


def test_text_scales_with_the_screen():
    assert wall_text_px(1080) == 24 and wall_text_px(2160) == 48


def test_missing_screen_falls_back_to_primary_with_a_notice(qtbot, store):
    window = make(qtbot, store, screen_index=5, notice_s=0.2)
    assert window.target_screen is not None
    assert "screen 5 not found" in window.notice.text() and not window.notice.isHidden()
    qtbot.waitUntil(window.notice.isHidden, timeout=2000)
    assert make(qtbot, store, screen_index=0).notice.isHidden()


def test_rotation_advances_views(qtbot, store):
    window = make(qtbot, store, rotate_s=0.05)
    assert window.rotating and window.current_view_name == "components"
    qtbot.waitUntil(lambda: window.current_view_name == "map", timeout=2000)
    window.next_view()
    window.next_view()
    assert window.current_view_name == "components"


def test_view_name_pins_a_view(qtbot, store):
    window = make(qtbot, store, view_name="customers", rotate_s=0.05)
    assert window.current_view_name == "customers" and not window.rotating
    qtbot.wait(120)
    assert window.current_view_name == "customers"


def test_unknown_view_name_raises_with_known_names(store):
    with pytest.raises(ValueError, match="known views: components, map, customers"):
        WallWindow(store, views(), view_name="nope")


def test_data_age_goes_loud_when_updates_stop_and_clears(qtbot, store):
    now = [T0]
    window = make(qtbot, store, stale_after_s=30, clock=lambda: now[0])
    feed(store, T0)
    now[0] = T0 + dt.timedelta(seconds=5)
    window.tick()
    assert not window.header.is_loud and window.header.data_age.text == "data 5s old"
    quiet_height = window.header.height()
    now[0] = T0 + dt.timedelta(seconds=45)
    window.tick()
    assert window.header.is_loud and window.header.data_age.text == "NO DATA FOR 45s"
    assert window.header.maximumHeight() > 2 * quiet_height  # loud means big
    window.grab()  # the alarm paints
    feed(store, now[0])
    window.tick()
    assert not window.header.is_loud


def test_dependency_map_text_is_wall_sized_at_1080p(qtbot):
    from PySide6.QtCore import QRect

    from noc_app.demo import DEMO_TOPOLOGY_PATH
    from widgets.views import DependencyMapView

    demo = BoardStore(StatusBoard(load_topology(DEMO_TOPOLOGY_PATH)))
    depmap = DependencyMapView(demo)
    window = WallWindow(demo, {"map": depmap})
    qtbot.addWidget(window)
    window.set_wall_geometry(QRect(0, 0, 1920, 1080))
    window.show()
    qtbot.waitUntil(lambda: depmap.smallest_text_px() > 0, timeout=3000)
    qtbot.wait(50)
    # The demo's widest layer has 10 nodes: the map must re-arrange, not shrink the text.
    assert depmap.smallest_text_px() >= wall_text_px(1080) - 0.5
