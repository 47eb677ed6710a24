"""Declare in one action, the account managers' briefs and the three "told" marks (#13), on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from noc_app.incidents import ChannelConfig, IncidentService, ValidationError, prefill_from_impact
from noc_app.incidents.told import NONE, NOT_TOLD, TOLD, told_status
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.topology import TopologyError, load_topology
from noc_app.workspace import open_workspace
from test_incidents_flow import START, TOPOLOGY, Clock, make_outage, outage, receivers  # noqa: F401 - fixtures


@pytest.fixture
def declared_outage(outage):
    workspace, smtp, hook = outage
    with transaction(workspace.sessions) as s:
        s.get(db.Customer, "globex").account_manager = "bob"
        s.get(db.Customer, "channelco").account_manager = "bob"
    clock = Clock(START)
    service = IncidentService(workspace.sessions, "alice", clock=clock,
                              channels=ChannelConfig(smtp_host="127.0.0.1", smtp_port=smtp.port,
                                                     smtp_from="noc@vigil.example"))
    return workspace, smtp, hook, service, clock


def _declare(service, workspace, **overrides):
    pre = prefill_from_impact(workspace.sessions, None, START)
    proposal = service.proposal(pre)
    kwargs = dict(title="Checkout failing", detection_means="internal_monitoring", manifestation="API 503",
                  component_ids=pre.component_roles, customer_ids=pre.customer_ids,
                  detected_at=START - dt.timedelta(minutes=5), suggested=pre.suggestion.to_dict(),
                  impact=proposal.impact, urgency=proposal.urgency, manager_id=proposal.manager_id,
                  status_groups=proposal.status_groups, status_state=proposal.status_state,
                  status_message=proposal.status_message)
    kwargs.update(overrides)
    return pre, proposal, service.declare(**kwargs)


def test_proposal_names_the_on_call_manager_and_a_public_first_message(declared_outage):
    workspace, _smtp, _hook, service, _clock = declared_outage
    pre = prefill_from_impact(workspace.sessions, None, START)
    proposal = service.proposal(pre)
    assert proposal.priority == pre.suggestion.priority
    assert proposal.manager_id == "alice"  # first rung of platform-oncall, linked to db-main (the cause)
    assert "db-main" not in proposal.manager_why or "Primary database" in proposal.manager_why
    assert proposal.customer_template_id == "customer-initial"
    assert proposal.status_groups == ("EU-West",)
    assert proposal.status_state == "major_outage" if proposal.impact == "high" else True
    # The public line names the public group only, never an internal component.
    assert "EU-West" in proposal.status_message
    assert "db-main" not in proposal.status_message and "Primary database" not in proposal.status_message


def test_declare_writes_each_step_in_the_practices_order(declared_outage):
    workspace, _smtp, _hook, service, _clock = declared_outage
    pre, proposal, change = _declare(service, workspace)
    snap = service.get(change.incident_id)
    assert snap.priority == proposal.priority and snap.incident_manager_id == "alice"
    kinds = [e.kind for e in service.timeline(change.incident_id)]
    steps = [k for k in kinds if k in ("opened", "classified", "manager_assigned", "status_page_update")]
    assert steps == ["opened", "classified", "manager_assigned", "status_page_update"]
    with workspace.sessions() as s:
        entry = s.scalars(select(db.StatusPageEntry).where(
            db.StatusPageEntry.incident_id == change.incident_id)).one()
        assert entry.service_group == "EU-West" and entry.message == proposal.status_message


def test_what_the_operator_changed_wins_and_a_different_priority_needs_a_reason(declared_outage):
    workspace, _smtp, _hook, service, _clock = declared_outage
    with pytest.raises(ValidationError, match="reason"):
        _declare(service, workspace, impact="low", urgency="low")
    with workspace.sessions() as s:
        assert s.scalars(select(db.Incident)).all() == []  # refused before anything was written
    _pre, _proposal, change = _declare(service, workspace, impact="low", urgency="low", manager_id="bob",
                                       override_reason="only reporting is slow", status_groups=())
    snap = service.get(change.incident_id)
    assert (snap.impact, snap.urgency, snap.incident_manager_id) == ("low", "low", "bob")


def test_each_account_manager_gets_one_brief_listing_exactly_their_accounts(declared_outage):
    workspace, smtp, hook, service, clock = declared_outage
    _pre, _proposal, change = _declare(service, workspace)
    iid = change.incident_id
    clock.advance(minutes=2)
    service.send(iid, "customers", "customer-initial")
    smtp.received.clear()
    hook.posts.clear()
    messages = service.preview(iid, "account_managers", None)
    emails = [m for m in messages if m.channel == "email"]
    assert sorted(m.recipient for m in emails) == ["alice@vigil.example", "bob@vigil.example"]
    by_to = {m.recipient: m for m in emails}
    alice, bob = by_to["alice@vigil.example"].body, by_to["bob@vigil.example"].body
    assert "ACME Corp (enterprise; in business hours now)" in alice
    assert "Globex" not in alice and "ChannelCo" not in alice
    assert "Globex (standard;" in bob and "ChannelCo (partner, partner;" in bob and "ACME" not in bob
    assert 'Customers were told at 2026-11-23 15:02 UTC: "[P1] Checkout failing"' in alice
    assert "Next customer update due 2026-11-23 16:02 UTC." in bob
    # The same briefs go to the war-room webhook of the priority's internal list.
    # Recorded by its list, never by URL: a webhook URL is a secret (noc_app/webhook_address.py).
    assert {m.recipient for m in messages if m.channel == "webhook"} == {"list:internal-major"}
    result = service.send(iid, "account_managers", None)
    assert not result.failed
    assert sorted(smtp.recipients()) == ["alice@vigil.example", "bob@vigil.example"]
    assert len(smtp.received) == 2
    briefs = [body for _path, body in hook.posts if "Your accounts affected" in str(body)]
    assert len(briefs) == 2 and any("ACME Corp" in str(b) and "Globex" not in str(b) for b in briefs)


def test_told_marks_follow_what_was_sent(declared_outage):
    workspace, _smtp, _hook, service, _clock = declared_outage
    _pre, _proposal, change = _declare(service, workspace)
    iid = change.incident_id
    with workspace.sessions() as s:
        assert told_status(s, [iid])[iid].marks() == (
            ("Account mgrs", NOT_TOLD), ("Customers", NOT_TOLD), ("Partners", NOT_TOLD))
    service.send(iid, "customers", "customer-initial")
    service.send(iid, "account_managers", None)
    with workspace.sessions() as s:
        told = told_status(s, [iid])[iid]
    assert told.marks() == (("Account mgrs", TOLD), ("Customers", TOLD), ("Partners", NOT_TOLD))
    assert told.gaps == ("Partners",)


def test_told_mark_is_none_when_nobody_of_that_audience_is_affected(tmp_path, receivers):
    smtp, hook = receivers
    workspace = open_workspace(TOPOLOGY, f"sqlite:///{tmp_path}/noc.db")
    try:
        make_outage(workspace.sessions, hook.url())
        service = IncidentService(workspace.sessions, "alice")
        iid = service.open_incident("Only ACME", "customer_call", customer_ids=["acme"]).incident_id
        with workspace.sessions() as s:
            assert told_status(s, [iid])[iid].marks() == (
                ("Account mgrs", NOT_TOLD), ("Customers", NOT_TOLD), ("Partners", NONE))
    finally:
        workspace.close()


def test_an_unknown_account_manager_is_refused_at_load(tmp_path):
    text = TOPOLOGY.read_text().replace('account_manager = "alice"', 'account_manager = "alicia"')
    path = tmp_path / "t.toml"
    path.write_text(text)
    with pytest.raises(TopologyError, match=r't\.toml:\d+: .*account_manager.*"alicia".*did you mean "alice"'):
        load_topology(path)
