"""The status page's uptime and the availability report's public rows: one accounting, the same figures.

The scripted day of ``availability_scenario`` (an outage, a maintenance
window, a poller gap) through the real publisher, on SQLite and PostgreSQL:
the page's 90-day figures are the report's public-component rows for the
same window, exactly, after a full read and after a ``--watch`` rewrite that
swept only today; the scripted day's bar carries the hand-computed seconds.
"""

from __future__ import annotations

import datetime as dt

import pytest

from availability_scenario import DAY, NEXT_DAY, build
from noc_app.availability import compute_availability, read_history
from noc_app.availability.public import public_components
from noc_app.statuspage.html_pages import _percent
from noc_app.statuspage.publisher import StatusPagePublisher
from noc_app.statuspage.uptime import day_bounds

# 20 s after midnight: the checks' last results (23:59:30) are within the gap tolerance (60 s), so the
# poller still counts as running and the scripted day is exactly the hand-computed one.
NOW = NEXT_DAY + dt.timedelta(seconds=20)


@pytest.fixture
def scenario(db_url, tmp_path):
    workspace = build(db_url)
    clock = [NOW]
    yield workspace, StatusPagePublisher(workspace.sessions, tmp_path / "site", clock=lambda: clock[0]), clock
    workspace.close()


def report_rows(workspace, now: dt.datetime) -> dict:
    start = day_bounds(now, "UTC", 90)[0]
    with workspace.sessions() as s:
        result = compute_availability(workspace.topology, read_history(s, start, now), start, now, now=now,
                                      public=public_components(workspace.topology, s))
    return {r.id: r for r in result.public}


def test_status_page_uptime_is_the_availability_reports_public_row(scenario, tmp_path):
    workspace, publisher, clock = scenario
    page = publisher.publish().page
    uptime = {c.id: c.uptime for c in page.components}
    rows = report_rows(workspace, NOW)
    assert set(uptime) == set(rows) == {"core", "edge"}
    for pid, row in rows.items():
        assert uptime[pid].breakdown == row.breakdown  # every column, to the bit
        assert uptime[pid].percent == 100 * row.breakdown.availability
        assert uptime[pid].down_s == row.breakdown.down_s
        assert f"{_percent(uptime[pid].percent)} % uptime" in (tmp_path / "site/index.html").read_text()

    # The scripted day by hand: db down 10:00-10:30 (api and web rely on it), api degraded 12:00-12:10 and
    # silent 16:00:10-17:00 (no poller ran), web in maintenance 14:00-15:00 (down inside it: excused).
    core = {d.date: d for d in uptime["core"].days}[DAY.date()]
    edge = {d.date: d for d in uptime["edge"].days}[DAY.date()]
    assert (core.down_s, core.degraded_s, core.no_data_s, core.maintenance_s) == (1_800.0, 600.0, 3_590.0, 0.0)
    assert core.measured_s == 86_400.0 - 3_590.0
    assert (edge.down_s, edge.degraded_s, edge.no_data_s, edge.maintenance_s) == (1_800.0, 600.0, 3_590.0, 3_600.0)
    assert edge.measured_s == 86_400.0 - 3_590.0 - 3_600.0
    # web is down only through what it relies on, db alone of Core's members: partial, not major.
    assert core.status == edge.status == "partial_outage"
    days = {d.date: d for d in uptime["core"].days}
    before, earlier = days[DAY.date() - dt.timedelta(days=1)], days[DAY.date() - dt.timedelta(days=2)]
    assert (before.status, before.no_data_s) == ("operational", 23 * 3_600.0)  # first results at 23:00
    assert (earlier.status, earlier.measured_s) == ("no_data", 0.0)

    # A --watch rewrite 10 s later sweeps today only, on the finished days kept: still the report's figures.
    runs = publisher.uptime.full_runs
    clock[0] = NOW + dt.timedelta(seconds=10)
    later = {c.id: c.uptime for c in publisher.read().components}
    assert publisher.uptime.full_runs == runs
    for pid, row in report_rows(workspace, clock[0]).items():
        assert later[pid].breakdown == row.breakdown and later[pid].past is uptime[pid].past

    # Five minutes on, no poller has reported since 23:59:30: no data from 23:59:40, which reaches back into
    # the finished day, as the report counts it; the page reads the window again rather than keep stale days.
    clock[0] = NOW + dt.timedelta(minutes=5)
    later = {c.id: c.uptime for c in publisher.read().components}
    assert publisher.uptime.full_runs == runs + 1
    for pid, row in report_rows(workspace, clock[0]).items():
        assert later[pid].breakdown == row.breakdown
        assert later[pid].days[-1].status == "no_data" and later[pid].days[-1].no_data_s == 5 * 60 + 20
        assert {d.date: d for d in later[pid].days}[DAY.date()].no_data_s == 3_590.0 + 20
