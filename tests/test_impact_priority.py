"""Suggested ITIL priority with its reasons in words."""

from __future__ import annotations

import datetime as dt
import itertools

from noc_app.domain import Criticality, Status
from noc_app.impact import ImpactEngine, ImpactModel, Level, suggest_priority
from noc_app.impact.priority import ITIL_MATRIX
from noc_app.topology.model import ComponentSpec, CustomerSpec, Topology, Usage

MONDAY_11_NY = dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.timezone.utc)  # 11:00 EST
MONDAY_03_NY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.timezone.utc)  # 03:00 EST


def estate() -> Topology:
    """12 enterprise customers on the transaction path (9 in New York, 3 in Sydney),
    3 standard customers on reporting only, 60 standard customers elsewhere."""
    components = (
        ComponentSpec(id="db-main", name="primary database", criticality=Criticality.CRITICAL),
        ComponentSpec(id="api", name="API", depends_on=("db-main",),
                      criticality=Criticality.CRITICAL),
        ComponentSpec(id="reporting", name="reporting", criticality=Criticality.LOW),
        ComponentSpec(id="portal", name="portal"),
    )
    customers = [
        CustomerSpec(id=f"ent{i}", name=f"Ent {i}", tier="enterprise",
                     timezone="America/New_York" if i < 9 else "Australia/Sydney",
                     uses=(Usage("api"),))
        for i in range(12)
    ]
    customers += [CustomerSpec(id=f"rep{i}", name=f"Rep {i}", tier="standard",
                               timezone="America/New_York", uses=(Usage("reporting"),))
                  for i in range(3)]
    customers += [CustomerSpec(id=f"std{i}", name=f"Std {i}", tier="standard",
                               uses=(Usage("portal"),)) for i in range(60)]
    return Topology(source="test", components=components, customers=tuple(customers))


def engine() -> ImpactEngine:
    return ImpactEngine(ImpactModel.from_topology(estate()))


def test_many_enterprise_customers_in_hours_on_critical_component_is_p1():
    result = engine().compute({"db-main": Status.DOWN, "api": Status.DOWN})
    suggestion = suggest_priority(result, MONDAY_11_NY)
    assert (suggestion.priority, suggestion.impact, suggestion.urgency) == (
        "P1", Level.HIGH, Level.HIGH)
    assert suggestion.summary == "12 enterprise customers, 9 in business hours; primary database down"
    assert any("critical component primary database down" in r for r in suggestion.reasons)


def test_same_outage_at_night_is_less_urgent():
    result = engine().compute({"db-main": Status.DOWN})
    suggestion = suggest_priority(result, MONDAY_03_NY)
    # 03:00 in New York, 19:00 in Sydney: nobody affected is at work.
    assert suggestion.urgency is Level.MEDIUM  # critical component keeps it from Low
    assert suggestion.priority == "P2"
    assert "12 enterprise customers, 0 in business hours" in suggestion.summary


def test_few_standard_customers_out_of_hours_on_low_component_is_low_priority():
    result = engine().compute({"reporting": Status.DEGRADED})
    suggestion = suggest_priority(result, MONDAY_03_NY)
    assert (suggestion.impact, suggestion.urgency, suggestion.priority) == (
        Level.LOW, Level.LOW, "P5")
    assert suggestion.summary == "3 standard customers, 0 in business hours; reporting degraded"


def test_nothing_failing_is_p5_with_a_plain_reason():
    suggestion = suggest_priority(engine().result(), MONDAY_11_NY)
    assert suggestion.priority == "P5"
    assert suggestion.reasons[0] == "no customers affected"
    assert suggestion.to_dict()["priority"] == "P5"


def test_matrix_is_the_itil_one():
    rank = {Level.HIGH: 1, Level.MEDIUM: 2, Level.LOW: 3}
    for impact, urgency in itertools.product(Level, Level):
        assert ITIL_MATRIX[impact, urgency] == f"P{rank[impact] + rank[urgency] - 1}"
