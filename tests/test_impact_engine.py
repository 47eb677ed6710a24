"""Hand-written cases for the rollup, probable causes and customer impact."""

from __future__ import annotations

import datetime as dt

import pytest

from noc_app.domain import Criticality, Status
from noc_app.impact import DependencyCycleError, DependencyGraph, ImpactEngine, ImpactModel
from noc_app.topology.model import ComponentSpec, CustomerSpec, Topology, Usage

AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)  # a Monday


def comp(cid: str, *deps: str, criticality: Criticality = Criticality.MEDIUM) -> ComponentSpec:
    return ComponentSpec(id=cid, name=cid.title(), depends_on=deps, criticality=criticality)


def customer(cid: str, tier: str, *uses: str) -> CustomerSpec:
    return CustomerSpec(id=cid, name=cid.upper(), tier=tier, uses=tuple(Usage(u) for u in uses))


def demo_topology() -> Topology:
    """The demo outage's shape: the main database takes the API and workers with it."""
    return Topology(
        source="test",
        components=(
            comp("dc"), comp("db-main", "dc", criticality=Criticality.CRITICAL),
            comp("reporting-db", "dc"), comp("api", "db-main"), comp("workers", "db-main"),
            comp("web", "api"), comp("reporting", "reporting-db"), comp("config"),
        ),
        customers=(
            customer("acme", "enterprise", "web"),
            customer("beta", "standard", "reporting"),
            customer("gamma", "business", "workers", "reporting"),
        ),
    )


@pytest.fixture
def engine() -> ImpactEngine:
    return ImpactEngine(ImpactModel.from_topology(demo_topology()))


def test_demo_outage_has_one_probable_cause_and_symptoms(engine):
    result = engine.compute({"db-main": Status.DOWN, "api": Status.DOWN, "workers": "DOWN"})
    assert result.probable_causes == ("db-main",)
    assert set(result.symptoms) == {"api", "workers"}
    assert result.status("web") is Status.IMPACTED and result.own_status("web") is Status.OK
    assert result.status("api") is Status.DOWN
    assert result.status("reporting") is Status.OK
    assert result.status("reporting-db") is Status.OK
    assert result.status("dc") is Status.OK
    assert result.status("config") is Status.OK  # no checks, no entry: OK


def test_demo_outage_customers(engine):
    result = engine.compute({"db-main": Status.DOWN, "api": Status.DOWN, "workers": "DOWN"})
    hurt = {ci.id: ci for ci in result.customer_impacts(AT)}
    assert set(hurt) == {"acme", "gamma"}  # beta only uses reporting, which is fine
    assert hurt["acme"].components == ("web",)
    assert hurt["acme"].severity is Status.DOWN
    assert hurt["gamma"].components == ("workers",)
    assert hurt["acme"].weight == 10.0 and hurt["acme"].tier == "enterprise"
    assert [ci.id for ci in result.customer_impacts(AT)] == ["acme", "gamma"]  # heaviest first


def test_degraded_cause_gives_degraded_severity_and_impacted_dependents(engine):
    result = engine.compute({"db-main": Status.DEGRADED})
    assert result.status("api") is Status.IMPACTED
    assert result.status("web") is Status.IMPACTED
    hurt = {ci.id: ci.severity for ci in result.customer_impacts(AT)}
    assert hurt == {"acme": Status.DEGRADED, "gamma": Status.DEGRADED}


def test_down_anywhere_upstream_makes_severity_down(engine):
    result = engine.compute({"db-main": Status.DOWN, "api": Status.DEGRADED})
    assert result.probable_causes == ("db-main",)
    assert result.symptoms == ("api",)
    assert {ci.id: ci.severity for ci in result.customer_impacts(AT)}["acme"] is Status.DOWN


def test_maintenance_is_not_failing(engine):
    result = engine.compute({"db-main": Status.MAINTENANCE})
    assert result.probable_causes == ()
    assert result.status("api") is Status.OK
    assert result.impacted_count == 0


def test_maintenance_component_keeps_its_status_but_impact_passes_through(engine):
    result = engine.compute({"dc": Status.DOWN, "api": Status.MAINTENANCE})
    assert result.status("api") is Status.MAINTENANCE
    assert result.status("web") is Status.IMPACTED  # web depends on dc through api
    assert result.probable_causes == ("dc",)


def test_unknown_with_failing_dependency_shows_impacted(engine):
    result = engine.compute({"db-main": Status.DOWN, "api": Status.UNKNOWN})
    assert result.status("api") is Status.IMPACTED
    assert result.own_status("api") is Status.UNKNOWN
    assert not result.is_probable_cause("api")
    alone = engine.compute({"api": Status.UNKNOWN})
    assert alone.status("api") is Status.UNKNOWN
    assert alone.status("web") is Status.OK and alone.impacted_count == 0


def test_causes_ranked_by_customer_weight_behind_them(engine):
    result = engine.compute({"reporting-db": Status.DOWN, "db-main": Status.DOWN})
    # db-main carries acme (10) and gamma (5); reporting-db carries beta (1) and gamma (5).
    assert result.probable_causes == ("db-main", "reporting-db")
    assert result.cause_weight("db-main") == 15.0
    assert result.cause_weight("reporting-db") == 6.0


def test_set_status_reports_what_changed_and_leaves_old_results_alone(engine):
    before = engine.result()
    changed = engine.set_status("db-main", Status.DOWN)
    assert set(changed) == {"db-main", "api", "workers", "web"}
    assert before.status("web") is Status.OK  # a snapshot does not move
    assert engine.result().status("web") is Status.IMPACTED
    assert engine.set_status("db-main", Status.DOWN) == ()
    changed = engine.set_status("api", Status.DOWN)  # a symptom: only its own row changes
    assert changed == ("api",)
    engine.set_status("db-main", Status.OK)
    after = engine.result()
    assert after.probable_causes == ("api",)
    assert after.status("workers") is Status.OK


def test_bad_inputs_are_refused(engine):
    with pytest.raises(ValueError, match="derived"):
        engine.compute({"api": Status.IMPACTED})
    with pytest.raises(KeyError, match="nope"):
        engine.compute({"nope": Status.DOWN})
    assert engine.compute({"nope": Status.DOWN}, strict=False).failing == ()
    with pytest.raises(ValueError):
        engine.set_status("api", "BROKEN")
    with pytest.raises(KeyError):
        engine.set_status("nope", Status.DOWN)


def test_cycle_is_named():
    with pytest.raises(DependencyCycleError) as err:
        DependencyGraph.from_edges(["a", "b", "c", "d"],
                                   [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
    cycle = err.value.cycle
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    assert "->" in str(err.value)


def test_downstream_mask_includes_transitive_dependents():
    graph = DependencyGraph.from_edges(["db", "api", "web", "other"],
                                       [("api", "db"), ("web", "api")])
    assert graph.downstream_mask(0).tolist() == [True, True, True, False]
    assert graph.downstream_mask(2).tolist() == [False, False, True, False]
    assert list(graph.order).index(0) < list(graph.order).index(1) < list(graph.order).index(2)


def test_empty_model_works():
    engine = ImpactEngine(ImpactModel.from_topology(Topology(source="empty")))
    result = engine.result()
    assert result.probable_causes == () and result.impacted_count == 0
    assert result.impacted_share == 0.0
