"""Item 16: the smallest text on every wall view is at least 1/45 of the screen height.

The wall as ``main.py --wall`` builds it (components, impact, map, incidents),
at 1080p and at 4K, during an outage (so causes, symptoms, impacted customers
and an incident are all on screen). Two readings of each view:

* what every visible text-bearing widget says its font is (labels, table
  views and their header sections, model font roles of the visible rows);
* what is really painted: the window rendered onto a recording paint device
  (``painted_text.TextRecorder``) that keeps every text item's font and the
  painter's scale, so painted cards, the header strip, the map's scaled scene
  and the component wall's tiles (painted into a pixmap: read through
  ``ComponentWall.paint_page``) are measured as drawn.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontInfo, QPainter
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QHeaderView, QLabel,
                               QWidget)

from noc_app.demo import DEMO_TOPOLOGY_PATH
from noc_app.domain import Status
from noc_app.incidents import IncidentService
from noc_app.live import CheckView, StatusBoard
from noc_app.workspace import open_workspace
from painted_text import TextRecorder
from widgets.board_store import BoardStore
from widgets.incidents import IncidentsBoard, IncidentWorker
from widgets.views import CustomerImpactView, DependencyMapView
from widgets.wall import ComponentWall, WallWindow, wall_text_px
from widgets.wall.stale import DataAge

UTC = dt.timezone.utc
SCREENS = {"1080p": (1920, 1080), "4K": (3840, 2160), "WUXGA": (1920, 1200), "WXGA": (1280, 800)}
TOLERANCE = 0.5  # the map's fitted scale lands a fraction of a pixel either side


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    ws = open_workspace(DEMO_TOPOLOGY_PATH, f"sqlite:///{tmp_path_factory.mktemp('wall')}/noc.db")
    service = IncidentService(ws.sessions, "alice")
    first = service.open_incident("Primary database down", "internal_monitoring", component_ids=["db-main"])
    service.classify(first.incident_id, "high", "high", first.version)
    service.open_incident("Reports late", "customer_call", component_ids=["reporting"])
    yield ws
    ws.close()


def _outage(store: BoardStore) -> None:
    now = dt.datetime.now(UTC)
    topology = store.board.topology
    for check in topology.checks:
        # Both members of the demo's database pair (db-failover): one alone hurts nobody.
        status = Status.DOWN if check.component_id in ("db-main", "db-replica") else Status.OK
        store.apply(CheckView(check.key, check.component_id, status, status, now, 12.0,
                              "connection refused" if status is Status.DOWN else None, False, now, True))
    assert store.board.result.impacted_count > 0


@pytest.fixture(params=list(SCREENS), ids=list(SCREENS))
def wall(request, qtbot, workspace):
    width, height = SCREENS[request.param]
    store = BoardStore(StatusBoard(workspace.topology))
    _outage(store)
    incidents = IncidentsBoard(IncidentWorker(IncidentService(workspace.sessions, author="wall")))
    views = {"components": ComponentWall(store), "impact": CustomerImpactView(store),
             "map": DependencyMapView(store), "incidents": incidents}
    window = WallWindow(store, views, rotate_s=3600)
    qtbot.addWidget(window)
    window.set_wall_geometry(QRect(0, 0, width, height))
    window.show_problem("database unreachable (connection refused); showing the last data")  # the notice strip
    window.show()
    qtbot.waitUntil(lambda: incidents.model.rowCount() == 2, timeout=10_000)
    yield window, views, wall_text_px(height)
    incidents.worker.pool.waitForDone(5000)


def _declared(view: QWidget) -> list[tuple[str, float]]:
    """(where, px) of every visible widget that shows text, and of the visible rows' font roles."""
    found = []
    for widget in [view, *view.findChildren(QWidget)]:
        if not widget.isVisibleTo(view.window()) or widget.width() <= 0 or widget.height() <= 0:
            continue
        name = f"{type(widget).__name__}({widget.objectName() or ''})"
        if isinstance(widget, QLabel) and widget.text().strip():
            found.append((f"{name} {widget.text()[:30]!r}", QFontInfo(widget.font()).pixelSize()))
        elif isinstance(widget, QAbstractButton) and widget.text().strip():
            found.append((f"{name} {widget.text()[:30]!r}", QFontInfo(widget.font()).pixelSize()))
        elif isinstance(widget, QHeaderView):
            model = widget.model()
            for section in range(widget.count()):
                if widget.isSectionHidden(section):
                    continue
                font = model.headerData(section, widget.orientation(), Qt.ItemDataRole.FontRole)
                font = font.resolve(widget.font()) if isinstance(font, QFont) else widget.font()
                title = model.headerData(section, widget.orientation(), Qt.ItemDataRole.DisplayRole)
                found.append((f"header section {title!r}", QFontInfo(font).pixelSize()))
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            top = widget.indexAt(widget.viewport().rect().topLeft()).row()
            for row in range(max(0, top), min(model.rowCount(), max(0, top) + 40)):
                for column in range(model.columnCount()):
                    index = model.index(row, column)
                    font = index.data(Qt.ItemDataRole.FontRole)
                    font = font.resolve(widget.font()) if isinstance(font, QFont) else widget.font()
                    if index.data(Qt.ItemDataRole.DisplayRole):
                        found.append((f"{name} cell {row},{column} {str(index.data())[:20]!r}",
                                      QFontInfo(font).pixelSize()))
    return found


def _painted(window: WallWindow, view: QWidget) -> list[tuple[str, float]]:
    recorder = TextRecorder(window.width(), window.height())
    window.render(recorder)
    if isinstance(view, ComponentWall):
        painter = QPainter(recorder)
        view.paint_page(painter)
        painter.end()
    return [(f"painted {t.text[:40]!r}", t.px) for t in recorder.texts]


@pytest.mark.parametrize("name", ["components", "impact", "map", "incidents"])
def test_no_text_on_a_wall_view_is_below_the_floor(wall, qtbot, name):
    window, views, floor = wall
    view = views[name]
    window.stack.setCurrentWidget(view)
    window.tick()
    if isinstance(view, ComponentWall):
        view.settle()
    for _ in range(3):
        QApplication.processEvents()
    declared, painted = _declared(view), _painted(window, view)
    assert declared or name in ("components", "map"), "nothing with text found: the walk is broken"
    assert len(painted) > 10, "the recorder saw almost no text: the walk is broken"
    small = sorted({(where, round(px, 1)) for where, px in declared + painted if px < floor - TOLERANCE},
                   key=lambda item: item[1])
    assert not small, f"{name}: {len(small)} texts below {floor} px, e.g. {small[:8]}"


def test_the_loud_stale_header_is_above_the_floor(wall):
    window, _views, floor = wall
    window.header.set_state(view_label="impact", totals=[(Status.DOWN, 6)], clock="12:00:00",
                            data_age=DataAge(45.0, True, "NO DATA FOR 45s"), last_data_local="11:59:15")
    assert window.header.is_loud
    painted = _painted(window, window.header)
    assert any("THIS WALL IS NOT LIVE" in where for where, _ in painted)
    small = [(where, px) for where, px in painted if px < floor - TOLERANCE]
    assert not small, small
