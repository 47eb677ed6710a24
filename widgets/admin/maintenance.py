"""Maintenance windows: what is under maintenance now, what is coming, and all of them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from noc_app.admin import MaintenanceAdmin, Window, format_when, parse_when
from noc_app.storage.base import utcnow
from widgets.admin.page import AreaPage, text_box
from widgets.admin.runner import Runner
from widgets.admin.table import ComponentPicker

SHOW = (("All windows", "all"), ("Active now", "active"), ("Upcoming (next 7 days)", "upcoming"))
UPCOMING_HOURS = 24 * 7


def state_of(window: Window, now: dt.datetime) -> str:
    if window.active_at(now):
        return "⚒ ACTIVE"
    return "upcoming" if window.starts_at > now else "past"


class MaintenancePage(AreaPage):
    noun = "maintenance window"
    columns = (
        ("State", lambda w: state_of(w, utcnow())),
        ("Start (UTC)", lambda w: format_when(w.starts_at)),
        ("End (UTC)", lambda w: format_when(w.ends_at)),
        ("Id", lambda w: w.id),
        ("Components", lambda w: ", ".join(w.components)),
        ("Reason", lambda w: w.reason),
    )

    def __init__(self, admin: MaintenanceAdmin, runner: Runner, parent=None):
        super().__init__(runner, parent)
        self.admin = admin
        self.show_filter = QComboBox()
        for label, key in SHOW:
            self.show_filter.addItem(label, key)
        self.toolbar.addWidget(QLabel("Show"))
        self.toolbar.addWidget(self.show_filter)
        self.toolbar.addStretch(1)
        self.show_filter.currentIndexChanged.connect(lambda _i: self.reload())

        hint = "2026-11-24 02:00 (UTC) or with an offset: 2026-11-24T03:00+01:00"
        self.start_edit = QLineEdit()
        self.start_edit.setPlaceholderText(hint)
        self.end_edit = QLineEdit()
        self.end_edit.setPlaceholderText(hint)
        self.components = ComponentPicker()
        self.reason_edit = text_box(140)
        self.form.addRow("Start", self.start_edit)
        self.form.addRow("End", self.end_edit)
        self.form.addRow("Components", self.components)
        self.form.addRow("Reason", self.reason_edit)
        self.new()

    def set_components(self, components: list[tuple[str, str]]) -> None:
        self.components.set_components(components)

    def load_task(self):
        which, admin = self.show_filter.currentData(), self.admin
        if which == "active":
            return lambda: admin.active(utcnow())
        if which == "upcoming":
            return lambda: admin.upcoming(utcnow(), UPCOMING_HOURS)
        return admin.list

    def fill(self, window: Window | None) -> None:
        if window is None:
            # A new window starts at the next full hour and lasts an hour: the usual case.
            start = utcnow().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
            self.start_edit.setText(format_when(start))
            self.end_edit.setText(format_when(start + dt.timedelta(hours=1)))
        else:
            self.start_edit.setText(format_when(window.starts_at))
            self.end_edit.setText(format_when(window.ends_at))
        self.components.set_checked(window.components if window else ())
        self.reason_edit.setPlainText(window.reason if window else "")

    def read_form(self, record_id: str) -> Window:
        return Window(record_id, parse_when(self.start_edit.text(), "start"),
                      parse_when(self.end_edit.text(), "end"), self.reason_edit.toPlainText(),
                      self.components.checked())

    def save_task(self, window: Window, new: bool):
        return (lambda: self.admin.create(window)) if new else (lambda: self.admin.update(window))

    def delete_task(self, record_id: str):
        return lambda: self.admin.delete(record_id)
