"""The component list: every component, its effective status and why, in one table."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from widgets.board_store import BoardStore
from widgets.column_fit import fit_columns
from widgets.component_table import NAME, REASON, ComponentStatusModel


FIT_DELAY_MS = 200  # a burst of row changes is measured once


class ComponentListView(QWidget):
    componentActivated = Signal(str)  # component id (double-click / Enter): open its detail
    incidentRequested = Signal(str)  # component id (I, or the context menu): open an incident for it

    def __init__(self, store: BoardStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = ComponentStatusModel(store, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        # Widths come from fit_columns when the list is on screen, never from
        # ResizeToContents: that re-measured every row (ten roles a cell) on each
        # row's dataChanged, 65-200 ms per outage burst even with the tab hidden.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        self._fit = QTimer(self, singleShot=True, interval=FIT_DELAY_MS, timeout=self.fit_columns)
        self.model.dataChanged.connect(lambda *_: self._fit.isActive() or self._fit.start())
        self.table.activated.connect(self._activated)
        open_incident = QAction("Open incident for this component (I)", self.table)
        open_incident.setShortcut(QKeySequence(Qt.Key.Key_I))
        open_incident.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        open_incident.triggered.connect(self.request_incident)
        self.table.addAction(open_incident)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def refresh_ages(self) -> None:
        self.model.refresh_ages()

    def fit_columns(self) -> None:
        """Widths from the header and the first rows, when on screen (showEvent does the rest)."""
        if self.isVisible():
            fit_columns(self.table)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        fit_columns(self.table)
        super().showEvent(event)

    def request_incident(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        view = rows[0].data(self.model.VIEW_ROLE)
        self.incidentRequested.emit(view.id)
        return view.id

    def _activated(self, index) -> None:
        view = index.siblingAtColumn(0).data(self.model.VIEW_ROLE)
        if view is not None:
            self.componentActivated.emit(view.id)
