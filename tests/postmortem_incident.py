"""A scripted incident with known times, run through the real incident service.

Shared by the metrics, post-mortem and export tests: every how-soon figure
of this incident is known in advance (``EXPECTED``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from noc_app.incidents import ChannelConfig, IncidentService
from noc_app.storage import models as db
from noc_app.storage.db import transaction

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc
# Monday 10:00 in New York: ACME (enterprise, 9-to-6) is at work.
START = dt.datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, minutes: float) -> dt.datetime:
        self.now = at(minutes)
        return self.now


EXPECTED = {
    "impact_started_at": "2026-11-23T14:53:00+00:00",  # db-main DOWN 7 min before recording
    "detect_s": 120.0,              # 14:53 -> detected 14:55
    "know_extent_s": 360.0,         # -> classified 15:01
    "know_impact_s": 300.0,         # -> customers set when opened, 15:00
    "start_handling_s": 420.0,      # -> manager assigned 15:02 (ack at 15:06 is later)
    "inform_customers_s": 540.0,    # -> first customer notice 15:04
    "workaround_s": 5700.0,         # -> restored by failover 16:30
    "resolve_s": 5700.0,
    "inform_resolution_s": 600.0,   # 16:30 -> resolved notice 16:40
}
IMPACT_MINUTES = {"enterprise": 97.0, "partner": 97.0, "standard": 97.0}  # 14:53 -> 16:30, each
WEIGHTED_MINUTES = 97.0 * (10 + 3 + 1)


def prepare(sessions) -> None:
    """The outage as the poller confirmed it, and the templates the script sends."""
    with transaction(sessions) as s:
        s.add(db.StateTransition(check_key="db-main#0", component_id="db-main", at=at(-7),
                                 from_status="OK", to_status="DOWN", reason="connection refused"))
        s.add(db.StateTransition(check_key="api#0", component_id="api", at=at(-6),
                                 from_status="OK", to_status="DOWN", reason="HTTP 503"))
        # Older than the hour before recording: not the start of this incident.
        s.add(db.StateTransition(check_key="db-main#0", component_id="db-main", at=at(-90),
                                 from_status="OK", to_status="DEGRADED", reason="slow"))
        s.add(db.StateTransition(check_key="db-main#0", component_id="db-main", at=at(-85),
                                 from_status="DEGRADED", to_status="OK", reason=None))
        s.get(db.Customer, "globex").email = "it@globex.example"
        s.add_all([
            db.MessageTemplate(id="customer-update", name="Customer: update", audience="customers",
                               kind="update", subject="Update: {incident_title}",
                               body="Still working on {components}. Next update by {next_update}."),
            db.MessageTemplate(id="customer-resolved", name="Customer: resolved",
                               audience="customers", kind="resolved",
                               subject="Resolved: {incident_title}",
                               body="Service is restored."),
        ])


def run_script(sessions, smtp_port: int, *, close: bool = True) -> int:
    """Detect to Close on a fixed clock; returns the incident id."""
    clock = Clock(START)
    service = IncidentService(sessions, "alice", clock=clock,
                              channels=ChannelConfig(smtp_host="127.0.0.1", smtp_port=smtp_port,
                                                     smtp_from="noc@vigil.example"))
    change = service.open_incident(
        "Checkout failing", "internal_monitoring", "API answers 503",
        component_ids={"db-main": "cause", "api": "symptom"},
        customer_ids=["acme", "globex", "channelco"], detected_at=at(-5))
    iid = change.incident_id
    service.record_check_transitions(iid)
    clock.set(1)
    version = service.classify(iid, "high", "high", change.version).version
    clock.set(2)
    service.assign_manager(iid, "alice", version)
    clock.set(4)
    service.send(iid, "customers", "customer-initial")       # promises 16:04
    clock.set(5)
    service.page_level(iid, "platform-oncall", 0)
    clock.set(6)
    service.acknowledge(service.pages(iid)[0].id)
    clock.set(70)
    service.send(iid, "customers", "customer-update")        # 6 min late; promises 17:10
    clock.set(90)
    service.restore(iid, "failover", "traffic moved to the replica", service.get(iid).version)
    clock.set(100)
    service.send(iid, "customers", "customer-resolved")      # keeps the 17:10 promise
    if close:
        clock.set(110)
        service.close(iid, "connection pool too small after chg-101",
                      [("Load-test pool size changes", "bob", at(7 * 24 * 60))], "alice",
                      at(3 * 24 * 60), service.get(iid).version)
    return iid
