"""The GUI thread's handle on the live status board: apply outcomes, announce what changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from noc_app.live import CheckView, StatusBoard


class BoardStore(QObject):
    """Owns a ``StatusBoard``; views read it and listen to ``componentsChanged``.

    Lives on the GUI thread: feeds (the in-process poller, a database
    watcher) deliver ``CheckView`` objects through queued signals.
    """

    componentsChanged = Signal(object)  # set[str] of component ids to repaint
    checkTransition = Signal(object)  # CheckView whose run confirmed a new state (alerts)
    alertsAcked = Signal(object)  # list[noc_app.live.acks.AckView] read from the database

    def __init__(self, board: StatusBoard, parent: QObject | None = None):
        super().__init__(parent)
        self.board = board

    def apply(self, view: CheckView) -> None:
        changed = self.board.apply_check(view)
        if view.changed:
            self.checkTransition.emit(view)
        if changed:
            self.componentsChanged.emit(changed)

    def apply_many(self, views) -> None:
        """A burst of outcomes (a resync, a fast poller): one repaint announcement."""
        changed: set[str] = set()
        for view in views:
            changed |= self.board.apply_check(view)
            if view.changed:
                self.checkTransition.emit(view)
        if changed:
            self.componentsChanged.emit(changed)
