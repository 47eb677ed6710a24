"""The component list: every component, its effective status and why, in one table."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from widgets.board_store import BoardStore
from widgets.component_table import NAME, REASON, ComponentStatusModel


class ComponentListView(QWidget):
    componentActivated = Signal(str)  # component id (double-click / Enter): open its detail

    def __init__(self, store: BoardStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = ComponentStatusModel(store, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def refresh_ages(self) -> None:
        self.model.refresh_ages()

    def _activated(self, index) -> None:
        view = index.siblingAtColumn(0).data(self.model.VIEW_ROLE)
        if view is not None:
            self.componentActivated.emit(view.id)
