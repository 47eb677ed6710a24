"""A table model of components and their live status (the plain status list)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from noc_app.domain import Status
from noc_app.durations import format_duration
from noc_app.live import ComponentView
from widgets.flat_table import FlatTableModel
from widgets.board_store import BoardStore
from widgets.theme import AT_RISK, look

COLUMNS = ("Status", "Component", "Group", "Latency", "For", "Why")
STATUS, NAME, GROUP, LATENCY, SINCE, REASON = range(len(COLUMNS))


class ComponentStatusModel(FlatTableModel):
    COLUMNS = COLUMNS

    def row_count(self) -> int:
        return len(self._ids)

    VIEW_ROLE = Qt.ItemDataRole.UserRole  # the row's ComponentView

    def __init__(self, store: BoardStore, parent=None):
        super().__init__(parent)
        self.store = store
        board = store.board
        self._ids = sorted(board.component_ids(),
                           key=lambda cid: (board.component(cid).group, board.component(cid).name.lower()))
        self._row = {cid: i for i, cid in enumerate(self._ids)}
        self._views: dict[str, ComponentView] = {cid: board.component(cid) for cid in self._ids}
        store.componentsChanged.connect(self._on_changed)

    # --- Qt model API -------------------------------------------------



    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        view = self._views[self._ids[index.row()]]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(view, column)
        if role == Qt.ItemDataRole.BackgroundRole and column == STATUS:
            return QColor(_look(view).colour)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS:
            return QColor(_look(view).text_colour)
        if role == Qt.ItemDataRole.FontRole and column in (STATUS, NAME):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return view
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return f"{view.id} · {view.kind} · {view.criticality.value}"
        return None

    @staticmethod
    def _display(view: ComponentView, column: int):
        if column == STATUS:
            return f"{_look(view).symbol} {_look(view).word}"
        if column == NAME:
            return view.name
        if column == GROUP:
            return view.group
        if column == LATENCY:
            return "" if view.latency_ms is None else f"{view.latency_ms:.0f} ms"
        if column == SINCE:
            if view.since is None or view.own_status == Status.UNKNOWN:
                return ""
            age = (dt.datetime.now(dt.timezone.utc) - view.since).total_seconds()
            return format_duration(max(age, 1.0))
        if column == REASON:
            return _why(view)
        return None

    # --- updates --------------------------------------------------------
    def _on_changed(self, ids: set[str]) -> None:
        for cid in ids:
            row = self._row.get(cid)
            if row is None:
                continue
            self._views[cid] = self.store.board.component(cid)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def refresh_ages(self) -> None:
        """Durations tick every second without any new data."""
        if self._ids:
            self.dataChanged.emit(self.index(0, SINCE), self.index(len(self._ids) - 1, SINCE),
                                  [Qt.ItemDataRole.DisplayRole])

    def view_of(self, component_id: str) -> ComponentView:
        return self._views[component_id]


def _look(view: ComponentView):
    return AT_RISK if view.at_risk else look(view.status)


def _why(view: ComponentView) -> str:
    parts = []
    if view.at_risk:
        parts.append("redundancy lost: " + ", ".join(view.lost) + " (no customer affected)")
    if view.probable_cause:
        parts.append("PROBABLE CAUSE")
    elif view.is_symptom:
        parts.append("symptom")
    elif view.status == Status.IMPACTED:
        parts.append("a dependency is failing")
    if view.flapping:
        parts.append("FLAPPING")
    if view.reason:
        parts.append(view.reason)
    if not view.has_checks and view.status == Status.OK:
        parts.append("no checks of its own (derived)")
    return " · ".join(parts)
