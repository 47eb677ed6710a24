"""The incidents board: what is open, who runs it, and when customers must hear from us next.

Rows come from the database through the worker every 2 s (another
workstation's changes show within that); the clocks tick every second from
the last rows, with no query.  The countdown is words as well as colour:
"update due in 12:30", then "UPDATE OVERDUE 3:05" in inverted colours.
``updateDue(id)`` fires once per promise when it falls due (the main window
shows it in its banner).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from widgets.flat_table import FlatTableModel
from widgets.incidents import readers
from widgets.incidents.readers import BoardRow
from widgets.theme import dark_palette, scaled_font
from widgets.incidents.style import (OVERDUE_BG, OVERDUE_FG, PRIORITY_COLOURS, PRIORITY_TEXT, elapsed,
                                     priority_word, update_state)
from widgets.incidents.worker import IncidentWorker, OpDone, OpFailed, worker_for

COLUMNS = ("Priority", "Incident", "Incident manager", "Open for", "Next customer update", "Told")
PRIORITY, TITLE, MANAGER, ELAPSED, UPDATE, TOLD = range(len(COLUMNS))
# Short enough for the wall, with a mark that is not a colour: ✓ told, ✗ not told, – nobody affected.
TOLD_SHORT = {"Account mgrs": "AM", "Customers": "CUST", "Partners": "PART"}
TOLD_MARK = {"told": "✓", "not told": "✗", "none": "–"}
ID_ROLE = Qt.ItemDataRole.UserRole
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
REFRESH_MS = 2000
TICK_MS = 1000
UTC = dt.timezone.utc


def _utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


class IncidentsModel(FlatTableModel):
    COLUMNS = COLUMNS

    def row_count(self) -> int:
        return len(self._rows)

    def __init__(self, clock: Callable[[], dt.datetime] = _utcnow, parent=None):
        super().__init__(parent)
        self.clock = clock
        self.now = clock()
        self._rows: list[BoardRow] = []
        self.set_base_font(QFont())

    def set_base_font(self, font: QFont) -> None:
        """Row fonts relative to the view's: the wall scales everything through one size."""
        self._bold = QFont(font)
        self._bold.setBold(True)
        self._big = scaled_font(font, 1.3)  # priority and countdown: readable across the room
        self._big.setBold(True)
        if getattr(self, "_rows", None):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    def set_rows(self, rows: list[BoardRow]) -> None:
        if rows == self._rows:
            return
        if [r.id for r in rows] == [r.id for r in self._rows]:
            self._rows = rows  # same incidents: repaint in place, keep the selection
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def tick(self) -> None:
        self.now = self.clock()
        if self._rows:
            self.dataChanged.emit(self.index(0, ELAPSED), self.index(len(self._rows) - 1, UPDATE))

    def row(self, r: int) -> BoardRow:
        return self._rows[r]

    def rows(self) -> list[BoardRow]:
        return list(self._rows)




    def update_text(self, row: BoardRow) -> tuple[str, str]:
        if row.restored_at is not None and row.next_update_due_at is None:
            return "restored — close it", "none"
        return update_state(row.next_update_due_at, self.now)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == PRIORITY:
                return priority_word(row.priority)
            if col == TITLE:
                return f"#{row.id}  {row.title}"
            if col == MANAGER:
                return row.manager or "NO MANAGER"
            if col == ELAPSED:
                return elapsed(row.first_recorded_at, self.now)
            if col == UPDATE:
                return self.update_text(row)[0]
            if col == TOLD:
                return told_text(row)
        elif role == ID_ROLE:
            return row.id
        elif role == STATE_ROLE and col == UPDATE:
            return self.update_text(row)[1]
        elif role == Qt.ItemDataRole.BackgroundRole:
            if col == PRIORITY:
                return QColor(PRIORITY_COLOURS.get(row.priority or "", "#3a404a"))
            if col == UPDATE:
                state = self.update_text(row)[1]
                return QColor(OVERDUE_BG) if state == "overdue" else QColor("#E69F00") if state == "soon" else None
        elif role == Qt.ItemDataRole.ForegroundRole:
            if col == PRIORITY:
                return QColor(PRIORITY_TEXT.get(row.priority or "", "#ffffff"))
            if col == UPDATE:
                state = self.update_text(row)[1]
                return QColor(OVERDUE_FG) if state == "overdue" else QColor("#000000") if state == "soon" else None
            if col == MANAGER and not row.manager:
                return QColor("#E69F00")
            if col == TOLD and row.told.gaps:
                return QColor("#E69F00")
        elif role == Qt.ItemDataRole.FontRole:
            if col == PRIORITY or (col == UPDATE and self.update_text(row)[1] != "none"):
                return self._big  # "no update promised" stays quiet
            if col == TITLE or (col == TOLD and row.told.gaps):
                return self._bold
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (ELAPSED, UPDATE, PRIORITY):
                return int(Qt.AlignmentFlag.AlignCenter)
        elif role == Qt.ItemDataRole.ToolTipRole and col == UPDATE and row.next_update_due_at:
            return f"due at {row.next_update_due_at.astimezone():%H:%M:%S}"
        elif role == Qt.ItemDataRole.ToolTipRole and col == TOLD:
            return "\n".join(f"{label}: {state}" for label, state in row.told.marks())
        return None


def told_text(row: BoardRow) -> str:
    """ "AM ✓  CUST ✗  PART –": who has heard from us, readable from across the room."""
    return "  ".join(f"{TOLD_SHORT[label]} {TOLD_MARK[state]}" for label, state in row.told.marks())


CALM_BG, OVERDUE_ALARM_BG = "#22262d", "#B00020"


def _paint_label(label: QLabel, background: str, text: str) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(background))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(text))
    label.setPalette(palette)
    label.setAutoFillBackground(True)


class IncidentsBoard(QWidget):
    openIncident = Signal(int)
    reviewIncident = Signal(int)  # "Review": the selected incident in the read-only replay window
    updateDue = Signal(int)  # once per promise, when it falls due

    def __init__(self, source, parent: QWidget | None = None, *,
                 clock: Callable[[], dt.datetime] = _utcnow, refresh_ms: int = REFRESH_MS):
        super().__init__(parent)
        self.worker: IncidentWorker = worker_for(source)
        # Palette, not a style sheet: a style sheet would stop the wall's font reaching the board.
        self.setAutoFillBackground(True)
        self.setPalette(dark_palette(self.palette()))
        self.model = IncidentsModel(clock, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(160)
        self.view.doubleClicked.connect(self._open)
        self.summary = QLabel(objectName="banner")
        self.summary.setMargin(8)
        _paint_label(self.summary, CALM_BG, "#e8e8e8")
        self.problem = QLabel(objectName="dataAge")
        self.problem.setMargin(4)
        _paint_label(self.problem, "#D55E00", "#ffffff")
        self.problem.hide()
        self.review_button = QPushButton("Review…", objectName="review")
        self.review_button.setToolTip("Replay the selected incident read-only: timeline, metrics and "
                                      "the wall, map and impact as they were at any moment")
        self.review_button.setEnabled(False)
        self.review_button.hide()  # shown where someone can use it (the workstation), never on the wall
        self.review_button.clicked.connect(self._review)
        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.review_button.setEnabled(self.selected_id() is not None))
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.review_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem)
        self._announced: set[tuple[int, dt.datetime]] = set()
        self._ticket: int | None = None
        self.last_loaded: dt.datetime | None = None
        self.worker.finished.connect(self._loaded)
        self.worker.failed.connect(self._failed)
        self._refresh = QTimer(self, interval=refresh_ms, timeout=self.refresh)
        self._tick = QTimer(self, interval=TICK_MS, timeout=self.tick)
        self._refresh.start()
        self._tick.start()
        self.summary.setText("Loading incidents…")
        self._apply_font_sizes()
        self.refresh()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # The wall sets one pixel size on its window; rows and the summary follow it.
        if event.type() == QEvent.Type.FontChange:
            self._apply_font_sizes()
        super().changeEvent(event)

    def _apply_font_sizes(self) -> None:
        rows = scaled_font(self.font(), 1.2)
        self.view.setFont(rows)
        self.model.set_base_font(rows)
        self.view.verticalHeader().setDefaultSectionSize(int(QFontMetrics(rows).height() * 2.2))
        header = QFont(self.font())
        header.setBold(True)
        self.view.horizontalHeader().setFont(header)
        summary = scaled_font(self.font(), 1.2)
        summary.setBold(True)
        self.summary.setFont(summary)

    def refresh(self) -> None:
        if self._ticket is None:  # one read at a time: a slow database must not pile them up
            self._ticket = self.worker.submit("active_incidents", readers.active_incidents)

    def _loaded(self, done: OpDone) -> None:
        if done.ticket != self._ticket:
            return
        self._ticket = None
        self.last_loaded = self.model.clock()
        self.problem.hide()
        self.model.set_rows(done.result)
        self.tick()

    def _failed(self, failed: OpFailed) -> None:
        if failed.ticket != self._ticket:
            return
        self._ticket = None
        self.problem.setText(f"Incidents not refreshed: {failed.message}")
        self.problem.show()

    def tick(self) -> None:
        self.model.tick()
        rows = self.model.rows()
        overdue = 0
        for row in rows:
            if row.next_update_due_at is not None and row.next_update_due_at <= self.model.now:
                overdue += 1
                key = (row.id, row.next_update_due_at)
                if key not in self._announced:
                    self._announced.add(key)
                    self.updateDue.emit(row.id)
        if rows or self.last_loaded is not None:
            text = (f"{len(rows)} open incident{'s' if len(rows) != 1 else ''}" if rows
                    else "✔ No open incidents")
            if overdue:
                text += f" — {overdue} CUSTOMER UPDATE{'S' if overdue != 1 else ''} OVERDUE"
            untold = sum(1 for row in rows if row.told.gaps)
            if untold:
                text += f" — {untold} with people not told yet (✗)"
            self.summary.setText(text)
            if self.summary.property("overdue") != bool(overdue):
                self.summary.setProperty("overdue", bool(overdue))
                _paint_label(self.summary, *((OVERDUE_ALARM_BG, "#ffffff") if overdue else (CALM_BG, "#e8e8e8")))

    def selected_id(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0].row()).id if rows else None

    def _review(self) -> None:
        incident_id = self.selected_id()
        if incident_id is not None:
            self.reviewIncident.emit(incident_id)

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.openIncident.emit(self.model.row(index.row()).id)
