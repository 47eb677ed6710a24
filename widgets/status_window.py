"""The plain main window: a banner of totals, the component list, data age and clock."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QLabel, QMainWindow, QTableView, QVBoxLayout, QWidget

from noc_app.domain import SEVERITY_ORDER
from widgets.board_store import BoardStore
from widgets.component_table import NAME, REASON, ComponentStatusModel
from widgets.theme import DARK_STYLESHEET, look

#: Data older than this makes the data-age indicator loud: a frozen screen must not look calm.
STALE_AFTER_S = 30.0


class StatusWindow(QMainWindow):
    def __init__(self, store: BoardStore, title: str = "Vigil NOC"):
        super().__init__()
        self.store = store
        self.model = model = ComponentStatusModel(store, self)
        self.setWindowTitle(title)
        self.setStyleSheet(DARK_STYLESHEET)

        self.banner = QLabel(objectName="banner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.ResizeToContents)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.table)
        self.setCentralWidget(central)

        self.data_age = QLabel(objectName="dataAge")
        self.clock = QLabel()
        self.problem = QLabel()
        self.statusBar().addWidget(self.problem, 1)
        self.statusBar().addPermanentWidget(self.data_age)
        self.statusBar().addPermanentWidget(self.clock)

        store.componentsChanged.connect(self._refresh_banner)
        self._ticker = QTimer(self, interval=1000, timeout=self.tick)
        self._ticker.start()
        self.tick()

    def show_problem(self, message: str) -> None:
        self.problem.setText(message)

    def tick(self) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        self.clock.setText(now.astimezone().strftime("%H:%M:%S"))
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
        self.model.refresh_ages()
        self._refresh_banner()

    def _refresh_banner(self, _changed=None) -> None:
        counts = self.store.board.counts()
        parts = [f"{look(s).symbol} {counts[s]} {look(s).word}" for s in SEVERITY_ORDER if counts.get(s)]
        self.banner.setText("     ".join(parts) or "waiting for the first check results…")
