"""Recently closed incidents on the workstation's incidents board, with their how-soon figures.

Read through the incident worker (never on the GUI thread) every 15 s; a
double-click opens the incident, "Export…" writes its post-mortem report.
Each column's header tooltip is the figure's definition.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from noc_app.postmortem.definitions import DEFINITIONS, EXTRA_DEFINITIONS
from noc_app.postmortem.formatting import duration
from widgets.postmortem.export_dialog import ExportDialog

REFRESH_MS = 15_000
FIGURES = (("detect_s", "Detect"), ("inform_customers_s", "Customers told"), ("resolve_s", "Restored"),
           ("inform_resolution_s", "Resolved notice"))
HEADERS = ("Incident", "Priority", "Closed", *(word for _, word in FIGURES), "Promises kept")


def load_closed(service):
    """Worker task: recently closed incidents with their metrics."""
    from noc_app.postmortem.closed import recently_closed

    with service.reading() as session:
        return recently_closed(session, dt.datetime.now(dt.timezone.utc))


class ClosedIncidentsPanel(QWidget):
    openIncident = Signal(int)

    def __init__(self, worker, parent: QWidget | None = None, refresh_ms: int = REFRESH_MS):
        super().__init__(parent)
        self.worker = worker
        self.title = QLabel("Recently closed — how soon", objectName="heading")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.title.setContentsMargins(8, 6, 8, 2)
        self.table = QTableWidget(0, len(HEADERS), objectName="closedIncidents")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, (name, _) in enumerate(FIGURES, 3):
            self.table.horizontalHeaderItem(column).setToolTip(DEFINITIONS[name].sentence)
        self.table.horizontalHeaderItem(len(HEADERS) - 1).setToolTip(EXTRA_DEFINITIONS["promises"].sentence)
        self.table.doubleClicked.connect(lambda index: self.openIncident.emit(self._id(index.row())))
        self.table.itemSelectionChanged.connect(self._selection)
        self.export_button = QPushButton("Export…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.open_export)
        self.empty = QLabel("No incident closed in the last 14 days.", objectName="hint")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.rows = []
        self.export_dialog: ExportDialog | None = None
        self._ticket: int | None = None
        worker.finished.connect(self._loaded)
        worker.failed.connect(self._failed)
        self._timer = QTimer(self, interval=refresh_ms, timeout=self.refresh)
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        if self._ticket is None:
            self._ticket = self.worker.submit("closed_incidents", load_closed)

    def _loaded(self, done) -> None:
        if done.ticket != self._ticket:
            return
        self._ticket = None
        self.show_rows(done.result)

    def _failed(self, failed) -> None:
        if failed.ticket == self._ticket:
            self._ticket = None
            self.empty.setText(f"Closed incidents not refreshed: {failed.message}")
            self.empty.show()

    def show_rows(self, rows) -> None:
        selected = self.selected_id()
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            m = row.metrics
            cells = [f"#{row.id}  {row.title}", row.priority or "—",
                     row.closed_at.astimezone().strftime("%a %d %b %H:%M")]
            tips = ["", "", ""]
            for name, _ in FIGURES:
                value = m.value(name)
                cells.append(duration(value) if value is not None else "—")
                tips.append(DEFINITIONS[name].sentence if value is not None else f"not reached: {m.why(name)}")
            cells.append(f"{m.promises_kept}/{len(m.promises)}" if m.promises else "none made")
            tips.append(EXTRA_DEFINITIONS["promises"].sentence)
            for c, (text, tip) in enumerate(zip(cells, tips)):
                item = QTableWidgetItem(text)
                item.setToolTip(tip or text)
                if c >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
            if row.id == selected:
                self.table.selectRow(r)
        self.empty.setText("No incident closed in the last 14 days.")
        self.empty.setVisible(not self.rows)

    def _id(self, row: int) -> int:
        return self.rows[row].id

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self._id(rows[0].row()) if rows and rows[0].row() < len(self.rows) else None

    def _selection(self) -> None:
        self.export_button.setEnabled(self.selected_id() is not None)

    def open_export(self) -> ExportDialog | None:
        incident_id = self.selected_id()
        if incident_id is None:
            return None
        if self.export_dialog is not None:
            self.export_dialog.close()
        self.export_dialog = ExportDialog(self.worker, incident_id, self)
        self.export_dialog.show()
        return self.export_dialog
