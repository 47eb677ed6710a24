"""The public page as plain frozen values: everything the writers may print, nothing more.

Built by ``reader.read_public_page``; the writers (JSON, HTML, feeds) only
ever see these, so nothing internal can reach a file by accident: there is
no internal id, name, person, customer, note or URL in any of them.
Lists are newest first where the Statuspage API is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from noc_app.availability.timeline import Breakdown


@dataclass(frozen=True)
class AffectedComponent:
    code: str  # public component id
    name: str
    old_status: str
    new_status: str


@dataclass(frozen=True)
class PublicUpdate:
    id: str
    status: str  # investigating | identified | monitoring | resolved | postmortem
    body: str
    created_at: dt.datetime
    affected: tuple[AffectedComponent, ...]


@dataclass(frozen=True)
class PublicIncident:
    id: str
    name: str
    status: str
    impact: str  # none | minor | major | critical
    created_at: dt.datetime
    updated_at: dt.datetime
    monitoring_at: dt.datetime | None
    resolved_at: dt.datetime | None
    updates: tuple[PublicUpdate, ...]  # newest first
    components: tuple[str, ...]  # public component ids

    @property
    def unresolved(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True)
class PublicMaintenance:
    id: str
    name: str
    status: str  # scheduled | in_progress | verifying | completed
    scheduled_for: dt.datetime
    scheduled_until: dt.datetime
    body: str
    components: tuple[str, ...]


@dataclass(frozen=True)
class UptimeDay:
    date: dt.date
    status: str  # the worst of the day: a component status, or "no_data"
    down_s: float
    degraded_s: float
    measured_s: float  # time with data and outside maintenance: the denominator
    no_data_s: float = 0.0
    maintenance_s: float = 0.0


@dataclass(frozen=True)
class Uptime:
    days: tuple[UptimeDay, ...]  # oldest first, today last
    percent: float | None  # None: no data in the whole window
    down_s: float
    # ``days`` without today: the same object from one rewrite to the next while the day lasts,
    # so writers can cache what they made of it.
    past: tuple[UptimeDay, ...] = field(default=(), compare=False)
    # The window's seconds per column, exactly as the availability report's public-component row counts them.
    breakdown: Breakdown | None = None


@dataclass(frozen=True)
class ComponentView:
    id: str
    name: str
    description: str
    position: int
    status: str
    updated_at: dt.datetime
    uptime: Uptime | None = None


@dataclass(frozen=True)
class PageStatus:
    indicator: str  # none | minor | major | critical
    description: str


@dataclass(frozen=True)
class PublicPage:
    id: str
    name: str
    url: str | None
    time_zone: str
    updated_at: dt.datetime  # when this page was generated
    status: PageStatus
    components: tuple[ComponentView, ...]
    incidents: tuple[PublicIncident, ...]  # newest first
    maintenances: tuple[PublicMaintenance, ...]  # soonest first

    def link(self, path: str) -> str:
        """An absolute link when the page's public URL is known, else a relative one."""
        return f"{self.url.rstrip('/')}/{path}" if self.url else path
