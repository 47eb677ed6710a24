"""People, teams and escalation policies (levels: a delay, then who is paged)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QLineEdit, QPushButton, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from noc_app.admin import Level, PeopleAdmin, PersonInfo, Policy, TeamInfo, ValidationError, split_list
from noc_app.durations import parse_duration
from widgets.admin.page import AreaPage
from widgets.admin.runner import Runner
from widgets.admin.table import ComponentPicker

NONE = ""


def _combo_with(combo: QComboBox, items: list[tuple[str, str]], blank: str) -> None:
    """Refill a choice of ids, keeping what was chosen (even if it is not listed any more)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(blank, NONE)
    for key, label in items:
        combo.addItem(f"{label} ({key})", key)
    if current and combo.findData(current) < 0:
        combo.addItem(current, current)
    combo.setCurrentIndex(max(combo.findData(current or NONE), 0))
    combo.blockSignals(False)


def delay_text(seconds: float) -> str:
    """A delay the editor can parse back ("10m", "90s", "2h"), unlike display formats."""
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _choose(combo: QComboBox, key: str | None) -> None:
    if key and combo.findData(key) < 0:
        combo.addItem(key, key)
    combo.setCurrentIndex(max(combo.findData(key or NONE), 0))


class PersonPage(AreaPage):
    noun = "person"
    columns = (("Name", lambda p: p.name), ("Id", lambda p: p.id), ("Team", lambda p: p.team_id or ""),
               ("E-mail", lambda p: p.email or ""), ("Phone", lambda p: p.phone or ""))

    def __init__(self, admin: PeopleAdmin, runner: Runner, parent=None):
        super().__init__(runner, parent)
        self.admin = admin
        self.name_edit, self.email_edit, self.phone_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.email_edit.setPlaceholderText("name@example.com")
        self.team_combo = QComboBox()
        _combo_with(self.team_combo, [], "(no team)")
        for label, widget in (("Name", self.name_edit), ("E-mail", self.email_edit),
                              ("Phone", self.phone_edit), ("Team", self.team_combo)):
            self.form.addRow(label, widget)
        self.new()

    def set_teams(self, teams: list[TeamInfo]) -> None:
        _combo_with(self.team_combo, [(t.id, t.name) for t in teams], "(no team)")

    def load_task(self):
        return self.admin.people

    def fill(self, p: PersonInfo | None) -> None:
        self.name_edit.setText(p.name if p else "")
        self.email_edit.setText((p.email or "") if p else "")
        self.phone_edit.setText((p.phone or "") if p else "")
        _choose(self.team_combo, p.team_id if p else None)

    def read_form(self, record_id: str) -> PersonInfo:
        return PersonInfo(record_id, self.name_edit.text(), self.email_edit.text() or None,
                          self.phone_edit.text() or None, self.team_combo.currentData() or None)

    def save_task(self, p, new):
        return (lambda: self.admin.create_person(p)) if new else (lambda: self.admin.update_person(p))

    def delete_task(self, record_id):
        return lambda: self.admin.delete_person(record_id)


class TeamPage(AreaPage):
    noun = "team"
    columns = (("Name", lambda t: t.name), ("Id", lambda t: t.id),
               ("Escalation policy", lambda t: t.escalation_policy_id or ""))

    def __init__(self, admin: PeopleAdmin, runner: Runner, parent=None):
        super().__init__(runner, parent)
        self.admin = admin
        self.name_edit = QLineEdit()
        self.policy_combo = QComboBox()
        _combo_with(self.policy_combo, [], "(no policy)")
        self.form.addRow("Name", self.name_edit)
        self.form.addRow("Escalation policy", self.policy_combo)
        self.new()

    def set_policies(self, policies: list[Policy]) -> None:
        _combo_with(self.policy_combo, [(p.id, p.name) for p in policies], "(no policy)")

    def load_task(self):
        return self.admin.teams

    def fill(self, t: TeamInfo | None) -> None:
        self.name_edit.setText(t.name if t else "")
        _choose(self.policy_combo, t.escalation_policy_id if t else None)

    def read_form(self, record_id: str) -> TeamInfo:
        return TeamInfo(record_id, self.name_edit.text(), self.policy_combo.currentData() or None)

    def save_task(self, t, new):
        return (lambda: self.admin.create_team(t)) if new else (lambda: self.admin.update_team(t))

    def delete_task(self, record_id):
        return lambda: self.admin.delete_team(record_id)


class LevelsEditor(QWidget):
    """Rows of (delay, people): typed as "10m" and "alice, bob"; checked on save."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Delay", "People (ids, in calling order)"])
        self.table.horizontalHeaderItem(0).setToolTip("after the previous level was paged: 0s, 90s, 10m, 1h")
        self.table.setColumnWidth(0, 130)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(150)
        add, remove = QPushButton("Add level"), QPushButton("Remove level")
        add.clicked.connect(lambda: self.add_level("0s" if not self.table.rowCount() else "10m", ""))
        remove.clicked.connect(self.remove_level)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_level(self, delay: str, people: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(delay))
        self.table.setItem(row, 1, QTableWidgetItem(people))

    def remove_level(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.table.removeRow(rows[0].row() if rows else self.table.rowCount() - 1)

    def set_levels(self, levels: tuple[Level, ...]) -> None:
        self.table.setRowCount(0)
        for level in levels:
            self.add_level(delay_text(level.delay_s), ", ".join(level.people))

    def levels(self) -> tuple[Level, ...]:
        out = []
        for row in range(self.table.rowCount()):
            delay_item, people_item = self.table.item(row, 0), self.table.item(row, 1)
            delay_text = delay_item.text() if delay_item else ""
            try:
                delay = parse_duration(delay_text.strip() or "0s")
            except ValueError as exc:
                raise ValidationError(f"level {row + 1}: {exc}", "levels") from None
            out.append(Level(delay, split_list(people_item.text() if people_item else "")))
        return tuple(out)


class PolicyPage(AreaPage):
    noun = "escalation policy"
    columns = (("Name", lambda p: p.name), ("Id", lambda p: p.id),
               ("Components", lambda p: ", ".join(p.components)),
               ("Levels", lambda p: "  →  ".join(
                   f"{'+' + delay_text(lv.delay_s) if lv.delay_s else 'now'}: {', '.join(lv.people)}"
                   for lv in p.levels)))

    def __init__(self, admin: PeopleAdmin, runner: Runner, parent=None):
        super().__init__(runner, parent)
        self.admin = admin
        self.name_edit = QLineEdit()
        self.levels_edit = LevelsEditor()
        self.components = ComponentPicker()
        self.form.addRow("Name", self.name_edit)
        self.form.addRow("Levels", self.levels_edit)
        self.form.addRow("Components", self.components)
        self.new()

    def set_components(self, components):
        self.components.set_components(components)

    def load_task(self):
        return self.admin.policies

    def fill(self, p: Policy | None) -> None:
        self.name_edit.setText(p.name if p else "")
        self.levels_edit.set_levels(p.levels if p else (Level(0, ()),))
        self.components.set_checked(p.components if p else ())

    def read_form(self, record_id: str) -> Policy:
        return Policy(record_id, self.name_edit.text(), self.levels_edit.levels(), self.components.checked())

    def save_task(self, p, new):
        return (lambda: self.admin.create_policy(p)) if new else (lambda: self.admin.update_policy(p))

    def delete_task(self, record_id):
        return lambda: self.admin.delete_policy(record_id)


class PeoplePage(QTabWidget):
    """The three lists in sub-tabs; a save in one refreshes the choices in the others."""

    def __init__(self, admin: PeopleAdmin, runner: Runner, parent=None):
        super().__init__(parent)
        self.people = PersonPage(admin, runner)
        self.teams = TeamPage(admin, runner)
        self.policies = PolicyPage(admin, runner)
        self.addTab(self.people, "People")
        self.addTab(self.teams, "Teams")
        self.addTab(self.policies, "Escalation policies")
        self.teams.loaded.connect(lambda: self.people.set_teams(self.teams.model.rows()))
        self.policies.loaded.connect(lambda: self.teams.set_policies(self.policies.model.rows()))

    def set_components(self, components):
        self.policies.set_components(components)

    def reload(self) -> None:
        for page in (self.people, self.teams, self.policies):
            page.reload()
