"""Screenshots of the post-mortem: dialog strip and Close pages, closed incidents, PDF and HTML reports.

    PYTHONPATH=. python bench/shot_postmortem.py [OUT_DIR]   # default docs/screenshots

Runs the scripted incident of the tests (known times) through the real
service on a temp SQLite database, writes its post-mortem texts, stars two
moments, then saves the views offscreen and exports the reports with the
real command (PDF pages through pdftoppm, HTML through headless Chromium).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from PySide6.QtWidgets import QApplication, QSplitter  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

import main as app_main  # noqa: E402
from noc_app.incidents import DraftStore, IncidentService, Outbox  # noqa: E402
from noc_app.workspace import open_workspace  # noqa: E402
from postmortem_incident import TOPOLOGY, at, prepare, run_script, Clock  # noqa: E402
from smtp_server import SmtpServer  # noqa: E402
from widgets.incidents import IncidentDialog, IncidentsBoard, IncidentWorker  # noqa: E402
from widgets.postmortem.closed_panel import ClosedIncidentsPanel  # noqa: E402
from widgets.theme import DARK_STYLESHEET  # noqa: E402

TEXTS = {
    "summary": "The primary database refused connections for 97 minutes after its connection pool "
               "was raised to 200 (chg-101); the API and checkout failed with it until traffic was "
               "failed over to the replica.",
    "triggered_by": "chg-101 raised max_connections without raising the kernel's file limits.",
    "went_well": "Monitoring saw it 2 minutes after it started; the first customer notice went out in 9.",
    "went_wrong": "The second update was 6 minutes late; nobody owned the countdown.",
    "got_lucky": "The replica was fully caught up when we failed over.",
    "lessons_learned": "Load-test pool changes; give the customer-update countdown an owner.",
    "customer_summary": "Card payments and the API were unavailable from 14:53 to 16:30 UTC. "
                        "We restored service by moving traffic to our standby database systems.",
    "customer_prevention": "Configuration changes to our database tier are now load-tested before release, "
                           "and we added alarms that catch this failure within a minute.",
}


def wait(app, predicate, timeout_s=20.0):
    import time
    end = time.time() + timeout_s
    while time.time() < end and not predicate():
        app.processEvents()
        time.sleep(0.02)


def save(widget, path: Path) -> None:
    widget.grab().save(str(path))
    print("saved", path)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(DARK_STYLESHEET)
    app_main._install_pdf_renderer()
    with tempfile.TemporaryDirectory() as tmp, SmtpServer() as smtp:
        db = f"sqlite:///{tmp}/noc.db"
        ws = open_workspace(TOPOLOGY, db)
        prepare(ws.sessions)
        iid = run_script(ws.sessions, smtp.port)
        service = IncidentService(ws.sessions, "alice", clock=Clock(at(130)))
        service.record_postmortem(iid, service.get(iid).version, **TEXTS)
        service.status_page_update("EU-West", "operational", "Payments are working normally again.",
                                   incident_id=iid, title="Card payments failing")
        for e in service.timeline(iid):
            if e.kind in ("restored", "classified"):
                service.mark_key_moment(iid, e.id)
        worker = IncidentWorker(service, Outbox(Path(tmp) / "outbox"))
        dlg = IncidentDialog(worker, iid, drafts=DraftStore(Path(tmp) / "drafts"))
        dlg.resize(1500, 900)
        dlg.show()
        wait(app, lambda: dlg.snapshot is not None and dlg.postmortem.strip.isVisible())
        dlg.tabs.setCurrentWidget(dlg.close_section)
        dlg.close_section.pages.setCurrentWidget(dlg.close_section.metrics)
        wait(app, lambda: False, 0.5)
        save(dlg, out / "postmortem-dialog-how-soon.png")
        dlg.close_section.pages.setCurrentWidget(dlg.close_section.postmortem)
        wait(app, lambda: False, 0.3)
        save(dlg, out / "postmortem-dialog-record.png")

        desk = QSplitter(Qt.Orientation.Vertical)
        board = IncidentsBoard(worker)
        closed = ClosedIncidentsPanel(worker)
        desk.addWidget(board)
        desk.addWidget(closed)
        desk.resize(1600, 700)
        desk.show()
        wait(app, lambda: closed.table.rowCount() > 0)
        wait(app, lambda: False, 0.5)
        save(desk, out / "postmortem-board-closed.png")
        dlg.close()
        worker.pool.waitForDone(10_000)

        for audience in ("internal", "customer"):
            for fmt in ("pdf", "html"):
                target = Path(tmp) / f"{audience}.{fmt}"
                subprocess.run([sys.executable, str(ROOT / "main.py"), "export", str(iid), "--format", fmt,
                                "--out", str(target), "--db", db, "--audience", audience], check=True)
            # The pages worth a look: the header, the how-soon table, the chart (customer: page 1).
            for page in ((1, 3, 4) if audience == "internal" else (1,)):
                subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page),
                                str(Path(tmp) / f"{audience}.pdf"), str(out / f"postmortem-{audience}-pdf")],
                               check=True)
            chromium = shutil.which("chromium") or shutil.which("chromium-browser")
            if chromium:
                subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                f"--screenshot={out / f'postmortem-{audience}-html.png'}",
                                "--window-size=1280,2400", (Path(tmp) / f"{audience}.html").as_uri()],
                               check=True, capture_output=True)
                print("saved", out / f"postmortem-{audience}-html.png")
        ws.close()


if __name__ == "__main__":
    main()
