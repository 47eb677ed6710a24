"""The Reports dialog: choose a report and its options, a format and a file; it is written off the GUI thread.

The dialog only gathers a ``ReportRequest``; ``noc_app.meetings.produce``
does the work in a worker (the same call as ``main.py report ...``), and the
one-line result or error comes back to the status line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QStackedWidget, QVBoxLayout, QWidget,
)

from noc_app.meetings import KINDS, ReportRequest, produce
from noc_app.reports import FORMATS
from widgets.admin.runner import Runner

TITLES = {"availability": "Availability and SLA", "daily": "Daily Operations Sync",
          "customer-success": "Customer Success weekly review", "spof": "SPOF analysis"}
ANY = "(all)"


def _date_edit(value: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class ReportsDialog(QDialog):
    def __init__(self, db_url: str | None, customers: list[tuple[str, str]], groups: list[str],
                 parent: QWidget | None = None, out_dir: Path | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.setWindowTitle("Reports")
        self.db_url = db_url
        self.out_dir = out_dir or Path.home()
        today = today or dt.date.today()
        self.runner = Runner(self, max_threads=1)
        self.last_path: Path | None = None

        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(TITLES[kind], kind)
        self.options = QStackedWidget()

        availability = QWidget()
        form = QFormLayout(availability)
        self.date_from = _date_edit(today - dt.timedelta(days=30))
        self.date_to = _date_edit(today)
        self.customer = QComboBox()
        self.customer.addItem(ANY, None)
        for cid, name in customers:
            self.customer.addItem(f"{name} ({cid})", cid)
        self.group = QComboBox()
        self.group.addItem(ANY, None)
        for name in groups:
            self.group.addItem(name, name)
        self.business_hours = QCheckBox("Business hours only (each customer's own timezone)")
        form.addRow("From", self.date_from)
        form.addRow("To (included)", self.date_to)
        form.addRow("Customer", self.customer)
        form.addRow("Group", self.group)
        form.addRow("", self.business_hours)
        self.options.addWidget(availability)

        daily = QWidget()
        form = QFormLayout(daily)
        self.daily_date = _date_edit(today)
        form.addRow("As of the end of", self.daily_date)
        self.options.addWidget(daily)

        success = QWidget()
        form = QFormLayout(success)
        year, week, _ = (today - dt.timedelta(days=7)).isocalendar()
        self.week = QLineEdit(f"{year}-W{week:02d}")
        self.week.setPlaceholderText("ISO week, e.g. 2026-W48")
        form.addRow("Week", self.week)
        self.options.addWidget(success)

        spof = QWidget()
        QVBoxLayout(spof).addWidget(QLabel("Components ranked by the customer weight their loss takes down."))
        self.options.addWidget(spof)

        self.fmt = QComboBox()
        for fmt in FORMATS:
            self.fmt.addItem(fmt.upper(), fmt)
        self.out = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QFormLayout()
        top.addRow("Report", self.kind)
        bottom = QFormLayout()
        bottom.addRow("Format", self.fmt)
        bottom.addRow("File", out_row)
        buttons = QDialogButtonBox()
        self.write_button = buttons.addButton("Write report", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.options)
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.fmt.currentIndexChanged.connect(self._suggest_file)
        self._kind_changed()
        self.resize(620, 420)

    def choose(self, kind: str) -> None:
        self.kind.setCurrentIndex(KINDS.index(kind))

    def _kind_changed(self) -> None:
        self.options.setCurrentIndex(self.kind.currentIndex())
        self._suggest_file()

    def _suggest_file(self) -> None:
        self.out.setText(str(self.out_dir / f"{self.kind.currentData()}.{self.fmt.currentData()}"))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Write the report to", self.out.text())
        if path:
            self.out.setText(path)

    def request(self) -> ReportRequest:
        iso = lambda edit: edit.date().toString("yyyy-MM-dd")  # noqa: E731
        return ReportRequest(
            kind=self.kind.currentData(), out=self.out.text().strip(), fmt=self.fmt.currentData(),
            db_url=self.db_url, date_from=iso(self.date_from), date_to=iso(self.date_to),
            customer=self.customer.currentData(), group=self.group.currentData(),
            business_hours=self.business_hours.isChecked(), date=iso(self.daily_date),
            week=self.week.text().strip())

    def start(self) -> None:
        """Write the report in a worker; the dialog stays usable and says what happened."""
        if self.runner.busy():
            return
        request = self.request()
        self.write_button.setEnabled(False)
        self.status.setText(f"Writing {TITLES[request.kind]} to {request.out} …")
        self.runner.run(lambda: produce(request), self._done, self._failed)

    def _done(self, path: Path) -> None:
        self.last_path = Path(path)
        self.write_button.setEnabled(True)
        self.status.setText(f"Written: {path}")

    def _failed(self, line: str, error: BaseException) -> None:
        self.write_button.setEnabled(True)
        text = " ".join(str(error).split()) or line
        self.status.setText(f"NOT WRITTEN: {text}")

    def done(self, result: int) -> None:  # noqa: D102 - closing waits for a running report
        self.runner.shutdown()
        super().done(result)


def install_reports_menu(window, db_url: str | None, topology, out_dir: Path | None = None) -> None:
    """A Reports menu on the workstation: one entry per report, each opening the dialog on it."""
    customers = sorted((c.id, c.name) for c in topology.customers)
    groups = sorted({c.group for c in topology.components if c.group})
    menu = window.menuBar().addMenu("&Reports")

    def open_on(kind: str) -> None:
        dialog = getattr(window, "reports_dialog", None)
        if dialog is None:
            dialog = window.reports_dialog = ReportsDialog(db_url, customers, groups, window, out_dir=out_dir)
        dialog.choose(kind)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    for kind in KINDS:
        action = menu.addAction(f"{TITLES[kind]}…")
        action.triggered.connect(lambda _=False, k=kind: open_on(k))
    window.reports_menu = menu
