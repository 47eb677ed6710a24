"""The Incidents view's one "Review #N…" button: open board and closed list share one selection."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

import review_scenario as scenario
from noc_app.incidents import IncidentService
from noc_app.live import StatusBoard
from noc_app.topology import load_topology
from noc_app.workspace import open_workspace
from widgets.board_store import BoardStore
from widgets.workstation import build_workstation


def test_one_review_button_names_the_incident_of_either_table(qtbot, tmp_path, monkeypatch):
    from widgets.review.launch import LiveReviews

    opened: list[int] = []  # the replay window itself is tested in test_review_window.py
    monkeypatch.setattr(LiveReviews, "review", lambda self, incident_id: opened.append(incident_id))
    workspace = open_workspace(scenario.TOPOLOGY, f"sqlite:///{tmp_path}/noc.db")
    closed_id = scenario.write_outage(workspace.sessions)
    open_id = IncidentService(workspace.sessions, "alice").open_incident(
        "Checkout slow", "internal_monitoring").incident_id
    store = BoardStore(StatusBoard(load_topology(scenario.TOPOLOGY)))
    window = build_workstation(store, workspace.sessions, "test",
                               settings=QSettings(str(tmp_path / "ws.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.show_view("incidents")
    desk = window.incidents
    action = desk.review_action
    qtbot.waitUntil(lambda: desk.board.model.row_count() == 1 and len(desk.closed.rows) == 1, timeout=10_000)
    buttons = [b for b in window.findChildren(type(action.button)) if b.text().startswith("Review")
               and b.isVisibleTo(window)]
    assert buttons == [action.button]  # the board's own button stays hidden on the workstation
    assert not action.button.isEnabled() and action.button.text() == "Review…"

    desk.board.view.selectRow(0)
    assert action.button.text() == f"Review #{open_id}…"
    desk.closed.table.selectRow(0)  # choosing a closed one clears the board's pick
    assert desk.board.selected_id() is None and action.button.text() == f"Review #{closed_id}…"
    qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)
    desk.board.view.selectRow(0)
    assert desk.closed.selected_id() is None
    qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)
    assert opened == [closed_id, open_id]
    workspace.close()
