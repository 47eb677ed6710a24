"""The component wall: tiles follow states, durations tick, groups and order, legible sizes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QRect

from noc_app.demo import DEMO_TOPOLOGY_PATH
from noc_app.domain import Status
from noc_app.live import CheckView, StatusBoard
from noc_app.topology import load_topology
from widgets.board_store import BoardStore
from widgets.wall import ComponentWall, WallWindow
from widgets.wall.layout import plan
from widgets.wall.sample import outage_views
from widgets.wall.stale import wall_text_px

SMALL = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc


def check(cid, status, since, flapping=False, at=None):
    return CheckView(f"{cid}#0", cid, status, status, since, 12.0, None, flapping,
                     at or dt.datetime.now(UTC), True)


@pytest.fixture
def store():
    return BoardStore(StatusBoard(load_topology(SMALL)))


@pytest.fixture
def wall(qtbot, store):
    wall = ComponentWall(store)
    qtbot.addWidget(wall)
    wall.resize(1200, 700)
    return wall


def test_tiles_change_when_states_change(qtbot, store, wall):
    now = dt.datetime.now(UTC)
    store.apply_many(check(c.id, Status.OK, now) for c in store.board.topology.components)
    wall.settle()
    assert wall.tile_at("db-main").status == Status.OK
    with qtbot.waitSignal(store.componentsChanged):
        store.apply(check("db-main", Status.DOWN, now))
        store.apply(check("api", Status.DOWN, now))
    qtbot.waitUntil(lambda: wall.tile_at("db-main").status == Status.DOWN, timeout=1000)  # by its frame timer
    wall.settle()  # a loaded machine may leave the rest of the burst for the next frame
    cause, symptom, web = wall.tile_at("db-main"), wall.tile_at("api"), wall.tile_at("web")
    assert cause.facts.labels == ("CAUSE",) and cause.rect is not None
    assert symptom.facts.labels == ("SYMPTOM",)
    assert web.status == Status.IMPACTED and web.facts.labels == ()
    store.apply(check("db-main", Status.OK, now))
    store.apply(check("api", Status.OK, now))
    wall.settle()
    assert wall.tile_at("web").status == Status.OK  # recovery is shown too


def test_duration_ticks(store, wall):
    now = dt.datetime.now(UTC)
    store.apply(check("db-main", Status.DOWN, now - dt.timedelta(seconds=252)))
    wall.clock = lambda: now
    wall.settle()
    assert wall.tile_at("db-main").facts.status_text == "DOWN for 4m12s"
    wall.clock = lambda: now + dt.timedelta(seconds=5)
    wall.tick()
    wall.settle()
    assert wall.tile_at("db-main").facts.status_text == "DOWN for 4m17s"


def test_flapping_and_maintenance_marks(store, wall):
    now = dt.datetime.now(UTC)
    store.apply(check("api", Status.OK, now, flapping=True))
    store.apply(check("db-reporting", Status.MAINTENANCE, now))
    wall.settle()
    assert "FLAPPING" in wall.tile_at("api").facts.labels
    assert wall.tile_at("db-reporting").facts.status_text.startswith("MAINTENANCE")


def test_groups_have_headings_and_failing_tiles_sort_first(store, wall):
    groups = wall.group_names()
    assert groups and all(wall.group_order(g) for g in groups)
    group = store.board.topology.component("db-reporting").group
    now = dt.datetime.now(UTC)
    store.apply_many(check(c.id, Status.OK, now) for c in store.board.topology.components)
    store.apply(check("db-reporting", Status.DOWN, now))
    wall.settle()
    wall.resort()
    assert wall.group_order(group)[0] == "db-reporting"
    wall.grab()  # paints headings and tiles without error
    assert wall.page_count() == 1


def test_font_never_below_floor_and_pages_when_crowded():
    groups = [(f"g{i}", [f"c{i}-{j}" for j in range(200)]) for i in range(10)]
    crowded = plan(1920, 1000, groups, floor_px=24)
    assert crowded.font_px == 24 and len(crowded.pages) > 1
    few = plan(1920, 1000, [("g", ["a", "b", "c"])], floor_px=24)
    assert few.font_px > 24  # fewer components, bigger tiles
    tiles = [b for page in crowded.pages for b in page if b.kind == "tile"]
    assert len(tiles) == 2000 and all(b.y + b.h <= 1000 for b in tiles)


def test_demo_outage_is_legible_at_1080p(qtbot):
    """The 5 m floor (1/45 of the height) holds on a 1080p wall with all 40 demo tiles on one page."""
    store = BoardStore(StatusBoard(load_topology(DEMO_TOPOLOGY_PATH)))
    store.apply_many(outage_views(store.board.topology))
    wall = ComponentWall(store)
    window = WallWindow(store, {"Components": wall})
    qtbot.addWidget(window)
    window.set_wall_geometry(QRect(0, 0, 1920, 1080))
    window.show()
    qtbot.waitExposed(window)
    wall.settle()
    floor = wall_text_px(1080)
    assert floor >= 1080 / 45 - 1 and wall.floor_px == floor
    tiles = [wall.tile_at(c.id) for c in store.board.topology.components]
    assert len(tiles) == 40 and wall.page_count() == 1
    assert all(t.rect is not None and t.font_px >= floor for t in tiles)
    assert wall.tile_at("db-main").facts.labels == ("CAUSE",)
    assert wall.tile_at("web-eu").status == Status.IMPACTED
