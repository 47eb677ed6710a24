"""The review window: incident header, replayed views, timeline, how-soon figures, transport.

Read-only by construction: it is built from a loaded bundle with no database
and no network; the views it holds take no input that changes anything
(the wall and map are painted, the impact table only sorts), and the
timeline and figures are lists without editors.
"""

from __future__ import annotations

import datetime as dt
import os

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from noc_app.live import StatusBoard
from noc_app.review.figures import review_figures
from noc_app.review.material import ReviewMaterial
from noc_app.review.scope import neighbourhood_topology
from widgets.board_store import BoardStore
from widgets.review.banner import ReplayFrame
from widgets.review.feed import ReplayFeed
from widgets.review.summary import MetricsTable, header_text
from widgets.review.timeline import ReviewTimeline
from widgets.review.transport import Transport
from widgets.theme import DARK_STYLESHEET, dark_palette
from widgets.views import CustomerImpactView, DependencyMapView
from widgets.wall import ComponentWall
from widgets.wall.window import _since_process_start

#: (page name used for screenshots, tab label)
PAGES = (("wall", "Component wall"), ("map", "Dependency map (incident's neighbourhood)"),
         ("impact", "Customer impact"))


class ReviewWindow(QWidget):
    def __init__(self, material: ReviewMaterial, at: dt.datetime | None = None, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.material = material
        bundle = material.bundle
        self.setWindowTitle(f"Vigil NOC — REVIEW of incident #{bundle.incident_id} ({bundle.path.name}, read-only)")
        self.setStyleSheet(DARK_STYLESHEET)
        self.setPalette(dark_palette(self.palette()))

        board = StatusBoard(bundle.topology, material.replay.model)
        self.stores = {name: BoardStore(board, self) for name, _ in PAGES}
        near = bundle.neighbourhood
        if near and len(near) < len(bundle.topology.components):
            # The map draws the incident's neighbourhood (what it depends on and what depends on it):
            # a graph of the whole estate is unreadable, and its state is the part that explains the incident.
            self.stores["map"] = BoardStore(StatusBoard(neighbourhood_topology(bundle.topology, near)), self)
        self.store = self.stores["wall"]
        self.feed = ReplayFeed(material.replay, self.stores, material.samples, visible="wall")
        start = at or material.impact_started
        self.transport = Transport(bundle.window_start, bundle.window_end)
        self.transport.set_moment(start)
        self.feed.show(start)  # the views are built on the state they first show
        moment = lambda: self.transport.moment  # noqa: E731 - the views' clock is the cursor
        self.wall = ComponentWall(self.stores["wall"])
        self.wall.clock = moment
        self.map = DependencyMapView(self.stores["map"])
        self.impact = CustomerImpactView(self.stores["impact"], clock=moment)
        # The wall built its first tiles on the real clock; have it redo them on the cursor's.
        self.stores["wall"].componentsChanged.emit(set(board.component_ids()))
        self.frames = {name: ReplayFrame(view) for name, view in
                       zip((p for p, _ in PAGES), (self.wall, self.map, self.impact))}
        self.tabs = QTabWidget(objectName="replayViews")
        for name, label in PAGES:
            self.tabs.addTab(self.frames[name], label)

        title, details = header_text(material.incident)
        self.title = QLabel(title, objectName="banner")
        self.details = QLabel(f"{details}\nREVIEW — read-only, from {bundle.path.name} "
                              f"(written {bundle.manifest.get('created_at', '?')[:19]} UTC, "
                              f"sha256 {bundle.manifest.get('content_sha256', '')[:12]}…)")
        self.details.setWordWrap(True)
        figures, note = review_figures(material)
        self.metrics = MetricsTable(figures, note)
        self.timeline = ReviewTimeline(bundle.timeline)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.metrics)
        side.addWidget(self.timeline)
        side.setSizes([450, 550])
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(self.tabs)
        body.addWidget(side)
        body.setSizes([960, 640])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(body, 1)
        layout.addWidget(self.transport)

        self._pending: dt.datetime | None = None
        self.frames_shown = 0  # moments applied to the views (the bench counts them)
        # The next turn of the event loop, not a fixed cadence: every move queued meanwhile
        # is folded into one frame, so a drag runs as fast as a frame costs (a 30 ms timer
        # capped it at 33 frames a second, and any load put it under 30).
        self._frame = QTimer(self)
        self._frame.setSingleShot(True)
        self._frame.setInterval(0)
        self._frame.timeout.connect(self._apply)
        self.tabs.currentChanged.connect(lambda i: self._shown(PAGES[i][0]))
        self.transport.moved.connect(self.show_moment)
        self.timeline.jump.connect(self.transport.set_moment)
        self.transport.set_moment(start)
        self._apply()
        if os.environ.get("NOC_REPORT_FIRST_PAINT") == "1":
            self._reporter = _FirstPaint(self.wall)

    # -- the cursor ---------------------------------------------------------
    @property
    def moment(self) -> dt.datetime:
        return self.transport.moment

    def show_moment(self, at: dt.datetime) -> None:
        """The cursor moved: the views follow on the next turn of the event loop (a drag moves
        it faster than views can repaint; only the latest moment of a frame is worth showing)."""
        self._pending = at
        if not self._frame.isActive():
            self._frame.start()

    def _apply(self) -> None:
        """Everything follows the cursor: board (hence the views), banners, timeline."""
        at, self._pending = self._pending, None
        if at is None:
            return
        self.frames_shown += 1
        self.feed.show(at)
        self.frames[self.feed.visible].set_moment(at)  # the hidden ones are set when shown
        if self.feed.visible == "impact":
            self.impact.schedule_refresh()  # coalesced: at most four refreshes a second
        self.timeline.follow(at)

    def _shown(self, name: str) -> None:
        self.feed.set_visible(name)
        self.frames[name].set_moment(self.feed.state.at if self.feed.state else self.moment)
        if name == "impact":
            self.impact.refresh_now()

    def settle(self) -> None:
        """Finish pending repaints now (screenshots, tests)."""
        self._frame.stop()
        self._apply()
        self.impact.refresh_now()
        self.wall.settle()

    def pages(self):
        """(name, bring-to-front) per replayed view, for ``widgets.screenshots``."""
        def front(index: int) -> None:
            self.tabs.setCurrentIndex(index)
            self.settle()
        return [(f"review-{name}", lambda i=i: front(i)) for i, (name, _) in enumerate(PAGES)]

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.transport.play.setChecked(False)
        super().closeEvent(event)


class _FirstPaint(QObject):
    """``NOC_REPORT_FIRST_PAINT=1`` (bench): print ``first-paint <s>`` once the wall has painted."""

    def __init__(self, view: QWidget):
        super().__init__(view)
        self.done = False
        view.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, lambda: print(f"first-paint {_since_process_start():.3f}", flush=True))
        return False
