"""The read-only review window on a bundle whose source database is gone (real Qt, offscreen).

The replayed wall, map and impact view must show what the wall showed at known
moments; the bundle's bytes must be the same after a review session; nothing
in the window may edit anything.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit,
                               QPushButton, QTextEdit)

import review_scenario as scenario
from noc_app.review import open_bundle, write_bundle
from noc_app.review.material import load_review, review_live_incident
from noc_app.workspace import open_workspace
from widgets.review import ReviewWindow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bundle_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("review")
    source = folder / "noc.db"
    workspace = open_workspace(scenario.TOPOLOGY, f"sqlite:///{source}")
    try:
        incident_id = scenario.write_outage(workspace.sessions)
        write_bundle(workspace.sessions, incident_id, folder / "incident.noc-bundle")
    finally:
        workspace.close()
    source.unlink()  # review works from the file alone
    return folder / "incident.noc-bundle"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def window(qtbot, bundle_file):
    material = load_review(open_bundle(bundle_file))
    win = ReviewWindow(material)
    qtbot.addWidget(win)
    win.resize(1600, 1000)
    win.show()
    yield win
    win.close()
    material.close()


def test_replay_at_three_moments_shows_what_the_wall_showed(window):
    for when, expected in scenario.EXPECTED:
        window.transport.set_moment(scenario.at(when))
        window.settle()
        shown = {cid: window.wall.tile_at(cid).status.value for cid in expected}
        assert shown == expected, when
        window.tabs.setCurrentIndex(1)  # a hidden view catches up when it is shown
        mapped = {cid: window.map.nodes[cid].view.status.value for cid in expected}
        assert mapped == expected, when
        window.tabs.setCurrentIndex(2)
        band = window.frames["impact"].band.text()
        assert band.startswith(f"REPLAY — 2026-11-23 {when}:00 UTC"), band
        impacted = window.impact.model.row_count()
        assert impacted == (3 if expected["api"] != "OK" else 0), when  # acme, globex, channelco
        window.tabs.setCurrentIndex(0)
    window.transport.set_moment(scenario.at("15:10"))
    window.settle()
    assert window.wall.tile_at("db-main").facts.cause and window.wall.tile_at("api").facts.symptom
    assert window.wall.tile_at("db-main").facts.duration == "15m00s"  # since 14:55, at 15:10


def test_timeline_follows_the_cursor_and_a_click_jumps(window, qtbot):
    window.transport.set_moment(scenario.at("15:05"))
    window.settle()
    row = window.timeline.current
    assert window.timeline.entries[row].at == scenario.at("15:02")  # classified, manager assigned
    assert window.timeline.list.item(row).text().startswith("▶ 15:02:00")
    assert all(e.at > scenario.at("15:05") for e in window.timeline.entries[row + 1:])
    note = next(i for i, e in enumerate(window.timeline.entries) if e.kind == "note")
    item = window.timeline.list.item(note)
    rect = window.timeline.list.visualItemRect(item)
    qtbot.mouseClick(window.timeline.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    window.settle()
    assert window.moment == scenario.at("15:10")
    assert window.timeline.current == note
    window.settle()
    assert window.wall.tile_at("db-main").status.value == "DOWN"


def test_play_at_60x_moves_a_minute_per_second(window):
    window.transport.set_moment(scenario.at("14:50"))
    window.transport.set_speed(60)
    for _ in range(10):  # ten ticks of 100 ms
        window.transport._tick()
    assert window.moment == scenario.at("14:51")
    window.settle()
    assert window.wall.tile_at("db-main").status.value == "DEGRADED"


def test_nothing_in_the_review_window_edits_anything(window):
    editors = [w for cls in (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)
               for w in window.findChildren(cls)]
    writable = [w for w in editors if not (getattr(w, "isReadOnly", lambda: False)())]
    assert writable == []
    editable = []
    for view in window.findChildren(QAbstractItemView):
        if view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers:
            continue
        model = view.model()
        try:
            columns = model.columnCount()
        except TypeError:  # a list model: one column
            columns = 1
        editable += [(view.objectName(), r, c) for r in range(model.rowCount()) for c in range(columns)
                     if model.flags(model.index(r, c)) & Qt.ItemFlag.ItemIsEditable]
    assert editable == []
    assert [b.text() for b in window.findChildren(QPushButton)] == ["▶ Play", "1×", "10×", "60×"]


def test_bundle_bytes_unchanged_after_a_review_session(qtbot, bundle_file):
    before = _sha(bundle_file)
    mtime = bundle_file.stat().st_mtime_ns
    material = load_review(open_bundle(bundle_file))
    win = ReviewWindow(material)
    qtbot.addWidget(win)
    win.show()
    for when, _ in scenario.EXPECTED:
        win.transport.set_moment(scenario.at(when))
        win.settle()
    win.transport.play.setChecked(True)
    qtbot.wait(300)
    win.close()
    material.close()
    assert _sha(bundle_file) == before and bundle_file.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in bundle_file.parent.iterdir()) == ["incident.noc-bundle"]  # no journal


def test_screenshot_mode_through_the_real_command(bundle_file, tmp_path):
    before = _sha(bundle_file)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "main.py", "review", str(bundle_file), "--at", "+20m",
                           "--screenshot", str(tmp_path / "shots")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "shots").iterdir())
    assert names == ["review-impact.png", "review-map.png", "review-wall.png"]
    assert all((tmp_path / "shots" / n).stat().st_size > 10_000 for n in names)
    assert _sha(bundle_file) == before


def test_live_incident_reviews_through_a_temporary_bundle(qtbot, tmp_path):
    workspace = open_workspace(scenario.TOPOLOGY, f"sqlite:///{tmp_path}/noc.db")
    try:
        incident_id = scenario.write_outage(workspace.sessions)
        material = review_live_incident(workspace.sessions, incident_id)
    finally:
        workspace.close()
    folder = material.temporary
    assert folder is not None and any(folder.iterdir())
    win = ReviewWindow(material)
    qtbot.addWidget(win)
    win.transport.set_moment(scenario.at("15:10"))
    win.settle()
    assert win.wall.tile_at("api").status.value == "DOWN"
    win.close()
    material.close()
    assert not folder.exists()


def test_review_button_on_the_board_opens_the_live_incident(qtbot, tmp_path):
    from PySide6.QtWidgets import QWidget

    from noc_app.incidents import IncidentService
    from widgets.incidents import IncidentsBoard, IncidentWorker
    from widgets.review.launch import LiveReviews

    workspace = open_workspace(scenario.TOPOLOGY, f"sqlite:///{tmp_path}/noc.db")
    incident_id = scenario.write_outage(workspace.sessions)
    with workspace.sessions.begin() as s:  # reopen it, so the board (open incidents) lists it
        from noc_app.storage import models as db
        s.get(db.Incident, incident_id).closed_at = None
    worker = IncidentWorker(IncidentService(workspace.sessions, "alice"))
    board = IncidentsBoard(worker)
    host = QWidget()
    qtbot.addWidget(host)
    qtbot.addWidget(board)
    problems: list[str] = []
    reviews = LiveReviews(worker, host, problems.append)
    board.reviewIncident.connect(reviews.review)
    board.review_button.show()
    qtbot.waitUntil(lambda: board.model.row_count() == 1, timeout=10_000)
    assert not board.review_button.isEnabled()  # nothing selected yet
    board.view.selectRow(0)
    qtbot.mouseClick(board.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: incident_id in reviews.windows, timeout=20_000)
    win = reviews.windows[incident_id]
    folder = win.material.temporary
    win.transport.set_moment(scenario.at("15:10"))
    win.settle()
    assert win.wall.tile_at("db-main").status.value == "DOWN" and "REPLAY" in win.frames["wall"].band.text()
    win.close()
    qtbot.waitUntil(lambda: incident_id not in reviews.windows, timeout=5000)
    assert not folder.exists()  # the temporary bundle goes with the window
    reviews.review(424242)
    qtbot.waitUntil(lambda: bool(problems), timeout=10_000)
    assert problems == ["Cannot review incident #424242: incident 424242: no such incident in the database; "
                        "the incidents board lists their numbers"]
    worker.pool.waitForDone(5000)
    workspace.close()


def test_cursor_moves_fold_into_one_frame_on_the_next_event_loop_turn(window, qtbot):
    window.settle()
    shown = window.frames_shown
    for when in ("14:50", "15:00", "15:05", "15:10"):  # a drag faster than frames
        window.transport.set_moment(scenario.at(when))
    assert window.frames_shown == shown  # nothing repainted inside the mouse's event
    qtbot.waitUntil(lambda: window.frames_shown > shown, timeout=2000)
    qtbot.wait(50)
    assert window.frames_shown == shown + 1
    assert window.frames["wall"].band.text().startswith("REPLAY — 2026-11-23 15:10:00 UTC")
    assert window.wall.tile_at("db-main").status.value == "DOWN"


def test_a_new_moment_asks_no_layout_of_the_tabs(window, qtbot):
    # A layout request makes a QTabWidget repaint itself whole: the map and the impact table
    # on every frame of a drag, when only the band's digits changed.
    from PySide6.QtCore import QEvent, QObject

    class Count(QObject):
        requests = 0

        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.LayoutRequest:
                Count.requests += 1
            return False

    window.tabs.setCurrentIndex(1)
    window.settle()
    qtbot.wait(50)
    counter = Count()
    window.tabs.installEventFilter(counter)
    for when in ("15:00", "15:10", "15:20"):
        window.transport.set_moment(scenario.at(when))
        window.settle()
        qtbot.wait(20)
    window.tabs.removeEventFilter(counter)
    assert Count.requests == 0
    assert window.frames["map"].band.text().startswith("REPLAY — 2026-11-23 15:20:00 UTC")


def test_a_hidden_board_follows_only_when_its_view_is_shown(window):
    window.tabs.setCurrentIndex(0)
    window.transport.set_moment(scenario.at("14:40"))
    window.settle()
    window.tabs.setCurrentIndex(1)
    window.tabs.setCurrentIndex(0)
    window.transport.set_moment(scenario.at("15:10"))
    window.settle()
    map_board = window.stores["map"].board
    assert map_board.last_data_at == scenario.at("14:40")  # not moved while nobody sees it
    window.tabs.setCurrentIndex(1)
    assert map_board.last_data_at == scenario.at("15:10")
    assert window.map.nodes["db-main"].view.status.value == "DOWN"
