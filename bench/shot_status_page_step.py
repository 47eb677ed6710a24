"""Screenshot of the incident dialog's Notify tab with its status-page step (docs/screenshots/).

Run: QT_QPA_PLATFORM=offscreen python bench/shot_status_page_step.py OUT.png
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from noc_app.incidents import IncidentService, Outbox  # noqa: E402
from noc_app.workspace import open_workspace  # noqa: E402
from widgets.incidents import IncidentDialog, IncidentWorker  # noqa: E402
from noc_app.incidents import DraftStore  # noqa: E402


def main(out: str) -> None:
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp())
    workspace = open_workspace(ROOT / "tests/data/small_topology.toml", f"sqlite:///{tmp}/noc.db")
    service = IncidentService(workspace.sessions, "alice")
    earlier = IncidentService(workspace.sessions, "alice",
                              clock=lambda: dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=41))
    iid = earlier.open_incident("Public API: HTTP 503", "internal_monitoring", component_ids=["api", "db-main"]).incident_id
    earlier.status_page_update(None, "major_outage", "We are investigating failed checkouts.", incident_id=iid,
                               components=["eu-west"], incident_status="investigating", title="Checkout unavailable",
                               )
    worker = IncidentWorker(service, Outbox(tmp / "outbox"))
    dlg = IncidentDialog(worker, iid, drafts=DraftStore(tmp / "drafts"))
    dlg.tabs.setCurrentWidget(dlg.notify)
    dlg.show()
    deadline = dt.datetime.now() + dt.timedelta(seconds=15)
    while dt.datetime.now() < deadline and "failed checkouts" not in dlg.notify.status_page.last.text():
        app.processEvents()
    for _ in range(50):
        app.processEvents()
    dlg.grab().save(out)
    worker.pool.waitForDone(5000)
    workspace.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "notify-status-page.png")
