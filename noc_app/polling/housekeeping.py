"""Housekeeping beside the checks: incident automation every few seconds, retention every minute.

Every few seconds, incidents get their check transitions and overdue
escalations even with nobody at a desk; every minute, raw samples are
rolled up and old ones purged so the database stays bounded.

One poller runs it in a thread of its own process. ``poll --processes N``
runs it once, in the supervisor, and none in the children: the minute
rollup of 10,000 checks is a second of Python, and in a process that also
runs checks it takes the interpreter from them (the trace showed runs up
to 0.7 s late while it ran); on SQLite every child did the same rollup
again for nothing. PostgreSQL pollers on several machines each run it; an
advisory lock lets one do the work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from noc_app.polling import trace
from noc_app.polling.retention import run_retention
from noc_app.storage.write_failures import describe_write_failure

RETENTION_EVERY_S = 60.0
AUTOMATION_EVERY_S = 5.0


def run_housekeeping(sessions: sessionmaker[Session], engine: Engine, stop: threading.Event,
                     on_error: Callable[[str], None], automation_s: float = AUTOMATION_EVERY_S) -> None:
    """Until ``stop`` is set: automation every ``automation_s``, retention every minute."""

    def why(exc: BaseException) -> str:
        return describe_write_failure(exc, engine).reason

    automation = None
    next_retention = time.monotonic() + RETENTION_EVERY_S
    while not stop.wait(automation_s):
        if automation is None:
            # Imported at the first tick, not at start: the incident package is
            # a third of the poller's imports and the first round waits for none of it.
            from noc_app.incidents.automation import IncidentAutomation

            automation = IncidentAutomation(sessions)
        try:
            with trace.span("automation"):
                automation.tick()
        except SQLAlchemyError as exc:
            on_error(f"incident automation skipped a round: {why(exc)}")
        if time.monotonic() >= next_retention:
            next_retention = time.monotonic() + RETENTION_EVERY_S
            try:
                with trace.span("retention"):
                    run_retention(sessions)
            except SQLAlchemyError as exc:
                on_error(f"history rollup skipped a round: {why(exc)}")


def start_housekeeping(sessions: sessionmaker[Session], engine: Engine, on_error: Callable[[str], None],
                       automation_s: float = AUTOMATION_EVERY_S) -> tuple[threading.Thread, threading.Event]:
    """``run_housekeeping`` on a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=run_housekeeping, args=(sessions, engine, stop, on_error, automation_s),
                              name="incident-automation", daemon=True)
    thread.start()
    return thread, stop
