"""Notify and Escalate: tell the right people (and only them), get the right people working.

Notify always previews first: the operator sees every rendered message and
its recipient before anything leaves; changing the audience or template
withdraws the preview, so what is sent is what was read.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from widgets.incidents.fields import OptionalDateTime
from widgets.incidents.section import Section, fill, hint, table
from widgets.incidents.status_page_step import StatusPageStep
from widgets.incidents.style import local_text

AUDIENCES = (("customers", "Affected customers only"), ("internal", "Internal staff (list for this priority)"),
             ("partners", "Partners / channels"),
             ("account_managers", "Account managers of the affected customers"))
BUILT_IN_BRIEF = ""  # the account managers' brief needs no template: it lists each manager's accounts


class NotifySection(Section):
    TITLE = "4 Notify"

    def __init__(self, dlg):
        super().__init__(dlg)
        f = dlg.fields
        self.audience = f.add("notify_audience", QComboBox())
        for value, label in AUDIENCES:
            self.audience.addItem(label, value)
        self.template = QComboBox()
        self.eta = f.add("notify_eta", OptionalDateTime("known"))
        self.next_update = f.add("notify_next_update_at", OptionalDateTime("other time (default: in 1 hour)"))
        self.reason = f.add("notify_next_update_reason", QLineEdit(
            placeholderText="needed only if the next update is more than an hour away"))
        self.status_url = f.add("notify_status_url", QLineEdit(placeholderText="https://status.example.com"))
        # Sent right after a customer notice, each previewed with it: the people the outage story forgets.
        self.with_managers = QCheckBox("Also brief their account managers (one message each, listing their accounts)")
        self.with_internal = QCheckBox("Also tell the internal list for this priority")
        for box in (self.with_managers, self.with_internal):
            box.setChecked(True)
            box.toggled.connect(self._withdraw_preview)
        self.preview_button = QPushButton("Preview")
        self.send_button = QPushButton("Send")
        self.preview_button.clicked.connect(self.preview)
        self.send_button.clicked.connect(self.send)
        self.messages = table(("Recipient", "Channel", "Subject"))
        self.body = QPlainTextEdit(readOnly=True, placeholderText="Select a message to read it as sent")
        self.messages.itemSelectionChanged.connect(self._show_body)
        self.sent = table(("Sent", "Audience", "Recipient", "Subject", "Result"))
        self.promise = QLabel(objectName="heading")
        form = QFormLayout()
        form.addRow("Audience", self.audience)
        form.addRow("Template", self.template)
        form.addRow("Likely resolution (ETA)", self.eta)
        form.addRow("Next update", self.next_update)
        form.addRow("Reason", self.reason)
        form.addRow("Read more at", self.status_url)
        form.addRow("", self.with_managers)
        form.addRow("", self.with_internal)
        buttons = QHBoxLayout()
        self.preview_info = hint("Preview first: nothing is sent until you have read it.")
        buttons.addWidget(self.preview_info, 1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.send_button)
        preview = QWidget()
        pv = QVBoxLayout(preview)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addWidget(self.messages, 1)
        pv.addWidget(self.body, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(preview)
        sent_box = QWidget()
        sv = QVBoxLayout(sent_box)
        sv.setContentsMargins(0, 0, 0, 0)
        sv.addWidget(QLabel("Sent for this incident", objectName="heading"))
        sv.addWidget(self.sent, 1)
        split.addWidget(sent_box)
        self.status_page = StatusPageStep(dlg)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_page)  # the status page first: the practice says so
        layout.addWidget(QLabel("2 · People", objectName="heading"))
        layout.addWidget(self.promise)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        self.needs_incident += [self.preview_button, self.status_page.post_button]
        self._templates = ()
        self._preview: list = []
        self.audience.currentIndexChanged.connect(self._fill_templates)
        for signal in (self.audience.currentIndexChanged, self.template.currentIndexChanged):
            signal.connect(self._withdraw_preview)
        self.send_button.setEnabled(False)

    def populate(self, directory) -> None:
        self._templates = directory.templates
        self._fill_templates()
        self.status_page.populate(directory)
        if directory.status_page_url and not self.status_url.text():
            with self.dlg.fields.quiet():
                self.status_url.setText(directory.status_page_url)

    def _fill_templates(self, *_args) -> None:
        audience = self.audience.currentData()
        self.template.clear()
        if audience == "account_managers":
            self.template.addItem("Brief listing each manager's affected accounts (built in)", BUILT_IN_BRIEF)
        for t in self._templates:
            if t.audience == audience:
                self.template.addItem(f"{t.name} ({t.kind})", t.id)
        self.with_managers.setVisible(audience == "customers")
        internal = self._internal_template()
        self.with_internal.setVisible(audience == "customers" and internal is not None)
        if internal is not None:
            self.with_internal.setText(f"Also tell the internal list for this priority ({internal.name})")

    def _internal_template(self):
        """The internal list's first notice, sent alongside the first customer notice."""
        return next((t for t in self._templates if t.audience == "internal" and t.kind == "initial"), None)

    def _companions(self) -> list[tuple[str, str | None]]:
        """(audience, template) sent after the chosen customer notice, in this order."""
        if self.audience.currentData() != "customers":
            return []
        out = []
        internal = self._internal_template()
        if self.with_internal.isChecked() and internal is not None:
            out.append(("internal", internal.id))
        if self.with_managers.isChecked():
            out.append(("account_managers", None))
        return out

    def preview_declared(self, template_id: str | None) -> None:
        """Right after Declare: the first customer notice and the managers' briefs, previewed."""
        index = self.audience.findData("customers")
        self.audience.setCurrentIndex(index)
        if template_id is not None and self.template.findData(template_id) >= 0:
            self.template.setCurrentIndex(self.template.findData(template_id))
        self.with_managers.setChecked(True)
        self.with_internal.setChecked(True)
        self.preview()

    def _withdraw_preview(self, *_args) -> None:
        self._preview = []
        self.messages.setRowCount(0)
        self.body.clear()
        self.send_button.setEnabled(False)
        self.preview_info.setText("Preview first: nothing is sent until you have read it.")

    def set_open(self, exists: bool) -> None:
        super().set_open(exists)
        self.send_button.setEnabled(exists and bool(self._preview))

    def _args(self) -> dict:
        return {"eta": self.eta.value(), "next_update_at": self.next_update.value(),
                "status_url": self.status_url.text()}

    def preview(self) -> None:
        if self.template.currentData() is None:
            self.dlg.say("No template for this audience: add one under templates first.", "error")
            return
        iid, audience, template, args = (self.dlg.incident_id, self.audience.currentData(),
                                         self.template.currentData() or None, self._args())
        companions = self._companions()

        def task(s):
            messages = s.preview(iid, audience, template, **args)
            for other, other_template in companions:
                messages += s.preview(iid, other, other_template, status_url=args["status_url"])
            return messages
        self.dlg.read("preview", task, self._previewed, buttons=(self.preview_button,))

    def _previewed(self, messages) -> None:
        self._preview = list(messages)
        fill(self.messages, [(m.recipient, m.channel, m.subject + (f"  — WILL FAIL: {m.problem}" if m.problem else ""))
                             for m in messages], data=list(range(len(messages))))
        if messages:
            self.messages.selectRow(0)
        self.send_button.setEnabled(bool(messages))
        self.preview_info.setText(f"{len(messages)} message{'s' if len(messages) != 1 else ''} to "
                                  f"{len({m.recipient for m in messages})} recipients — read them, then Send."
                                  if messages else "Nobody to tell for this audience.")

    def _show_body(self) -> None:
        rows = self.messages.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self._preview):
            m = self._preview[rows[0].row()]
            self.body.setPlainText(f"To: {m.recipient}\nSubject: {m.subject}\n\n{m.body}")

    def send(self) -> None:
        args = self._args() | {"next_update_reason": self.reason.text() or None}
        audience = self.audience.currentData()
        companions = [(a, t, sum(1 for m in self._preview if m.audience == a)) for a, t in self._companions()]
        companions = [c for c in companions if c[2]]
        count = sum(1 for m in self._preview if m.audience == audience)
        self.send_button.setEnabled(False)
        lines: list[str] = []

        def report(result, total: int, what: str) -> None:
            failed = result.failed
            text = f"{what}: sent {total - len(failed)} of {total}."
            if failed:
                text += " Failed: " + "; ".join(f"{d.message.recipient} ({d.error})" for d in failed)
            lines.append(text)
            self.dlg.say(" ".join(lines), "error" if failed or "Failed" in " ".join(lines) else "ok")

        def next_companion(rest) -> None:
            # One after the other, after the customers' notice: a brief says what customers were told.
            if not rest:
                return
            other, template, total = rest[0]

            def done(result) -> None:
                report(result, total, other.replace("_", " ").capitalize())
                next_companion(rest[1:])
            self.dlg.run("send", (), done, incident_id=self.dlg.incident_id, audience=other,
                         template_id=template, status_url=args["status_url"])

        def done(result) -> None:
            report(result, count, audience.replace("_", " ").capitalize())
            self._withdraw_preview()
            with self.dlg.fields.quiet():
                self.next_update.set_value(None)
            next_companion(companions)
        self.dlg.run("send", (self.preview_button,), done, incident_id=self.dlg.incident_id,
                     audience=audience, template_id=self.template.currentData() or None, **args)

    def show_snapshot(self, snap, pages, sent, due) -> None:
        self.status_page.show_snapshot(snap, self.dlg.timeline_entries)
        fill(self.sent, [(local_text(n.sent_at), n.audience, n.recipient, n.subject,
                          "ok" if n.ok else f"FAILED: {n.error}") for n in sent])
        if snap.next_update_due_at and not snap.closed_at:
            self.promise.setText(f"Next customer update promised by {local_text(snap.next_update_due_at)}")
        else:
            self.promise.setText("No customer update promised" if not snap.closed_at else "Closed")

    def scratch_unsaved(self) -> bool:
        return bool(self.reason.text()) or self.status_page.scratch_unsaved()


class EscalateSection(Section):
    TITLE = "5 Escalate"

    def __init__(self, dlg):
        super().__init__(dlg)
        self.targets = QTreeWidget()
        self.targets.setHeaderLabels(["Policy / level", "People", "After"])
        self.targets.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.page_button = QPushButton("Page the selected level")
        self.page_button.clicked.connect(self.page)
        self.pages = table(("Person", "Policy", "Level", "Paged at", "Acknowledged"))
        self.ack_button = QPushButton("Acknowledge selected page")
        self.ack_button.clicked.connect(self.acknowledge)
        self.due = QLabel(objectName="heading")
        self.due.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Escalation path for the affected components", objectName="heading"))
        layout.addWidget(self.targets, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.page_button)
        layout.addLayout(row)
        layout.addWidget(self.due)
        layout.addWidget(QLabel("Who was paged, when", objectName="heading"))
        layout.addWidget(self.pages, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.ack_button)
        layout.addLayout(row)
        self.needs_incident += [self.page_button, self.ack_button]
        self._loaded_for = None

    def show_snapshot(self, snap, pages, sent, due) -> None:
        key = (snap.id, tuple(sorted(snap.components)))
        if key != self._loaded_for:  # the path depends on the components only
            self._loaded_for = key
            self.dlg.read("escalation_targets", lambda s: s.escalation_targets(snap.id), self._show_targets)
        fill(self.pages, [(p.person_id, p.policy_id or "", p.level, local_text(p.paged_at),
                           local_text(p.acknowledged_at) if p.acknowledged_at else "NOT YET")
                          for p in pages], data=[p.id for p in pages])
        if due:
            self.due.setText("Next level due — nobody acknowledged: " + "; ".join(
                f"{d.policy_id} level {d.level} ({', '.join(d.people)}) since {local_text(d.due_at)}"
                for d in due))
        elif any(p.acknowledged_at for p in pages):
            self.due.setText("Acknowledged: escalation stopped.")
        else:
            self.due.setText("")

    def _show_targets(self, targets) -> None:
        self.targets.clear()
        for t in targets:
            top = QTreeWidgetItem([f"{t.policy_name}", f"via {', '.join(t.via)}", ""])
            for lv in t.levels:
                child = QTreeWidgetItem([f"Level {lv.level}", ", ".join(n for _, n in lv.people),
                                         f"{int(lv.delay_s // 60)} min" if lv.delay_s else "at once"])
                child.setData(0, Qt.ItemDataRole.UserRole, (t.policy_id, lv.level))
                top.addChild(child)
            self.targets.addTopLevelItem(top)
            top.setExpanded(True)
        if not targets:
            self.targets.addTopLevelItem(QTreeWidgetItem(["No escalation policy covers these components"]))

    def select_level(self, policy_id: str, level: int) -> bool:
        for i in range(self.targets.topLevelItemCount()):
            top = self.targets.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, Qt.ItemDataRole.UserRole) == (policy_id, level):
                    self.targets.setCurrentItem(top.child(j))
                    return True
        return False

    def page(self) -> None:
        item = self.targets.currentItem()
        target = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if not target:
            self.dlg.say("Select a level to page.", "error")
            return
        policy_id, level = target
        self.dlg.run("page_level", (self.page_button,),
                     lambda _r: self.dlg.say(f"Paged {policy_id} level {level}.", "ok"),
                     incident_id=self.dlg.incident_id, policy_id=policy_id, level=level)

    def acknowledge(self) -> None:
        rows = self.pages.selectionModel().selectedRows()
        if not rows:
            self.dlg.say("Select the page that was acknowledged.", "error")
            return
        page_id = self.pages.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        self.dlg.run("acknowledge", (self.ack_button,), lambda _r: self.dlg.say("Acknowledged.", "ok"),
                     page_id=page_id)
