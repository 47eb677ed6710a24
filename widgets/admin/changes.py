"""Changes: what changed in production, newest first, filtered by component and age."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QLineEdit, QPushButton, QSpinBox

from noc_app.admin import Change, ChangesAdmin, format_when, parse_when
from widgets.admin.page import AreaPage, text_box
from widgets.admin.runner import Runner
from widgets.admin.table import ComponentPicker

ALL = ""


class ChangesPage(AreaPage):
    noun = "change"
    columns = (
        ("When (UTC)", lambda c: format_when(c.at)),
        ("Id", lambda c: c.id),
        ("Components", lambda c: ", ".join(c.components)),
        ("Author", lambda c: c.author),
        ("Source", lambda c: c.source),
        ("Summary", lambda c: c.summary),
    )

    def __init__(self, admin: ChangesAdmin, runner: Runner, parent=None):
        super().__init__(runner, parent)
        self.admin = admin
        self.component_filter = QComboBox()
        self.component_filter.addItem("All components", ALL)
        self.hours_filter = QSpinBox()
        self.hours_filter.setRange(0, 24 * 365)
        self.hours_filter.setSpecialValueText("any time")
        self.hours_filter.setSuffix(" h")
        self.hours_filter.setValue(0)
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setToolTip("id, at, author, summary, components (ids separated by ;) — "
                                      "the same file main.py changes import takes")
        self.toolbar.addWidget(QLabel("Component"))
        self.toolbar.addWidget(self.component_filter, 1)
        self.toolbar.addWidget(QLabel("Last"))
        self.toolbar.addWidget(self.hours_filter)
        self.toolbar.addWidget(self.import_button)
        self.component_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.hours_filter.valueChanged.connect(lambda _v: self.reload())
        self.import_button.clicked.connect(self.choose_import_file)

        self.at_edit = QLineEdit()
        self.at_edit.setPlaceholderText("2026-11-23 04:10 (UTC) or with an offset: 2026-11-23T05:10+01:00")
        self.author_edit = QLineEdit()
        self.components = ComponentPicker()
        self.summary_edit = text_box(160)
        self.form.addRow("When", self.at_edit)
        self.form.addRow("Author", self.author_edit)
        self.form.addRow("Components", self.components)
        self.form.addRow("Summary", self.summary_edit)
        self.new()

    def set_components(self, components: list[tuple[str, str]]) -> None:
        self.components.set_components(components)
        current = self.component_filter.currentData()
        self.component_filter.blockSignals(True)
        self.component_filter.clear()
        self.component_filter.addItem("All components", ALL)
        for cid, name in components:
            self.component_filter.addItem(f"{cid} — {name}", cid)
        index = self.component_filter.findData(current)
        self.component_filter.setCurrentIndex(max(index, 0))
        self.component_filter.blockSignals(False)

    def load_task(self):
        component = self.component_filter.currentData() or ALL
        hours = self.hours_filter.value() or None
        admin = self.admin
        return lambda: admin.list(component_ids=[component] if component else (), hours=hours)

    def fill(self, change: Change | None) -> None:
        self.at_edit.setText(format_when(change.at) if change else "")
        self.author_edit.setText(change.author if change else "")
        self.components.set_checked(change.components if change else ())
        self.summary_edit.setPlainText(change.summary if change else "")

    def read_form(self, record_id: str) -> Change:
        return Change(record_id, parse_when(self.at_edit.text(), "when"),
                      self.summary_edit.toPlainText(), self.author_edit.text(),
                      self.components.checked())

    def save_task(self, change: Change, new: bool):
        return (lambda: self.admin.create(change)) if new else (lambda: self.admin.update(change))

    def delete_task(self, record_id: str):
        return lambda: self.admin.delete(record_id)

    # -- CSV import ----------------------------------------------------------------
    def choose_import_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Import changes", "", "CSV files (*.csv);;All files (*)")
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        self.import_button.setEnabled(False)
        self.say(f"importing {path}…")

        def done(result) -> None:
            self.import_button.setEnabled(True)
            self.say(f"import: {result.summary()}")
            # The label shows the first bad row; hovering lists them all.
            self.status.setToolTip("\n".join(result.errors[:50]))
            self.reload()

        def failed(message: str, _error) -> None:
            self.import_button.setEnabled(True)
            self.say(f"import failed: {message}")

        self.runner.run(lambda: self.admin.import_csv(path), done, failed)
