"""The Daily Operations Sync, one page of facts: what is open, what broke, what is coming.

Sections: open incidents (priority, incident manager, next customer update
due or overdue), outages of the last 24 hours, planned maintenance in the
next 48 hours, changes of the last 24 hours, follow-ups due or overdue, and
flapping checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from noc_app.availability.accounting import component_levels
from noc_app.availability.document import accounting_rules
from noc_app.availability.history import read_history
from noc_app.impact.model import ImpactModel
from noc_app.postmortem.reader import metrics_for
from noc_app.reader_time import ReaderClock, duration
from noc_app.reports import Document, Facts, Paragraph, Rules, Section, Table
from noc_app.storage import models as db
from noc_app.topology.model import Topology

DAY = dt.timedelta(hours=24)
AHEAD = dt.timedelta(hours=48)


@dataclass(frozen=True)
class OpenIncident:
    id: int
    title: str
    priority: str | None
    stage: str
    manager: str | None
    detected_at: dt.datetime | None
    next_update_due_at: dt.datetime | None
    overdue: bool


@dataclass(frozen=True)
class Outage:
    component: str
    name: str
    start: dt.datetime
    end: dt.datetime | None  # None: still down at the report's time
    seconds: float
    customers: int  # customers relying on it


@dataclass(frozen=True)
class RecentIncident:
    id: int
    title: str
    priority: str | None
    detected_at: dt.datetime | None
    restored_at: dt.datetime | None
    resolve_s: float | None  # detected -> restored, as DESIGN.md's resolve_s
    metrics: dict | None = None  # the post-mortem's how-soon metrics (the export's "metrics" object)


@dataclass(frozen=True)
class Planned:
    id: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    components: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Change:
    id: str
    at: dt.datetime
    author: str
    summary: str
    components: tuple[str, ...]


@dataclass(frozen=True)
class FollowUp:
    id: int
    incident_id: int
    description: str
    owner: str | None
    due_at: dt.datetime
    overdue: bool


@dataclass(frozen=True)
class Flapping:
    check: str
    component: str
    status: str
    flips_24h: int


@dataclass(frozen=True)
class Daily:
    as_of: dt.datetime
    open_incidents: tuple[OpenIncident, ...]
    outages: tuple[Outage, ...]
    recent_incidents: tuple[RecentIncident, ...]
    maintenance: tuple[Planned, ...]
    changes: tuple[Change, ...]
    follow_ups: tuple[FollowUp, ...]
    flapping: tuple[Flapping, ...]

    def to_dict(self) -> dict:
        def plain(value):
            if isinstance(value, dt.datetime):
                return value.isoformat()
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        return {"report": "daily", **{k: plain(v) for k, v in asdict(self).items()}}


def _names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(db.Person.id, db.Person.name)).all())


def read_daily(session: Session, topology: Topology, as_of: dt.datetime) -> Daily:
    since = as_of - DAY
    people = _names(session)
    i = db.Incident
    open_rows = session.scalars(select(i).where(
        i.first_recorded_at <= as_of, or_(i.closed_at.is_(None), i.closed_at > as_of))
        .order_by(i.priority.is_(None), i.priority, i.id)).all()
    open_incidents = tuple(OpenIncident(
        r.id, r.title, r.priority, r.stage, people.get(r.incident_manager_id, r.incident_manager_id),
        r.detected_at, r.next_update_due_at,
        r.next_update_due_at is not None and r.next_update_due_at < as_of) for r in open_rows)

    recent = session.scalars(select(i).where(or_(
        i.restored_at.between(since, as_of), i.first_recorded_at.between(since, as_of))).order_by(i.id)).all()
    recent_incidents = tuple(RecentIncident(
        r.id, r.title, r.priority, r.detected_at, r.restored_at,
        (r.restored_at - r.detected_at).total_seconds() if r.restored_at and r.detected_at else None,
        metrics_for(session, r.id, now=as_of).to_json())
        for r in recent)

    model = ImpactModel.from_topology(topology)
    index = model.graph.index
    levels = component_levels(topology, read_history(session, since, as_of), since.timestamp(), as_of.timestamp())
    names = {c.id: c.name for c in topology.components}
    outages = []
    for cid, lv in levels.items():
        if lv is None:
            continue
        for a, b in lv.at_least[3].pairs():
            ongoing = b >= as_of.timestamp() - 1e-6
            outages.append(Outage(cid, names[cid], dt.datetime.fromtimestamp(a, dt.timezone.utc),
                                  None if ongoing else dt.datetime.fromtimestamp(b, dt.timezone.utc),
                                  b - a, int(model.blast_counts[index[cid]].sum())))
    outages.sort(key=lambda o: (o.start, o.component))

    w, link = db.MaintenanceWindow, db.MaintenanceComponent
    windows = session.scalars(select(w).where(w.starts_at < as_of + AHEAD, w.ends_at > as_of)
                              .order_by(w.starts_at, w.id)).all()
    members: dict[str, list[str]] = {}
    for wid, cid in session.execute(select(link.window_id, link.component_id)):
        members.setdefault(wid, []).append(cid)
    maintenance = tuple(Planned(x.id, x.starts_at, x.ends_at, tuple(sorted(members.get(x.id, ()))), x.reason)
                        for x in windows)

    c, cc = db.ChangeRecord, db.ChangeComponent
    change_rows = session.scalars(select(c).where(c.at.between(since, as_of)).order_by(c.at, c.id)).all()
    touched: dict[str, list[str]] = {}
    for chid, cid in session.execute(select(cc.change_id, cc.component_id)
                                     .where(cc.change_id.in_([x.id for x in change_rows] or [""]))):
        touched.setdefault(chid, []).append(cid)
    changes = tuple(Change(x.id, x.at, x.author, x.summary, tuple(sorted(touched.get(x.id, ()))))
                    for x in change_rows)

    f = db.FollowUpAction
    follow_rows = session.scalars(select(f).where(f.done_at.is_(None), f.due_at.is_not(None),
                                                  f.due_at <= as_of + DAY).order_by(f.due_at, f.id)).all()
    follow_ups = tuple(FollowUp(x.id, x.incident_id, x.description, people.get(x.owner_id, x.owner_id),
                                x.due_at, x.due_at < as_of) for x in follow_rows)

    t = db.StateTransition
    flips: dict[str, int] = {}
    for key, in session.execute(select(t.check_key).where(t.at.between(since, as_of), t.flapping.is_(True))):
        flips[key] = flips.get(key, 0) + 1
    state_rows = session.execute(select(db.CheckState.check_key, db.CheckState.status, db.CheckState.flapping,
                                        db.Check.component_id)
                                 .join(db.Check, db.Check.key == db.CheckState.check_key)).all()
    flapping = tuple(Flapping(key, comp, status, flips.get(key, 0)) for key, status, now_flapping, comp
                     in sorted(state_rows) if now_flapping or key in flips)
    return Daily(as_of, open_incidents, tuple(outages), recent_incidents, maintenance, changes, follow_ups, flapping)


HOW_SOON = (("detect_s", "detect"), ("know_impact_s", "impact known"), ("inform_customers_s", "customers told"),
            ("resolve_s", "resolve"))


def how_soon(incident: RecentIncident) -> str:
    """The post-mortem's how-soon figures (DESIGN.md definitions), the ones reached so far."""
    metrics = incident.metrics or {"resolve_s": incident.resolve_s}
    parts = [f"{label} {duration(metrics[key])}" for key, label in HOW_SOON if metrics.get(key) is not None]
    if metrics.get("resolve_s") is None:
        parts.append("not restored")
    return "; ".join(parts)


DAILY_RULES = (
    "Open incidents: recorded before the report's time and not closed then; most urgent priority first. "
    "OVERDUE: the next customer update promised is past due.",
    "Outages: time a component's own checks were DOWN in the last 24 hours (maintenance excluded), with the "
    "number of customers relying on it (directly or through dependencies). ONGOING: still down at the report's time.",
    "Planned maintenance: windows that start in the next 48 hours or are under way.",
    "How soon: the post-mortem's figures (detected from impact start; impact known, customers told and "
    "restored from detection), those reached so far.",
    "Follow-ups: not done and due within 24 hours; OVERDUE when past due.",
    "Flapping: checks flagged flapping now, or whose transitions were flagged in the last 24 hours.",
)


def daily_document(daily: Daily, clock: ReaderClock, generated_at: dt.datetime) -> Document:
    w = clock.when
    overdue = sum(1 for x in daily.open_incidents if x.overdue)
    summary = Facts((("As of", w(daily.as_of)), ("Open incidents", str(len(daily.open_incidents))),
                     ("Customer updates overdue", str(overdue)), ("Outages (24 h)", str(len(daily.outages))),
                     ("Maintenance (48 h)", str(len(daily.maintenance))), ("Changes (24 h)", str(len(daily.changes))),
                     ("Follow-ups due", str(len(daily.follow_ups))), ("Flapping checks", str(len(daily.flapping)))))
    blocks = [summary]
    if overdue:
        blocks.append(Paragraph(f"OVERDUE: {overdue} customer update{'s' if overdue > 1 else ''} past due", "warning"))
    sections = [
        Section("Summary", tuple(blocks)),
        Section("Open incidents", (Table(
            ("#", "Priority", "Title", "Stage", "Incident manager", "Detected", "Next update"),
            tuple((str(x.id), x.priority or "—", x.title, x.stage, x.manager or "NOT ASSIGNED", w(x.detected_at),
                   ("OVERDUE since " if x.overdue else "due ") + w(x.next_update_due_at)
                   if x.next_update_due_at else "none promised") for x in daily.open_incidents)),)),
        Section("Outages, last 24 hours", (
            Table(("Component", "Down from", "Until", "Duration", "Customers relying"),
                  tuple((f"{o.name} ({o.component})", w(o.start), w(o.end) if o.end else "ONGOING",
                         duration(o.seconds), str(o.customers)) for o in daily.outages), numeric=(3, 4)),
            Table(("#", "Priority", "Title", "Detected", "Restored", "How soon"),
                  tuple((str(x.id), x.priority or "—", x.title, w(x.detected_at), w(x.restored_at), how_soon(x))
                        for x in daily.recent_incidents), caption="Incidents of the last 24 hours"))),
        Section("Planned maintenance, next 48 hours", (Table(
            ("Window", "From", "To", "Components", "Reason"),
            tuple((m.id, w(m.starts_at), w(m.ends_at), ", ".join(m.components), m.reason)
                  for m in daily.maintenance)),)),
        Section("Changes, last 24 hours", (Table(
            ("Change", "At", "Author", "Summary", "Components"),
            tuple((c.id, w(c.at), c.author, c.summary, ", ".join(c.components)) for c in daily.changes)),)),
        Section("Follow-ups due or overdue", (Table(
            ("Incident", "Follow-up", "Owner", "Due"),
            tuple((f"#{f.incident_id}", f.description, f.owner or "NO OWNER",
                   ("OVERDUE " if f.overdue else "") + w(f.due_at)) for f in daily.follow_ups)),)),
        Section("Flapping checks", (Table(
            ("Check", "Component", "Status now", "Flapping flips (24 h)"),
            tuple((x.check, x.component, x.status, str(x.flips_24h)) for x in daily.flapping), numeric=(3,)),)),
        Section("Rules", (Rules("What each section holds", DAILY_RULES), accounting_rules())),
    ]
    return Document(title="Daily Operations Sync", generated_at=generated_at, subtitle=f"as of {w(daily.as_of)}",
                    sections=tuple(sections), footer="Vigil NOC daily report")
