"""AT RISK on the wall and the map: its own word, symbol and tag, never IMPACTED (issue 14)."""

from __future__ import annotations

from PySide6.QtCore import QRect

from noc_app.demo import DEMO_TOPOLOGY_PATH
from noc_app.domain import Status
from noc_app.live import StatusBoard
from noc_app.topology import load_topology
from widgets.board_store import BoardStore
from widgets.theme import AT_RISK
from widgets.views import DependencyMapView
from widgets.wall import ComponentWall, WallWindow
from widgets.wall import sample


def demo_store(scene) -> BoardStore:
    store = BoardStore(StatusBoard(load_topology(DEMO_TOPOLOGY_PATH)))
    store.apply_many(sample.outage_views(store.board.topology, scene=scene))
    return store


def test_the_standby_alone_down_puts_its_users_at_risk_on_tiles_and_header(qtbot):
    store = demo_store(sample.AT_RISK)
    board = store.board
    api = board.component("api")
    assert api.status is Status.OK and api.at_risk and api.lost == ("db-replica",)
    assert board.result.impacted_count == 0  # nobody hurt: the primary carries the load
    wall = ComponentWall(store)
    window = WallWindow(store, {"Components": wall})
    qtbot.addWidget(window)
    window.set_wall_geometry(QRect(0, 0, 1920, 1080))
    window.show()
    qtbot.waitExposed(window)
    wall.settle()
    facts = wall.tile_at("api").facts
    assert facts.at_risk and facts.status_text == "AT RISK"
    assert facts.labels == ("REDUNDANCY LOST",)
    assert not wall.tile_at("reporting").facts.at_risk
    window.tick()
    totals = dict(window.header.totals)
    assert totals[AT_RISK] == board.at_risk_count() >= 5
    assert sum(totals.values()) == len(board.component_ids())  # the chips still add up


def test_the_map_tags_at_risk_nodes_and_draws_group_edges_dashed(qtbot):
    store = demo_store(sample.AT_RISK)
    depmap = DependencyMapView(store)
    qtbot.addWidget(depmap)
    depmap.resize(1600, 900)
    node = depmap.nodes["api"]
    assert node.view.at_risk and node.tag == "redundancy lost"
    soft = {(e.user.view.id, e.dependency.view.id) for e in depmap.edges if e.soft}
    assert ("api", "db-main") in soft and ("api", "db-replica") in soft
    assert ("api", "auth") not in soft


def test_when_both_database_members_are_lost_nothing_is_at_risk_but_impacted(qtbot):
    store = demo_store(sample.OUTAGE)
    board = store.board
    assert set(board.result.probable_causes) >= {"db-main", "db-replica"}
    auth = board.component("auth")
    assert auth.status is Status.IMPACTED and not auth.at_risk
    assert board.result.impacted_count > 0


def test_the_workstation_table_says_at_risk_and_what_was_lost(qtbot):
    from PySide6.QtCore import Qt

    from widgets.component_table import REASON, STATUS, ComponentStatusModel

    store = demo_store(sample.AT_RISK)
    model = ComponentStatusModel(store)
    row = next(r for r in range(model.rowCount())
               if model.data(model.index(r, 0), Qt.ItemDataRole.UserRole).id == "api")
    assert model.data(model.index(row, STATUS)) == "⚠ AT RISK"
    assert "redundancy lost: db-replica" in model.data(model.index(row, REASON))
