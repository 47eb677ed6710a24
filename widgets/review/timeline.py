"""The incident's timeline beside the replay: it follows the cursor, and a click jumps there."""

from __future__ import annotations

import bisect
import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget


STRONG = {"opened", "classified", "priority_overridden", "restored", "closed", "escalated",
          "acknowledged", "notification_sent", "notification_failed"}
PAST = QColor("#e8e8e8")
FUTURE = QColor("#6d7480")  # not happened yet at the cursor: greyed, still readable
CURRENT_BG = QColor("#0b3d63")


class ReviewTimeline(QWidget):
    jump = Signal(object)  # dt.datetime: the clicked event's moment

    def __init__(self, entries: list, parent: QWidget | None = None):
        """``entries``: timeline events (``.id``, ``.at``, ``.author``, ``.kind``, ``.summary``)."""
        super().__init__(parent)
        self.entries = sorted(entries, key=lambda e: (e.at, e.id))
        self._times = [e.at for e in self.entries]
        self.list = QListWidget(objectName="reviewTimeline")
        self.list.setWordWrap(True)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for entry in self.entries:
            when = entry.at.astimezone(dt.timezone.utc).strftime("%H:%M:%S")
            item = QListWidgetItem(f"{when}  {entry.author} — {entry.summary}")
            item.setToolTip(f"{entry.at.isoformat(timespec='seconds')} · {entry.kind} · {entry.author}\n"
                            f"{entry.summary}\n(click to replay from here)")
            if entry.kind in STRONG:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        self.list.itemClicked.connect(lambda item: self.jump.emit(self.entries[self.list.row(item)].at))
        title = QLabel("Timeline (click an event to replay from it)", objectName="heading")
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        self.current = -1

    def follow(self, at: dt.datetime) -> int:
        """Mark the latest event at or before ``at``; later ones grey. Returns its row (-1: none yet)."""
        row = bisect.bisect_right(self._times, at) - 1
        if row == self.current:
            return row
        low, high = sorted((row, self.current))
        for r in range(max(low, 0), min(high, self.list.count() - 1) + 1):
            self._paint(r, row)
        if self.current == -1 or row == -1:
            for r in range(self.list.count()):
                self._paint(r, row)
        self.current = row
        if row >= 0:
            self.list.scrollToItem(self.list.item(row), QListWidget.ScrollHint.PositionAtCenter)
        return row

    def _paint(self, r: int, current: int) -> None:
        item = self.list.item(r)
        item.setForeground(PAST if r <= current else FUTURE)
        item.setBackground(CURRENT_BG if r == current else QColor(0, 0, 0, 0))
        text = item.text()
        marker = "▶ "
        if r == current and not text.startswith(marker):
            item.setText(marker + text)
        elif r != current and text.startswith(marker):
            item.setText(text[len(marker):])
