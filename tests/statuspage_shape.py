"""The Statuspage v2 shape the published JSON must have (test helper).

Field names and allowed values as Atlassian's v2 API and DESIGN.md list them;
every time must be ISO 8601 with an offset.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

FILES = ("summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
         "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json",
         "scheduled-maintenances/active.json")
PAGE = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT = {"id", "name", "status", "description", "position", "group_id", "updated_at"}
INCIDENT = {"id", "name", "status", "impact", "created_at", "updated_at", "monitoring_at", "resolved_at",
            "shortlink", "incident_updates", "components"}
UPDATE = {"id", "status", "body", "created_at", "display_at", "affected_components"}
COMPONENT_STATUS = {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
INCIDENT_STATUS = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
MAINTENANCE_STATUS = {"scheduled", "in_progress", "verifying", "completed"}
IMPACT = {"none", "minor", "major", "critical"}


def aware(value, where: str, nullable: bool = False) -> None:
    if value is None and nullable:
        return
    assert isinstance(value, str), f"{where}: {value!r} is not a time"
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{where}: {value} has no offset"


def check_component(c: dict, where: str) -> None:
    assert COMPONENT <= set(c), f"{where}: missing {COMPONENT - set(c)}"
    assert c["status"] in COMPONENT_STATUS, f"{where}: status {c['status']}"
    assert isinstance(c["position"], int)
    aware(c["updated_at"], where + ".updated_at")


def check_incident(i: dict, where: str, maintenance: bool = False) -> None:
    assert INCIDENT <= set(i), f"{where}: missing {INCIDENT - set(i)}"
    allowed = MAINTENANCE_STATUS if maintenance else INCIDENT_STATUS
    assert i["status"] in allowed, f"{where}: status {i['status']}"
    assert i["impact"] in IMPACT, f"{where}: impact {i['impact']}"
    for key in ("created_at", "updated_at"):
        aware(i[key], f"{where}.{key}")
    for key in ("monitoring_at", "resolved_at"):
        aware(i[key], f"{where}.{key}", nullable=True)
    if maintenance:
        aware(i["scheduled_for"], where + ".scheduled_for")
        aware(i["scheduled_until"], where + ".scheduled_until")
    for n, u in enumerate(i["incident_updates"]):
        assert UPDATE <= set(u), f"{where}.incident_updates[{n}]: missing {UPDATE - set(u)}"
        assert u["status"] in allowed
        aware(u["created_at"], where + ".created_at")
        aware(u["display_at"], where + ".display_at")
        for a in u["affected_components"]:
            assert {"code", "name", "old_status", "new_status"} <= set(a)
            assert a["old_status"] in COMPONENT_STATUS and a["new_status"] in COMPONENT_STATUS
    times = [u["created_at"] for u in i["incident_updates"]]
    assert times == sorted(times, reverse=True), f"{where}: updates not newest first"
    for c in i["components"]:
        check_component(c, where + ".components")


def validate(out: Path) -> dict[str, dict]:
    """Every api/v2 file, parsed and checked; returns them by name."""
    docs = {}
    for name in FILES:
        doc = json.loads((out / "api" / "v2" / name).read_text(encoding="utf-8"))
        assert PAGE <= set(doc["page"]), f"{name}: page lacks {PAGE - set(doc['page'])}"
        aware(doc["page"]["updated_at"], name + ".page.updated_at")
        if "status" in doc:
            assert doc["status"]["indicator"] in IMPACT and isinstance(doc["status"]["description"], str)
        for n, c in enumerate(doc.get("components", [])):
            check_component(c, f"{name}.components[{n}]")
        for n, i in enumerate(doc.get("incidents", [])):
            check_incident(i, f"{name}.incidents[{n}]")
        for n, m in enumerate(doc.get("scheduled_maintenances", [])):
            check_incident(m, f"{name}.scheduled_maintenances[{n}]", maintenance=True)
        docs[name] = doc
    assert {"page", "status", "components", "incidents", "scheduled_maintenances"} <= set(docs["summary.json"])
    return docs
