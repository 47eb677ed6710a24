"""Reviewing an incident of the live database from the workstation ("Review" on the board).

The incident is bundled to a temporary file by a worker (one read of the
database, off the GUI thread) and that bundle is opened in the same
read-only review window as an offline one; the file is removed when the
window closes. Why a bundle and not the live database: one code path, so the
live review shows exactly what a reviewer with the file would see, and once
open the window does no database I/O at all, however long it stays open.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from noc_app.review.format import BundleError
from noc_app.review.material import ReviewMaterial, review_live_incident
from widgets.incidents.worker import IncidentWorker, OpDone, OpFailed
from widgets.review.window import ReviewWindow


class LiveReviews(QObject):
    """Opens review windows for incidents; ``problem`` gets one line when it cannot."""

    def __init__(self, worker: IncidentWorker, parent: QWidget, problem: Callable[[str], None]):
        super().__init__(parent)
        self.worker = worker
        self.parent_widget = parent
        self.problem = problem
        self.windows: dict[int, ReviewWindow] = {}
        self._pending: dict[int, int] = {}  # ticket -> incident id
        worker.finished.connect(self._done)
        worker.failed.connect(self._failed)

    def review(self, incident_id: int) -> None:
        window = self.windows.get(incident_id)
        if window is not None:
            window.raise_()
            window.activateWindow()
            return
        if incident_id in self._pending.values():
            return  # already being bundled
        ticket = self.worker.submit(
            "review", lambda service, i=incident_id: review_live_incident(service.sessions, i))
        self._pending[ticket] = incident_id

    def _done(self, done: OpDone) -> None:
        incident_id = self._pending.pop(done.ticket, None)
        if incident_id is None:
            return
        material: ReviewMaterial = done.result
        window = ReviewWindow(material)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda *_: self._closed(incident_id, material))
        self.windows[incident_id] = window
        window.resize(1600, 1000)
        window.show()

    def _closed(self, incident_id: int, material: ReviewMaterial) -> None:
        self.windows.pop(incident_id, None)
        material.close()

    def _failed(self, failed: OpFailed) -> None:
        incident_id = self._pending.pop(failed.ticket, None)
        if incident_id is not None:
            # A bundle refusal is already the one line to show; anything else says what it was.
            message = str(failed.error) if isinstance(failed.error, BundleError) else failed.message
            self.problem(f"Cannot review incident #{incident_id}: {message}")
