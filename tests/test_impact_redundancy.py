"""Redundancy groups in the status engine: AT RISK, then IMPACTED, then back; SPOF with groups."""

from __future__ import annotations

import datetime as dt

from noc_app.domain import Status
from noc_app.impact import ImpactEngine, ImpactModel, status_document, suggest_priority
from noc_app.impact.spof import spof_document, spof_ranking
from noc_app.topology.loader import parse_topology

AT = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.timezone.utc)  # a Monday afternoon in UTC

PAIR = '''
[[redundancy]]
id = "db-pair"
any_of = ["db-main", "db-replica"]

[[component]]
id = "db-main"
name = "Primary database"
criticality = "critical"
[[component]]
id = "db-replica"
name = "Replica database"
[[component]]
id = "auth"
name = "Auth"
[[component]]
id = "api"
name = "API"
depends_on = ["auth", "db-pair"]
[[component]]
id = "web"
name = "Web"
depends_on = ["api"]

[[customer]]
id = "acme"
name = "ACME"
tier = "enterprise"
timezone = "UTC"
business_hours = "00:00-00:00"
business_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
uses = ["web"]
[[customer]]
id = "bob"
name = "Bob's"
tier = "standard"
uses = ["api"]
'''


def model(text: str = PAIR) -> ImpactModel:
    return ImpactModel.from_topology(parse_topology(text, "t.toml"))


def test_one_member_lost_is_at_risk_both_lost_is_impacted_then_recovery():
    engine = ImpactEngine(model())
    # One of the pair fails: the API is AT RISK, not IMPACTED, and nobody is hurt.
    engine.set_status("db-main", Status.DOWN)
    r = engine.result()
    assert r.status("api") is Status.OK and r.is_at_risk("api")
    assert r.lost_members("api") == ("db-main",)
    assert r.status("web") is Status.OK and not r.is_at_risk("web")
    assert r.impacted_count == 0
    assert r.probable_causes == ("db-main",)
    doc = status_document(r, AT)
    api = next(c for c in doc["components"] if c["id"] == "api")
    assert api["status"] == "OK" and api["redundancy"] == "degraded" and api["lost"] == ["db-main"]
    assert "redundancy" not in next(c for c in doc["components"] if c["id"] == "web")
    priority = suggest_priority(r, AT)
    assert priority.priority in ("P4", "P5") and "redundancy lost" in priority.summary
    assert doc["redundancy_groups"][0]["group"] == "db-pair"

    # The other one fails too: the group is below need, its dependents IMPACTED,
    # both members probable causes together, customers counted.
    engine.set_status("db-replica", Status.DOWN)
    r = engine.result()
    assert r.status("api") is Status.IMPACTED and r.status("web") is Status.IMPACTED
    assert not r.is_at_risk("api") and r.redundancy_state("api") == "failed"
    assert set(r.probable_causes) == {"db-main", "db-replica"}
    assert r.impacted_count == 2
    assert r.cause_weight("db-main") == r.cause_weight("db-replica") == 11.0  # 10 + 1
    doc = status_document(r, AT)
    assert {c["id"] for c in doc["impacted_customers"]} == {"acme", "bob"}
    api = next(c for c in doc["components"] if c["id"] == "api")
    assert api["redundancy"] == "failed" and sorted(api["lost"]) == ["db-main", "db-replica"]
    priority = suggest_priority(r, AT)
    assert priority.urgency.value == "high" and "lost its last healthy member" in " ".join(priority.reasons)

    # The replica recovers: back to AT RISK, nobody hurt.
    engine.set_status("db-replica", Status.OK)
    r = engine.result()
    assert r.status("api") is Status.OK and r.is_at_risk("api") and r.impacted_count == 0
    full = ImpactEngine(model(), {"db-main": Status.DOWN, "db-replica": Status.OK}).result()
    assert (full.effective == r.effective).all() and (full.redundancy_lost == r.redundancy_lost).all()


def test_a_plain_dependency_still_impacts_beside_a_healthy_group():
    engine = ImpactEngine(model(), {"auth": Status.DOWN, "db-main": Status.DOWN})
    r = engine.result()
    assert r.status("api") is Status.IMPACTED  # auth is a hard dependency
    assert r.redundancy_state("api") == "degraded"  # the group itself still holds
    assert not r.is_at_risk("api")  # IMPACTED wins on the wall


def test_spof_ranking_with_and_without_the_group():
    hard = PAIR.replace('depends_on = ["auth", "db-pair"]', 'depends_on = ["auth", "db-main", "db-replica"]')
    without = {e.id: e.weight for e in spof_ranking(model(hard))}
    assert without == {"db-main": 11.0, "db-replica": 11.0, "auth": 11.0, "api": 11.0, "web": 10.0}
    grouped = model()
    with_group = {e.id: e.weight for e in spof_ranking(grouped)}
    assert with_group == {"auth": 11.0, "api": 11.0, "web": 10.0}  # the pair members are gone
    doc = spof_document(grouped)
    assert [r["id"] for r in doc["redundant"]] == ["db-main", "db-replica"]
    assert doc["redundant"][0]["spare"] == 1 and doc["redundant"][0]["groups"] == ["db-pair"]
    [group] = doc["groups"]
    assert group["id"] == "db-pair" and group["spare"] == 1 and group["need"] == 1
    assert group["loss_of_two"]["weight"] == 11.0 and group["loss_of_two"]["customers"] == 2


def test_a_common_dependency_of_both_members_is_a_spof():
    """Both load balancers in one data centre: the pair does not protect against the site."""
    text = PAIR.replace('''[[component]]
id = "db-main"
name = "Primary database"''', '''[[component]]
id = "dc"
name = "Data centre"
[[component]]
id = "db-main"
name = "Primary database"
depends_on = ["dc"]''').replace('''id = "db-replica"
name = "Replica database"''', '''id = "db-replica"
name = "Replica database"
depends_on = ["dc"]''')
    weights = {e.id: e.weight for e in spof_ranking(model(text))}
    assert weights["dc"] == 11.0 and "db-main" not in weights


def test_spof_report_lists_the_redundant_members_and_the_groups_apart():
    from noc_app.meetings.spof import spof_report
    from noc_app.reader_time import ReaderClock
    from noc_app.reports.markdown import to_markdown

    document, data = spof_report(parse_topology(PAIR, "t.toml"), ReaderClock.named("UTC"), AT)
    assert [c["id"] for c in data["components"]] == ["api", "auth", "web"]
    assert {c["redundancy"] for c in data["components"]} == {"none modelled"}
    assert [r["id"] for r in data["redundant"]] == ["db-main", "db-replica"]
    [group] = data["groups"]
    assert group["id"] == "db-pair" and group["loss_of_two"]["customers"] == 2
    text, _ = to_markdown(document)
    assert "Redundant components" in text and "db-main and db-replica: 2 customers" in text


def test_a_swap_of_the_lost_member_repaints_the_dependent():
    engine = ImpactEngine(model(), {"db-main": Status.DOWN})
    changed = engine.set_statuses({"db-main": Status.OK, "db-replica": Status.DOWN})
    assert "api" in changed  # still AT RISK, but it lost another member: its tooltip must say so
    assert engine.result().lost_members("api") == ("db-replica",)
