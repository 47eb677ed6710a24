"""The status --json document and the SPOF report."""

from __future__ import annotations

import datetime as dt
import json

from noc_app.domain import Criticality, Status
from noc_app.impact import ImpactEngine, ImpactModel, spof_document, spof_ranking, spof_table
from noc_app.impact import status_document
from noc_app.topology.model import ComponentSpec, CustomerSpec, Topology, Usage


def topology() -> Topology:
    return Topology(
        source="test",
        tier_weights={"enterprise": 10.0, "standard": 1.0},
        components=(
            ComponentSpec(id="db-main", name="Primary DB", criticality=Criticality.CRITICAL),
            ComponentSpec(id="api", name="API", depends_on=("db-main",)),
            ComponentSpec(id="reporting", name="Reporting"),
            ComponentSpec(id="spare", name="Spare"),
        ),
        customers=(
            CustomerSpec(id="acme", name="ACME", tier="enterprise", timezone="Europe/Paris",
                         uses=(Usage("api"),)),
            CustomerSpec(id="bob", name="Bob", tier="standard", uses=(Usage("reporting"),)),
            CustomerSpec(id="cid", name="Cid", tier="standard",
                         uses=(Usage("api"), Usage("reporting"))),
        ),
    )


def test_status_document_follows_the_contract():
    model = ImpactModel.from_topology(topology())
    result = ImpactEngine(model, {"db-main": Status.DOWN}).result()
    at = dt.datetime(2026, 11, 23, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    doc = json.loads(json.dumps(status_document(result, at)))  # JSON-able as is
    assert doc["at"] == "2026-11-23T10:30:00+00:00"  # always UTC
    assert doc["components"][:2] == [
        {"id": "db-main", "status": "DOWN", "own_status": "DOWN", "probable_cause": True},
        {"id": "api", "status": "IMPACTED", "own_status": "OK", "probable_cause": False},
    ]
    assert [c["id"] for c in doc["components"]] == ["db-main", "api", "reporting", "spare"]
    assert doc["probable_causes"] == ["db-main"]
    acme, cid = doc["impacted_customers"]
    assert {k: acme[k] for k in ("id", "tier", "components", "in_business_hours")} == {
        "id": "acme", "tier": "enterprise", "components": ["api"], "in_business_hours": True}
    assert cid["id"] == "cid" and cid["components"] == ["api"] and cid["severity"] == "DOWN"
    assert doc["totals_by_tier"]["enterprise"]["impacted"] == 1
    assert doc["totals_by_tier"]["standard"] == {
        "customers": 2, "impacted": 1, "impacted_weight": 1.0, "in_business_hours": 1,
        "down": 1, "degraded": 0, "partners": 0}
    assert doc["suggested_priority"]["priority"] in {"P1", "P2", "P3", "P4", "P5"}
    assert doc["impacted_weight_share"] == round(11 / 12, 6)


def test_spof_ranking_table_and_json():
    model = ImpactModel.from_topology(topology())
    ranking = spof_ranking(model)
    assert [(e.id, e.customers, e.weight) for e in ranking] == [
        ("api", 2, 11.0), ("db-main", 2, 11.0), ("reporting", 2, 2.0)]
    assert ranking[1].by_tier == {"enterprise": 1, "standard": 1}
    assert "spare" not in {e.id for e in ranking}  # nobody uses it
    assert [e.id for e in spof_ranking(model, include_harmless=True)][-1] == "spare"
    doc = json.loads(json.dumps(spof_document(model, limit=2)))
    assert [c["id"] for c in doc["components"]] == ["api", "db-main"]
    assert doc["total_customer_weight"] == 12.0
    assert doc["components"][0]["share"] == round(11 / 12, 6)
    table = spof_table(model, limit=2).splitlines()
    assert table[0].split() == ["#", "component", "criticality", "customers", "weight", "share",
                                "enterprise", "standard"]
    assert table[2].split()[:2] == ["1", "api"] and "91.7%" in table[2]
    assert table[-1] == "... 1 more components put customers at risk"
