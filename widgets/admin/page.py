"""One area of the manage dialog: a list on the left, the edit form on the right.

Subclasses say which columns to show and how to move a record in and out
of the form; this base runs every database call through the ``Runner`` and
owns the rules every form follows:

* an error is one line right under the form, and the form is left exactly
  as typed (nothing the operator wrote is ever cleared by a failure);
* after a save the form shows what was stored, read back from the database;
* reloading the list (a filter, another save) never touches the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
    QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from noc_app.admin import ValidationError
from widgets.admin.runner import Runner, one_line
from widgets.admin.table import Column, RecordModel

COLUMN_MAX_PX = 320
ERROR_STYLE = "QLabel#formError { color: #E8743B; font-weight: bold; }"


def text_box(height: int = 120, mono: bool = False) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setMinimumHeight(height)
    box.setTabChangesFocus(True)  # Tab moves on; a tab character is pasted, not typed
    if mono:
        box.setFont(QFont("monospace"))
        box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return box


class AreaPage(QWidget):
    """List + form for one kind of record."""

    noun = "record"
    columns: Sequence[Column] = ()
    saved = Signal(object)  # the record as stored
    loaded = Signal()  # the list was (re)filled

    def __init__(self, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.current: Any = None  # the record the form edits; None: a new one
        self.model = RecordModel(self.columns, parent=self)
        self._quiet = False
        self._generation = 0
        self._count = ""
        self._note = ""

        self.toolbar = QHBoxLayout()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("lowercase letters, digits, - _ .")
        self.form.addRow("Id", self.id_edit)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(ERROR_STYLE)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.new_button = QPushButton("New")
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.delete_button = QPushButton("Delete…")
        self.new_button.clicked.connect(self.new)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)

        form_box = QWidget()
        form_layout = QVBoxLayout(form_box)
        form_layout.addWidget(self.heading)
        form_layout.addLayout(self.form)
        form_layout.addWidget(self.error)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.save_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        form_layout.addLayout(buttons)
        form_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_box)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(self.toolbar)
        left_layout.addWidget(self.table)
        left_layout.addWidget(self.status)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([900, 700])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # -- what a subclass provides ----------------------------------------------------
    def load_task(self) -> Callable[[], list]:
        raise NotImplementedError

    def fill(self, record: Any | None) -> None:
        """Put ``record`` (None: an empty new one) into the form fields other than the id."""
        raise NotImplementedError

    def read_form(self, record_id: str) -> Any:
        """The form as a record; may raise ``ValidationError`` for text it cannot parse."""
        raise NotImplementedError

    def save_task(self, record: Any, new: bool) -> Callable[[], Any]:
        raise NotImplementedError

    def delete_task(self, record_id: str) -> Callable[[], None]:
        raise NotImplementedError

    # -- list ------------------------------------------------------------------------
    def rows_from(self, result: Any) -> list:
        """The list rows in what ``load_task`` returned (a page may return more, e.g. snippets)."""
        return result

    def reload(self, select_id: str | None = None) -> None:
        self._generation += 1
        generation = self._generation

        def done(result: Any) -> None:
            if generation != self._generation:
                return  # an older search or filter answered late: a newer one is on its way
            rows = self.rows_from(result)
            self._quiet = True  # re-selecting a row must not overwrite the form
            try:
                self.model.set_rows(rows)
                self._fit_columns()
                key = select_id or (self.current.id if self.current is not None else None)
                row = self.model.row_of(key) if key else -1
                if row >= 0:
                    self.table.selectRow(row)
                    self.table.scrollTo(self.model.index(row, 0))
            finally:
                self._quiet = False
            self._count = f"{len(rows)} {self.noun}{'s' if len(rows) != 1 else ''}"
            self.say(self._note)
            self.loaded.emit()

        self.runner.run(self.load_task(), done, lambda msg, _e: self.say(f"could not load the list: {msg}"))

    def _fit_columns(self) -> None:
        # Short columns fit their text; the last one (the long text) takes what is left.
        for col in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(col)
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), COLUMN_MAX_PX))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Column widths measured while hidden (or before the theme applied) are wrong.
        super().showEvent(event)
        self._fit_columns()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit_columns()

    def _on_selection(self, *_args) -> None:
        if self._quiet:
            return
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.edit(self.model.record(rows[0].row()))

    # -- form ------------------------------------------------------------------------
    def edit(self, record: Any) -> None:
        self.current = record
        self.id_edit.setText(record.id)
        self.id_edit.setReadOnly(True)  # ids are what other rows point at: not renamed here
        self.heading.setText(f"Edit {self.noun} {record.id}")
        self.fill(record)
        self.show_error("")

    def new(self) -> None:
        self.current = None
        self._quiet = True
        self.table.clearSelection()
        self._quiet = False
        self.id_edit.setReadOnly(False)
        self.id_edit.clear()
        self.heading.setText(f"New {self.noun}")
        self.fill(None)
        self.show_error("")
        self.id_edit.setFocus()

    def say(self, note: str) -> None:
        """The line under the list: how many are listed, and what was last done."""
        self._note = note
        self.status.setText(" — ".join(t for t in (self._count, note) if t))

    def show_error(self, message: str) -> None:
        self.error.setText(f"✖ {message}" if message else "")

    def error_text(self) -> str:
        return self.error.text().removeprefix("✖ ")

    def save(self) -> None:
        new = self.current is None
        try:
            record = self.read_form(self.id_edit.text().strip())
        except ValidationError as exc:
            return self.show_error(one_line(exc))
        self.show_error("")
        self.save_button.setEnabled(False)

        def done(stored: Any) -> None:
            self.save_button.setEnabled(True)
            self.edit(stored)
            self.say(f"saved {self.noun} {stored.id}")
            self.saved.emit(stored)
            self.reload(stored.id)

        def failed(message: str, _error: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.show_error(message)  # the form is untouched: fix and save again

        self.runner.run(self.save_task(record, new), done, failed)

    def confirm_delete(self, record_id: str) -> bool:
        answer = QMessageBox.question(self, f"Delete {self.noun}",
                                      f"Delete {self.noun} {record_id}? This cannot be undone.")
        return answer == QMessageBox.StandardButton.Yes

    def delete(self) -> None:
        if self.current is None:
            return self.show_error(f"pick a {self.noun} in the list first")
        record_id = self.current.id
        if not self.confirm_delete(record_id):
            return

        def done(_result: Any) -> None:
            self.say(f"deleted {self.noun} {record_id}")
            self.new()
            self.reload()

        self.runner.run(self.delete_task(record_id), done, lambda msg, _e: self.show_error(msg))
