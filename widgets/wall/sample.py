"""A believable outage on the demo topology, as check outcomes (no network).

Used by the wall's tests, the bench's screenshots and review: db-main and its
standby db-replica DOWN (the database redundancy group lost, both probable
causes), api / workers / billing DOWN as its symptoms, the web front end
IMPACTED, search in maintenance, the US cache flapping.  ``AT_RISK`` is the
quieter scene before it: only the standby and one DNS provider down, so the
services behind them show AT RISK and nobody is hurt.
"""

from __future__ import annotations

import datetime as dt

from noc_app.domain import Status
from noc_app.live import CheckView

OUTAGE: dict[str, tuple[Status, float | None, str | None, int]] = {
    # component: (status, latency ms, error, seconds in that state)
    "db-main": (Status.DOWN, None, "connection pool exhausted: 200/200 in use", 252),
    "db-replica": (Status.DOWN, None, "WAL volume 100% full; standby stopped replaying", 330),
    "api": (Status.DOWN, 2500.0, "timeout acquiring connection after 2500ms", 241),
    "workers": (Status.DOWN, None, "database not ready", 238),
    "billing": (Status.DOWN, 2500.0, "timeout acquiring connection after 2500ms", 236),
    "search": (Status.MAINTENANCE, None, "maintenance window", 1260),
}
FLAPPING = "cache-us"

AT_RISK: dict[str, tuple[Status, float | None, str | None, int]] = {
    "db-replica": (Status.DOWN, None, "WAL volume 100% full; standby stopped replaying", 75),
    "dns-2": (Status.DOWN, None, "SERVFAIL from 3 of 4 name servers", 140),
}


def outage_views(topology, now: dt.datetime | None = None, scene: dict | None = None) -> list[CheckView]:
    """Every check of ``topology`` reporting, with the outage above (or ``scene``) where it applies."""
    now = now or dt.datetime.now(dt.timezone.utc)
    scene = OUTAGE if scene is None else scene
    views = []
    for component in topology.components:
        status, latency, error, age = scene.get(component.id, (Status.OK, 40.0, None, 3600))
        for check in component.checks:
            views.append(CheckView(
                check_key=check.key, component_id=component.id, status=status, raw_status=status,
                since=now - dt.timedelta(seconds=age), latency_ms=latency, error=error,
                flapping=component.id == FLAPPING and scene is OUTAGE, at=now, changed=False,
            ))
    return views
