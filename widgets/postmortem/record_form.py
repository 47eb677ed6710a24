"""The post-mortem texts in Close: registered as dialog fields, saved with the version check.

Each text is a named field of the dialog (drafts, dirty checks and the
conflict merge see it like the root cause); "Save post-mortem" sends only
the texts changed here.  It stays usable after the incident is closed —
post-mortems are mostly written afterwards.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from noc_app.postmortem.record import CUSTOMER_FIELDS, POSTMORTEM_FIELDS

PLACEHOLDERS = {
    "summary": "What happened, in a few sentences",
    "triggered_by": "What set it off (a change, a load spike, a vendor…)",
    "went_well": "What helped",
    "went_wrong": "What made it worse or slower",
    "got_lucky": "Where it could have been much worse",
    "lessons_learned": "What we take away",
    "customer_summary": "Sent as written in the customer version: no internal names, ids or links",
    "customer_prevention": "Sent as written: what we do so it does not happen again",
}


class PostmortemForm(QWidget):
    def __init__(self, dlg):
        super().__init__()
        self.dlg = dlg
        self.edits: dict[str, QPlainTextEdit] = {}
        grid = QGridLayout()
        for index, (name, label) in enumerate(POSTMORTEM_FIELDS.items()):
            edit = dlg.fields.add(name, QPlainTextEdit(placeholderText=PLACEHOLDERS[name],
                                                       objectName=f"pm-{name}"))
            edit.setMinimumHeight(70)
            self.edits[name] = edit
            row, column = divmod(index, 2)
            box = QVBoxLayout()
            box.addWidget(QLabel(label, objectName="heading" if name in CUSTOMER_FIELDS else ""))
            box.addWidget(edit, 1)
            grid.addLayout(box, row, column)
        self.save_button = QPushButton("Save post-mortem")
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Star timeline events (the ☆ button under the timeline) to list them first in the report as key moments.",
                             objectName="hint"), 1)
        row.addWidget(self.save_button)
        layout.addLayout(row)

    def set_open(self, exists: bool) -> None:
        self.save_button.setEnabled(exists)

    def dirty(self) -> list[str]:
        return self.dlg.dirty(tuple(POSTMORTEM_FIELDS))

    def save(self) -> None:
        names = self.dirty()
        if not names:
            self.dlg.say("Nothing changed in the post-mortem.", "info")
            return
        self.dlg.save("record_postmortem", names, (self.save_button,),
                      on_done=lambda _r: self.dlg.say("Post-mortem saved.", "ok"))
