"""A scripted outage with known times, written as the poller and the incident service would.

On the small test topology: db-main degrades at 14:50, fails at 14:55 and
recovers at 15:30; the API (which depends on it) fails at 14:56 and recovers
at 15:31; the web app is never down itself, only IMPACTED. The incident is
detected at 14:57, opened at 15:00, restored 15:32, closed 15:40. Raw samples
every 10 s for db-main and the API over the whole window.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import insert

from noc_app.incidents import IncidentService
from noc_app.storage import models as db
from noc_app.storage.db import transaction

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc
DAY = dt.datetime(2026, 11, 23, tzinfo=UTC)


def at(hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return DAY.replace(hour=int(h), minute=int(m))


# (check, at, from, to, reason)
TRANSITIONS = [
    ("db-main#0", "14:50", "OK", "DEGRADED", "slow: 1900 ms"),
    ("db-main#0", "14:55", "DEGRADED", "DOWN", "connection refused"),
    ("api#0", "14:56", "OK", "DOWN", "HTTP 503"),
    ("db-main#0", "15:30", "DOWN", "OK", None),
    ("api#0", "15:31", "DOWN", "OK", None),
]
CHECKS = ("db-main#0", "db-reporting#0", "api#0", "api#1", "web#0", "reporting#0")
#: (moment, {component: expected effective status}) — what the wall showed.
EXPECTED = [
    ("14:45", {"db-main": "OK", "api": "OK", "web": "OK"}),
    ("14:52", {"db-main": "DEGRADED", "api": "IMPACTED", "web": "IMPACTED"}),
    ("15:10", {"db-main": "DOWN", "api": "DOWN", "web": "IMPACTED"}),
    ("16:00", {"db-main": "OK", "api": "OK", "web": "OK"}),
]


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def write_outage(sessions) -> int:
    """The transitions, samples and the incident; returns the incident id."""
    with transaction(sessions) as s:
        for key in CHECKS:  # every check confirmed OK long before
            s.add(db.StateTransition(check_key=key, component_id=key.split("#")[0], at=at("09:00"),
                                     from_status="UNKNOWN", to_status="OK"))
        for key, when, a, b, reason in TRANSITIONS:
            s.add(db.StateTransition(check_key=key, component_id=key.split("#")[0], at=at(when),
                                     from_status=a, to_status=b, reason=reason))
        for key in CHECKS:
            s.merge(db.CheckState(check_key=key, status="OK", status_since=at("15:31")))
    rows = []
    t = at("13:30")
    while t < at("17:00"):
        for key in ("db-main#0", "api#0"):
            down = (key == "db-main#0" and at("14:55") <= t < at("15:30")) or \
                   (key == "api#0" and at("14:56") <= t < at("15:31"))
            rows.append({"check_key": key, "at": t, "status": "DOWN" if down else "OK",
                         "latency_ms": None if down else 40.0, "http_status": None if down else 200,
                         "error": "connection refused" if down else None})
        t += dt.timedelta(seconds=10)
    with transaction(sessions) as s:
        s.execute(insert(db.CheckSample), rows)
    clock = Clock(at("15:00"))
    service = IncidentService(sessions, "alice", clock=clock)
    change = service.open_incident("Checkout failing", "internal_monitoring", "API answers 503",
                                   component_ids={"db-main": "cause", "api": "symptom"},
                                   customer_ids=["acme", "globex"], detected_at=at("14:57"))
    incident_id = change.incident_id
    service.record_check_transitions(incident_id)
    clock.now = at("15:02")
    change = service.classify(incident_id, "high", "high", change.version)
    change = service.assign_manager(incident_id, "alice", change.version)
    clock.now = at("15:10")
    service.add_note(incident_id, "pgbouncer pool exhausted; restarting pods")
    clock.now = at("15:32")
    change = service.restore(incident_id, "resolve", "pgbouncer restarted", change.version)
    service.record_check_transitions(incident_id)
    clock.now = at("15:40")
    version = service.get(incident_id).version
    service.close(incident_id, "pool too small after chg-101", [], None, None, version)
    return incident_id
