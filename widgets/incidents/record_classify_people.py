"""Record, Classify, People: the first minutes of an incident.

Each section builds its inputs, registers them as named fields of the
dialog (so drafts, dirty checks and merges see them) and calls the
dialog's ``save``/``run``; none of them talks to the database itself.
"""

from __future__ import annotations


from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from noc_app.incidents import DetectionMeans, Level, priority_for
from widgets.incidents.fields import OptionalDateTime
from widgets.incidents.section import Section, fill_people, hint, person_combo
from widgets.incidents.style import local_text, priority_word

RECORD_FIELDS = ("title", "detection_means", "manifestation", "detected_at", "first_recorded_at")
CLASSIFY_FIELDS = ("impact", "urgency", "priority", "priority_override_reason")
MEANS_WORDS = {"customer_call": "Customer call", "internal_monitoring": "Internal monitoring alert",
               "external_monitoring": "External monitoring", "vendor_call": "Vendor call",
               "internal_staff": "Internal staff", "other": "Other"}


class RecordSection(Section):
    TITLE = "1 Record"

    def __init__(self, dlg):
        super().__init__(dlg)
        f = dlg.fields
        self.title = f.add("title", QLineEdit(placeholderText="What is broken, in a few words"))
        self.first_recorded = f.add("first_recorded_at", QDateTimeEdit(
            QDateTime.currentDateTime(), calendarPopup=True, displayFormat="yyyy-MM-dd HH:mm:ss t"))
        self.detected = f.add("detected_at", OptionalDateTime("known"))
        self.means = f.add("detection_means", QComboBox())
        for means in DetectionMeans:
            self.means.addItem(MEANS_WORDS[means.value], means.value)
        self.manifestation = f.add("manifestation", QPlainTextEdit(
            placeholderText="How did the problem first appear? (error messages, who noticed, what they saw)"))
        self.affected = QLabel("Affected: not known yet (a blank incident)")
        self.affected.setWordWrap(True)
        self.affected_data: dict | None = None
        self.open_button = QPushButton("Open incident")
        self.save_button = QPushButton("Save record")
        self.open_button.clicked.connect(self.open_incident)
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("First recorded", self.first_recorded)
        form.addRow("Detected at", self.detected)
        form.addRow("Means of detection", self.means)
        form.addRow("Manifestation", self.manifestation)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.affected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.needs_incident.append(self.save_button)

    def set_open(self, exists: bool) -> None:
        super().set_open(exists)
        self.open_button.setVisible(not exists)
        self.save_button.setVisible(exists)
        if not exists:
            # Wait for the impact engine's prefill when there is one coming.
            self.open_button.setEnabled(not self.dlg._pending_names("prefill"))

    def show_prefill(self, pre, alert=None) -> None:
        self.affected_data = {"components": pre.component_roles, "customers": list(pre.customer_ids),
                              "suggested": pre.suggestion.to_dict()}
        self._show_affected(pre.components, pre.customers)
        if alert is not None and not self.title.text():
            # An alert says what, where and when: the operator only has to confirm.
            self.dlg.fields.set_many({
                "title": f"{alert.component_name}: {alert.reason or alert.state_text()}"[:300],
                "detection_means": "internal_monitoring",
                "manifestation": f"{alert.check_label}: {alert.state_text()}"
                                 + (f" — {alert.reason}" if alert.reason else ""),
                "detected_at": alert.at})
        self.dlg.classify.show_suggestion(pre.suggestion.priority, pre.suggestion.reasons)

    def restore_prefill(self, data: dict | None) -> None:
        if data:
            self.affected_data = data
            self.affected.setText("Affected (from the draft): " + ", ".join(
                f"{cid} ({role})" for cid, role in data["components"].items())
                + f"; {len(data['customers'])} customers")
            if data.get("suggested"):
                s = data["suggested"]
                self.dlg.classify.show_suggestion(s["priority"], s.get("reasons", ()))

    def _show_affected(self, components, customers) -> None:
        parts = [f"{c.name} ({c.role})" for c in components] or ["none failing"]
        partners = sum(1 for c in customers if c.partner)
        self.affected.setText("Affected: " + ", ".join(parts) + f" — {len(customers)} customers"
                              + (f" ({partners} partners)" if partners else ""))

    def show_snapshot(self, snap, *_extra) -> None:
        roles = ", ".join(f"{cid} ({role})" for cid, role in sorted(snap.components.items()))
        self.affected.setText(f"Affected: {roles or 'none recorded'} — {len(snap.customers)} customers"
                              f" · stage: {snap.stage} · first recorded {local_text(snap.first_recorded_at)}")

    def open_incident(self) -> None:
        values = self.dlg.fields.values(RECORD_FIELDS)
        data = self.affected_data or {}
        self.dlg.run("open_incident", (self.open_button,), None, title=values["title"],
                     detection_means=values["detection_means"], manifestation=values["manifestation"],
                     component_ids=data.get("components") or {}, customer_ids=data.get("customers") or [],
                     detected_at=values["detected_at"], suggested=data.get("suggested"),
                     first_recorded_at=values["first_recorded_at"])

    def save(self) -> None:
        names = self.dlg.dirty(RECORD_FIELDS)
        if not names:
            self.dlg.say("Nothing to save in Record: no field changed.", "ok")
            return
        self.dlg.save("record", names, (self.save_button,),
                      on_done=lambda _r: self.dlg.say("Record saved.", "ok"))


class ClassifySection(Section):
    TITLE = "2 Classify"

    def __init__(self, dlg):
        super().__init__(dlg)
        f = dlg.fields
        self.impact = f.add("impact", QComboBox())
        self.urgency = f.add("urgency", QComboBox())
        for combo in (self.impact, self.urgency):
            combo.addItem("— choose —", None)
            for level in Level:
                combo.addItem(level.value.capitalize(), level.value)
        self.override = f.add("priority", QComboBox())
        self.override.addItem("Use the matrix", None)
        for p in ("P1", "P2", "P3", "P4", "P5"):
            self.override.addItem(priority_word(p), p)
        self.reason = f.add("priority_override_reason", QPlainTextEdit(
            placeholderText="Why this priority (required when it differs from the suggestion or the matrix)"))
        self.reason.setMaximumHeight(110)
        self.matrix = QLabel(objectName="heading")
        self.suggestion = hint("No suggestion (a blank incident): classify from what you know.")
        self.suggested_priority: str | None = None
        self.button = QPushButton("Classify")
        self.button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow("Impact", self.impact)
        form.addRow("Urgency", self.urgency)
        form.addRow("Priority", self.matrix)
        form.addRow("Override", self.override)
        form.addRow("Reason", self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Suggested by the impact engine", objectName="heading"))
        layout.addWidget(self.suggestion)
        layout.addLayout(form)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        layout.addLayout(row)
        self.needs_incident.append(self.button)
        for combo in (self.impact, self.urgency, self.override):
            combo.currentIndexChanged.connect(self.update_matrix)
        self.reason.textChanged.connect(self.update_matrix)
        self.update_matrix()

    def show_suggestion(self, priority: str, reasons) -> None:
        self.suggested_priority = priority
        lines = "".join(f"<li>{r}</li>" for r in reasons)
        self.suggestion.setText(f"<b>{priority_word(priority)}</b><ul>{lines}</ul>")
        self.update_matrix()

    def show_snapshot(self, snap, *_extra) -> None:
        if self.suggested_priority is None and snap.suggested_priority:
            self.show_suggestion(snap.suggested_priority, ("suggested when the incident was opened",))

    def chosen(self) -> tuple[str | None, str | None]:
        """(matrix priority, the priority that will be saved)."""
        impact, urgency = self.impact.currentData(), self.urgency.currentData()
        matrix = priority_for(impact, urgency) if impact and urgency else None
        return matrix, self.override.currentData() or matrix

    def needs_reason(self) -> bool:
        matrix, final = self.chosen()
        differs = final is not None and (final != matrix or (self.suggested_priority or final) != final)
        return differs and not self.reason.toPlainText().strip()

    def update_matrix(self, *_args) -> None:
        matrix, final = self.chosen()
        if final is None:
            self.matrix.setText("choose impact and urgency")
            return
        text = f"{priority_word(final)}  (matrix: {matrix})"
        if self.needs_reason():
            text += "  — give a reason"
        self.matrix.setText(text)

    def save(self) -> None:
        if self.impact.currentData() is None or self.urgency.currentData() is None:
            self.dlg.say("Choose both impact and urgency.", "error")
            return
        if self.needs_reason():
            self.dlg.say("The priority differs from the suggestion or the matrix: give a reason.", "error")
            return
        _, final = self.chosen()
        self.dlg.save("classify", list(CLASSIFY_FIELDS), (self.button,),
                      on_done=lambda _r: self.dlg.say(f"Classified {final}.", "ok"))


class PeopleSection(Section):
    TITLE = "3 People"

    def __init__(self, dlg):
        super().__init__(dlg)
        self.manager = dlg.fields.add("incident_manager_id", person_combo("— nobody yet —"))
        self.assign_button = QPushButton("Assign incident manager")
        self.assign_button.clicked.connect(self.assign)
        self.participants = QListWidget()
        self.person = person_combo("— pick a person —")
        self.role = QLineEdit(placeholderText="role in the war room (dba, CSR, comms...)")
        self.add_button = QPushButton("Add to war room")
        self.add_button.clicked.connect(self.add_participant)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Incident manager", objectName="heading"))
        row = QHBoxLayout()
        row.addWidget(self.manager, 1)
        row.addWidget(self.assign_button)
        layout.addLayout(row)
        layout.addWidget(hint("The incident manager runs the war room and takes no tasks: "
                              "they keep everyone informed and everything recorded."))
        layout.addWidget(QLabel("War room", objectName="heading"))
        layout.addWidget(self.participants, 1)
        row = QHBoxLayout()
        row.addWidget(self.person, 1)
        row.addWidget(self.role, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        self.needs_incident += [self.assign_button, self.add_button]
        self._names: dict[str, str] = {}

    def populate(self, directory) -> None:
        self._names = {p.id: p.name for p in directory.people}
        fill_people(self.dlg, self.manager, directory.people, "— nobody yet —")
        fill_people(self.dlg, self.person, directory.people, "— pick a person —")

    def show_snapshot(self, snap, *_extra) -> None:
        rows = [f"{self._names.get(pid, pid)} — {role}" for pid, role in sorted(snap.participants.items())]
        if rows != [self.participants.item(i).text() for i in range(self.participants.count())]:
            self.participants.clear()
            self.participants.addItems(rows)

    def assign(self) -> None:
        if self.manager.currentData() is None:
            self.dlg.say("Pick the incident manager first.", "error")
            return
        name = self.manager.currentText()
        self.dlg.save("assign_manager", ["incident_manager_id"], (self.assign_button,),
                      on_done=lambda _r: self.dlg.say(f"{name} is the incident manager.", "ok"))

    def add_participant(self) -> None:
        person = self.person.currentData()
        if person is None:
            self.dlg.say("Pick who joins the war room.", "error")
            return
        self.dlg.run("add_participant", (self.add_button,),
                     lambda _r: self.dlg.say(f"{self.person.currentText()} joined the war room.", "ok"),
                     incident_id=self.dlg.incident_id, person_id=person,
                     role=self.role.text() or "participant")
