"""Investigate, Restore, Close: find the cause, bring the service back, learn from it."""

from __future__ import annotations

import uuid

import datetime as dt

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QSpinBox,
                               QTableWidget, QTabWidget, QVBoxLayout, QWidget)

from noc_app.incidents import RestorePath
from widgets.incidents.fields import OptionalDateTime
from widgets.incidents.section import Section, fill, fill_people, hint, person_combo, table
from widgets.incidents.style import from_qdatetime, local_text, to_qdatetime
from widgets.postmortem.metrics_view import MetricsTable
from widgets.postmortem.record_form import PostmortemForm

RESTORE_WORDS = {"resolve": "Resolve — fix it in place (restart, roll back, relaunch)",
                 "workaround": "Workaround — get customers working, fix later",
                 "failover": "Failover — switch to the standby / DR site"}


class InvestigateSection(Section):
    TITLE = "6 Investigate"

    def __init__(self, dlg):
        super().__init__(dlg)
        self.hours = QSpinBox(minimum=1, maximum=24 * 14, value=24, suffix=" h")
        self.changes_button = QPushButton("Show changes")
        self.changes_button.clicked.connect(self.load_changes)
        self.changes = table(("When", "Change", "Summary", "Touched", "How"))
        self.kb = QListWidget()
        self.kb.currentItemChanged.connect(self._show_solution)
        self.solution = QPlainTextEdit(readOnly=True, placeholderText="Select an article to read its solution")
        self.note = dlg.fields.add("note", QPlainTextEdit(placeholderText="What you found, tried, decided…"))
        self.note.setMaximumHeight(120)
        self.note_button = QPushButton("Add note to the timeline")
        self.note_button.clicked.connect(self.add_note)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Changes in the last", objectName="heading"))
        row.addWidget(self.hours)
        row.addWidget(hint("to the affected components and what they depend on"), 1)
        row.addWidget(self.changes_button)
        layout.addLayout(row)
        layout.addWidget(self.changes, 1)
        layout.addWidget(QLabel("Known problems that match", objectName="heading"))
        kb_row = QHBoxLayout()
        kb_row.addWidget(self.kb, 1)
        kb_row.addWidget(self.solution, 2)
        layout.addLayout(kb_row, 1)
        layout.addWidget(self.note)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.note_button)
        layout.addLayout(row)
        self.needs_incident += [self.changes_button, self.note_button]
        self._components: tuple = ()
        self._articles: dict[str, object] = {}

    def show_snapshot(self, snap, *_extra) -> None:
        components = tuple(sorted(snap.components))
        if components != self._components:  # first load, or the affected set changed
            self._components = components
            self.load_changes()
            text = snap.manifestation + "\n" + snap.title
            self.dlg.read("matching_kb", lambda s: s.matching_kb(components, text), self._show_kb)

    def load_changes(self) -> None:
        components, hours = self._components, self.hours.value()
        self.dlg.read("recent_changes", lambda s: s.recent_changes(components, hours), self._show_changes,
                      buttons=(self.changes_button,))

    def _show_changes(self, changes) -> None:
        fill(self.changes, [(local_text(c.at), c.id, c.summary, ", ".join(c.components),
                             "direct" if c.direct else "via a dependency") for c in changes])
        if not changes:
            fill(self.changes, [("—", "", f"no change in the last {self.hours.value()} h", "", "")])

    def _show_kb(self, matches) -> None:
        self.kb.clear()
        self._articles = {m.id: m for m in matches}
        for m in matches:
            item = QListWidgetItem(f"{m.title}\n   {'; '.join(m.reasons)}")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.kb.addItem(item)
        if matches:
            self.kb.setCurrentRow(0)
        else:
            self.kb.addItem("No known problem matches these components or symptoms")

    def _show_solution(self, item, _previous=None) -> None:
        m = self._articles.get(item.data(Qt.ItemDataRole.UserRole)) if item else None
        if m is not None:
            self.solution.setPlainText(f"{m.title}\n\nSolution:\n{m.solution}"
                                       + (f"\n\nScript:\n{m.script}" if m.script else ""))

    def add_note(self) -> None:
        text = self.note.toPlainText()
        if not text.strip():
            self.dlg.say("Write the note first.", "error")
            return

        def done(_r) -> None:
            if self.note.toPlainText() == text:  # keep anything typed while it was saving
                self.dlg.fields.set("note", "")
            self.dlg.say("Note added.", "ok")
        # A fresh key per note: if the outbox replays it after a lost reply, it is added once.
        self.dlg.run("add_note", (self.note_button,), done, incident_id=self.dlg.incident_id, text=text,
                     client_ref=uuid.uuid4().hex)

    def scratch_unsaved(self) -> bool:
        return bool(self.note.toPlainText())


class RestoreSection(Section):
    TITLE = "7 Restore"

    def __init__(self, dlg):
        super().__init__(dlg)
        f = dlg.fields
        self.path = f.add("restore_path", QComboBox())
        self.path.addItem("— how was it restored? —", None)
        for p in RestorePath:
            self.path.addItem(RESTORE_WORDS[p.value], p.value)
        self.summary = f.add("restore_summary", QPlainTextEdit(placeholderText="What was done"))
        self.step = f.add("restore_step", QLineEdit(placeholderText="A step taken (kept in the timeline)"))
        self.step_button = QPushButton("Add step")
        self.step_button.clicked.connect(self.add_step)
        self.restore_button = QPushButton("Service restored")
        self.restore_button.clicked.connect(self.restored)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Restore service", objectName="heading"))
        form = QFormLayout()
        form.addRow("Path", self.path)
        form.addRow("What was done", self.summary)
        row = QHBoxLayout()
        row.addWidget(self.step, 1)
        row.addWidget(self.step_button)
        form.addRow("Step", row)
        layout.addLayout(form, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.restore_button)
        layout.addLayout(row)
        layout.addWidget(hint("Restored? Post “Resolved” on the status page first (Notify, step 1), "
                              "then send the resolved notice."))
        self.needs_incident += [self.step_button, self.restore_button]

    def show_snapshot(self, snap, *_extra) -> None:
        if snap.restored_at:
            self.restore_button.setText(f"Restored {local_text(snap.restored_at)} — record again")

    def add_step(self) -> None:
        text = self.step.text()
        if not text.strip():
            self.dlg.say("Describe the step first.", "error")
            return

        def done(_r) -> None:
            if self.step.text() == text:
                self.dlg.fields.set("restore_step", "")
            self.dlg.say("Step recorded.", "ok")
        self.dlg.run("add_restore_step", (self.step_button,), done, incident_id=self.dlg.incident_id, text=text,
                     client_ref=uuid.uuid4().hex)

    def restored(self) -> None:
        if self.path.currentData() is None or not self.summary.toPlainText().strip():
            self.dlg.say("Say how the service was restored and what was done.", "error")
            return
        self.dlg.save("restore", ["restore_path", "restore_summary"], (self.restore_button,),
                      on_done=lambda _r: self.dlg.say("Service restored — tell the customers (Notify).", "ok"))

    def scratch_unsaved(self) -> bool:
        return bool(self.step.text())


class FollowUps(QWidget):
    """Follow-up actions: description, owner, due date — one row each."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Action", "Owner", "Due"])
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(0, 420)
        self.table.setColumnWidth(1, 200)
        self.table.setColumnWidth(2, 220)
        self.table.itemChanged.connect(self.changed)
        add, remove = QPushButton("Add action"), QPushButton("Remove selected")
        add.clicked.connect(lambda: (self.add_row(), self.changed.emit()))
        remove.clicked.connect(self._remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(add)
        row.addWidget(remove)
        layout.addLayout(row)
        self._people = ()

    def set_people(self, people) -> None:
        self._people = people
        values = self.value()
        self.set_value(values)

    def add_row(self, description: str = "", owner: str | None = None, due: dt.datetime | None = None) -> None:
        from PySide6.QtWidgets import QTableWidgetItem
        r = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(description))
        combo = person_combo("— owner —")
        for p in self._people:
            combo.addItem(p.name, p.id)
        if owner is not None and combo.findData(owner) < 0:
            combo.addItem(owner, owner)
        combo.setCurrentIndex(max(combo.findData(owner), 0))
        combo.currentIndexChanged.connect(self.changed)
        self.table.setCellWidget(r, 1, combo)
        edit = QDateTimeEdit(to_qdatetime(due) if due else QDateTime.currentDateTime().addDays(7),
                             calendarPopup=True, displayFormat="yyyy-MM-dd HH:mm")
        edit.dateTimeChanged.connect(self.changed)
        self.table.setCellWidget(r, 2, edit)
        self.table.blockSignals(False)

    def _remove(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for r in rows:
            self.table.removeRow(r)
        self.changed.emit()

    def value(self) -> list[dict]:
        out = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            out.append({"description": item.text() if item else "",
                        "owner_id": self.table.cellWidget(r, 1).currentData(),
                        "due_at": from_qdatetime(self.table.cellWidget(r, 2).dateTime())})
        return out

    def set_value(self, rows) -> None:
        self.table.setRowCount(0)
        for row in rows or []:
            self.add_row(row.get("description", ""), row.get("owner_id"), row.get("due_at"))


class CloseSection(Section):
    """Root cause and follow-ups (closing), the post-mortem texts, and the how-soon table."""

    TITLE = "8 Close"

    def __init__(self, dlg):
        super().__init__(dlg)
        f = dlg.fields
        self.root_cause = f.add("root_cause", QPlainTextEdit(placeholderText="Why it happened (required to close)"))
        self.follow_ups = f.add("follow_ups", FollowUps())
        self.owner = f.add("postmortem_owner_id", person_combo("— post-mortem owner —"))
        self.due = f.add("postmortem_due_at", OptionalDateTime("set"))
        self.close_button = QPushButton("Close incident")
        self.close_button.clicked.connect(self.close_incident)
        form = QFormLayout()
        form.addRow("Root cause", self.root_cause)
        form.addRow("Follow-up actions", self.follow_ups)
        form.addRow("Post-mortem owner", self.owner)
        form.addRow("Post-mortem due", self.due)
        closing = QWidget()
        closing.setLayout(form)
        self.postmortem = PostmortemForm(dlg)
        self.metrics = MetricsTable()
        self.pages = QTabWidget(objectName="closePages")
        self.pages.addTab(closing, "Root cause and follow-ups")
        self.pages.addTab(self.postmortem, "Post-mortem")
        self.pages.addTab(self.metrics, "How soon")
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        row = QHBoxLayout()
        row.addWidget(hint("Closing stops the update countdown; send the resolved notice first. "
                           "Post-mortem texts typed here are saved with the close."), 1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.needs_incident.append(self.close_button)

    def populate(self, directory) -> None:
        fill_people(self.dlg, self.owner, directory.people, "— post-mortem owner —")
        with self.dlg.fields.quiet():
            self.follow_ups.set_people(directory.people)

    def show_snapshot(self, snap, *_extra) -> None:
        if snap.closed_at:
            self.close_button.setEnabled(False)
            self.close_button.setText(f"Closed {local_text(snap.closed_at)}")

    def show_metrics(self, metrics) -> None:
        self.metrics.show_metrics(metrics)

    def set_open(self, exists: bool) -> None:
        snap = self.dlg.snapshot
        super().set_open(exists and not (snap and snap.closed_at))
        self.postmortem.set_open(exists)  # written after closing as often as before

    def close_incident(self) -> None:
        if not self.root_cause.toPlainText().strip():
            self.dlg.say("An incident cannot be closed without a root cause.", "error")
            return
        actions = [a for a in self.follow_ups.value() if a["description"].strip()]
        names = ["root_cause", "postmortem_owner_id", "postmortem_due_at", *self.postmortem.dirty()]
        self.dlg.save("close", names, (self.close_button,), extra={"follow_ups": actions},
                      on_done=lambda _r: (self.follow_ups.set_value([]), self.dlg.say("Incident closed.", "ok")))

    def scratch_unsaved(self) -> bool:
        return any(a["description"].strip() for a in self.follow_ups.value())
