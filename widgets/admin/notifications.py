"""Notification lists (who is told for which priority) and message templates with a live preview."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QTabWidget, QWidget

from noc_app.admin import (
    AUDIENCES, KINDS, PRIORITIES, NotificationsAdmin, NotifList, Template, preview, split_list,
)
from noc_app.incidents.templates import PLACEHOLDERS
from widgets.admin.page import AreaPage, text_box
from widgets.admin.runner import Runner


class ListPage(AreaPage):
    noun = "notification list"
    columns = (("Name", lambda n: n.name), ("Id", lambda n: n.id),
               ("Priorities", lambda n: " ".join(n.priorities)),
               ("People", lambda n: ", ".join(n.people)), ("E-mails", lambda n: ", ".join(n.emails)),
               ("Webhook", lambda n: n.webhook_url or ""))

    def __init__(self, admin: NotificationsAdmin, runner: Runner, parent=None):
        super().__init__(runner, parent)
        self.admin = admin
        self.name_edit = QLineEdit()
        self.priority_boxes = {p: QCheckBox(p) for p in PRIORITIES}
        boxes = QWidget()
        row = QHBoxLayout(boxes)
        row.setContentsMargins(0, 0, 0, 0)
        for box in self.priority_boxes.values():
            row.addWidget(box)
        row.addStretch(1)
        self.people_edit = QLineEdit()
        self.people_edit.setPlaceholderText("person ids, separated by commas: alice, bob")
        self.emails_edit = QLineEdit()
        self.emails_edit.setPlaceholderText("other addresses: noc@example.com, …")
        self.webhook_edit = QLineEdit()
        # A chat service's hook URL is its token: it lives in an environment variable, not here.
        self.webhook_edit.setPlaceholderText("env:OPS_CHAT_HOOK (optional; the URL is in that variable)")
        for label, widget in (("Name", self.name_edit), ("Priorities", boxes), ("People", self.people_edit),
                              ("E-mails", self.emails_edit), ("Webhook", self.webhook_edit)):
            self.form.addRow(label, widget)
        self.new()

    def load_task(self):
        return self.admin.lists

    def fill(self, n: NotifList | None) -> None:
        self.name_edit.setText(n.name if n else "")
        for p, box in self.priority_boxes.items():
            box.setChecked(bool(n) and p in n.priorities)
        self.people_edit.setText(", ".join(n.people) if n else "")
        self.emails_edit.setText(", ".join(n.emails) if n else "")
        self.webhook_edit.setText((n.webhook_url or "") if n else "")

    def read_form(self, record_id: str) -> NotifList:
        return NotifList(record_id, self.name_edit.text(),
                         tuple(p for p, box in self.priority_boxes.items() if box.isChecked()),
                         split_list(self.people_edit.text()), split_list(self.emails_edit.text()),
                         self.webhook_edit.text().strip() or None)

    def save_task(self, n, new):
        return (lambda: self.admin.create_list(n)) if new else (lambda: self.admin.update_list(n))

    def delete_task(self, record_id):
        return lambda: self.admin.delete_list(record_id)


class TemplatePage(AreaPage):
    noun = "template"
    columns = (("Name", lambda t: t.name), ("Id", lambda t: t.id), ("Audience", lambda t: t.audience),
               ("Kind", lambda t: t.kind), ("Subject", lambda t: t.subject))

    def __init__(self, admin: NotificationsAdmin, runner: Runner, parent=None):
        super().__init__(runner, parent)
        self.admin = admin
        self.name_edit = QLineEdit()
        self.audience_combo, self.kind_combo = QComboBox(), QComboBox()
        self.audience_combo.addItems(AUDIENCES)
        self.kind_combo.addItems(KINDS)
        self.subject_edit = QLineEdit()
        self.body_edit = text_box(170)
        help_label = QLabel("Placeholders: " + " ".join("{%s}" % p for p in PLACEHOLDERS)
                            + "   — write {{ or }} for a literal brace")
        help_label.setWordWrap(True)
        help_label.setStyleSheet("color: #9aa3ad;")
        self.preview_subject = QLineEdit()
        self.preview_subject.setReadOnly(True)
        self.preview_body = text_box(150)
        self.preview_body.setReadOnly(True)
        for label, widget in (("Name", self.name_edit), ("Audience", self.audience_combo),
                              ("Kind", self.kind_combo), ("Subject", self.subject_edit),
                              ("Body", self.body_edit), ("", help_label),
                              ("Preview subject", self.preview_subject), ("Preview body", self.preview_body)):
            self.form.addRow(label, widget)
        # The preview needs no database (sample values), so it follows every keystroke.
        self.subject_edit.textChanged.connect(self.update_preview)
        self.body_edit.textChanged.connect(self.update_preview)
        self.new()

    def update_preview(self) -> None:
        shown = preview(self.subject_edit.text(), self.body_edit.toPlainText())
        if shown.error:
            self.preview_subject.setText("")
            self.preview_body.setPlainText(f"✖ {shown.error}")
        else:
            self.preview_subject.setText(shown.subject)
            self.preview_body.setPlainText(shown.body)

    def load_task(self):
        return self.admin.templates

    def fill(self, t: Template | None) -> None:
        self.name_edit.setText(t.name if t else "")
        self.audience_combo.setCurrentText(t.audience if t else AUDIENCES[0])
        self.kind_combo.setCurrentText(t.kind if t else KINDS[0])
        self.subject_edit.setText(t.subject if t else "[{priority}] {incident_title}")
        self.body_edit.setPlainText(t.body if t else "")
        self.update_preview()

    def read_form(self, record_id: str) -> Template:
        return Template(record_id, self.name_edit.text(), self.audience_combo.currentText(),
                        self.kind_combo.currentText(), self.subject_edit.text(), self.body_edit.toPlainText())

    def save_task(self, t, new):
        return (lambda: self.admin.create_template(t)) if new else (lambda: self.admin.update_template(t))

    def delete_task(self, record_id):
        return lambda: self.admin.delete_template(record_id)


class NotificationsPage(QTabWidget):
    def __init__(self, admin: NotificationsAdmin, runner: Runner, parent=None):
        super().__init__(parent)
        self.lists = ListPage(admin, runner)
        self.templates = TemplatePage(admin, runner)
        self.addTab(self.lists, "Notification lists")
        self.addTab(self.templates, "Templates")

    def reload(self) -> None:
        self.lists.reload()
        self.templates.reload()
