"""How-soon metrics: a scripted incident gives exactly the known figures; gaps say why."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noc_app.postmortem.definitions import CONTRACT_KEYS, DEFINITIONS, DURATION_KEYS
from noc_app.postmortem.metrics import (
    Event, IncidentFacts, MetricInputs, Notice, Transition, compute_metrics,
)
from noc_app.postmortem.reader import metrics_for
from noc_app.workspace import open_workspace
from postmortem_incident import (
    EXPECTED, IMPACT_MINUTES, START, TOPOLOGY, WEIGHTED_MINUTES, at, prepare, run_script,
)
from smtp_server import SmtpServer

UTC = dt.timezone.utc


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def _scripted(db_url, smtp, **kw):
    workspace = open_workspace(TOPOLOGY, db_url)
    prepare(workspace.sessions)
    iid = run_script(workspace.sessions, smtp.port, **kw)
    return workspace, iid


def test_scripted_incident_gives_exactly_the_expected_metrics(db_url, smtp):
    workspace, iid = _scripted(db_url, smtp)
    try:
        with workspace.sessions() as session:
            metrics = metrics_for(session, iid, now=at(200))
    finally:
        workspace.close()
    data = metrics.to_json()
    assert {k: data[k] for k in CONTRACT_KEYS} == EXPECTED
    assert all(data[f"{k}_why"] is None for k in CONTRACT_KEYS)
    assert data["customer_impact_minutes"] == IMPACT_MINUTES
    assert data["customer_impact_weighted_minutes"] == WEIGHTED_MINUTES
    assert data["updates_sent"] == 3
    assert [(p.status, p.late_s) for p in metrics.promises] == [("late", 360.0), ("kept", 0.0)]
    assert [p.due_at for p in metrics.promises] == [at(64), at(130)]
    assert data["in_progress"] is False and data["impact_ongoing"] is False


def test_open_incident_is_in_progress_and_counts_impact_to_now(db_url, smtp):
    workspace, iid = _scripted(db_url, smtp, close=False)
    try:
        with workspace.sessions() as session:
            metrics = metrics_for(session, iid, now=at(200))
    finally:
        workspace.close()
    assert metrics.in_progress and metrics.resolve_s == 5700.0


def _facts(**kw) -> IncidentFacts:
    base = dict(id=1, first_recorded_at=START, detected_at=at(-5), components={"db": "cause"},
                customer_tiers={"c1": "enterprise"}, tier_weights={"enterprise": 10.0})
    return IncidentFacts(**{**base, **kw})


def test_missing_stages_are_null_with_the_reason():
    metrics = compute_metrics(MetricInputs(_facts(), events=[Event(START, "opened", {})]),
                              now=at(30))
    data = metrics.to_json()
    assert data["impact_started_at"] == at(-5).isoformat()  # no failing transition: detected
    assert data["detect_s"] == 0.0
    expected_why = {
        "know_extent_s": "never classified (impact × urgency not set)",
        "know_impact_s": "no affected customers set on the incident",
        "start_handling_s": "no incident manager assigned and no page acknowledged",
        "inform_customers_s": "no customer notice sent",
        "workaround_s": "not restored yet",
        "resolve_s": "not restored yet",
        "inform_resolution_s": "not restored yet",
    }
    for name, why in expected_why.items():
        assert data[name] is None and data[f"{name}_why"] == why, name
    # Still hurting: impact minutes run to "now".
    assert data["impact_ongoing"] and data["customer_impact_minutes"] == {"enterprise": 35.0}
    assert data["customer_impact_weighted_minutes"] == 350.0


def test_restored_by_resolve_has_no_workaround_and_a_failed_notice_is_not_a_notice():
    facts = _facts(restored_at=at(20), restore_path="resolve")
    notices = [Notice(at(3), "customers", False, "initial", "t1"),
               Notice(at(4), "internal", True, "initial", "t2")]
    data = compute_metrics(MetricInputs(facts, notices=notices), now=at(30)).to_json()
    assert data["resolve_s"] == 1500.0
    assert data["workaround_s"] is None
    assert data["workaround_s_why"] == "restored by resolve, not by a workaround or failover"
    assert data["inform_customers_s_why"] == "customer notices were attempted but none was delivered"
    assert data["inform_resolution_s_why"] == 'no "resolved" notice sent to customers'
    assert data["updates_sent"] == 0


def test_impact_start_only_from_linked_components_in_the_hour_before():
    transitions = [Transition("other", at(-30), "OK", "DOWN"),      # not linked
                   Transition("db", at(-61), "OK", "DOWN"),         # too early
                   Transition("db", at(-40), "OK", "UNKNOWN"),      # no data is not impact
                   Transition("db", at(-20), "OK", "DEGRADED"),
                   Transition("db", at(+3), "DEGRADED", "DOWN")]    # after recording
    metrics = compute_metrics(MetricInputs(_facts(), transitions=transitions), now=at(30))
    assert metrics.impact_started_at == at(-20) and metrics.detect_s == 900.0


def test_missed_and_pending_promises():
    events = [Event(at(0), "notification_sent",
                    {"audience": "customers", "next_update_due_at": at(60).isoformat()})]
    notices = [Notice(at(0), "customers", True, "initial", "t1")]
    facts = _facts()
    pending = compute_metrics(MetricInputs(facts, events, (), notices), now=at(30)).promises
    missed = compute_metrics(MetricInputs(facts, events, (), notices), now=at(75)).promises
    assert [(p.status, p.late_s) for p in pending] == [("pending", None)]
    assert [(p.status, p.late_s) for p in missed] == [("missed", 900.0)]


def test_every_figure_has_one_definition():
    assert tuple(DEFINITIONS) == CONTRACT_KEYS == (
        "impact_started_at", "detect_s", "know_extent_s", "know_impact_s", "start_handling_s",
        "inform_customers_s", "workaround_s", "resolve_s", "inform_resolution_s")
    assert all(d.sentence.endswith(".") and d.label for d in DEFINITIONS.values())


# -- properties ------------------------------------------------------------------------

minutes = st.integers(min_value=-180, max_value=600)
maybe = st.one_of(st.none(), minutes)


@st.composite
def incidents(draw):
    detected = draw(maybe)
    restored = draw(maybe)
    facts = _facts(detected_at=None if detected is None else at(detected),
                   restored_at=None if restored is None else at(restored),
                   restore_path=draw(st.sampled_from([None, "resolve", "workaround", "failover"])))
    kinds = ["classified", "manager_assigned", "acknowledged", "restored", "opened", "affected_changed"]
    events = [Event(at(draw(minutes)), kind, {"customers": ["c1"]})
              for kind in draw(st.lists(st.sampled_from(kinds), max_size=8))]
    transitions = [Transition("db", at(draw(minutes)), "OK", draw(st.sampled_from(["DOWN", "DEGRADED", "OK"])))
                   for _ in range(draw(st.integers(0, 4)))]
    notices = [Notice(at(draw(minutes)), draw(st.sampled_from(["customers", "internal"])), draw(st.booleans()),
                      draw(st.sampled_from(["initial", "update", "resolved", None])), "t")
               for _ in range(draw(st.integers(0, 5)))]
    return MetricInputs(facts, events, transitions, notices)


@settings(max_examples=300, deadline=None)
@given(incidents(), minutes)
def test_no_metric_is_negative_and_stages_are_ordered(inputs, now):
    m = compute_metrics(inputs, now=at(now))
    for name in DURATION_KEYS:
        value = getattr(m, name)
        assert (value is None) != (m.why(name) is None), name  # a figure or a reason, never both
        assert value is None or value >= 0, name
    detected = m.moment("detected_at")
    assert m.impact_started_at <= detected
    assert m.impact_started_at + dt.timedelta(seconds=m.detect_s) == detected
    for name in ("know_extent_s", "know_impact_s", "start_handling_s", "inform_customers_s", "resolve_s"):
        value = getattr(m, name)
        assert value is None or detected + dt.timedelta(seconds=value) >= detected
    if m.resolve_s is not None:
        restored = m.moment("restored_at")
        assert detected + dt.timedelta(seconds=m.resolve_s) >= restored or m.resolve_s == 0
        assert m.workaround_s in (None, m.resolve_s)
    else:
        assert m.workaround_s is None and m.inform_resolution_s is None
    assert all(v >= 0 for _, v in m.customer_impact_minutes)
    assert all(p.late_s is None or p.late_s >= 0 for p in m.promises)
