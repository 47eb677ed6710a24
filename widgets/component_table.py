"""A table model of components and their live status (the plain status list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from noc_app.domain import Status, worst
from noc_app.durations import format_duration
from noc_app.topology.model import ComponentSpec
from widgets.live_feed import CheckUpdate
from widgets.theme import look

COLUMNS = ("Status", "Component", "Group", "Latency", "For", "Reason")
STATUS, NAME, GROUP, LATENCY, SINCE, REASON = range(len(COLUMNS))


@dataclass
class _Row:
    spec: ComponentSpec
    checks: dict[str, CheckUpdate] = field(default_factory=dict)

    @property
    def status(self) -> Status | None:
        if not self.spec.checks:
            return None  # derived only: the status engine fills this in
        if len(self.checks) < len(self.spec.checks):
            return Status.UNKNOWN
        return worst(u.status for u in self.checks.values())

    def since(self) -> dt.datetime | None:
        status = self.status
        times = [u.since for u in self.checks.values() if u.status == status and u.since]
        return min(times, default=None)

    def latency_ms(self) -> float | None:
        values = [u.latency_ms for u in self.checks.values() if u.latency_ms is not None]
        return max(values, default=None)

    def reason(self) -> str:
        status = self.status
        reasons = [f"{u.check_key}: {u.error}" for u in self.checks.values()
                   if u.status == status and u.error and status != Status.OK]
        flapping = any(u.flapping for u in self.checks.values())
        text = "; ".join(reasons)
        return f"FLAPPING {text}".strip() if flapping else text


class ComponentStatusModel(QAbstractTableModel):
    def __init__(self, components: list[ComponentSpec], parent=None):
        super().__init__(parent)
        ordered = sorted(components, key=lambda c: (c.group, c.name.lower()))
        self._rows = [_Row(c) for c in ordered]
        self._index = {row.spec.id: i for i, row in enumerate(self._rows)}
        self.last_update_at: dt.datetime | None = None

    # --- Qt model API -------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        status = row.status
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, status)
        if role == Qt.ItemDataRole.BackgroundRole and column == STATUS and status is not None:
            return QColor(look(status).colour)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS and status is not None:
            return QColor(look(status).text_colour)
        if role == Qt.ItemDataRole.FontRole and column in (STATUS, NAME):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return status
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return row.spec.description or row.spec.id
        return None

    def _display(self, row: _Row, column: int, status: Status | None):
        if column == STATUS:
            return "— no checks" if status is None else f"{look(status).symbol} {look(status).word}"
        if column == NAME:
            return row.spec.name
        if column == GROUP:
            return row.spec.group
        if column == LATENCY:
            latency = row.latency_ms()
            return "" if latency is None else f"{latency:.0f} ms"
        if column == SINCE:
            since = row.since()
            if since is None or status in (None, Status.UNKNOWN):
                return ""
            age = (dt.datetime.now(dt.timezone.utc) - since).total_seconds()
            return format_duration(max(age, 0))
        if column == REASON:
            return row.reason()
        return None

    # --- updates --------------------------------------------------------
    def apply(self, update: CheckUpdate) -> None:
        i = self._index.get(update.component_id)
        if i is None:
            return
        self._rows[i].checks[update.check_key] = update
        self.last_update_at = update.at
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def refresh_ages(self) -> None:
        """Durations tick every second without any new data."""
        if self._rows:
            self.dataChanged.emit(self.index(0, SINCE), self.index(len(self._rows) - 1, SINCE),
                                  [Qt.ItemDataRole.DisplayRole])

    def status_of(self, component_id: str) -> Status | None:
        return self._rows[self._index[component_id]].status

    def counts(self) -> dict[Status, int]:
        totals: dict[Status, int] = {}
        for row in self._rows:
            if row.status is not None:
                totals[row.status] = totals.get(row.status, 0) + 1
        return totals
