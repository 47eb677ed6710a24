"""A scripted day, fed through the real state machine, recorder and lease manager.

Monday 2026-11-02 (UTC), three checked components: ``db`` <- ``api`` <- ``web``.
Hand-computed figures for the test of the accounting:

* db: DOWN 10:00:00-10:30:00 (1,800 s);
* api: DEGRADED 12:00-12:10 (600 s); no poller ran after its 16:00:00 result
  until 17:00:00: no data from 16:00:10 (one 10 s interval later) = 3,590 s;
* web: maintenance window 14:00-15:00 (3,600 s), DOWN inside it 14:10-14:40
  (excused: counted as maintenance);
* acme (enterprise, SLA 99.9 %) uses web, so relies on web, api and db;
* beta (standard, New York, business hours 09:00-17:00) uses api. New York
  left daylight saving on 2026-11-01, so its Monday is 14:00-22:00 UTC.
"""

from __future__ import annotations

import datetime as dt

from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.polling.leases import LeaseManager
from noc_app.polling.recorder import write_batch
from noc_app.polling.state import CheckStateMachine
from noc_app.storage.db import transaction
from noc_app.topology import parse_topology
from noc_app.workspace import open_workspace

DAY = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)
NEXT_DAY = DAY + dt.timedelta(days=1)

TOPOLOGY = """
[defaults]
interval = "10s"
retries = 0

[sla]
standard = "99.5%"

[[component]]
id = "db"
name = "Main database"
group = "Core"
  [[component.check]]
  kind = "tcp"
  host = "127.0.0.1"
  port = 5432

[[component]]
id = "api"
name = "Public API"
group = "Core"
depends_on = ["db"]
  [[component.check]]
  url = "http://127.0.0.1:9/health"

[[component]]
id = "web"
name = "Web app"
group = "Edge"
depends_on = ["api"]
  [[component.check]]
  url = "http://127.0.0.1:9/web"

[[component]]
id = "dc"
name = "Data centre (no checks)"
group = "Core"

[[customer]]
id = "acme"
name = "ACME Corp"
tier = "enterprise"
sla = "99.9%"
uses = ["web"]

[[customer]]
id = "beta"
name = "Beta Ltd"
tier = "standard"
timezone = "America/New_York"
business_hours = "09:00-17:00"
uses = ["api"]

[[maintenance]]
id = "web-upgrade"
components = ["web"]
start = 2026-11-02T14:00:00Z
end = 2026-11-02T15:00:00Z
reason = "web upgrade"
"""


def at(hh: int, mm: int = 0, ss: int = 0) -> dt.datetime:
    return DAY + dt.timedelta(hours=hh, minutes=mm, seconds=ss)


# (time, check, status, in maintenance)
SCRIPT = [
    (DAY - dt.timedelta(hours=1), "db#0", Status.OK, False),
    (DAY - dt.timedelta(hours=1), "api#0", Status.OK, False),
    (DAY - dt.timedelta(hours=1), "web#0", Status.OK, False),
    (at(10), "db#0", Status.DOWN, False),
    (at(10, 30), "db#0", Status.OK, False),
    (at(12), "api#0", Status.DEGRADED, False),
    (at(12, 10), "api#0", Status.OK, False),
    (at(14), "web#0", Status.OK, True),
    (at(14, 10), "web#0", Status.DOWN, True),
    (at(14, 40), "web#0", Status.OK, True),
    (at(15), "web#0", Status.OK, False),
    (at(16), "api#0", Status.OK, False),        # api's last result before the gap
    (at(16, 59, 30), "db#0", Status.OK, False),
    (at(16, 59, 30), "web#0", Status.OK, False),
]
AFTER_GAP = [
    (at(17), "api#0", Status.OK, False),
    (at(23, 59, 30), "db#0", Status.OK, False),
    (at(23, 59, 30), "api#0", Status.OK, False),
    (at(23, 59, 30), "web#0", Status.OK, False),
]


def _result(key: str, status: Status, when: dt.datetime) -> CheckResult:
    return CheckResult(key, key.split("#")[0], status, 5.0, 200, None if status is Status.OK else "scripted",
                       at=when)


def build(db_url: str, extra_topology: str = ""):
    """Open a workspace on ``db_url`` and play the script into it; returns the workspace."""
    topology = parse_topology(TOPOLOGY + extra_topology, "scenario.toml")
    workspace = open_workspace(topology, db_url)
    machines = {c.key: CheckStateMachine(c.key, c.component_id, c.retries) for c in topology.checks}
    with transaction(workspace.sessions) as session:
        for when, key, status, maint in SCRIPT:
            write_batch(session, [(_result(key, status, when), machines[key].feed(_result(key, status, when), maint))])
    # 17:00: a poller claims the checks; api's silence since 16:00 is recorded by the real lease code.
    leases = LeaseManager(workspace.sessions, owner="scenario-poller")
    _, seeds = leases.refresh(now=at(17))
    for key, seed in seeds.items():
        machines[key].seed(seed.status, seed.since)
    with transaction(workspace.sessions) as session:
        for when, key, status, maint in AFTER_GAP:
            write_batch(session, [(_result(key, status, when), machines[key].feed(_result(key, status, when), maint))])
    return workspace


def add_operations(workspace) -> None:
    """Incidents, promises, follow-ups, a change, upcoming maintenance and a flapping check around the day."""
    from noc_app.storage import models as db

    with transaction(workspace.sessions) as session:
        session.add(db.Person(id="ivy", name="Ivy Incident-Manager"))
        session.flush()
        # P1 on the db outage, restored, customers told at 10:05 with a promise for 10:35, next notice 10:50: missed.
        session.add(db.Incident(id=1, title="Database outage", stage="closed", priority="P1", detected_at=at(10, 1),
                                first_recorded_at=at(10, 2), incident_manager_id="ivy", restored_at=at(10, 30),
                                closed_at=at(11), root_cause="disk full"))
        # P2 still open, its next update was due at 23:00: overdue at the end of the day.
        session.add(db.Incident(id=2, title="Slow API responses", stage="investigate", priority="P2",
                                detected_at=at(12, 1), first_recorded_at=at(12, 2), next_update_due_at=at(23)))
        session.flush()
        session.add_all([db.IncidentCustomer(incident_id=1, customer_id="acme"),
                         db.IncidentCustomer(incident_id=1, customer_id="beta"),
                         db.IncidentCustomer(incident_id=2, customer_id="beta")])
        session.add_all([
            db.TimelineEvent(incident_id=1, at=at(10, 5), author="ivy", kind="notification_sent", summary="told",
                             data={"audience": "customers", "next_update_due_at": at(10, 35).isoformat()}),
            db.TimelineEvent(incident_id=1, at=at(10, 50), author="ivy", kind="notification_sent", summary="told",
                             data={"audience": "customers", "next_update_due_at": None}),
        ])
        session.add(db.FollowUpAction(incident_id=1, description="Add a replica to the main database",
                                      owner_id="ivy", due_at=at(20)))
        session.add(db.ChangeRecord(id="chg-42", summary="Database minor version upgrade", at=at(9, 30),
                                    author="dba", source="manual"))
        session.add(db.MaintenanceWindow(id="db-patch", starts_at=NEXT_DAY + dt.timedelta(hours=20),
                                         ends_at=NEXT_DAY + dt.timedelta(hours=21), reason="kernel patch"))
        session.flush()
        session.add(db.ChangeComponent(change_id="chg-42", component_id="db"))
        session.add(db.MaintenanceComponent(window_id="db-patch", component_id="db"))
        state = session.get(db.CheckState, "web#0")
        state.flapping = True
