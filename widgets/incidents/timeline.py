"""The incident timeline: append-only, newest at the bottom, always visible beside the form.

Entries are only ever added (the database refuses to rewrite them), so a
refresh appends the ids it has not shown yet and leaves the rest alone —
the operator's scroll position and selection survive the 2-second refresh.
It follows the bottom only when the operator was already there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from noc_app.incidents import TimelineEntry

#: Kinds that change the course of the incident stand out; automatic ones recede.
STRONG = {"opened", "classified", "priority_overridden", "restored", "closed", "escalated",
          "acknowledged", "notification_failed"}
MUTED = {"check_transition"}


STAR = "★ "


class TimelineView(QWidget):
    """``starToggled(event id, key)``: the operator starred (or unstarred) an event for the report."""

    starToggled = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.list = QListWidget(objectName="timeline")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        title = QLabel("Timeline", objectName="heading")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        self.star_button = QPushButton("☆ Star as a key moment", objectName="starButton")
        self.star_button.setToolTip("Key moments are listed first in the post-mortem report")
        self.star_button.setEnabled(False)
        self.star_button.clicked.connect(self._toggle_star)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.star_button)
        layout.addLayout(row)
        self.list.currentItemChanged.connect(lambda *_: self._update_star_button())
        self._shown: set[int] = set()
        self._stars: set[int] = set()
        self.starring_allowed = False
        self.entries: list[TimelineEntry] = []

    def set_entries(self, entries: list[TimelineEntry]) -> int:
        """Append the entries not shown yet; returns how many were added."""
        bar = self.list.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        new = [e for e in entries if e.id not in self._shown]
        if new and self.entries and min((e.at, e.id) for e in new) < max((e.at, e.id) for e in self.entries):
            # An event stamped earlier than what is shown (a check transition copied in
            # late): redraw in time order rather than show history out of sequence.
            self.list.clear()
            self._shown.clear()
            self.entries = []
            new = list(entries)
        added = 0
        for entry in new:
            self._shown.add(entry.id)
            self.entries.append(entry)
            item = self._item(entry)
            if entry.id in self._stars:
                item.setText(STAR + item.text())
            self.list.addItem(item)
            added += 1
        if added and at_bottom:
            self.list.scrollToBottom()
        return added

    def set_key_moments(self, ids) -> None:
        """Mark the starred events (the set only changes on a star or an unstar)."""
        ids = set(ids)
        if ids == self._stars:
            return
        self._stars = ids
        for row in range(self.list.count()):
            item = self.list.item(row)
            text = item.text().removeprefix(STAR)
            item.setText(STAR + text if item.data(Qt.ItemDataRole.UserRole) in ids else text)
        self._update_star_button()

    def key_moments(self) -> set[int]:
        return set(self._stars)

    def allow_starring(self, allowed: bool) -> None:
        self.starring_allowed = allowed
        self._update_star_button()

    def _selected_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_star_button(self) -> None:
        event_id = self._selected_id()
        starred = event_id in self._stars
        self.star_button.setText("★ Remove the star" if starred else "☆ Star as a key moment")
        self.star_button.setEnabled(self.starring_allowed and event_id is not None)

    def _toggle_star(self) -> None:
        event_id = self._selected_id()
        if event_id is not None:
            self.starToggled.emit(event_id, event_id not in self._stars)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.entries]

    @staticmethod
    def _item(entry: TimelineEntry) -> QListWidgetItem:
        when = entry.at.astimezone().strftime("%H:%M:%S")
        item = QListWidgetItem(f"{when}  {entry.author} — {entry.summary}")
        item.setToolTip(f"{entry.at.astimezone().isoformat(timespec='seconds')} · {entry.kind} · "
                        f"{entry.author}\n{entry.summary}")
        item.setData(Qt.ItemDataRole.UserRole, entry.id)
        if entry.kind in STRONG:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        if entry.kind in MUTED:
            item.setForeground(QColor("#a8b0bb"))
        return item
