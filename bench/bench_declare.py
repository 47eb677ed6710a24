"""Alert → customers' mail received: the seconds the app itself adds to the six-action path (#13).

Runs the real workstation (offscreen) on a real SQLite database with a real
local SMTP server, drives it the way tests/test_declare_dialog.py does
(select the alert, press I, Declare, Send) with no human think time, and
prints the time from the key press to the last customer's mail arriving.
A person reading the proposal and the preview adds their own seconds on top;
the target (≤ 60 s for the whole path) leaves them almost all of it.

    QT_QPA_PLATFORM=offscreen python bench/bench_declare.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def one_run(app, workdir: Path) -> dict[str, float]:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    from noc_app.domain import Status
    from noc_app.incidents import ChannelConfig
    from noc_app.live import StatusBoard
    from noc_app.storage import models as db
    from noc_app.storage.db import transaction
    from noc_app.topology import load_topology
    from noc_app.workspace import open_workspace
    from smtp_server import SmtpServer
    from test_incident_dialog import TOPOLOGY, make_outage
    from widgets.board_store import BoardStore
    from widgets.incidents import IncidentDialog
    from widgets.live_feed import LiveFeed
    from widgets.workstation import build_workstation
    from noc_app.checks.result import CheckResult
    from noc_app.polling.state import CheckStateMachine
    import datetime as dt

    def wait(predicate, timeout_s=20.0):
        end = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > end:
                raise TimeoutError("the app did not get there in time")
            QTest.qWait(5)

    with SmtpServer() as smtp:
        workspace = open_workspace(TOPOLOGY, f"sqlite:///{workdir}/bench.db")
        make_outage(workspace.sessions, "http://127.0.0.1:9/hook")
        with transaction(workspace.sessions) as s:
            s.get(db.Customer, "globex").account_manager = "bob"
        store = BoardStore(StatusBoard(load_topology(TOPOLOGY)))
        window = build_workstation(store, workspace.sessions, "bench",
                                   settings=QSettings(str(workdir / "ws.ini"), QSettings.Format.IniFormat),
                                   channels=ChannelConfig(smtp_host="127.0.0.1", smtp_port=smtp.port,
                                                          smtp_from="noc@vigil.example"))
        window.show()
        feed = LiveFeed()
        feed.updated.connect(store.apply)
        machine = CheckStateMachine("db-main#0", "db-main", retries=0)
        for status in (Status.OK, Status.DOWN):
            result = CheckResult("db-main#0", "db-main", status, 12.0, 200, "connection refused", {},
                                 dt.datetime.now(dt.timezone.utc))
            feed.push(result, machine.feed(result), machine.since)
            QTest.qWait(50)
        window.show_view("alerts")
        alerts = window.views["alerts"]
        wait(lambda: alerts.model.rowCount() > 0)
        rect = alerts.table.visualRect(alerts.model.index(0, 2))
        QTest.mouseClick(alerts.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        t0 = time.perf_counter()
        QTest.keyClick(alerts.table, Qt.Key.Key_I)
        wait(lambda: any(d.isVisible() for d in window.findChildren(IncidentDialog)))
        dlg = next(d for d in window.findChildren(IncidentDialog) if d.isVisible())
        wait(lambda: dlg.declare_panel.proposal is not None and dlg.declare_panel.button.isEnabled())
        t_proposal = time.perf_counter()
        QTest.mouseClick(dlg.declare_panel.button, Qt.MouseButton.LeftButton)
        wait(lambda: dlg.notify.send_button.isEnabled())
        t_preview = time.perf_counter()
        QTest.mouseClick(dlg.notify.send_button, Qt.MouseButton.LeftButton)
        wait(lambda: len({r for m in smtp.received for r in m.rcpt_to if not r.endswith("@vigil.example")}) >= 2)
        t_mail = time.perf_counter()
        dlg.worker.pool.waitForDone(10_000)
        window.close()
        workspace.close()
    return {"proposal shown": t_proposal - t0, "Declare → preview": t_preview - t_proposal,
            "Send → customers' mail received": t_mail - t_preview, "total": t_mail - t0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["NOC_DATA_DIR"] = str(Path(tmp) / "data")
            runs.append(one_run(app, Path(tmp)))
    print(f"alert → customers told, app time only, {args.runs} runs (4 actions: select, I, Declare, Send)")
    for key in runs[0]:
        values = sorted(r[key] for r in runs)
        print(f"  {key:34s} median {statistics.median(values):6.3f} s   max {values[-1]:6.3f} s")


if __name__ == "__main__":
    main()
