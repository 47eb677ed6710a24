"""Carry check outcomes from polling threads to the GUI thread as plain dataclasses."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal

from noc_app.checks.result import CheckResult
from noc_app.live import check_view
from noc_app.polling.state import Outcome


class LiveFeed(QObject):
    """``push`` may be called from any thread; ``updated`` is delivered on the GUI thread.

    Qt queues a cross-thread signal emission to the receiver's thread, so the
    widgets never touch worker state directly.
    """

    updated = Signal(object)  # noc_app.live.CheckView
    problem = Signal(str)  # one-line reason, e.g. database unreachable

    def push(self, result: CheckResult, outcome: Outcome, since: dt.datetime | None) -> None:
        self.updated.emit(check_view(result, outcome, since))
