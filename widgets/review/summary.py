"""The incident under review: its header line and its how-soon figures (read-only)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from noc_app.review.reader import parse_time


def _hm(value: str | None) -> str:
    moment = parse_time(value)
    return "—" if moment is None else f"{moment.astimezone(dt.timezone.utc):%H:%M:%S}"


def header_text(incident: dict) -> tuple[str, str]:
    """(title line, details line)."""
    state = "closed" if incident.get("closed_at") else "IN PROGRESS (bundled while open)"
    title = f"#{incident['id']}  {incident.get('title', '')}  ·  {incident.get('priority') or 'no priority'}  ·  {state}"
    day = parse_time(incident.get("first_recorded_at"))
    details = (f"{day:%Y-%m-%d} UTC · impact started {_hm(incident.get('bundle_impact_started_at'))} · "
               f"detected {_hm(incident.get('detected_at'))} · opened {_hm(incident.get('first_recorded_at'))} · "
               f"restored {_hm(incident.get('restored_at'))} · closed {_hm(incident.get('closed_at'))}")
    return title, details


class MetricsTable(QWidget):
    """Rows of (figure, value, definition); the definition is printed beside every figure."""

    def __init__(self, rows: list[tuple[str, str, str]], note: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        title = QLabel("How soon", objectName="heading")
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        self.table = QTableWidget(len(rows), 3, objectName="metrics")
        self.table.setHorizontalHeaderLabels(["Figure", "Value", "Definition"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # read-only review
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Rows grow to their wrapped definition whenever the columns change width.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        if note:
            layout.addWidget(QLabel(note, wordWrap=True))
