"""Named form fields: one place to read, set and watch every input of the dialog.

The dialog needs the same three things of every input — its value (for a
save, a draft, a dirty check), a way to set it (loading, recovering a
draft, accepting a merge) and a signal when the operator edits it (for the
draft autosave) — whatever the widget.  Values are plain Python: str,
None, or a timezone-aware datetime to the second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QDateTime, QObject, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateTimeEdit, QHBoxLayout, QLineEdit,
                               QPlainTextEdit, QWidget)

from widgets.incidents.style import from_qdatetime, to_qdatetime


class OptionalDateTime(QWidget):
    """A date-time that may be "not known": a checkbox plus the editor, value None when unticked."""

    changed = Signal()

    def __init__(self, label: str = "known", parent: QWidget | None = None):
        super().__init__(parent)
        self.known = QCheckBox(label)
        self.edit = QDateTimeEdit(calendarPopup=True, displayFormat="yyyy-MM-dd HH:mm:ss t")
        self.edit.setDateTime(QDateTime.currentDateTime())
        self.edit.setVisible(False)  # "not known" shows no made-up time
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.known)
        layout.addWidget(self.edit, 1)
        layout.addStretch(0)
        self.known.toggled.connect(self.edit.setVisible)
        self.known.toggled.connect(self.changed)
        self.edit.dateTimeChanged.connect(self.changed)

    def value(self) -> dt.datetime | None:
        return from_qdatetime(self.edit.dateTime()) if self.known.isChecked() else None

    def set_value(self, value: dt.datetime | None) -> None:
        self.known.setChecked(value is not None)
        if value is not None:
            self.edit.setDateTime(to_qdatetime(value))


def _exact_text(widget):
    """Text getter/setter that gives back exactly what was set while the operator leaves it.

    Qt normalises some characters on the way in (CR LF, U+2029, no-break
    spaces): a stored text read back unchanged must not look edited, nor be
    rewritten with those characters lost.
    """
    plain = isinstance(widget, QPlainTextEdit)
    read = widget.toPlainText if plain else widget.text
    write = widget.setPlainText if plain else widget.setText
    memo = {"set": "", "shown": ""}

    def get() -> str:
        current = read()
        return memo["set"] if current == memo["shown"] else current

    def put(value) -> None:
        value = "" if value is None else str(value)
        write(value)
        memo["set"], memo["shown"] = value, read()
    return get, put, widget.textChanged


def seconds(value: Any) -> Any:
    """Datetimes compared to the second: what the editors can show."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).replace(microsecond=0)
    return value


class FieldSet(QObject):
    edited = Signal(str)  # field name, on every operator edit (not on programmatic sets)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._get: dict[str, Callable[[], Any]] = {}
        self._set: dict[str, Callable[[Any], None]] = {}
        self._loading = 0

    def add(self, name: str, widget: QWidget) -> QWidget:
        if isinstance(widget, (QPlainTextEdit, QLineEdit)):
            get, put, sig = _exact_text(widget)
        elif isinstance(widget, QComboBox):
            def get(w=widget):
                return w.currentData()

            def put(value, w=widget):
                i = w.findData(value)
                w.setCurrentIndex(i if i >= 0 else 0)
            sig = widget.currentIndexChanged
        elif isinstance(widget, QDateTimeEdit):
            def get(w=widget):
                return from_qdatetime(w.dateTime())

            def put(value, w=widget):
                if value is not None:
                    w.setDateTime(to_qdatetime(value))
            sig = widget.dateTimeChanged
        elif hasattr(widget, "value") and hasattr(widget, "set_value") and hasattr(widget, "changed"):
            # Composite inputs (optional date-time, follow-up table) speak this small protocol.
            get, put, sig = widget.value, widget.set_value, widget.changed
        else:
            raise TypeError(f"no field binding for {type(widget).__name__}")
        self._get[name], self._set[name] = get, put
        sig.connect(lambda *_a, n=name: None if self._loading else self.edited.emit(n))
        return widget

    def names(self) -> list[str]:
        return list(self._get)

    def value(self, name: str) -> Any:
        return self._get[name]()

    def values(self, names=None) -> dict[str, Any]:
        return {n: self._get[n]() for n in (names or self._get)}

    def set(self, name: str, value: Any) -> None:
        """Set programmatically (a load, a merge): not an operator edit."""
        self._loading += 1
        try:
            self._set[name](value)
        finally:
            self._loading -= 1

    @contextmanager
    def quiet(self):
        """Programmatic changes (filling a combo box) that are not operator edits."""
        self._loading += 1
        try:
            yield
        finally:
            self._loading -= 1

    def set_many(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self._set:
                self.set(name, value)
