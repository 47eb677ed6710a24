"""Availability accounting against a hand computation of a scripted day (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from availability_scenario import DAY, NEXT_DAY, at, build
from noc_app.availability import compute_availability, read_history
from noc_app.availability.business_hours import business_spans
from noc_app.availability.intervals import Spans, Window, intersect, subtract, union
from noc_app.impact.customers import BusinessHours
from noc_app.storage import models as db

PERIOD = 86_400.0


@pytest.fixture
def day(db_url):
    workspace = build(db_url)
    with workspace.sessions() as session:
        history = read_history(session, DAY, NEXT_DAY)
        gap = session.scalars(select(db.StateTransition).where(
            db.StateTransition.check_key == "api#0", db.StateTransition.to_status == "UNKNOWN")).all()
    yield workspace, history, gap
    workspace.close()


def figures(row):
    b = row.breakdown
    return (round(b.up_s, 3), round(b.degraded_s, 3), round(b.no_data_s, 3), round(b.maintenance_s, 3),
            round(b.down_s, 3))


def test_poller_gap_is_recorded_by_the_lease_that_resumes(day):
    _, _, gap = day
    assert [(g.at, g.from_status, g.reason[:22]) for g in gap] == [(at(16, 0, 10), "OK", "no data: no poller ran")]


def test_hand_computation_per_component_and_customer(day):
    workspace, history, _ = day
    result = compute_availability(workspace.topology, history, DAY, NEXT_DAY, now=NEXT_DAY + dt.timedelta(hours=1))
    rows = {(r.kind, r.id): r for r in result.rows}
    #                                            up        degraded no data maint   down
    assert figures(rows["component", "db"]) == (84_600.0, 0.0, 0.0, 0.0, 1_800.0)
    assert figures(rows["component", "api"]) == (82_210.0, 600.0, 3_590.0, 0.0, 0.0)
    assert figures(rows["component", "web"]) == (82_800.0, 0.0, 0.0, 3_600.0, 0.0)
    assert rows["component", "dc"].breakdown is None  # no checks: not measured, not "up"
    acme = rows["customer", "acme"]
    assert figures(acme) == (76_810.0, 600.0, 3_590.0, 3_600.0, 1_800.0)
    assert acme.breakdown.availability == pytest.approx(77_410 / 79_210)
    assert acme.breakdown.worst_case == pytest.approx(77_410 / 82_800)
    # SLA 99.9 %: budget 0.1 % of (day - maintenance) = 82.8 s; 1,800 s used.
    assert acme.sla.budget_s == pytest.approx(82.8)
    assert acme.sla.used_s == pytest.approx(1_800.0)
    assert acme.sla.breached and acme.sla.word == "BREACHED"
    beta = rows["customer", "beta"]
    assert figures(beta) == (80_410.0, 600.0, 3_590.0, 0.0, 1_800.0)
    # Tier target 99.5 %: budget 432 s, used 1,800 s.
    assert beta.sla.budget_s == pytest.approx(432.0) and beta.sla.breached
    # Public components default to one per group; Core holds db and api (and dc, unmeasured).
    assert figures(rows["public", "core"]) == (80_410.0, 600.0, 3_590.0, 0.0, 1_800.0)


def test_business_hours_in_the_customers_timezone(day):
    workspace, history, _ = day
    result = compute_availability(workspace.topology, history, DAY, NEXT_DAY, now=NEXT_DAY,
                                  business_hours=True)
    beta = next(r for r in result.customers if r.id == "beta")
    # 09:00-17:00 EST = 14:00-22:00 UTC: the db outage and the slow API were outside,
    # the poller gap (16:00:10-17:00) inside.
    assert beta.hours == "Mon, Tue, Wed, Thu, Fri 09:00-17:00 America/New_York"
    assert figures(beta) == (25_210.0, 0.0, 3_590.0, 0.0, 0.0)
    assert beta.breakdown.period_s == 28_800.0
    # One customer's hours apply to all the rows of its report.
    only = compute_availability(workspace.topology, history, DAY, NEXT_DAY, now=NEXT_DAY,
                                business_hours=True, customer="beta")
    assert {r.id for r in only.components} == {"api", "db"}
    assert all(r.breakdown.period_s == 28_800.0 for r in only.components)


def test_period_stops_at_now_and_scope_errors(day):
    workspace, history, _ = day
    result = compute_availability(workspace.topology, history, DAY, NEXT_DAY, now=at(12))
    db_row = next(r for r in result.components if r.id == "db")
    assert figures(db_row) == (41_400.0, 0.0, 0.0, 0.0, 1_800.0)
    from noc_app.availability import ScopeError
    with pytest.raises(ScopeError, match='unknown customer "nope"'):
        compute_availability(workspace.topology, history, DAY, NEXT_DAY, customer="nope")
    with pytest.raises(ScopeError, match='unknown group "Mars"; groups are: Core, Edge'):
        compute_availability(workspace.topology, history, DAY, NEXT_DAY, group="Mars")
    edge = compute_availability(workspace.topology, history, DAY, NEXT_DAY, now=NEXT_DAY, group="Edge")
    assert [r.id for r in edge.components] == ["web"] and [r.id for r in edge.customers] == ["acme"]


def test_business_spans_cross_midnight_and_daylight_saving():
    # A night shift 22:00-06:00 in Paris on Friday 2026-03-27 to Saturday; Paris moves to
    # summer time on Sunday 2026-03-29 02:00, so Sunday's shift (not a business day) is skipped
    # and Monday's starts at 20:00 UTC instead of 21:00.
    hours = BusinessHours("Europe/Paris", dt.time(22), dt.time(6), (0, 4))
    start = dt.datetime(2026, 3, 27, tzinfo=dt.timezone.utc).timestamp()
    end = dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc).timestamp()
    spans = business_spans(hours, start, end)
    utc = [tuple(dt.datetime.fromtimestamp(x, dt.timezone.utc).strftime("%a %H:%M") for x in p) for p in spans.pairs()]
    assert utc == [("Fri 21:00", "Sat 05:00"), ("Mon 20:00", "Tue 00:00")]


def test_span_algebra():
    a = Spans.of([0, 5, 20], [10, 15, 30])
    assert a.pairs() == [(0.0, 15.0), (20.0, 30.0)]
    b = Spans.of([3, 25], [4, 40])
    assert subtract(a, b).pairs() == [(0.0, 3.0), (4.0, 15.0), (20.0, 25.0)]
    assert intersect(a, b).pairs() == [(3.0, 4.0), (25.0, 30.0)]
    assert union([a, b]).pairs() == [(0.0, 15.0), (20.0, 40.0)]
    assert Window(Spans.of([0, 20], [10, 30])).measure(Spans.of([5], [25])) == 10.0


def test_redundancy_group_is_down_only_while_too_few_members_are_up():
    """web needs one of lb-a / lb-b: lb-a down 08:00-09:00 alone costs nothing, both down 08:30-08:45 does."""
    import numpy as np

    from noc_app.availability import CheckHistory, State
    from noc_app.topology import parse_topology

    topology = parse_topology("""
[[component]]
id = "lb-a"
name = "LB A"
  [[component.check]]
  url = "http://127.0.0.1:9/a"
[[component]]
id = "lb-b"
name = "LB B"
  [[component.check]]
  url = "http://127.0.0.1:9/b"
[[component]]
id = "web"
name = "Web"
depends_on = [{ any_of = ["lb-a", "lb-b"], need = 1 }]
  [[component.check]]
  url = "http://127.0.0.1:9/w"
[[customer]]
id = "acme"
name = "ACME"
tier = "enterprise"
uses = ["web"]
""", "redundancy.toml")
    t = lambda hh, mm=0: at(hh, mm).timestamp()  # noqa: E731
    history = CheckHistory(
        initial={k: State.UP for k in ("lb-a#0", "lb-b#0", "web#0")},
        times={"lb-a#0": np.array([t(8), t(9)]), "lb-b#0": np.array([t(8, 30), t(8, 45)])},
        states={"lb-a#0": np.array([4, 0], dtype=np.int8), "lb-b#0": np.array([4, 0], dtype=np.int8)},
        last_result={k: NEXT_DAY.timestamp() for k in ("lb-a#0", "lb-b#0", "web#0")})
    result = compute_availability(topology, history, DAY, NEXT_DAY, now=NEXT_DAY)
    acme = next(r for r in result.customers if r.id == "acme")
    assert acme.breakdown.down_s == 900.0
    web = next(r for r in result.components if r.id == "web")
    assert web.breakdown.down_s == 0.0  # its own checks stayed green


def test_a_row_limit_keeps_the_worst_rows_and_says_where_the_rest_is(day):
    from noc_app.availability.document import availability_document
    from noc_app.reader_time import ReaderClock
    from noc_app.reports.document import Paragraph, Table

    workspace, history, _ = day
    result = compute_availability(workspace.topology, history, DAY, NEXT_DAY, now=NEXT_DAY)
    whole = availability_document(result, ReaderClock.named("UTC"), NEXT_DAY)
    short = availability_document(result, ReaderClock.named("UTC"), NEXT_DAY, row_limit=1)

    def blocks(document, title):
        return next(s for s in document.sections if s.title == title).blocks

    tables = [b for b in blocks(whole, "Internal components") if isinstance(b, Table)]
    assert len(tables[0].rows) == len(result.components) > 1
    note, table = blocks(short, "Internal components")
    assert isinstance(note, Paragraph) and f"of {len(result.components)}" in note.text
    worst = min((r for r in result.components if r.breakdown), key=lambda r: r.breakdown.availability)
    assert len(table.rows) == 1
    assert table.rows[0][0] in (worst.id, f"{worst.name} ({worst.id})")
