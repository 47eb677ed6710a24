"""Declare: everything the engine proposes, visible and changeable, then one button.

Shown at the top of a new incident's dialog opened from an alert or a
component. It pre-selects impact and urgency (Classify), the incident manager
(People) and the first status-page line here; the operator may change any of
them first, and what they changed wins. While the dialog is open the outage is
re-read every few seconds: a new cause updates the proposal *visibly* (a
dated line says what changed) and never overwrites what the operator touched.
After Declare the dialog opens Notify with the customer notice — and the
account managers' briefs — previewed; nothing leaves until Send.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from widgets.incidents.style import priority_word

REPROPOSE_MS = 5000
FIELD_WORDS = {"impact": "impact", "urgency": "urgency", "incident_manager_id": "incident manager",
               "declare_status_message": "status-page message"}


class DeclarePanel(QFrame):
    def __init__(self, dlg):
        super().__init__(objectName="declarePanel")
        self.dlg = dlg
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.proposal = None
        self.prefill = None
        self.proposed: dict[str, object] = {}  # what we put in each field: equal means untouched
        self.summary = QLabel("Reading the outage…", objectName="heading")
        self.summary.setWordWrap(True)
        self.details = QLabel(objectName="hint")
        self.details.setWordWrap(True)
        self.changed = QLabel(objectName="warning")
        self.changed.setWordWrap(True)
        self.changed.hide()
        self.post_status = QCheckBox("Post to the status page first")
        self.post_status.setChecked(True)
        self.message = dlg.fields.add("declare_status_message", QLineEdit(
            placeholderText="What the public reads first (public service names only)"))
        self.button = QPushButton("Declare ▶")
        self.button.setObjectName("primary")
        self.button.setDefault(True)
        self.button.setEnabled(False)
        self.button.setToolTip("Record, classify, assign the incident manager and post the status page; "
                               "then preview the customer notice")
        self.button.clicked.connect(self.declare)
        form = QFormLayout()
        form.addRow(self.post_status, self.message)
        row = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(self.summary)
        text.addWidget(self.details)
        text.addWidget(self.changed)
        text.addLayout(form)
        row.addLayout(text, 1)
        row.addWidget(self.button)
        QVBoxLayout(self).addLayout(row)
        self._timer = QTimer(self, interval=REPROPOSE_MS, timeout=self._repropose)
        self._scope = None
        self._alert = None

    # -- proposal ------------------------------------------------------------------------------
    def start(self, component_ids, alert) -> None:
        """Called by the dialog with the prefill's scope; re-proposes until declared."""
        self._scope, self._alert = component_ids, alert
        self._timer.start()

    def show_proposal(self, prefill, proposal) -> None:
        first = self.proposal is None
        before = self.prefill
        self.prefill, self.proposal = prefill, proposal
        values = {"impact": proposal.impact, "urgency": proposal.urgency,
                  "incident_manager_id": proposal.manager_id, "declare_status_message": proposal.status_message}
        fields = self.dlg.fields
        kept = []
        for name, value in values.items():
            untouched = first or fields.value(name) == self.proposed.get(name)
            if untouched:
                fields.set(name, value)
                self.proposed[name] = value
            else:
                kept.append(name)
        self._describe()
        if not first and before is not None and _outage_key(before) != _outage_key(prefill):
            causes = ", ".join(c.name for c in prefill.components if c.role == "cause") or "none"
            was = ", ".join(c.name for c in before.components if c.role == "cause") or "none"
            note = (f"⟳ Proposal updated {dt.datetime.now().strftime('%H:%M:%S')}: the outage changed — "
                    f"probable cause now {causes} (was {was}); {len(prefill.customers)} customers affected.")
            if kept:
                note += " Your own choices were kept: " + ", ".join(FIELD_WORDS[n] for n in kept) + "."
            self.changed.setText(note)
            self.changed.show()
        self.button.setEnabled(self.dlg.incident_id is None)

    def reapply(self) -> None:
        """The people picker filled after the proposal arrived: put the proposed manager in now."""
        proposed = self.proposed.get("incident_manager_id")
        if proposed and self.dlg.fields.value("incident_manager_id") is None:
            self.dlg.fields.set("incident_manager_id", proposed)
        if self.proposal is not None:
            self._describe()

    def _describe(self) -> None:
        p, pre = self.proposal, self.prefill
        manager = self.dlg.people.manager.currentText() if p.manager_id else "nobody (pick one in People)"
        customers = len(pre.customers)
        partners = sum(1 for c in pre.customers if c.partner)
        self.summary.setText(f"Declare will: classify {priority_word(p.priority)} · incident manager "
                             f"{manager} · status page {', '.join(p.status_groups) or '(no group)'}: "
                             f"{p.status_state.replace('_', ' ')}")
        self.details.setText(
            f"Then it previews the notice to {customers - partners} affected customers"
            + (f" and {partners} partner{'s' if partners != 1 else ''} (separately)" if partners else "")
            + " and the briefs to their account managers; nothing is sent until you press Send. "
            f"Manager: {p.manager_why}. Change anything in Classify, People or here first.")

    def _repropose(self) -> None:
        if self.dlg.incident_id is not None:
            self._timer.stop()
            self.hide()
            return
        if self.dlg._pending_names("reprefill") or self._scope is None:
            return
        scope = self._scope
        now = dt.datetime.now(dt.timezone.utc)

        def task(service):
            from noc_app.incidents import prefill_from_impact
            pre = prefill_from_impact(service.sessions, scope, now)
            return pre, service.proposal(pre)

        self.dlg.read("reprefill", task, self._reproposed)

    def _reproposed(self, result) -> None:
        prefill, proposal = result
        if self.dlg.incident_id is not None or self.prefill is None:
            return
        if _outage_key(prefill) != _outage_key(self.prefill):
            self.dlg.prefill = prefill
            self.dlg.record.show_prefill(prefill, self._alert)
            self.show_proposal(prefill, proposal)

    # -- declare -------------------------------------------------------------------------------
    def declare(self) -> None:
        dlg = self.dlg
        if self.proposal is None:
            return
        record = dlg.fields.values(("title", "detection_means", "manifestation", "detected_at",
                                    "first_recorded_at"))
        if not (record["title"] or "").strip():
            dlg.say("Give the incident a title first (Record).", "error")
            return
        if dlg.classify.impact.currentData() is None or dlg.classify.urgency.currentData() is None:
            dlg.say("Choose both impact and urgency (Classify).", "error")
            return
        if dlg.classify.needs_reason():
            dlg.tabs.setCurrentWidget(dlg.classify)
            dlg.say("The priority differs from the suggestion or the matrix: give a reason in Classify.", "error")
            return
        data = dlg.record.affected_data or {}
        posting = self.post_status.isChecked()
        dlg.run("declare", (self.button,), self._declared,
                title=record["title"], detection_means=record["detection_means"],
                manifestation=record["manifestation"], component_ids=data.get("components") or {},
                customer_ids=data.get("customers") or [], detected_at=record["detected_at"],
                first_recorded_at=record["first_recorded_at"], suggested=data.get("suggested"),
                impact=dlg.classify.impact.currentData(), urgency=dlg.classify.urgency.currentData(),
                priority=dlg.classify.override.currentData(),
                override_reason=dlg.classify.reason.toPlainText() or None,
                manager_id=dlg.people.manager.currentData(),
                status_groups=self.proposal.status_groups if posting else (),
                status_state=self.proposal.status_state, status_message=self.message.text())

    def _declared(self, _change) -> None:
        self._timer.stop()
        self.hide()
        self.dlg.say("Declared: recorded, classified, manager assigned"
                     + (", status page posted" if self.post_status.isChecked() else "")
                     + ". Read the notice, then Send.", "ok")
        self.dlg.tabs.setCurrentWidget(self.dlg.notify)
        self.dlg.notify.preview_declared(self.proposal.customer_template_id)


def _outage_key(prefill) -> tuple:
    return (tuple(sorted(prefill.component_roles.items())), tuple(sorted(prefill.customer_ids)),
            prefill.suggestion.priority)
