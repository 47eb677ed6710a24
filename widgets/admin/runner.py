"""Database work off the GUI thread: a plain function in a ``QThreadPool``, its result as a callback.

The task is a zero-argument function that knows nothing about Qt (usually
``lambda: service.create(record)``), so the same call is tested without a
GUI.  Results come back through a signal owned by the GUI thread, hence the
callbacks run there and may touch widgets.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from sqlalchemy.exc import DBAPIError, OperationalError

from noc_app.admin import NotFoundError, ValidationError


def one_line(error: BaseException) -> str:
    """The single line a form shows for a failure."""
    if isinstance(error, OperationalError):
        text = "database unavailable — nothing was saved; your text is kept, try again"
    elif isinstance(error, (ValidationError, NotFoundError)):
        text = " ".join(str(error).split())
    elif isinstance(error, DBAPIError):
        text = "database refused the change: " + " ".join(str(error.orig).split())
    else:  # unexpected: say what it was
        text = f"{type(error).__name__}: " + " ".join(str(error).split())
    return text if len(text) <= 300 else text[:299] + "…"


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)


class _Task(QRunnable):
    def __init__(self, ticket: int, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.ticket, self.fn, self.signals = ticket, fn, signals
        self.setAutoDelete(False)  # Python owns it until it has reported

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the form
            self.signals.failed.emit(self.ticket, exc)
            return
        self.signals.done.emit(self.ticket, result)


class Runner(QObject):
    """Runs tasks in its own small pool; ``busy()`` while any is in flight."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._tickets = itertools.count(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._signals.failed.connect(self._on_failed)
        self._pending: dict[int, tuple[_Task, Callable, Callable | None]] = {}

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_failed: Callable[[str, BaseException], None] | None = None) -> int:
        ticket = next(self._tickets)
        task = _Task(ticket, fn, self._signals)
        self._pending[ticket] = (task, on_done, on_failed)
        self.pool.start(task)
        return ticket

    def busy(self) -> bool:
        return bool(self._pending)

    def shutdown(self) -> None:
        """Wait for running tasks and drop their callbacks (the widgets are going away)."""
        self.pool.waitForDone()
        self._pending.clear()

    def _on_done(self, ticket: int, result: Any) -> None:
        entry = self._pending.pop(ticket, None)
        if entry is not None:
            entry[1](result)

    def _on_failed(self, ticket: int, error: BaseException) -> None:
        entry = self._pending.pop(ticket, None)
        if entry is not None and entry[2] is not None:
            entry[2](one_line(error), error)
