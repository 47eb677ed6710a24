"""Carry check outcomes from polling threads to the GUI thread as plain dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.polling.state import Outcome


@dataclass(frozen=True)
class CheckUpdate:
    """What a view needs from one check run; built on the worker thread."""

    check_key: str
    component_id: str
    status: Status  # confirmed
    raw_status: Status
    since: dt.datetime | None
    latency_ms: float | None
    error: str | None
    flapping: bool
    at: dt.datetime
    changed: bool


class LiveFeed(QObject):
    """``push`` may be called from any thread; ``updated`` is delivered on the GUI thread.

    Qt queues a cross-thread signal emission to the receiver's thread, so the
    widgets never touch worker state directly.
    """

    updated = Signal(object)  # CheckUpdate
    problem = Signal(str)  # one-line reason, e.g. database unreachable

    def push(self, result: CheckResult, outcome: Outcome, since: dt.datetime | None) -> None:
        self.updated.emit(CheckUpdate(
            check_key=result.check_key, component_id=result.component_id,
            status=outcome.status, raw_status=result.status, since=since,
            latency_ms=result.latency_ms, error=result.error, flapping=outcome.flapping,
            at=result.at, changed=outcome.transition is not None,
        ))
