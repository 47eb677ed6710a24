"""From a DOWN alert to customers told, as an operator does it: counted key presses and clicks (#13).

The workstation runs on a real database (SQLite and PostgreSQL) with a real
SMTP server; every action is a real key press or mouse click on the widgets.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from noc_app.domain import Status
from noc_app.incidents import ChannelConfig
from noc_app.live import StatusBoard
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.topology import load_topology
from noc_app.workspace import open_workspace
from smtp_server import SmtpServer, WebhookReceiver
from test_incident_dialog import TOPOLOGY, WAIT, make_outage
from test_main_window import push
from widgets.board_store import BoardStore
from widgets.incidents import IncidentDialog
from widgets.workstation import build_workstation

MAX_ACTIONS = 6


class Operator:
    """Counts what the operator does: each click or key press is one action."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.actions: list[str] = []

    def click(self, widget, what: str) -> None:
        self.qtbot.waitUntil(lambda: widget.isVisible() and widget.isEnabled(), timeout=WAIT)
        self.actions.append(what)
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

    def click_row(self, table, row: int, what: str) -> None:
        rect = table.visualRect(table.model().index(row, 2))
        self.actions.append(what)
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def key(self, widget, key, what: str) -> None:
        self.actions.append(what)
        QTest.keyClick(widget, key)


@pytest.fixture
def war_room(db_url, tmp_path, qtbot, monkeypatch):
    monkeypatch.setenv("NOC_DATA_DIR", str(tmp_path / "data"))
    with SmtpServer() as smtp, WebhookReceiver() as hook:
        workspace = open_workspace(TOPOLOGY, db_url)
        make_outage(workspace.sessions, hook.url())
        with transaction(workspace.sessions) as s:
            s.get(db.Customer, "globex").account_manager = "bob"
            s.add(db.MessageTemplate(id="internal-initial", name="Internal: major incident", audience="internal",
                                     kind="initial", subject="[{priority}] INTERNAL {incident_title}",
                                     body="Incident {incident_id}: {components}."))
        store = BoardStore(StatusBoard(load_topology(TOPOLOGY)))
        window = build_workstation(store, workspace.sessions, "test",
                                   settings=QSettings(str(tmp_path / "ws.ini"), QSettings.Format.IniFormat),
                                   channels=ChannelConfig(smtp_host="127.0.0.1", smtp_port=smtp.port,
                                                          smtp_from="noc@vigil.example"))
        qtbot.addWidget(window)
        window.show()
        push(qtbot, store, "db-main#0", Status.OK)
        push(qtbot, store, "db-main#0", Status.DOWN, error="connection refused")
        window.show_view("alerts")
        try:
            yield window, workspace, smtp
        finally:
            for dialog in window.findChildren(IncidentDialog):
                dialog.worker.pool.waitForDone(10_000)
                dialog.close()
            workspace.close()


def _dialog(qtbot, window) -> IncidentDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(IncidentDialog)), timeout=WAIT)
    return next(d for d in window.findChildren(IncidentDialog) if d.isVisible())


def test_alert_to_customers_told_in_at_most_six_actions(qtbot, war_room):
    window, workspace, smtp = war_room
    op = Operator(qtbot)
    alerts = window.views["alerts"]
    op.click_row(alerts.table, 0, "select the DOWN alert")
    op.key(alerts.table, Qt.Key.Key_I, "press I")
    dlg = _dialog(qtbot, window)
    qtbot.waitUntil(lambda: dlg.declare_panel.proposal is not None, timeout=WAIT)
    # Everything proposed is visible before anything leaves.
    assert dlg.classify.impact.currentData() == dlg.declare_panel.proposal.impact
    assert dlg.people.manager.currentData() == "alice"
    assert "Declare will: classify" in dlg.declare_panel.summary.text()
    op.click(dlg.declare_panel.button, "Declare")
    qtbot.waitUntil(lambda: dlg.incident_id is not None and dlg.notify.send_button.isEnabled(), timeout=WAIT)
    previewed = {m.recipient for m in dlg.notify._preview}
    assert {"ops@acme.example", "it@globex.example"} <= previewed  # read before sending
    assert smtp.received == []  # nothing left before Send
    op.click(dlg.notify.send_button, "Send")
    # 2 customers, 3 on the internal list (alice, bob, noc@), 2 account managers' briefs.
    qtbot.waitUntil(lambda: len(smtp.received) >= 7, timeout=WAIT)
    QTest.qWait(300)
    assert len(op.actions) <= MAX_ACTIONS, op.actions

    def to(kind):
        return sorted(r for m in smtp.received if kind(m.subject) for r in m.rcpt_to)
    briefs = to(lambda subject: "Your accounts affected" in subject)
    internal = to(lambda subject: "INTERNAL" in subject)
    customers = to(lambda subject: "INTERNAL" not in subject and "Your accounts affected" not in subject)
    assert customers == ["it@globex.example", "ops@acme.example"]  # exactly the affected customers
    assert briefs == ["alice@vigil.example", "bob@vigil.example"]  # one brief per account manager
    assert internal == ["alice@vigil.example", "bob@vigil.example", "noc@vigil.example"]
    assert len(smtp.received) == 7
    snap = dlg.service.get(dlg.incident_id)
    assert snap.priority and snap.incident_manager_id == "alice"
    kinds = [e.kind for e in dlg.service.timeline(dlg.incident_id)]
    assert kinds.index("opened") < kinds.index("classified") < kinds.index("manager_assigned") \
        < kinds.index("status_page_update") < kinds.index("notification_sent")


def test_operator_changes_win_and_a_new_cause_updates_the_proposal_visibly(qtbot, war_room):
    window, workspace, smtp = war_room
    alerts = window.views["alerts"]
    alerts.table.selectRow(0)
    alerts.open_incident_for_selected()
    dlg = _dialog(qtbot, window)
    qtbot.waitUntil(lambda: dlg.declare_panel.proposal is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: dlg.people.manager.currentData() == "alice", timeout=WAIT)
    # The operator picks another manager: a later proposal must not take it back.
    dlg.people.manager.setCurrentIndex(dlg.people.manager.findData("bob"))
    before = dlg.declare_panel.summary.text()
    # The outage changes while the dialog is open: the web app fails too.
    now = dt.datetime.now(dt.timezone.utc)
    with transaction(workspace.sessions) as s:
        s.merge(db.CheckState(check_key="web#0", status="DOWN", status_since=now))
        s.merge(db.CheckState(check_key="db-reporting#0", status="DOWN", status_since=now))
    dlg.declare_panel._repropose()
    qtbot.waitUntil(lambda: dlg.declare_panel.changed.isVisible(), timeout=WAIT)
    assert "Proposal updated" in dlg.declare_panel.changed.text()
    assert "incident manager" in dlg.declare_panel.changed.text()  # says the operator's choice was kept
    assert dlg.people.manager.currentData() == "bob"
    assert before  # the summary was there before the change
    QTest.mouseClick(dlg.declare_panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.incident_id is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: dlg.service.get(dlg.incident_id).incident_manager_id == "bob", timeout=WAIT)
