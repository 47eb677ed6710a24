"""Dependency map: a pure layered layout, and a live map that marks cause, symptoms and the rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from noc_app.domain import Status
from noc_app.live import CheckView, StatusBoard
from noc_app.topology import load_topology
from widgets.views.graph_layout import crossings, layered_layout

SMALL = Path(__file__).parent / "data" / "small_topology.toml"
NOW = dt.datetime(2024, 5, 14, 13, 30, tzinfo=dt.timezone.utc)


# --- the layout is plain Python: no QApplication needed ----------------------
def test_layers_follow_dependency_height():
    deps = {"web": ["api"], "api": ["db", "cache"], "db": ["dc"], "cache": ["dc"], "dc": [], "cdn": []}
    layout = layered_layout(list(deps), deps)
    assert layout.layer_of["dc"] == layout.layer_of["cdn"] == 0  # foundations on the bottom
    assert layout.layer_of["db"] == layout.layer_of["cache"] == 1
    assert layout.layer_of["web"] == 3
    for user, ds in deps.items():
        assert all(layout.layer_of[user] > layout.layer_of[d] for d in ds)


def test_barycenter_ordering_removes_avoidable_crossings():
    # Two independent stacks listed crosswise: a1 over b0 and b1 over a0 cross until reordered.
    deps = {"a1": ["a0"], "b1": ["b0"], "a0": [], "b0": []}
    nodes = ["a1", "b1", "b0", "a0"]
    assert crossings(layered_layout(nodes, deps, sweeps=0), deps) == 1
    assert crossings(layered_layout(nodes, deps), deps) == 0


def test_cycles_and_unknown_ids_do_not_break_the_layout():
    layout = layered_layout(["a", "b"], {"a": ["b", "ghost"], "b": ["a"]})
    assert set(layout.layer_of) == {"a", "b"}


# --- the live map ---------------------------------------------------------------
def feed(store, key, status, error=None):
    store.apply(CheckView(key, key.split("#")[0], status, status, NOW, 10.0, error, False, NOW, True))


@pytest.fixture
def store():
    from widgets.board_store import BoardStore
    store = BoardStore(StatusBoard(load_topology(SMALL)))
    for key in ("db-main#0", "db-reporting#0", "api#0", "api#1", "web#0", "reporting#0"):
        feed(store, key, Status.OK)
    return store


def test_map_marks_cause_and_symptoms_dims_the_rest_and_updates_in_place(qtbot, store):
    from widgets.views.dependency_map import DIMMED, DependencyMapView
    view = DependencyMapView(store)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    nodes = dict(view.nodes)
    layers = {cid: n.pos().y() for cid, n in nodes.items()}
    assert layers["web"] < layers["api"] < layers["db-main"]  # users above what they depend on
    assert all(n.opacity() == 1.0 for n in nodes.values())  # all fine: nothing dimmed

    feed(store, "db-main#0", Status.DOWN, "connection refused")
    feed(store, "api#0", Status.DOWN, "HTTP 503")
    assert view.nodes == nodes  # same items: updated in place, no rebuild
    assert nodes["db-main"].tag == "◎ PROBABLE CAUSE"
    assert nodes["api"].tag == "symptom" and nodes["api"].symptom_of == ("db-main",)
    assert nodes["web"].view.status == Status.IMPACTED and nodes["web"].opacity() == 1.0
    assert nodes["reporting"].opacity() == DIMMED  # untouched by the outage
    hot = {(e.user.view.id, e.dependency.view.id) for e in view.edges if e.opacity() == 1.0}
    assert hot == {("api", "db-main"), ("web", "api")}

    feed(store, "db-main#0", Status.OK)
    feed(store, "api#0", Status.OK)
    assert all(n.opacity() == 1.0 and not n.tag for n in nodes.values())
    view.grab()  # paints every item without error


def test_cause_tag_shortens_on_a_narrow_node(qtbot):
    from PySide6.QtGui import QFont, QFontMetricsF

    from widgets.views.dependency_map import fit_tag

    font = QFont()
    font.setBold(True)
    metrics = QFontMetricsF(font)
    wide = metrics.horizontalAdvance("◎ PROBABLE CAUSE") + 1
    assert fit_tag("◎ PROBABLE CAUSE", metrics, wide) == "◎ PROBABLE CAUSE"
    assert fit_tag("◎ PROBABLE CAUSE", metrics, wide / 2) == "◎ CAUSE"
    assert fit_tag("symptom", metrics, 1.0) == "symptom"  # nothing shorter to say
