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


def samples(step_s: int = 20) -> list[db.CheckSample]:
    """What the checks saw from 30 min before to 2 h after recording: slow, then down, then back."""
    out = []
    for key, down_from, down_to in (("db-main#0", -7, 90), ("api#0", -6, 90)):
        for i in range(-30 * 60 // step_s, 120 * 60 // step_s):
            minute = i * step_s / 60
            down = down_from <= minute < down_to
            slow = -20 <= minute < down_from
            out.append(db.CheckSample(check_key=key, at=at(minute), status="DOWN" if down else "OK",
                                      latency_ms=None if down else (900.0 if slow else 40.0 + (i % 7) * 5),
                                      http_status=None if down else 200,
                                      error="connection refused" if down else None))
    return out


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
        s.add_all(samples())
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


# -- the customer-version test: unique strings in every internal field ------------------------

PLANTED = {
    "title": "zqxTITLEplant", "manifestation": "zqxMANIFESTplant", "note": "zqxNOTEplant",
    "restore_step": "zqxSTEPplant", "role": "zqxROLEplant", "summary": "zqxSUMMARYplant",
    "triggered_by": "zqxTRIGGERplant", "went_well": "zqxWELLplant", "went_wrong": "zqxWRONGplant",
    "got_lucky": "zqxLUCKYplant", "lessons_learned": "zqxLESSONplant",
    "internal_url": "https://wiki.corp.internal/zqxURLplant",
}
#: Internal facts already in the script and the topology: people, other customers, ids, URLs.
INTERNAL_FACTS = (
    "Checkout failing", "API answers 503", "Alice Martin", "Bob Okafor", "alice@vigil.example",
    "ops@acme.example", "it@globex.example", "ACME Corp", "Globex", "ChannelCo", "channelco",
    "db-main", "Primary database", "Public API", "127.0.0.1", "47800", "platform-oncall",
    "Platform on-call", "chg-101", "Raise db-main connection pool", "Load-test pool size",
    "traffic moved to the replica", "connection pool too small", "kb-1", "pgbouncer",
)
PUBLIC = {"status": "Payments are working normally again", "title": "Card payments failing",
          "customer_summary": "Card payments failed; we moved traffic to standby systems.",
          "customer_prevention": "We are adding capacity alarms to our database tier."}


def plant(sessions, iid: int) -> None:
    """Write a unique string into every internal field (and the public texts) of incident ``iid``."""
    service = IncidentService(sessions, "alice", clock=Clock(at(120)))
    p = PLANTED
    service.record(iid, service.get(iid).version, title="Checkout failing " + p["title"],
                   manifestation=f"API answers 503 {p['manifestation']} see {p['internal_url']}")
    service.add_note(iid, f"{p['note']} runbook {p['internal_url']}")
    service.add_restore_step(iid, p["restore_step"])
    service.add_participant(iid, "bob", p["role"])
    service.record_postmortem(iid, service.get(iid).version,
                              **{k: p[k] + " " + p["internal_url"] for k in
                                 ("summary", "triggered_by", "went_well", "went_wrong", "got_lucky",
                                  "lessons_learned")},
                              customer_summary=PUBLIC["customer_summary"],
                              customer_prevention=PUBLIC["customer_prevention"])
    service.status_page_update("EU-West", "operational", PUBLIC["status"], incident_id=iid,
                               title=PUBLIC["title"])
    events = service.timeline(iid)
    for e in events:
        if e.kind in ("restored", "note"):
            service.mark_key_moment(iid, e.id)
