"""Notify's first step: the public status page, "updated first" and "regularly".

Shows the last status-page message of this incident and how old it is (the
age turns loud past 30 minutes), and posts the next one with its Statuspage
incident status and the public components it is about. The public title
is asked for separately: the internal title never reaches the page.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from noc_app.incidents import StatusPageState
from noc_app.statuspage.vocabulary import IncidentStatus
from widgets.incidents.section import hint
from widgets.incidents.style import local_text

STATE_WORDS = {"operational": "Operational", "degraded": "Degraded performance", "partial_outage": "Partial outage",
               "major_outage": "Major outage", "maintenance": "Under maintenance"}
STATUS_WORDS = {"investigating": "Investigating — we know, we are looking",
                "identified": "Identified — cause found, fix under way",
                "monitoring": "Monitoring — fixed, watching it hold",
                "resolved": "Resolved — back to normal",
                "postmortem": "Post-mortem — the write-up is out"}
STALE_AFTER = dt.timedelta(minutes=30)


class StatusPageStep(QWidget):
    def __init__(self, dlg):
        super().__init__()
        self.dlg = dlg
        f = dlg.fields
        self.last = QLabel(objectName="statusLast")
        self.last.setWordWrap(True)
        self.last.setTextFormat(Qt.TextFormat.PlainText)
        self.components = QListWidget()
        self.components.setMaximumHeight(96)
        self.state = f.add("status_state", QComboBox())
        for s in StatusPageState:
            self.state.addItem(STATE_WORDS[s.value], s.value)
        self.incident_status = f.add("status_incident_status", QComboBox())
        for s in IncidentStatus:
            self.incident_status.addItem(STATUS_WORDS[s.value], s.value)
        self.title = f.add("status_title", QLineEdit(
            placeholderText="Public name, e.g. \u201cPayments delayed\u201d (never the internal title)"))
        self.message = f.add("status_message", QPlainTextEdit(placeholderText="What the public reads on the status page"))
        self.message.setMaximumHeight(90)
        self.post_button = QPushButton("Post to status page")
        self.post_button.clicked.connect(self.post)
        form = QFormLayout()
        form.addRow("Public components", self.components)
        form.addRow("They are", self.state)
        form.addRow("Incident status", self.incident_status)
        form.addRow("Public title", self.title)
        form.addRow("Message", self.message)
        row = QHBoxLayout()
        row.addWidget(hint("Update the status page first, then the people below; it is timestamped "
                           "and read far more than any e-mail."), 1)
        row.addWidget(self.post_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("1 · Status page — first", objectName="heading"))
        layout.addWidget(self.last)
        layout.addLayout(form)
        layout.addLayout(row)
        self._publics = ()
        self._ticked_for = None
        self._last_at: dt.datetime | None = None
        self._last_text = ""
        self._last_id: int | None = None
        with dlg.fields.quiet():  # an outage is what one usually posts about first
            self.state.setCurrentIndex(self.state.findData("partial_outage"))

    def populate(self, directory) -> None:
        self._publics = directory.public_components
        self.components.clear()
        for c in self._publics:
            item = QListWidgetItem(c.name)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.components.addItem(item)
        self._ticked_for = None
        if self.dlg.snapshot is not None:
            self._tick_defaults(self.dlg.snapshot)

    def chosen(self) -> list[str]:
        return [self.components.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.components.count())
                if self.components.item(i).checkState() == Qt.CheckState.Checked]

    def _tick_defaults(self, snap) -> None:
        """Pre-tick the public components behind the incident's components, once per component set."""
        key = tuple(sorted(snap.components))
        if key == self._ticked_for or not self._publics:
            return
        self._ticked_for = key
        for i in range(self.components.count()):
            item = self.components.item(i)
            public = next(c for c in self._publics if c.id == item.data(Qt.ItemDataRole.UserRole))
            if set(public.members) & set(snap.components):
                item.setCheckState(Qt.CheckState.Checked)

    def show_snapshot(self, snap, entries) -> None:
        self._tick_defaults(snap)
        posted = [e for e in entries if e.kind == "status_page_update"]
        if posted:
            e = posted[-1]
            self._last_at = e.at
            d = e.data or {}
            if e.id != self._last_id and not self.message.toPlainText():
                self._last_id = e.id  # the next update most often keeps the state and status: offer them
                with self.dlg.fields.quiet():
                    for combo, value in ((self.state, d.get("state")), (self.incident_status, d.get("incident_status"))):
                        if combo.findData(value) >= 0:
                            combo.setCurrentIndex(combo.findData(value))
            self._last_text = (f"\u201c{d.get('message', '')}\u201d — {d.get('incident_status', '')}, "
                               f"{STATE_WORDS.get(d.get('state', ''), d.get('state', ''))}")
        else:
            self._last_at, self._last_text = None, ""
        self.tick()

    def tick(self, now: dt.datetime | None = None) -> None:
        """Refresh the age of the last message (the dialog's 1-second timer calls this)."""
        if self._last_at is None:
            self.last.setText("Nothing posted on the status page for this incident yet.")
            state = "due"
        else:
            now = now or dt.datetime.now(dt.timezone.utc)
            age = now - self._last_at
            stale = age > STALE_AFTER
            self.last.setText(f"Last status-page update {age_words(age)} ago "
                              f"({local_text(self._last_at)}){' — UPDATE IT' if stale else ''}: {self._last_text}")
            state = "due" if stale else "ok"
        if self.last.property("state") != state:
            self.last.setProperty("state", state)
            self.last.style().unpolish(self.last)
            self.last.style().polish(self.last)

    def post(self) -> None:
        message, components = self.message.toPlainText(), self.chosen()
        if not message.strip() or not components:
            self.dlg.say("Tick the public components and write the message.", "error")
            return

        def done(_r) -> None:
            if self.message.toPlainText() == message:
                self.dlg.fields.set("status_message", "")
            self.dlg.say("Status page updated.", "ok")
        self.dlg.run("status_page_update", (self.post_button,), done, service_group=None,
                     state=self.state.currentData(), message=message, incident_id=self.dlg.incident_id,
                     components=components, incident_status=self.incident_status.currentData(),
                     title=self.title.text().strip() or None)

    def scratch_unsaved(self) -> bool:
        return bool(self.message.toPlainText())


def age_words(age: dt.timedelta) -> str:
    """"under a minute", "41 min", "2 h 05 min", "3 d 4 h": read at a glance, not computed."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d {hours % 24} h"
