"""``ManageDialog``: every area around incidents in one window, one tab each.

Built from a ``sessionmaker``; it is non-modal, so an operator can keep it
open next to the board.  Every database call goes through one ``Runner``
(a small thread pool), never on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from noc_app.admin import (
    ChangesAdmin, KnowledgeBase, MaintenanceAdmin, NotificationsAdmin, PeopleAdmin, list_components,
)
from widgets.admin.changes import ChangesPage
from widgets.admin.knowledge import KnowledgePage
from widgets.admin.maintenance import MaintenancePage
from widgets.admin.notifications import NotificationsPage
from widgets.admin.people import PeoplePage
from widgets.admin.runner import Runner

# name -> tab title, in tab order
AREAS = {"changes": "Changes", "kb": "Knowledge base", "maintenance": "Maintenance windows",
         "people": "People && escalation", "notifications": "Notifications && templates"}


class ManageDialog(QDialog):
    def __init__(self, factory: sessionmaker[Session], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Vigil NOC — manage")
        self.factory = factory
        self.runner = Runner(self)
        self.changes = ChangesPage(ChangesAdmin(factory), self.runner)
        self.kb = KnowledgePage(KnowledgeBase(factory), self.runner)
        self.maintenance = MaintenancePage(MaintenanceAdmin(factory), self.runner)
        self.people = PeoplePage(PeopleAdmin(factory), self.runner)
        self.notifications = NotificationsPage(NotificationsAdmin(factory), self.runner)
        self.tabs = QTabWidget()
        self.pages = {"changes": self.changes, "kb": self.kb, "maintenance": self.maintenance,
                      "people": self.people, "notifications": self.notifications}
        for name, page in self.pages.items():
            self.tabs.addTab(page, AREAS[name])  # "&&": a literal "&", not a mnemonic
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        for n in range(len(self.pages)):  # Alt+1..5 switch areas, as Ctrl+N does in the main window
            QShortcut(QKeySequence(f"Alt+{n + 1}"), self, lambda n=n: self.tabs.setCurrentIndex(n))
        self.resize(1600, 1000)
        self.refresh()

    def refresh(self) -> None:
        """Reload every list and the component pickers (someone else may have changed them)."""
        self.runner.run(lambda: list_components(self.factory), self._set_components,
                        lambda msg, _e: self.changes.say(f"could not load components: {msg}"))
        for page in self.pages.values():
            page.reload()

    def _set_components(self, components: list[tuple[str, str]]) -> None:
        for page in (self.changes, self.kb, self.maintenance, self.people):
            page.set_components(components)

    def show_area(self, name: str) -> None:
        self.tabs.setCurrentWidget(self.pages[name])

    def busy(self) -> bool:
        return self.runner.busy()

    def done(self, result: int) -> None:  # noqa: D102 - Qt: closing by Esc or the window button
        self.runner.shutdown()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.runner.shutdown()
        super().closeEvent(event)
