"""What every stage section of the incident dialog shares: the base class and small builders.

A section builds its inputs, registers them as named fields of the dialog (so
drafts, dirty checks and merges see them) and calls the dialog's
``save``/``run``; none of them talks to the database itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QWidget


def hint(text: str) -> QLabel:
    label = QLabel(text, objectName="hint")
    label.setWordWrap(True)
    return label


def person_combo(none_label: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(none_label, None)
    return combo


def fill_people(dlg, combo: QComboBox, people, none_label: str) -> None:
    """Refill a people picker, keeping what it shows (fills are not operator edits)."""
    with dlg.fields.quiet():
        current = combo.currentData()
        combo.clear()
        combo.addItem(none_label, None)
        for p in people:
            combo.addItem(p.name, p.id)
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))


class Section(QWidget):
    TITLE = ""

    def __init__(self, dlg):
        super().__init__()
        self.dlg = dlg
        self.needs_incident: list[QWidget] = []  # buttons usable once the incident exists

    def set_open(self, exists: bool) -> None:
        for widget in self.needs_incident:
            widget.setEnabled(exists)


def table(headers) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def fill(t: QTableWidget, rows, data=None) -> None:
    """Refill only when the rows changed: a 2-second refresh must not eat the selection."""
    key = (list(rows), list(data) if data is not None else None)
    if getattr(t, "_shown_rows", None) == key:
        return
    t._shown_rows = key
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if data is not None and c == 0:
                item.setData(Qt.ItemDataRole.UserRole, data[r])
            t.setItem(r, c, item)
