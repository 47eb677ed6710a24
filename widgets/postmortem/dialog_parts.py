"""What the post-mortem adds to the incident dialog: the how-soon strip, "Export…", key-moment stars.

Composed into ``IncidentDialog`` (one object, no mixin): the dialog hands it
each refreshed snapshot and metrics; it owns its widgets and talks to the
database only through the dialog's worker.
"""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from widgets.postmortem.export_dialog import ExportDialog
from widgets.postmortem.metrics_view import MetricsStrip


def load_metrics(service, incident_id: int):
    """Worker task: the incident's how-soon figures now."""
    from noc_app.postmortem.reader import metrics_for

    with service.reading() as session:
        return metrics_for(session, incident_id)


class PostmortemParts:
    def __init__(self, dlg):
        self.dlg = dlg
        self.strip = MetricsStrip()
        self.export_button = QPushButton("Export…", objectName="exportButton")
        self.export_button.setToolTip("Post-mortem report: PDF, HTML, Markdown or JSON; internal or for customers")
        self.export_button.clicked.connect(self.open_export)
        self.export_dialog: ExportDialog | None = None
        self.metrics = None
        dlg.timeline.starToggled.connect(self.star)

    def set_open(self, exists: bool) -> None:
        self.export_button.setEnabled(exists)
        self.dlg.timeline.allow_starring(exists)

    def show(self, snap, metrics) -> None:
        self.metrics = metrics
        self.strip.show_metrics(metrics, restored=snap.restored_at is not None)
        self.dlg.close_section.show_metrics(metrics)
        self.dlg.timeline.set_key_moments(snap.key_moments)

    def star(self, event_id: int, key: bool) -> None:
        if self.dlg.incident_id is None:
            return
        self.dlg.run("mark_key_moment", (self.dlg.timeline.star_button,),
                     lambda _r: self.dlg.say("Starred for the report." if key else "Star removed.", "ok"),
                     incident_id=self.dlg.incident_id, event_id=event_id, key=key)

    def open_export(self) -> ExportDialog | None:
        if self.dlg.incident_id is None:
            return None
        if self.export_dialog is None:
            self.export_dialog = ExportDialog(self.dlg.worker, self.dlg.incident_id, self.dlg)
            self.export_dialog.exported.connect(lambda r: self.dlg.say(f"Exported {r.path}.", "ok"))
        self.export_dialog.show()
        self.export_dialog.raise_()
        return self.export_dialog
