"""The conflict dialog: someone else saved the same fields; show both and a merge, never pick silently.

For each field: what is stored now (theirs), what this operator typed
(yours), and an editable proposal — a line merge (``merge_text``) for free
text, the operator's own value otherwise.  Accepting saves the proposal
against the current version; cancelling keeps the operator's text in the
dialog (and its draft), so nothing is discarded either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPlainTextEdit, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from noc_app.incidents import merge_text
from noc_app.postmortem.record import POSTMORTEM_FIELDS

#: Free-text fields, merged line by line; the others are a choice.
TEXT_FIELDS = {"title", "manifestation", "priority_override_reason", "restore_summary", "root_cause",
               *POSTMORTEM_FIELDS}
LABELS = {"title": "Title", "manifestation": "Manifestation", "detection_means": "Means of detection",
          "detected_at": "Detected at", "first_recorded_at": "First recorded", "impact": "Impact",
          "urgency": "Urgency", "priority": "Priority", "priority_override_reason": "Override reason",
          "incident_manager_id": "Incident manager", "restore_path": "Restore path",
          "restore_summary": "What was done", "root_cause": "Root cause",
          "postmortem_owner_id": "Post-mortem owner", "postmortem_due_at": "Post-mortem due",
          **POSTMORTEM_FIELDS}


@dataclass(frozen=True)
class FieldChoice:
    field: str
    base: Any
    theirs: Any
    yours: Any


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _parse(text: str, like: Any) -> Any:
    """The edited proposal back to the field's type (the type of either side)."""
    if isinstance(like, dt.datetime):
        return dt.datetime.fromisoformat(text.strip()) if text.strip() else None
    if like is None and not text:
        return None
    return text


def proposal(choice: FieldChoice) -> tuple[str, int]:
    """(proposed text, regions kept twice) for one field."""
    if choice.field in TEXT_FIELDS:
        merged = merge_text(_text(choice.base), _text(choice.theirs), _text(choice.yours))
        return merged.text, merged.conflicts
    return _text(choice.yours), 0


class ConflictDialog(QDialog):
    """Window-modal to its incident dialog; ``resolved()`` gives field -> value to save."""

    def __init__(self, incident_id: int, choices: list[FieldChoice], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Incident {incident_id}: someone else saved these fields")
        self.choices = choices
        self.merged: dict[str, QPlainTextEdit] = {}
        layout = QVBoxLayout(self)
        intro = QLabel("Another operator saved a newer version while you were editing. Nothing has "
                       "been overwritten. Check the proposal for each field, edit it if needed, then "
                       "save it; or go back and keep editing.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        body = QWidget()
        rows = QVBoxLayout(body)
        for choice in choices:
            rows.addWidget(self._field_box(choice))
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Save the merged version",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button = self.buttons.addButton("Keep editing",
                                                  QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(1100, min(900, 260 + 260 * len(choices)))

    def _field_box(self, choice: FieldChoice) -> QGroupBox:
        box = QGroupBox(LABELS.get(choice.field, choice.field))
        grid = QGridLayout(box)
        theirs = QPlainTextEdit(_text(choice.theirs), readOnly=True, objectName=f"theirs-{choice.field}")
        yours = QPlainTextEdit(_text(choice.yours), readOnly=True, objectName=f"yours-{choice.field}")
        text, regions = proposal(choice)
        merged = QPlainTextEdit(objectName=f"merged-{choice.field}")
        merged.setPlainText(text)
        self.merged[choice.field] = merged
        grid.addWidget(QLabel("Theirs (saved now)"), 0, 0)
        grid.addWidget(QLabel("Yours"), 0, 1)
        note = ("Merged — both versions kept between markers: tidy up" if regions
                else "Proposal — edit if needed" if choice.field in TEXT_FIELDS else "Your value — edit if needed")
        grid.addWidget(QLabel(note), 0, 2)
        for col, widget in enumerate((theirs, yours, merged)):
            widget.setMinimumHeight(90)
            grid.addWidget(widget, 1, col)
        picks = QHBoxLayout()
        for label, value in (("Use theirs", choice.theirs), ("Use yours", choice.yours)):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, v=value, m=merged: m.setPlainText(_text(v)))
            picks.addWidget(button)
        picks.addStretch(1)
        grid.addLayout(picks, 2, 2)
        return box

    def resolved(self) -> dict[str, Any]:
        out = {}
        for choice in self.choices:
            text = self.merged[choice.field].toPlainText()
            if choice.field in TEXT_FIELDS:
                # Exactly what is in the box: keep the unmodified side byte for byte.
                for side in (choice.theirs, choice.yours):
                    if isinstance(side, str) and side.replace("\r\n", "\n") == text:
                        text = side
                out[choice.field] = text
            else:
                out[choice.field] = _parse(text, choice.yours if choice.yours is not None else choice.theirs)
        return out
