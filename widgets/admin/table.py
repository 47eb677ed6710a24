"""The list half of every page: records as table rows, and a checkable component picker."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

Column = tuple[str, Callable[[Any], str]]  # header, record -> cell text
RECORD_ROLE = Qt.ItemDataRole.UserRole
CELL_MAX = 160


def one_line_cell(text: str | None) -> str:
    """A cell shows a single line; the form shows the text exactly as stored."""
    text = " ".join((text or "").split())
    return text if len(text) <= CELL_MAX else text[:CELL_MAX - 1] + "…"


class RecordModel(QAbstractTableModel):
    """Read-only rows of frozen dataclasses; ``set_rows`` replaces them all."""

    def __init__(self, columns: Sequence[Column], key: Callable[[Any], str] = lambda r: r.id,
                 parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.key = key
        self._rows: list[Any] = []

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def record(self, row: int) -> Any:
        return self._rows[row]

    def row_of(self, key: str) -> int:
        return next((i for i, r in enumerate(self._rows) if self.key(r) == key), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line_cell(self.columns[index.column()][1](record))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[index.column()][1](record)[:2000] or None
        if role == RECORD_ROLE:
            return record
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section][0]
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None


class ComponentPicker(QListWidget):
    """Components as check boxes; keeps checked ids that are not (yet) known as items."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._extra: list[str] = []  # checked but not listed (a retired component)
        # Unchecked boxes are invisible under the dark theme without an explicit border.
        self.setStyleSheet("QListWidget::indicator { width: 14px; height: 14px; border: 2px solid #7d8591; }"
                           "QListWidget::indicator:checked { background: #56B4E9; border-color: #56B4E9; }")
        self.setMinimumHeight(110)
        self.setMaximumHeight(170)

    def set_components(self, components: Iterable[tuple[str, str]]) -> None:
        checked = self.checked()
        self.clear()
        for cid, name in components:
            item = QListWidgetItem(f"{cid} — {name}")
            item.setData(RECORD_ROLE, cid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.set_checked(checked)

    def set_checked(self, ids: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(ids))
        listed = set()
        for i in range(self.count()):
            item = self.item(i)
            cid = item.data(RECORD_ROLE)
            listed.add(cid)
            item.setCheckState(Qt.CheckState.Checked if cid in wanted else Qt.CheckState.Unchecked)
        self._extra = [c for c in wanted if c not in listed]

    def checked(self) -> tuple[str, ...]:
        ids = [self.item(i).data(RECORD_ROLE) for i in range(self.count())
               if self.item(i).checkState() == Qt.CheckState.Checked]
        return tuple(ids + self._extra)
