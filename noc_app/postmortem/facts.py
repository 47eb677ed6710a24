"""Everything a post-mortem report prints about one incident, read once into plain data.

``load_report_facts`` runs in one read transaction (the export command's
worker, or the dialog's worker thread); the report builders and the JSON
export then work on these frozen values only, never on a session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.impact.customers import BusinessHours
from noc_app.incidents.errors import NotFoundError
from noc_app.incidents.investigate import ChangeInfo, KbMatch, matching_kb, recent_changes
from noc_app.incidents.values import TimelineEntry
from noc_app.postmortem.metrics import HowSoon, compute_metrics
from noc_app.postmortem.reader import load_metric_inputs
from noc_app.postmortem.record import PostmortemRecord, record_of
from noc_app.statuspage.config import from_database as public_page
from noc_app.storage import models as db

#: How far back a change still counts as "correlated" with the incident.
CHANGES_BEFORE = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Header:
    id: int
    title: str
    stage: str
    priority: str | None
    impact: str | None
    urgency: str | None
    detection_means: str | None
    manifestation: str
    detected_at: dt.datetime | None
    first_recorded_at: dt.datetime
    restored_at: dt.datetime | None
    closed_at: dt.datetime | None
    restore_path: str | None
    restore_summary: str
    root_cause: str
    manager: tuple[str, str] | None  # (person id, name)
    postmortem_owner: tuple[str, str] | None
    postmortem_due_at: dt.datetime | None
    next_update_due_at: dt.datetime | None


@dataclass(frozen=True)
class ComponentFact:
    id: str
    name: str
    role: str  # cause | symptom | affected
    group: str
    team: str | None


@dataclass(frozen=True)
class CustomerFact:
    id: str
    name: str
    tier: str
    partner: bool
    timezone: str
    in_business_hours: bool  # when the impact started
    account_manager: str | None


@dataclass(frozen=True)
class NotificationFact:
    sent_at: dt.datetime
    audience: str
    channel: str
    recipient: str
    customer_id: str | None
    template_kind: str | None
    subject: str
    ok: bool
    error: str | None


@dataclass(frozen=True)
class PageFact:
    paged_at: dt.datetime
    person_id: str
    person_name: str
    policy: str | None
    level: int
    acknowledged_at: dt.datetime | None


@dataclass(frozen=True)
class FollowUpFact:
    description: str
    owner: tuple[str, str] | None
    due_at: dt.datetime | None
    done_at: dt.datetime | None


@dataclass(frozen=True)
class StatusUpdateFact:
    at: dt.datetime
    service_group: str
    state: str
    message: str
    services: tuple[str, ...] = ()  # the public component names it named (as the status page shows them)
    title: str | None = None  # the public incident name, when one was given


@dataclass(frozen=True)
class ReportFacts:
    header: Header
    record: PostmortemRecord
    metrics: HowSoon
    components: tuple[ComponentFact, ...]  # cause first, then symptoms, then affected
    customers: tuple[CustomerFact, ...]
    timeline: tuple[TimelineEntry, ...]
    notifications: tuple[NotificationFact, ...]
    pages: tuple[PageFact, ...]
    changes: tuple[ChangeInfo, ...]
    articles: tuple[KbMatch, ...]
    follow_ups: tuple[FollowUpFact, ...]
    status_updates: tuple[StatusUpdateFact, ...]
    generated_at: dt.datetime

    @property
    def in_progress(self) -> bool:
        return self.header.closed_at is None

    @property
    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """From impact started to restored (to the report's moment while not restored)."""
        start = self.metrics.impact_started_at or self.header.first_recorded_at
        return start, max(start, self.header.restored_at or self.generated_at)


ROLE_ORDER = {"cause": 0, "symptom": 1, "affected": 2}


def _people(session: Session) -> dict[str, str]:
    return dict(session.execute(select(db.Person.id, db.Person.name)).all())


def _person(names: dict[str, str], person_id: str | None) -> tuple[str, str] | None:
    return (person_id, names.get(person_id, person_id)) if person_id else None


def load_report_facts(session: Session, incident_id: int, now: dt.datetime) -> ReportFacts:
    """All the report's facts; ``NotFoundError`` for an unknown incident."""
    i = session.get(db.Incident, incident_id)
    if i is None:
        raise NotFoundError(f"incident {incident_id} does not exist")
    names = _people(session)
    metrics = compute_metrics(load_metric_inputs(session, incident_id), now)
    header = Header(
        i.id, i.title, i.stage, i.priority, i.impact, i.urgency, i.detection_means, i.manifestation,
        i.detected_at, i.first_recorded_at, i.restored_at, i.closed_at, i.restore_path,
        i.restore_summary, i.root_cause, _person(names, i.incident_manager_id),
        _person(names, i.postmortem_owner_id), i.postmortem_due_at, i.next_update_due_at)
    impact_at = metrics.impact_started_at or i.first_recorded_at

    components = tuple(sorted(
        (ComponentFact(c.id, c.name, role, c.group_name, c.team_id) for c, role in session.execute(
            select(db.Component, db.IncidentComponent.role)
            .join(db.IncidentComponent, db.IncidentComponent.component_id == db.Component.id)
            .where(db.IncidentComponent.incident_id == incident_id))),
        key=lambda c: (ROLE_ORDER.get(c.role, 9), c.id)))
    customers = tuple(
        CustomerFact(c.id, c.name, c.tier, bool(c.partner), c.timezone,
                     BusinessHours(c.timezone, c.business_start, c.business_end,
                                   tuple(int(d) for d in c.business_days.split(",") if d != "")
                                   ).contains(impact_at),
                     names.get(c.account_manager, c.account_manager) if c.account_manager else None)
        for c in session.scalars(
            select(db.Customer)
            .join(db.IncidentCustomer, db.IncidentCustomer.customer_id == db.Customer.id)
            .where(db.IncidentCustomer.incident_id == incident_id).order_by(db.Customer.id)))
    timeline = tuple(
        TimelineEntry(e.id, e.incident_id, e.at, e.author, e.kind, e.summary, dict(e.data or {}))
        for e in session.scalars(select(db.TimelineEvent)
                                 .where(db.TimelineEvent.incident_id == incident_id)
                                 .order_by(db.TimelineEvent.at, db.TimelineEvent.id)))
    notifications = tuple(
        NotificationFact(n.sent_at, n.audience, n.channel, n.recipient, n.customer_id, kind,
                         n.subject, bool(n.ok), n.error)
        for n, kind in session.execute(
            select(db.NotificationSent, db.MessageTemplate.kind)
            .outerjoin(db.MessageTemplate, db.MessageTemplate.id == db.NotificationSent.template_id)
            .where(db.NotificationSent.incident_id == incident_id)
            .order_by(db.NotificationSent.sent_at, db.NotificationSent.id)))
    pages = tuple(
        PageFact(p.paged_at, p.person_id, names.get(p.person_id, p.person_id), p.policy_id, p.level,
                 p.acknowledged_at)
        for p in session.scalars(select(db.EscalationPage)
                                 .where(db.EscalationPage.incident_id == incident_id)
                                 .order_by(db.EscalationPage.paged_at, db.EscalationPage.id)))
    ids = [c.id for c in components]
    end = i.restored_at or now
    since_hours = (end - (impact_at - CHANGES_BEFORE)).total_seconds() / 3600.0
    changes = tuple(recent_changes(session, ids, since_hours, end)) if ids else ()
    articles = tuple(matching_kb(session, ids, f"{i.title}\n{i.manifestation}")) if ids else ()
    follow_ups = tuple(
        FollowUpFact(f.description, _person(names, f.owner_id), f.due_at, f.done_at)
        for f in session.scalars(select(db.FollowUpAction)
                                 .where(db.FollowUpAction.incident_id == incident_id)
                                 .order_by(db.FollowUpAction.id)))
    # Public names as the status page shows them ([[status_page.component]], or one per group).
    public_names = {c.id: c.name for c in public_page(session).components}
    status_updates = tuple(
        StatusUpdateFact(s.at, s.service_group, s.state, s.message,
                         tuple(public_names.get(c, c) for c in (s.components or ())) or (s.service_group,),
                         s.title or None)
        for s in session.scalars(select(db.StatusPageEntry)
                                 .where(db.StatusPageEntry.incident_id == incident_id)
                                 .order_by(db.StatusPageEntry.at, db.StatusPageEntry.id)))
    return ReportFacts(header, record_of(session, i), metrics, components, customers, timeline,
                       notifications, pages, changes, articles, follow_ups, status_updates, now)
