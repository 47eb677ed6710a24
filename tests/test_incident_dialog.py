"""The incident dialog end to end, through its widgets, on SQLite and PostgreSQL.

Every step is a click on the dialog's own buttons; the worker runs the
service off the GUI thread and the tests wait for what the operator would
see (the refreshed snapshot, the status line, the timeline).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from noc_app.domain import Status
from noc_app.incidents import ChannelConfig, DraftStore, IncidentService, Outbox
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.workspace import open_workspace
from smtp_server import SmtpServer, WebhookReceiver
from widgets.incidents import SAVED_LOCALLY, IncidentDialog, IncidentWorker, recover_drafts
from widgets.views.alerts import Alert

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc
WAIT = 15_000


def make_outage(sessions, webhook_url: str) -> dt.datetime:
    """db-main and the API down now, customers with addresses, a recent change on db-main."""
    now = dt.datetime.now(UTC)
    with transaction(sessions) as s:
        for key in ("db-main#0", "api#0", "api#1"):
            s.merge(db.CheckState(check_key=key, status="DOWN", status_since=now - dt.timedelta(minutes=5)))
        s.add(db.StateTransition(check_key="db-main#0", component_id="db-main",
                                 at=now - dt.timedelta(minutes=5), from_status="OK", to_status="DOWN",
                                 reason="connection refused"))
        s.get(db.Customer, "globex").email = "it@globex.example"
        s.get(db.Customer, "channelco").email = "noc@channelco.example"
        s.get(db.NotificationList, "internal-major").webhook_url = webhook_url
        s.add(db.ChangeRecord(id="chg-200", summary="Shrink pgbouncer pool", at=now - dt.timedelta(hours=2),
                              author="bob"))
        s.flush()
        s.add(db.ChangeComponent(change_id="chg-200", component_id="db-main"))
    return now


@pytest.fixture
def env(db_url, tmp_path, qtbot):
    with SmtpServer() as smtp, WebhookReceiver() as hook:
        workspace = open_workspace(TOPOLOGY, db_url)
        make_outage(workspace.sessions, hook.url())
        service = IncidentService(workspace.sessions, "alice", channels=ChannelConfig(
            smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="noc@vigil.example"))
        worker = IncidentWorker(service, Outbox(tmp_path / "outbox"), retry_ms=300)
        drafts = DraftStore(tmp_path / "drafts")
        try:
            yield service, worker, drafts, smtp
        finally:
            worker.pool.waitForDone(10_000)
            workspace.close()


def click(qtbot, dlg, section, button) -> None:
    dlg.tabs.setCurrentWidget(section)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def pick(combo, value) -> None:
    index = combo.findData(value)
    assert index >= 0, (value, [combo.itemData(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def snap(dlg, qtbot, predicate):
    """Wait for a refreshed snapshot that satisfies ``predicate``."""
    qtbot.waitUntil(lambda: dlg.snapshot is not None and predicate(dlg.snapshot), timeout=WAIT)
    return dlg.snapshot


def open_dialog(qtbot, worker, drafts, incident_id=None, **kw) -> IncidentDialog:
    dlg = IncidentDialog(worker, incident_id, drafts=drafts, **kw)
    qtbot.addWidget(dlg)
    dlg.show()
    if incident_id is not None:
        snap(dlg, qtbot, lambda s: True)
    return dlg


def test_whole_incident_through_the_dialog(env, qtbot):
    service, worker, drafts, smtp = env
    alert = Alert(id=1, at=dt.datetime.now(UTC), component_id="api", component_name="Public API",
                  check_key="api#0", check_label="HTTP health", status=Status.DOWN, recovered=False,
                  reason="HTTP 503")
    dlg = open_dialog(qtbot, worker, drafts, alert=alert)
    qtbot.waitUntil(lambda: dlg.prefill is not None, timeout=WAIT)
    assert dlg.prefill.component_roles == {"db-main": "cause", "api": "symptom"}
    assert dlg.record.title.text() == "Public API: HTTP 503"
    click(qtbot, dlg, dlg.record, dlg.record.open_button)
    snap(dlg, qtbot, lambda s: s.title == "Public API: HTTP 503")
    iid = dlg.incident_id

    # Classify: the matrix shows live; a priority other than the suggestion needs a reason.
    c = dlg.classify
    pick(c.impact, "high")
    pick(c.urgency, "high")
    assert c.matrix.text().startswith("P1 CRITICAL")
    if dlg.prefill.suggestion.priority != "P1":
        c.reason.setPlainText("whole checkout down")
    click(qtbot, dlg, c, c.button)
    snap(dlg, qtbot, lambda s: s.priority == "P1")

    # People: the incident manager and the war room.
    p = dlg.people
    qtbot.waitUntil(lambda: p.manager.findData("alice") >= 0, timeout=WAIT)
    pick(p.manager, "alice")
    click(qtbot, dlg, p, p.assign_button)
    snap(dlg, qtbot, lambda s: s.incident_manager_id == "alice")
    pick(p.person, "bob")
    p.role.setText("dba")
    click(qtbot, dlg, p, p.add_button)
    snap(dlg, qtbot, lambda s: s.participants == {"bob": "dba"})

    # Notify offers the status page first: its step is at the top, pre-ticked from the incident's components.
    n = dlg.notify
    sp = n.status_page
    assert n.layout().itemAt(0).widget() is sp
    qtbot.waitUntil(lambda: sp.components.count() > 0 and sp.chosen() == ["eu-west"], timeout=WAIT)
    assert sp.last.text() == "Nothing posted on the status page for this incident yet."
    pick(sp.state, "major_outage")
    pick(sp.incident_status, "investigating")
    sp.title.setText("Checkout unavailable")
    sp.message.setPlainText("We are investigating failed checkouts.")
    click(qtbot, dlg, n, sp.post_button)
    qtbot.waitUntil(lambda: sp.message.toPlainText() == "", timeout=WAIT)
    qtbot.waitUntil(lambda: "failed checkouts" in sp.last.text(), timeout=WAIT)
    assert sp.last.text().startswith("Last status-page update under a minute ago") and "investigating" in sp.last.text()

    # Notify: preview shows exactly the affected customers; sending reaches exactly them.
    pick(n.audience, "customers")
    qtbot.waitUntil(lambda: n.template.findData("customer-initial") >= 0, timeout=WAIT)
    pick(n.template, "customer-initial")
    n.with_managers.setChecked(False)  # customers only here; the companions are tested in test_declare_dialog.py
    n.with_internal.setChecked(False)
    assert not n.send_button.isEnabled()  # nothing leaves before a preview
    click(qtbot, dlg, n, n.preview_button)
    qtbot.waitUntil(lambda: n.messages.rowCount() == 2, timeout=WAIT)
    assert sorted(n.messages.item(r, 0).text() for r in range(2)) == ["it@globex.example", "ops@acme.example"]
    assert "Next update by" in n.body.toPlainText()
    click(qtbot, dlg, n, n.send_button)
    qtbot.waitUntil(lambda: len(smtp.received) == 2, timeout=WAIT)
    assert smtp.recipients() == ["it@globex.example", "ops@acme.example"]
    due = snap(dlg, qtbot, lambda s: s.next_update_due_at is not None).next_update_due_at
    assert dt.timedelta(minutes=55) < due - dt.datetime.now(UTC) <= dt.timedelta(hours=1)
    qtbot.waitUntil(lambda: dlg.countdown.text().startswith("update due in"), timeout=WAIT)
    qtbot.waitUntil(lambda: n.sent.rowCount() == 2, timeout=WAIT)

    # Escalate: page level 0, then acknowledge.
    e = dlg.escalate
    qtbot.waitUntil(lambda: e.select_level("platform-oncall", 0), timeout=WAIT)
    click(qtbot, dlg, e, e.page_button)
    qtbot.waitUntil(lambda: e.pages.rowCount() == 1, timeout=WAIT)
    e.pages.selectRow(0)
    click(qtbot, dlg, e, e.ack_button)
    qtbot.waitUntil(lambda: e.pages.item(0, 4) and e.pages.item(0, 4).text() != "NOT YET", timeout=WAIT)

    # Investigate: the change on db-main shows for the incident; the KB article matches; a note.
    i = dlg.investigate
    qtbot.waitUntil(lambda: i.changes.rowCount() >= 1 and i.changes.item(0, 1).text() == "chg-200", timeout=WAIT)
    qtbot.waitUntil(lambda: i.kb.count() >= 1 and "pool exhausted" in i.kb.item(0).text(), timeout=WAIT)
    note = "pgbouncer pods restarting — 'quoted'; DROP TABLE incidents; -- 🔥"
    i.note.setPlainText(note)
    click(qtbot, dlg, i, i.note_button)
    qtbot.waitUntil(lambda: i.note.toPlainText() == "", timeout=WAIT)

    # Restore + status page.
    r = dlg.restore
    pick(r.path, "resolve")
    r.summary.setPlainText("pgbouncer restarted, pool drained")
    click(qtbot, dlg, r, r.restore_button)
    snap(dlg, qtbot, lambda s: s.restored_at is not None and s.restore_path == "resolve")
    pick(sp.state, "operational")
    pick(sp.incident_status, "resolved")
    sp.message.setPlainText("All systems normal")
    click(qtbot, dlg, n, sp.post_button)
    qtbot.waitUntil(lambda: sp.message.toPlainText() == "", timeout=WAIT)

    # Close: root cause, a follow-up with its owner, the post-mortem owner and date.
    cl = dlg.close_section
    cl.root_cause.setPlainText("Pool shrunk by chg-200")
    cl.follow_ups.add_row("Load-test pool changes", "bob")
    pick(cl.owner, "alice")
    cl.due.set_value(dt.datetime.now(UTC) + dt.timedelta(days=3))
    click(qtbot, dlg, cl, cl.close_button)
    snap(dlg, qtbot, lambda s: s.closed_at is not None)

    kinds = [k for k in (e.kind for e in service.timeline(iid)) if k != "check_transition"]
    # The suggestion depends on the clock (ACME's business hours): P1 needs no reason, else one was given.
    overridden = ["priority_overridden"] if dlg.prefill.suggestion.priority != "P1" else []
    assert kinds == ["opened", "classified", *overridden, "manager_assigned", "participant_added",
                     "status_page_update", "notification_sent",
                     "escalated", "acknowledged", "note", "restored", "status_page_update", "root_cause",
                     "follow_up_added", "closed"]
    notes = [e.summary for e in service.timeline(iid) if e.kind == "note"]
    assert notes == [note]  # exactly as typed
    qtbot.waitUntil(lambda: [k for k in dlg.timeline.kinds() if k != "check_transition"] == kinds, timeout=WAIT)
    assert dlg.timeline.list.item(dlg.timeline.list.count() - 1).text().endswith("incident closed")
    assert drafts.unsent() == []


def test_concurrent_edit_shows_both_texts_and_a_merge(env, qtbot):
    service, worker, drafts, _ = env
    iid = service.open_incident("Slow API", "customer_call", "line 1\nline 2\nline 3\n",
                                component_ids=["api"]).incident_id
    alice = open_dialog(qtbot, worker, drafts, iid)
    bob = open_dialog(qtbot, worker, DraftStore(drafts.directory.parent / "bob-drafts"), iid)
    alice.record.manifestation.setPlainText("line 1 (alice)\nline 2\nline 3\n")
    bob.record.manifestation.setPlainText("line 1\nline 2\nline 3 (bob)\n")
    click(qtbot, alice, alice.record, alice.record.save_button)
    qtbot.waitUntil(lambda: service.get(iid).manifestation.startswith("line 1 (alice)"), timeout=WAIT)
    click(qtbot, bob, bob.record, bob.record.save_button)
    qtbot.waitUntil(lambda: bob.conflict_dialog is not None and bob.conflict_dialog.isVisible(), timeout=WAIT)
    box = bob.conflict_dialog
    assert box.findChild(type(bob.record.manifestation), "theirs-manifestation").toPlainText() == \
        "line 1 (alice)\nline 2\nline 3\n"
    assert box.findChild(type(bob.record.manifestation), "yours-manifestation").toPlainText() == \
        "line 1\nline 2\nline 3 (bob)\n"
    merged = box.merged["manifestation"]
    assert merged.toPlainText() == "line 1 (alice)\nline 2\nline 3 (bob)\n"
    # Nothing was overwritten while the operator decides.
    assert service.get(iid).manifestation == "line 1 (alice)\nline 2\nline 3\n"
    merged.setPlainText(merged.toPlainText() + "checked by bob\n")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get(iid).manifestation.endswith("checked by bob\n"), timeout=WAIT)
    assert service.get(iid).manifestation == "line 1 (alice)\nline 2\nline 3 (bob)\nchecked by bob\n"
    # Alice's untouched dialog follows within a refresh.
    qtbot.waitUntil(lambda: alice.record.manifestation.toPlainText().endswith("checked by bob\n"), timeout=WAIT)
    authors = [(e.kind, e.author) for e in service.timeline(iid)]
    assert authors == [("opened", "alice"), ("recorded", "alice"), ("recorded", "alice")]


def test_drafts_recovered_after_a_restart(env, qtbot):
    service, worker, drafts, _ = env
    iid = service.open_incident("Reports late", "customer_call", "", component_ids=["reporting"]).incident_id
    dlg = open_dialog(qtbot, worker, drafts, iid)
    text = "Customer says: \"reports stuck\"\r\nsince 09:00 — ünïcødé 🔥 " + "x" * 20_000
    dlg.record.manifestation.setPlainText(text)
    qtbot.waitUntil(lambda: [d.key for d in drafts.unsent()] == [f"incident-{iid}"], timeout=WAIT)
    dlg._autosave.stop()
    dlg.hide()  # the app died: no close, no save — the autosaved draft is all there is
    dlg._refresh_timer.stop()

    # "Restart": a new worker, a new store on the same directory.
    worker2 = IncidentWorker(service, Outbox(drafts.directory.parent / "outbox"))
    offer = recover_drafts(None, worker2, drafts=DraftStore(drafts.directory))
    assert offer is not None and offer.list.count() == 1 and "Reports late" in offer.list.item(0).text()
    [again] = offer.reopen_checked()
    qtbot.addWidget(again)
    snap(again, qtbot, lambda s: True)
    assert again.record.manifestation.toPlainText() == text.replace("\r\n", "\n")
    click(qtbot, again, again.record, again.record.save_button)
    qtbot.waitUntil(lambda: service.get(iid).manifestation != "", timeout=WAIT)
    assert service.get(iid).manifestation == text.replace("\r\n", "\n")
    qtbot.waitUntil(lambda: drafts.unsent() == [], timeout=WAIT)
    worker2.pool.waitForDone(5000)


@pytest.mark.postgres
def test_database_outage_mid_edit(pg_server, pg_url, tmp_path, qtbot):
    workspace = open_workspace(TOPOLOGY, pg_url)
    service = IncidentService(workspace.sessions, "alice")
    worker = IncidentWorker(service, Outbox(tmp_path / "outbox"), retry_ms=300)
    drafts = DraftStore(tmp_path / "drafts")
    try:
        iid = service.open_incident("Checkout down", "internal_monitoring", "API 503",
                                    component_ids={"db-main": "cause"}).incident_id
        dlg = open_dialog(qtbot, worker, drafts, iid)
        text = "API 503 since 14:55\n'quotes' and 🔥, -- nothing lost"
        pg_server.stop()
        try:
            dlg.record.manifestation.setPlainText(text)
            click(qtbot, dlg, dlg.record, dlg.record.save_button)
            qtbot.waitUntil(lambda: dlg.status_line.text() == SAVED_LOCALLY, timeout=WAIT)
            assert len(worker.outbox) == 1
            assert dlg.record.manifestation.toPlainText() == text  # still in the dialog
            assert [d.key for d in drafts.unsent()] == [f"incident-{iid}"]  # and on disk
        finally:
            pg_server.start()
        qtbot.waitUntil(lambda: len(worker.outbox) == 0, timeout=WAIT)
        qtbot.waitUntil(lambda: dlg.status_line.text().startswith("database is back"), timeout=WAIT)
        assert service.get(iid).manifestation == text
        qtbot.waitUntil(lambda: drafts.unsent() == [], timeout=WAIT)
        assert [e.kind for e in service.timeline(iid)][-1] == "recorded"
    finally:
        worker.pool.waitForDone(10_000)
        workspace.close()
