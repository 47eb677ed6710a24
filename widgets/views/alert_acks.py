"""Share this workstation's alert acknowledgements through the database, off the GUI thread.

The row shows "ACK by <me>" at once (``AlertsModel.acknowledge``); this
object then writes the ack in a worker thread (``noc_app.live.acks.record_ack``)
and folds the answer back in: usually our own ack, or the first operator's if
someone beat us to it. If the write fails the row stays acknowledged here,
``problem`` carries one line for the status bar, and the ack is tried again
every ``RETRY_MS`` and with the next one made here (nothing is lost; other
desktops just do not see it until then).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session, sessionmaker

from noc_app.live.acks import open_acks, record_ack
from widgets.admin.runner import Runner


RETRY_MS = 15_000  # a database back after an outage gets the waiting acks within this


class AlertAckSharer(QObject):
    problem = Signal(str)  # one line: an ack could not be shared ("" when sharing works again)
    shared = Signal(object)  # AckView the database holds for an ack made here

    def __init__(self, model, sessions: sessionmaker[Session], parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.sessions = sessions
        self.runner = Runner(self, max_threads=1)  # one writer: acks reach the database in order
        self._unsent: dict[tuple[str, dt.datetime], object] = {}  # problem -> Alert whose write failed
        self._failing = False
        self._retry = QTimer(self, singleShot=True, interval=RETRY_MS, timeout=self.retry)
        model.acknowledged.connect(self.share)

    def share(self, alert) -> None:
        """Write an ack made here; earlier failed ones go first (retry "next time")."""
        waiting, self._unsent = list(self._unsent.values()), {}
        for earlier in waiting:
            if earlier.problem != alert.problem:
                self._send(earlier)
        self._send(alert)

    def retry(self) -> None:
        """Send the acks whose write failed (the timer, after an outage)."""
        waiting, self._unsent = list(self._unsent.values()), {}
        for alert in waiting:
            self._send(alert)

    def load(self) -> None:
        """Acks already in the database (a restart, other desktops): read off-thread, then applied."""
        def read():
            with self.sessions() as session:
                return open_acks(session)

        self.runner.run(read, self.model.apply_acks, lambda _line, exc: self._failed(None, exc))

    def busy(self) -> bool:
        return self.runner.busy()

    def shutdown(self) -> None:
        self._retry.stop()
        self.runner.shutdown()

    # --- internals ---------------------------------------------------------
    def _send(self, alert) -> None:
        check_key, problem_at = alert.problem
        user, at = alert.acked_by, alert.acked_at
        self.runner.run(lambda: record_ack(self.sessions, check_key, problem_at, user, at),
                        lambda ack, a=alert: self._done(a, ack),
                        lambda _line, exc, a=alert: self._failed(a, exc))

    def _done(self, alert, ack) -> None:
        self.model.apply_acks([ack])  # the database's answer wins: first ack of the problem
        if self._failing and not self._unsent:
            self._failing = False
            self.problem.emit("")
        self.shared.emit(ack)

    def _failed(self, alert, error: BaseException) -> None:
        self._failing = True
        if alert is not None:
            self._unsent[alert.problem] = alert
            if not self._retry.isActive():
                self._retry.start()
        what = f"acknowledgement of {alert.component_name} not shared" if alert else "could not load acknowledgements"
        tail = "; it stays acknowledged here, retried with the next ack" if alert else ""
        self.problem.emit(f"{what}: {_reason(error)}{tail}")


def _reason(error: BaseException) -> str:
    """The driver's first line, short: enough to tell "database locked" from "gone"."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= 160 else text[:159] + "…"
