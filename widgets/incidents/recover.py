"""At start-up: offer to reopen what an operator typed but never saved (a crash, a lost database)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from noc_app.incidents import Draft, DraftStore
from widgets.incidents.dialog import IncidentDialog, default_drafts


def describe(draft: Draft) -> str:
    data = draft.data
    title = (data.get("fields") or {}).get("title") or "(no title)"
    which = f"Incident {data['incident_id']}" if data.get("incident_id") else "New incident (not opened yet)"
    return f"{which} — “{title}” — unsaved since {draft.saved_at.astimezone():%Y-%m-%d %H:%M}"


class RecoverDraftsDialog(QDialog):
    """Lists the drafts; reopening one opens its incident dialog with the draft applied."""

    reopened = Signal(object)  # IncidentDialog

    def __init__(self, source, drafts: DraftStore, found: list[Draft], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Unsaved incident work")
        self.source, self.drafts = source, drafts
        self.opened: list[IncidentDialog] = []
        self.list = QListWidget()
        for draft in found:
            item = QListWidgetItem(describe(draft))
            item.setData(Qt.ItemDataRole.UserRole, draft)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        buttons = QDialogButtonBox()
        reopen = buttons.addButton("Reopen checked", QDialogButtonBox.ButtonRole.AcceptRole)
        discard = buttons.addButton("Discard checked", QDialogButtonBox.ButtonRole.DestructiveRole)
        later = buttons.addButton("Ask me next time", QDialogButtonBox.ButtonRole.RejectRole)
        reopen.clicked.connect(self.reopen_checked)
        discard.clicked.connect(self.discard_checked)
        later.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("These edits were never saved to the database. Reopen them to "
                                "check and save; nothing is discarded unless you say so."))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(900, 400)

    def _checked(self) -> list[Draft]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def reopen_checked(self) -> list[IncidentDialog]:
        for draft in self._checked():
            dialog = IncidentDialog(self.source, draft.data.get("incident_id"), parent=self.parentWidget(),
                                    drafts=self.drafts, draft=draft)
            dialog.show()
            self.opened.append(dialog)
            self.reopened.emit(dialog)
        self.accept()
        return self.opened

    def discard_checked(self) -> None:
        for draft in self._checked():
            self.drafts.delete(draft.key)
        self.accept()


def recover_drafts(parent: QWidget | None, source, drafts: DraftStore | None = None) -> RecoverDraftsDialog | None:
    """Offer the unsent drafts (non-blocking); None when there is nothing to recover.

    ``source`` is what ``IncidentDialog`` takes: a worker, a service or a service factory.
    """
    drafts = drafts or default_drafts()
    found = drafts.unsent()
    if not found:
        return None
    dialog = RecoverDraftsDialog(source, drafts, found, parent)
    dialog.open()
    return dialog
