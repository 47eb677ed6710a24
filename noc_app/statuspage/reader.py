"""Read the public page out of the database: public incidents, components, maintenance.

Only status-page updates become public incidents (an incident nobody posted
about stays internal); their public name is the update's ``title`` or words
made from the state and the public component names, never the internal
title. Maintenance windows are published under opaque ids with generated
names, never their internal id or reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from noc_app.statuspage import rules
from noc_app.statuspage.check_facts import CheckFacts, read_check_facts
from noc_app.statuspage.config import PageConfig
from noc_app.statuspage.model import (
    AffectedComponent, ComponentView, PublicIncident, PublicMaintenance, PublicPage, PublicUpdate, Uptime,
)
from noc_app.statuspage.vocabulary import CLOSED_INCIDENT, IMPACT_OF, IMPACTS, WORDS, component_status
from noc_app.storage import models as db

NOTICE_HOLDS = dt.timedelta(hours=24)  # an update posted without an incident drives status this long
MAINTENANCE_HISTORY = dt.timedelta(days=90)


def read_public_page(session: Session, page: PageConfig, now: dt.datetime,
                     uptime: dict[str, Uptime] | None = None, cache: IncidentCache | None = None,
                     facts: CheckFacts | None = None) -> PublicPage:
    names = {c.id: c.name for c in page.components}
    incidents = (cache or IncidentCache()).incidents(session, page, names, now)
    facts = facts or read_check_facts(session, now)
    own, since = facts.own, facts.since
    current = _current_updates(incidents, now)
    views = []
    for c in page.components:
        posted = current.get(c.id)
        if posted is not None:
            status, updated = posted
        else:
            status = rules.rollup(own[m] for m in c.members if m in own)
            updated = max((since[m] for m in c.members if m in since), default=now)
        views.append(ComponentView(c.id, c.name, c.description, c.position, status, updated,
                                   (uptime or {}).get(c.id)))
    status = rules.page_status((v.status for v in views), (i.impact for i in incidents if i.unresolved))
    return PublicPage(page.page_id, page.name, page.url, page.time_zone, now, status, tuple(views),
                      tuple(incidents), tuple(_maintenances(session, page, names, now)))


class IncidentCache:
    """Public incidents, rebuilt only when status-page updates or closures changed.

    Updates are only ever added, so ``(count, max id)`` of the updates and of
    the closed incidents says whether anything changed; an incident whose
    updates and closure are unchanged keeps its very object, so the writers'
    caches (keyed by object) skip it. When only updates were added (the
    usual change) only the incidents they belong to are rebuilt, and only
    their closures read; open notices (without an incident) are rebuilt on
    every read, since they expire with time alone.
    """

    def __init__(self) -> None:
        self._key = None
        self._built: dict[str, tuple[tuple, PublicIncident | None]] = {}
        self._incidents: list[PublicIncident] = []
        self._clock_bound = False  # an open notice expires with time alone: rebuild every read
        self._rows: dict[str, list] = {}  # the rows read so far, by public incident, oldest first

    def incidents(self, session: Session, page: PageConfig, names: dict[str, str], now: dt.datetime
                  ) -> list[PublicIncident]:
        count, newest = session.execute(_ENTRY_COUNT).one()
        closures = tuple(session.execute(_CLOSURES).one())
        key = (page, count, newest, closures)
        old = self._key
        if key == old:
            if not self._clock_bound:
                return self._incidents
            return self._build(key, self._rows, set(), page, names, now, session)  # only the clock moved
        if (old is not None and old[0] == page and old[3] == closures and old[2] is not None
                and newest is not None and newest > old[2]):
            # Only additions since the last read (the usual case): read just those, and
            # make sure they account for the whole difference in count.
            added = session.execute(_ENTRY_COLUMNS.where(db.StatusPageEntry.id > old[2])
                                    .order_by(db.StatusPageEntry.at, db.StatusPageEntry.id)).all()
            if old[1] + len(added) == count:
                groups = dict(self._rows)
                fresh: dict[str, list] = defaultdict(list)
                for row in added:
                    fresh[_group_key(row)].append(row)
                for gkey, rows in fresh.items():
                    merged = groups.get(gkey, []) + rows
                    groups[gkey] = sorted(merged, key=_at_id) if len(merged) > len(rows) else merged
                return self._build(key, groups, set(fresh), page, names, now, session)
        groups = defaultdict(list)
        for row in session.execute(_ENTRY_COLUMNS.order_by(db.StatusPageEntry.at, db.StatusPageEntry.id)):
            groups[_group_key(row)].append(row)
        return self._build(key, dict(groups), None, page, names, now, session)

    def _build(self, key, groups: dict[str, list], touched: set[str] | None, page, names, now, session
               ) -> list[PublicIncident]:
        """``touched``: the groups that may have changed (None: all of them). Open notices are
        always rebuilt; every other group outside ``touched`` keeps what it had."""
        same_page = self._key is not None and self._key[0] == page
        everything = touched is None or not same_page
        redo = [g for g in groups if everything or g in touched or g.startswith("notice-") or g not in self._built]
        ids = {groups[g][0].incident_id for g in redo} - {None}
        query = select(db.Incident.id, db.Incident.closed_at).where(db.Incident.closed_at.is_not(None))
        if not everything:  # a few incidents (the usual rewrite): read only their closures
            query = query.where(db.Incident.id.in_(sorted(ids)))
        closed = dict(session.execute(query).all()) if ids else {}
        built = dict(self._built) if same_page else {}
        for gkey in redo:
            entries = groups[gkey]
            closed_at = closed.get(entries[0].incident_id)
            signature = (len(entries), entries[-1].id, closed_at)
            previous = built.get(gkey)
            if previous is not None and previous[0] == signature and not gkey.startswith("notice-"):
                continue
            built[gkey] = (signature, _incident(gkey, entries, page, names, closed_at, now))
        for gone in set(built) - set(groups):
            del built[gone]
        out = [incident for _sig, incident in built.values() if incident is not None]
        clock_bound = any(i.unresolved and i.id.startswith("notice-") for i in out)
        out.sort(key=lambda i: (i.created_at, i.id), reverse=True)
        self._key, self._built, self._incidents, self._clock_bound = key, built, out, clock_bound
        self._rows = groups
        return out


def _group_key(row) -> str:
    return f"inc-{row.incident_id}" if row.incident_id is not None else f"notice-{row.id}"


def _at_id(row) -> tuple:
    return row.at, row.id


_ENTRY_COUNT = select(func.count(db.StatusPageEntry.id), func.max(db.StatusPageEntry.id))
_CLOSURES = select(func.count(db.Incident.id), func.max(db.Incident.closed_at)).where(db.Incident.closed_at.is_not(None))
_ENTRY_COLUMNS = select(
    db.StatusPageEntry.id, db.StatusPageEntry.incident_id, db.StatusPageEntry.at, db.StatusPageEntry.state,
    db.StatusPageEntry.message, db.StatusPageEntry.incident_status, db.StatusPageEntry.components,
    db.StatusPageEntry.service_group, db.StatusPageEntry.title)


def _incident(key, entries, page: PageConfig, names, closed_at, now) -> PublicIncident | None:
    updates, last_state, touched, impact, title = [], {}, [], "none", None
    monitoring_at = resolved_at = None
    for e in entries:
        public = page.resolve(e.service_group, e.components or ())
        state = component_status(e.state)
        status = e.incident_status or ("resolved" if state == "operational" else "investigating")
        affected = tuple(AffectedComponent(c, names[c], last_state.get(c, "operational"), state) for c in public)
        for c in public:
            last_state[c] = state
            if c not in touched:
                touched.append(c)
        impact = max(impact, IMPACT_OF[state], key=IMPACTS.index)
        title = e.title or title
        if status == "monitoring" and monitoring_at is None:
            monitoring_at = e.at
        resolved_at = (resolved_at or e.at) if status in CLOSED_INCIDENT else None
        updates.append(PublicUpdate(f"{key}-u{e.id}", status, e.message, e.at, affected))
    if not touched:
        return None  # about no public component (e.g. a group that left the page): not public
    status = updates[-1].status
    standalone = key.startswith("notice-")
    if resolved_at is None and closed_at is not None:
        status, resolved_at = "resolved", closed_at  # closed inside: the page must not stay red forever
    elif resolved_at is None and standalone and now - updates[-1].created_at > NOTICE_HOLDS:
        status, resolved_at = "resolved", updates[-1].created_at + NOTICE_HOLDS
    if title is None:
        worst = rules.worst(a.new_status for u in updates for a in u.affected)
        words = WORDS[worst] if worst != "operational" else "Service notice"
        title = f"{words}: " + ", ".join(names[c] for c in touched)
    return PublicIncident(key, title, status, impact, updates[0].created_at, updates[-1].created_at,
                          monitoring_at, resolved_at, tuple(reversed(updates)), tuple(touched))


def _current_updates(incidents: list[PublicIncident], now: dt.datetime) -> dict[str, tuple[str, dt.datetime]]:
    """Public component -> (state, at) of the latest update naming it in an open incident."""
    current: dict[str, tuple[str, dt.datetime]] = {}
    for incident in incidents:
        if not incident.unresolved:
            continue
        for update in incident.updates:  # newest first
            for a in update.affected:
                seen = current.get(a.code)
                if seen is None or seen[1] < update.created_at:
                    current[a.code] = (a.new_status, update.created_at)
    return current


def _maintenances(session: Session, page: PageConfig, names: dict[str, str], now: dt.datetime
                  ) -> list[PublicMaintenance]:
    members = {m: [] for c in page.components for m in c.members}
    for c in page.components:
        for m in c.members:
            members[m].append(c.id)
    windows = session.scalars(select(db.MaintenanceWindow)
                              .where(db.MaintenanceWindow.ends_at >= now - MAINTENANCE_HISTORY)
                              .order_by(db.MaintenanceWindow.starts_at, db.MaintenanceWindow.id)).all()
    links: dict[str, list[str]] = defaultdict(list)
    for window_id, component_id in session.execute(
            select(db.MaintenanceComponent.window_id, db.MaintenanceComponent.component_id)):
        links[window_id].append(component_id)
    out = []
    for w in windows:
        public = [p for p in names if any(p in members.get(m, ()) for m in links[w.id])]
        if not public:
            continue
        status = ("scheduled" if now < w.starts_at else "in_progress" if now < w.ends_at else "completed")
        shown = ", ".join(names[p] for p in public)
        out.append(PublicMaintenance(
            id="mnt-" + hashlib.sha256(w.id.encode()).hexdigest()[:12],
            name=f"Scheduled maintenance: {shown}", status=status,
            scheduled_for=w.starts_at, scheduled_until=w.ends_at,
            body=f"Planned maintenance of {shown}. Service may be interrupted during the window.",
            components=tuple(public)))
    return out
