"""The whole incident, Detect to Close, on a real outage in SQLite and PostgreSQL.

Notifications go through a local SMTP server and a local webhook receiver;
the timeline must hold every step, in order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from noc_app.incidents import (
    ChannelConfig, IncidentService, TemplateError, ValidationError, prefill_from_impact,
)
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.workspace import open_workspace
from smtp_server import SmtpServer, WebhookReceiver

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc
# Monday 10:00 in New York: ACME (enterprise, 9-to-5) is at work.
START = dt.datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw) -> dt.datetime:
        self.now += dt.timedelta(**kw)
        return self.now


def make_outage(sessions, webhook_url: str) -> None:
    """db-main and the API down (as the poller would have confirmed), plus what notify needs."""
    with transaction(sessions) as s:
        for key in ("db-main#0", "api#0", "api#1"):
            s.merge(db.CheckState(check_key=key, status="DOWN", status_since=START - dt.timedelta(minutes=5)))
        s.add(db.StateTransition(check_key="db-main#0", component_id="db-main",
                                 at=START - dt.timedelta(minutes=5), from_status="OK",
                                 to_status="DOWN", reason="connection refused"))
        s.add(db.StateTransition(check_key="api#0", component_id="api",
                                 at=START - dt.timedelta(minutes=4), from_status="OK",
                                 to_status="DOWN", reason="HTTP 503"))
        s.get(db.Customer, "globex").email = "it@globex.example"
        s.get(db.Customer, "channelco").email = "noc@channelco.example"
        s.get(db.NotificationList, "internal-major").webhook_url = webhook_url
        s.add_all([
            db.MessageTemplate(id="internal-initial", name="Internal: major incident",
                               audience="internal", kind="initial",
                               subject="[{priority}] {incident_title}",
                               body="Incident {incident_id}: {components}; {customers_count} customers."),
            db.MessageTemplate(id="partner-initial", name="Partners: initial", audience="partners",
                               kind="initial", subject="Service notice: {incident_title}",
                               body="Dear {customer_name}, {components} are affected."),
            db.MessageTemplate(id="customer-resolved", name="Customer: resolved",
                               audience="customers", kind="resolved",
                               subject="Resolved: {incident_title}",
                               body="Service is restored. Details: {status_url}"),
            db.MessageTemplate(id="customer-bad", name="broken", audience="customers",
                               kind="update", subject="{incident_titel}", body="x"),
        ])


@pytest.fixture
def receivers():
    with SmtpServer() as smtp, WebhookReceiver() as hook:
        yield smtp, hook


@pytest.fixture
def outage(db_url, receivers):
    smtp, hook = receivers
    workspace = open_workspace(TOPOLOGY, db_url)
    make_outage(workspace.sessions, hook.url())
    yield workspace, smtp, hook
    workspace.close()


@pytest.fixture
def sqlite_outage(tmp_path, receivers):
    """The same outage on SQLite only, for logic that runs no backend-specific SQL."""
    smtp, hook = receivers
    workspace = open_workspace(TOPOLOGY, f"sqlite:///{tmp_path}/noc.db")
    make_outage(workspace.sessions, hook.url())
    yield workspace, smtp, hook
    workspace.close()


def test_full_incident_flow(outage):
    workspace, smtp, hook = outage
    clock = Clock(START)
    service = IncidentService(workspace.sessions, "alice", clock=clock,
                              channels=ChannelConfig(smtp_host="127.0.0.1", smtp_port=smtp.port,
                                                     smtp_from="noc@vigil.example"))

    # Detect + record: prefilled from the impact engine over the database.
    pre = prefill_from_impact(workspace.sessions, None, START)
    assert pre.component_roles == {"db-main": "cause", "api": "symptom"}
    assert set(pre.customer_ids) == {"acme", "globex", "channelco"}
    assert pre.probable_causes == ("db-main",)
    assert pre.suggestion.priority in ("P1", "P2") and pre.suggestion.reasons
    change = service.open_incident("Checkout failing", "internal_monitoring", "API answers 503",
                                   component_ids=pre.component_roles, customer_ids=pre.customer_ids,
                                   detected_at=START - dt.timedelta(minutes=5), suggested=pre.suggestion)
    incident_id = change.incident_id
    assert service.record_check_transitions(incident_id).kinds_of_change == ("timeline",)
    assert service.record_check_transitions(incident_id).kinds_of_change == ()  # idempotent

    # Classify: matrix gives P1; the suggestion matches or the override needs a reason.
    clock.advance(minutes=1)
    with pytest.raises(ValidationError, match="reason"):
        service.classify(incident_id, "medium", "low", change.version)
    change = service.classify(incident_id, "high", "high", change.version,
                              override_reason=None if pre.suggestion.priority == "P1" else "CEO demo")
    assert "priority" in change.kinds_of_change
    change = service.assign_manager(incident_id, "alice", change.version)
    service.add_participant(incident_id, "bob", "dba")

    # Notify: bad template refused before anything is sent.
    with pytest.raises(TemplateError, match="incident_titel"):
        service.preview(incident_id, "customers", "customer-bad")
    assert smtp.received == []
    preview = service.preview(incident_id, "customers", "customer-initial")
    assert sorted(m.recipient for m in preview) == ["it@globex.example", "ops@acme.example"]
    clock.advance(minutes=1)
    sent = service.send(incident_id, "customers", "customer-initial")
    assert not sent.failed
    # Exactly the affected customers, partners excluded, one message each.
    assert smtp.recipients() == ["it@globex.example", "ops@acme.example"]
    assert all(len(mail.rcpt_to) == 1 for mail in smtp.received)
    assert smtp.received[0].subject == "[P1] Checkout failing"
    assert "Primary database, Public API" in smtp.received[0].body
    assert sent.next_update_due_at == clock.now + dt.timedelta(hours=1)
    assert service.get(incident_id).next_update_due_at == sent.next_update_due_at
    assert service.update_due(clock.now) == []
    assert [d.incident_id for d in service.update_due(clock.now + dt.timedelta(hours=1, minutes=1))] == [incident_id]

    service.send(incident_id, "partners", "partner-initial")
    assert smtp.recipients() == ["it@globex.example", "noc@channelco.example", "ops@acme.example"]
    assert "Dear ChannelCo" in smtp.received[-1].body
    internal = service.send(incident_id, "internal", "internal-initial")
    assert not internal.failed
    assert [text for _, text in [(p, b["text"]) for p, b in hook.posts]] == [
        f"*[P1] Checkout failing*\nIncident {incident_id}: Primary database, Public API; 3 customers."]
    assert {"alice@vigil.example", "bob@vigil.example", "noc@vigil.example"} <= set(smtp.recipients())

    # Escalate: level 0 paged, nobody acknowledges, level 1 becomes due after 10 minutes.
    targets = service.escalation_targets(incident_id)
    assert [t.policy_id for t in targets] == ["platform-oncall"]
    assert [lv.people for lv in targets[0].levels] == [(("alice", "Alice Martin"),), (("bob", "Bob Okafor"),)]
    clock.advance(minutes=1)
    service.page_level(incident_id, "platform-oncall", 0)
    assert service.due_escalations(clock.now + dt.timedelta(minutes=9)) == []
    [due] = service.due_escalations(clock.now + dt.timedelta(minutes=10))
    assert (due.incident_id, due.policy_id, due.level, due.people) == (incident_id, "platform-oncall", 1, ("bob",))
    clock.advance(minutes=10)
    service.page_level(incident_id, "platform-oncall", 1)
    bob_page = [p for p in service.pages(incident_id) if p.person_id == "bob"][0]
    clock.advance(minutes=1)
    service.acknowledge(bob_page.id)
    assert service.due_escalations(clock.now + dt.timedelta(hours=5)) == []

    # Investigate: the change on db-main shows for the API through its dependency.
    changes = service.recent_changes(["api"], hours=24)
    assert [(c.id, c.direct) for c in changes] == [("chg-101", False)]
    assert [k.id for k in service.matching_kb(["api"], "clients see API 503 errors")] == ["kb-1"]
    service.add_note(incident_id, "pgbouncer pods restarting")

    # Restore + status page.
    clock.advance(minutes=5)
    service.add_restore_step(incident_id, "restarted pgbouncer")
    change = service.restore(incident_id, "resolve", "pgbouncer restarted, pool drained",
                             service.get(incident_id).version)
    service.status_page_update("EU-West", "operational", "All systems normal", incident_id=incident_id)
    resolved = service.send(incident_id, "customers", "customer-resolved", status_url="https://status.example")
    assert resolved.next_update_due_at is None and service.get(incident_id).next_update_due_at is None

    # Close: never without a root cause.
    clock.advance(minutes=5)
    version = service.get(incident_id).version
    with pytest.raises(ValidationError, match="root cause"):
        service.close(incident_id, "  ", [], None, None, version)
    service.close(incident_id, "Connection pool too small after chg-101",
                  [("Load-test pool size changes", "bob", START + dt.timedelta(days=7))],
                  "alice", START + dt.timedelta(days=3), version)
    snapshot = service.get(incident_id)
    assert snapshot.stage == "closed" and snapshot.closed_at == clock.now

    kinds = [e.kind for e in service.timeline(incident_id)]
    assert kinds == [
        "check_transition", "check_transition", "opened", "classified", "manager_assigned",
        "participant_added", "notification_sent", "notification_sent", "notification_sent",
        "escalated", "escalated", "acknowledged", "note", "restore_step", "restored",
        "status_page_update", "notification_sent", "root_cause", "follow_up_added", "closed"]
    with transaction(workspace.sessions) as s:
        sent_rows = s.scalars(select(db.NotificationSent).where(
            db.NotificationSent.incident_id == incident_id)).all()
        assert len(sent_rows) == 2 + 1 + 4 + 2 and all(r.ok for r in sent_rows)
        assert s.scalars(select(db.StatusPageEntry.state)).all() == ["operational"]
        [action] = s.scalars(select(db.FollowUpAction)).all()
        assert action.owner_id == "bob" and action.due_at == START + dt.timedelta(days=7)


def test_failed_deliveries_are_recorded(sqlite_outage):
    workspace, smtp, hook = sqlite_outage
    smtp.refuse.add("it@globex.example")
    service = IncidentService(workspace.sessions, "alice",
                              channels=ChannelConfig(smtp_host="127.0.0.1", smtp_port=smtp.port))
    pre = prefill_from_impact(workspace.sessions, None, START)
    incident_id = service.open_incident("t", "customer_call", component_ids=pre.component_roles,
                                        customer_ids=pre.customer_ids).incident_id
    result = service.send(incident_id, "customers", "customer-initial")
    assert [d.message.recipient for d in result.failed] == ["it@globex.example"]
    assert smtp.recipients() == ["ops@acme.example"]
    kinds = [e.kind for e in service.timeline(incident_id)]
    assert kinds[-2:] == ["notification_sent", "notification_failed"]
    # Unclassified: the internal audience cannot be chosen, and says why.
    with pytest.raises(ValidationError, match="classify"):
        service.preview(incident_id, "internal", "internal-initial")
    with pytest.raises(ValidationError, match="reason"):
        service.send(incident_id, "customers", "customer-initial",
                     next_update_at=dt.datetime.now(UTC) + dt.timedelta(hours=3))
    later = service.send(incident_id, "customers", "customer-initial",
                         next_update_at=dt.datetime.now(UTC) + dt.timedelta(hours=3),
                         next_update_reason="vendor fix ETA is 3 h")
    assert later.next_update_due_at > dt.datetime.now(UTC) + dt.timedelta(hours=2)


def test_prefill_from_a_component_a_customer_called_about(sqlite_outage):
    workspace, _, _ = sqlite_outage
    pre = prefill_from_impact(workspace.sessions, ["reporting"], START)
    assert pre.component_roles == {"reporting": "cause"}
    assert pre.customer_ids == ("acme",)
    assert any("reported by the operator" in r for r in pre.suggestion.reasons)
