"""The incident under review: its header line and its how-soon figures (read-only)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from html import escape

from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from noc_app.review.reader import parse_time


def _hm(value: str | None) -> str:
    moment = parse_time(value)
    return "—" if moment is None else f"{moment.astimezone(dt.timezone.utc):%H:%M:%S}"


def header_text(incident: dict) -> tuple[str, str]:
    """(title line, details line)."""
    state = "closed" if incident.get("closed_at") else "IN PROGRESS (bundled while open)"
    priority = incident.get("priority") or "no priority"
    title = f"#{incident['id']}  {incident.get('title', '')}  ·  {priority}  ·  {state}"
    day = parse_time(incident.get("first_recorded_at"))
    details = (f"{day:%Y-%m-%d} UTC · impact started {_hm(incident.get('bundle_impact_started_at'))} · "
               f"detected {_hm(incident.get('detected_at'))} · opened {_hm(incident.get('first_recorded_at'))} · "
               f"restored {_hm(incident.get('restored_at'))} · closed {_hm(incident.get('closed_at'))}")
    return title, details


class MetricsTable(QWidget):
    """Rows of (figure, value, definition): each definition printed under its figure.

    Rich text in a label, not a table: definitions are sentences, and a label
    wraps them to whatever width the panel has (a read-only view by nature).
    """

    def __init__(self, rows: list[tuple[str, str, str]], note: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.rows = rows
        title = QLabel("How soon", objectName="heading")
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        body = "".join(
            f"<tr><td style='padding:4px 12px 0 0'><b>{escape(name)}</b></td>"
            f"<td style='padding:4px 0 0 0' align='right'><b>{escape(value)}</b></td></tr>"
            f"<tr><td colspan='2' style='color:#a8b0bb; padding:0 0 4px 0'>{escape(sentence)}</td></tr>"
            for name, value, sentence in rows)
        self.label = QLabel(f"<table width='100%' cellspacing='0'>{body}</table>", objectName="metrics")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(scroll, 1)
        if note:
            layout.addWidget(QLabel(note, wordWrap=True))
