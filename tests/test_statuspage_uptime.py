"""90-day uptime bars against a hand computation on scripted confirmed transitions."""

from __future__ import annotations

import datetime as dt

import pytest

from noc_app.statuspage import config as page_config
from noc_app.statuspage.uptime import UptimeTracker
from noc_app.storage import models as db
from noc_app.topology import parse_topology
from noc_app.workspace import open_workspace

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = dt.datetime(2026, 11, 20, tzinfo=UTC)

TOPOLOGY = """
[[component]]
id = "a"
name = "A"
  [[component.check]]
  url = "http://127.0.0.1:9/a"
[[component]]
id = "b"
name = "B"
  [[component.check]]
  url = "http://127.0.0.1:9/b"
[status_page]
name = "P"
[[status_page.component]]
id = "p"
name = "P"
components = ["a", "b"]
"""


def at(days: int, hours: float) -> dt.datetime:
    return TODAY + dt.timedelta(days=days, hours=hours)


SCRIPT = [  # (check, at, from, to)
    ("a#0", at(-10, 0), "UNKNOWN", "OK"), ("b#0", at(-10, 0), "UNKNOWN", "OK"),
    ("a#0", at(-2, 10), "OK", "DOWN"), ("a#0", at(-2, 11), "DOWN", "OK"),          # 1 h partial outage
    ("b#0", at(-1, 2), "OK", "MAINTENANCE"), ("b#0", at(-1, 4), "MAINTENANCE", "OK"),  # 2 h maintenance
    ("b#0", at(0, 6), "OK", "DOWN"), ("a#0", at(0, 6.25), "OK", "DOWN"),           # 06:00 partial, 06:15 major
    ("b#0", at(0, 6.5), "DOWN", "OK"), ("a#0", at(0, 6.75), "DOWN", "OK"),         # 06:30 partial, 06:45 up
]


@pytest.fixture
def sessions(db_url):
    workspace = open_workspace(parse_topology(TOPOLOGY), db_url)
    with workspace.sessions.begin() as s:
        for key, when, old, new in SCRIPT:
            s.add(db.StateTransition(check_key=key, component_id=key[0], at=when, from_status=old, to_status=new))
        for key in ("a#0", "b#0"):
            state = s.get(db.CheckState, key)
            state.status = "OK"
            # A poller reporting through the times the tests compute at (12:00-12:30): the shared
            # accounting counts a check that never reported, or stopped reporting, as no data.
            state.last_result_at = at(0, 13)
    yield workspace.sessions
    workspace.close()


def test_uptime_matches_the_hand_computation(sessions):
    with sessions() as s:
        page = page_config.from_database(s)
        uptime = UptimeTracker(days=90).compute(s, page, NOW)["p"]
    days = {d.date: d for d in uptime.days}
    assert len(uptime.days) == 90 and uptime.days[-1].date == NOW.date()
    assert days[dt.date(2026, 11, 18)].status == "partial_outage" and days[dt.date(2026, 11, 18)].down_s == 3600
    assert days[dt.date(2026, 11, 19)].status == "under_maintenance"
    assert days[dt.date(2026, 11, 19)].measured_s == 22 * 3600  # maintenance is out of the denominator
    today = days[dt.date(2026, 11, 20)]
    assert today.status == "major_outage" and today.down_s == 45 * 60 and today.measured_s == 12 * 3600
    assert days[dt.date(2026, 11, 9)].status == "no_data" and days[dt.date(2026, 11, 9)].measured_s == 0
    assert days[dt.date(2026, 11, 10)].status == "operational"
    measured = 10 * 86400 + 12 * 3600 - 2 * 3600  # data from day -10 on, minus the window
    assert uptime.down_s == 3600 + 45 * 60
    assert uptime.percent == pytest.approx(100 * (1 - (3600 + 45 * 60) / measured))


def test_a_rewrite_sweeps_only_today_and_agrees_with_a_full_sweep(sessions):
    tracker = UptimeTracker(days=90)
    with sessions() as s:
        page = page_config.from_database(s)
        tracker.compute(s, page, NOW)
    with sessions.begin() as s:  # a new outage today
        s.add(db.StateTransition(check_key="a#0", component_id="a", at=at(0, 11), from_status="OK", to_status="DOWN"))
    later = NOW + dt.timedelta(minutes=30)
    with sessions() as s:
        cached = tracker.compute(s, page, later)["p"]
        fresh = UptimeTracker(days=90).compute(s, page, later)["p"]
    assert tracker.full_runs == 1
    assert cached == fresh
    assert cached.days[-1].down_s == 45 * 60 + 90 * 60  # down since 11:00, now 12:30


def test_a_transition_recorded_late_reaches_the_finished_days_and_nothing_else_resweeps(sessions):
    tracker = UptimeTracker(days=90, full_every_s=0)  # the finished days' inputs are checked on every compute
    with sessions() as s:
        page = page_config.from_database(s)
        tracker.compute(s, page, NOW)
        tracker.compute(s, page, NOW + dt.timedelta(minutes=1))
    assert tracker.full_runs == 1  # checked, unchanged: not swept again
    with sessions.begin() as s:  # a poller that was cut off reports yesterday's outage now
        s.add(db.StateTransition(check_key="b#0", component_id="b", at=at(-1, 20), from_status="OK", to_status="DOWN"))
        s.add(db.StateTransition(check_key="b#0", component_id="b", at=at(-1, 21), from_status="DOWN", to_status="OK"))
    later = NOW + dt.timedelta(minutes=2)
    with sessions() as s:
        cached = tracker.compute(s, page, later)["p"]
        fresh = UptimeTracker(days=90).compute(s, page, later)["p"]
    assert tracker.full_runs == 2 and cached == fresh
    assert {d.date: d for d in cached.days}[dt.date(2026, 11, 19)].down_s == 3600
