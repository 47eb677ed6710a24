"""The workstation main window: totals banner, the views in tabs, docks, data age and clock.

Views are plugged in by ``main.py`` (``add_view`` / ``add_dock``); the window
only arranges them, remembers the layout and theme, and keeps the
always-visible parts (totals, data age, clock) ticking.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from noc_app.domain import SEVERITY_ORDER
from widgets.board_store import BoardStore
from widgets.assets import stylesheet
from widgets.theme import look

#: Data older than this makes the data-age indicator loud: a frozen screen must not look calm.
STALE_AFTER_S = 30.0


class MainWindow(QMainWindow):
    closing = Signal()  # views with worker threads stop them here

    def __init__(self, store: BoardStore, title: str = "Vigil NOC", settings: QSettings | None = None):
        super().__init__()
        self.store = store
        self.settings = settings or QSettings("Vigil", "Vigil NOC")
        self.setWindowTitle(title)
        self.views: dict[str, QWidget] = {}

        self.banner = QLabel(objectName="banner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.tabs = QTabWidget(documentMode=True)
        central = QWidget()
        layout = QVBoxLayout(central)
        self.top_area = QVBoxLayout()  # alert banners go here
        layout.addLayout(self.top_area)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.data_age = QLabel(objectName="dataAge")
        self.clock = QLabel()
        self.problem = QLabel()
        self.statusBar().addWidget(self.problem, 1)
        self.statusBar().addPermanentWidget(self.data_age)
        self.statusBar().addPermanentWidget(self.clock)

        self._add_actions()
        self.apply_theme(self.settings.value("theme", "dark"))
        store.componentsChanged.connect(self._on_components_changed)
        self._ticker = QTimer(self, interval=1000, timeout=self.tick)
        self._ticker.start()
        self.tick()

    # --- assembling ---------------------------------------------------
    def add_view(self, name: str, title: str, widget: QWidget) -> None:
        """A tab; Ctrl+1..9 switch to the first nine in order."""
        self.views[name] = widget
        index = self.tabs.addTab(widget, title)
        if index < 9:
            action = QAction(f"Show {title}", self, shortcut=QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, w=widget: self.tabs.setCurrentWidget(w))
            self.addAction(action)

    def add_dock(self, name: str, title: str, widget: QWidget,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea) -> QDockWidget:
        self.views[name] = widget
        dock = QDockWidget(title, self, objectName=f"dock-{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def show_view(self, name: str) -> None:
        widget = self.views[name]
        if self.tabs.indexOf(widget) >= 0:
            self.tabs.setCurrentWidget(widget)

    def restore_layout(self) -> None:
        """After the views are added: the operator's last geometry, docks and tab."""
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("windowState")
        if state is not None:
            self.restoreState(state)
        tab = self.settings.value("tab")
        if tab in self.views:
            self.show_view(tab)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        current = self.tabs.currentWidget()
        self.settings.setValue("tab", next((n for n, w in self.views.items() if w is current), ""))
        self.closing.emit()
        super().closeEvent(event)

    # --- theme and shortcuts -----------------------------------------------
    def _add_actions(self) -> None:
        toggle = QAction("Toggle light/dark theme", self, shortcut=QKeySequence("Ctrl+Shift+T"))
        toggle.triggered.connect(lambda: self.apply_theme("light" if self.theme == "dark" else "dark"))
        full = QAction("Full screen", self, shortcut=QKeySequence("F11"))
        full.triggered.connect(lambda: self.showNormal() if self.isFullScreen() else self.showFullScreen())
        quit_ = QAction("Quit", self, shortcut=QKeySequence("Ctrl+Q"))
        quit_.triggered.connect(self.close)
        for action in (toggle, full, quit_):
            self.addAction(action)

    def apply_theme(self, theme: str) -> None:
        self.theme = "light" if theme == "light" else "dark"
        self.setStyleSheet(stylesheet(self.theme))  # resources/themes/<theme>.qss, read again on each switch
        self.settings.setValue("theme", self.theme)

    # --- always-visible parts ------------------------------------------------
    def show_problem(self, message: str) -> None:
        self.problem.setText(message)

    def clear_problem(self, message: str) -> None:
        """Clear the problem line only if it still shows ``message`` (not a newer one)."""
        if self.problem.text() == message:
            self.problem.setText("")

    def tick(self) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        self.clock.setText(now.astimezone().strftime("%H:%M:%S"))
        self._refresh_data_age(now)
        for widget in self.views.values():
            refresh = getattr(widget, "refresh_ages", None)
            if refresh is not None:
                refresh()
        self._refresh_banner()

    def _on_components_changed(self, _ids=None) -> None:
        # The data age follows a change at once, as the banner does: the first
        # results must not sit beside "waiting for data…" until the next tick.
        self._refresh_data_age()
        self._refresh_banner()

    def _refresh_data_age(self, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.timezone.utc)
        last = self.store.board.last_data_at
        if last is None:
            self.data_age.setText("waiting for data…")
            stale = False
        else:
            age = (now - last).total_seconds()
            stale = age > STALE_AFTER_S
            self.data_age.setText(f"NO DATA FOR {age:.0f}s" if stale else f"data {age:.0f}s old")
        if self.data_age.property("stale") != stale:
            self.data_age.setProperty("stale", stale)
            self.data_age.style().unpolish(self.data_age)
            self.data_age.style().polish(self.data_age)

    def _refresh_banner(self, _changed=None) -> None:
        counts = self.store.board.counts()
        parts = [f"{look(s).symbol} {counts[s]} {look(s).word}" for s in SEVERITY_ORDER if counts.get(s)]
        self.banner.setText("     ".join(parts) or "waiting for the first check results…")
