"""The Statuspage v2 JSON documents under ``api/v2/`` (the shape existing clients read).

Field names and allowed values follow Atlassian's public v2 API: ``page``,
``status``, ``components``, ``incidents`` with ``incident_updates``,
``scheduled_maintenances``. Incident bodies are cached per incident
(frozen values), so a ``--watch`` rewrite re-serialises only what changed.
"""

from __future__ import annotations

import json

from noc_app.statuspage.model import ComponentView, PublicIncident, PublicMaintenance, PublicPage
from noc_app.statuspage.timefmt import iso

RECENT_INCIDENTS = 50
ACTIVE_MAINTENANCE = ("in_progress", "verifying")


class JsonWriter:
    def __init__(self) -> None:
        # id(incident) -> (incident, body): the reader keeps unchanged incidents as the same objects,
        # and holding the object keeps its id from being reused.
        self._incidents: dict[int, tuple[PublicIncident, dict]] = {}
        self._page_key = None

    def documents(self, page: PublicPage) -> dict[str, bytes]:
        tz = page.time_zone
        head = {"page": {"id": page.id, "name": page.name, "url": page.url or "", "time_zone": tz,
                         "updated_at": iso(page.updated_at, tz)}}
        components = [_component(c, page) for c in page.components]
        by_id = {c["id"]: c for c in components}
        page_key = (page.id, page.url, page.time_zone)
        cache, self._incidents = (self._incidents if page_key == self._page_key else {}), {}
        self._page_key = page_key
        # Only the incidents a document shows (the recent ones and the open ones), not the whole history.
        shown = {id(i): i for i in page.incidents[:RECENT_INCIDENTS]} | {
            id(i): i for i in page.incidents if i.unresolved}
        bodies = {key: self._incident(i, page, by_id, cache) for key, i in shown.items()}
        incidents = [bodies[id(i)] for i in page.incidents[:RECENT_INCIDENTS]]
        unresolved = [bodies[id(i)] for i in page.incidents if i.unresolved]
        maintenances = [_maintenance(m, page, by_id) for m in page.maintenances]
        upcoming = [d for d, m in zip(maintenances, page.maintenances) if m.status == "scheduled"]
        active = [d for d, m in zip(maintenances, page.maintenances) if m.status in ACTIVE_MAINTENANCE]
        status = {"status": {"indicator": page.status.indicator, "description": page.status.description}}
        docs = {
            "summary.json": head | status | {"components": components, "incidents": unresolved,
                                             "scheduled_maintenances": active + upcoming},
            "status.json": head | status,
            "components.json": head | {"components": components},
            "incidents.json": head | {"incidents": incidents},
            "incidents/unresolved.json": head | {"incidents": unresolved},
            "scheduled-maintenances.json": head | {"scheduled_maintenances": list(reversed(maintenances))[:RECENT_INCIDENTS]},
            "scheduled-maintenances/upcoming.json": head | {"scheduled_maintenances": upcoming},
            "scheduled-maintenances/active.json": head | {"scheduled_maintenances": active},
        }
        return {f"api/v2/{name}": _dump(doc) for name, doc in docs.items()}

    def _incident(self, incident: PublicIncident, page: PublicPage, components: dict, cache: dict) -> dict:
        hit = cache.get(id(incident))
        body = hit[1] if hit is not None and hit[0] is incident else _incident_body(incident, page)
        self._incidents[id(incident)] = (incident, body)
        return body | {"components": [components[c] for c in incident.components if c in components]}


def _dump(doc: dict) -> bytes:
    # Compact, like Statuspage's own API; it also keeps json's C encoder (``indent`` turns it off).
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _component(c: ComponentView, page: PublicPage) -> dict:
    return {"id": c.id, "name": c.name, "status": c.status, "created_at": None,
            "updated_at": iso(c.updated_at, page.time_zone), "position": c.position,
            "description": c.description or None, "showcase": True, "start_date": None,
            "group_id": None, "page_id": page.id, "group": False, "only_show_if_degraded": False}


def _incident_body(i: PublicIncident, page: PublicPage) -> dict:
    tz = page.time_zone
    return {
        "id": i.id, "name": i.name, "status": i.status, "impact": i.impact,
        "created_at": iso(i.created_at, tz), "updated_at": iso(i.updated_at, tz),
        "monitoring_at": iso(i.monitoring_at, tz), "resolved_at": iso(i.resolved_at, tz),
        "started_at": iso(i.created_at, tz),
        "shortlink": page.link(f"incidents/{i.id}.html"), "page_id": page.id,
        "incident_updates": [
            {"id": u.id, "status": u.status, "body": u.body, "incident_id": i.id,
             "created_at": iso(u.created_at, tz), "updated_at": iso(u.created_at, tz),
             "display_at": iso(u.created_at, tz),
             "affected_components": [{"code": a.code, "name": a.name, "old_status": a.old_status,
                                      "new_status": a.new_status} for a in u.affected]}
            for u in i.updates],
    }


def _maintenance(m: PublicMaintenance, page: PublicPage, components: dict) -> dict:
    tz = page.time_zone
    # The topology keeps no creation time for a window: its phases are dated by the window itself.
    phases = [("scheduled", m.scheduled_for)]
    if m.status in ("in_progress", "verifying", "completed"):
        phases.append(("in_progress", m.scheduled_for))
    if m.status == "completed":
        phases.append(("completed", m.scheduled_until))
    updated = phases[-1][1]
    return {
        "id": m.id, "name": m.name, "status": m.status, "impact": "none",
        "created_at": iso(m.scheduled_for, tz), "updated_at": iso(updated, tz),
        "monitoring_at": None, "resolved_at": iso(m.scheduled_until, tz) if m.status == "completed" else None,
        "started_at": iso(m.scheduled_for, tz), "shortlink": page.link("index.html#maintenance"),
        "page_id": page.id, "scheduled_for": iso(m.scheduled_for, tz),
        "scheduled_until": iso(m.scheduled_until, tz),
        "incident_updates": [
            {"id": f"{m.id}-{status}", "status": status, "body": m.body, "incident_id": m.id,
             "created_at": iso(at, tz), "updated_at": iso(at, tz), "display_at": iso(at, tz),
             "affected_components": [{"code": c, "name": components[c]["name"], "old_status": "operational",
                                      "new_status": "under_maintenance" if status != "completed" else "operational"}
                                     for c in m.components if c in components]}
            for status, at in reversed(phases)],
        "components": [components[c] for c in m.components if c in components],
    }
