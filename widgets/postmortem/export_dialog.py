""""Export…" from the incident dialog and the board: pick format, audience and file; write it off the GUI thread.

``Exporter`` runs the whole export in the incident worker's pool: the
database read, the chart (QPainter on a QImage, safe on any thread: it used
to be drawn here with widgets, 0.3–0.9 s on the GUI thread), the document
written. The result or the failure comes back through the worker's signals,
with one line for the operator.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout)

from noc_app.postmortem.export import ExportResult, export_incident

FORMAT_WORDS = {"pdf": "PDF document", "html": "Web page (HTML)", "md": "Markdown", "json": "JSON (machine-readable)"}
AUDIENCE_WORDS = {"internal": "Internal — everything, for the team",
                  "customer": "Customer — the edited version for affected customers"}


class Exporter(QObject):
    done = Signal(object)  # ExportResult
    failed = Signal(str)  # one line

    def __init__(self, worker, parent=None):
        super().__init__(parent)
        self.worker = worker
        self._tickets: set[int] = set()
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)

    def start(self, incident_id: int, fmt: str, audience: str, out: str) -> None:
        def export(service):  # on a pool thread: nothing here touches a widget
            return export_incident(service.sessions, incident_id, fmt, out, audience)
        self._tickets.add(self.worker.submit("export", export))

    def _finished(self, done) -> None:
        if done.ticket in self._tickets:
            self._tickets.discard(done.ticket)
            self.done.emit(done.result)

    def _failed(self, failed) -> None:
        if failed.ticket in self._tickets:
            self._tickets.discard(failed.ticket)
            self.failed.emit(failed.message)


def default_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


class ExportDialog(QDialog):
    """Format, audience, file; "Export" writes it and says where (or why not) in one line."""

    exported = Signal(object)  # ExportResult

    def __init__(self, worker, incident_id: int, parent=None, folder: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Export incident #{incident_id}")
        self.incident_id = incident_id
        self.exporter = Exporter(worker, self)
        self.exporter.done.connect(self._done)
        self.exporter.failed.connect(self._failed)
        self.format = QComboBox()
        for fmt, word in FORMAT_WORDS.items():
            self.format.addItem(word, fmt)
        self.audience = QComboBox()
        for audience, word in AUDIENCE_WORDS.items():
            self.audience.addItem(word, audience)
        self.path = QLineEdit()
        self._folder = folder or default_folder()
        self._suggest()
        self.format.currentIndexChanged.connect(self._suggest)
        self.audience.currentIndexChanged.connect(self._suggest)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        self.status = QLabel(objectName="hint")
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("For", self.audience)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(720, 220)

    def _suggest(self) -> None:
        fmt, audience = self.format.currentData(), self.audience.currentData()
        suffix = "" if audience == "internal" else "-customer"
        self.path.setText(str(Path(self._folder) / f"incident-{self.incident_id}{suffix}.{fmt}"))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if chosen:
            self._folder = str(Path(chosen).parent)
            self.path.setText(chosen)

    def export(self) -> None:
        out = self.path.text().strip()
        if not out:
            self.status.setText("Choose a file to write.")
            return
        self.export_button.setEnabled(False)
        self.status.setText("Exporting…")
        self.exporter.start(self.incident_id, self.format.currentData(), self.audience.currentData(), out)

    def _done(self, result: ExportResult) -> None:
        self.export_button.setEnabled(True)
        note = " — marked IN PROGRESS (the incident is still open)" if result.in_progress else ""
        self.status.setText(f"Wrote {result.path}{note}")
        self.exported.emit(result)

    def _failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(f"Not exported: {message}")
