"""Read-only look-ups the dialogs and the board need that ``IncidentService`` does not offer.

Plain functions ``(service) -> frozen dataclasses``, run through the worker
like any other call (never on the GUI thread).  They only read, through the
service's own session factory, and go through ``service.reading()`` so a
lost database is the same ``DatabaseUnavailableError`` as everywhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from noc_app.incidents.told import Told, told_status
from noc_app.storage import models as db


@dataclass(frozen=True)
class Person:
    id: str
    name: str


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    audience: str
    kind: str


@dataclass(frozen=True)
class SentNotification:
    sent_at: dt.datetime
    audience: str
    channel: str
    recipient: str
    subject: str
    ok: bool
    error: str | None


@dataclass(frozen=True)
class BoardRow:
    id: int
    title: str
    priority: str | None
    stage: str
    manager: str | None  # name
    first_recorded_at: dt.datetime
    next_update_due_at: dt.datetime | None
    restored_at: dt.datetime | None
    version: int
    told: Told = Told()  # account managers, customers, partners: told / not told / none


@dataclass(frozen=True)
class PublicComponent:
    """A status-page component as the operator picks it (``members`` to pre-tick it)."""

    id: str
    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Directory:
    """What the dialog's pickers list: people, templates, the status page's public components."""

    people: tuple[Person, ...]
    templates: tuple[Template, ...]
    groups: tuple[str, ...]
    public_components: tuple[PublicComponent, ...] = ()
    status_page_url: str | None = None


def directory(service) -> Directory:
    from noc_app.statuspage.config import from_database

    with service.reading() as s:
        people = tuple(Person(p.id, p.name) for p in s.scalars(select(db.Person).order_by(db.Person.name)))
        templates = tuple(Template(t.id, t.name, t.audience, t.kind) for t in s.scalars(
            select(db.MessageTemplate).order_by(db.MessageTemplate.audience, db.MessageTemplate.name)))
        groups = tuple(g for g in s.scalars(select(db.Component.group_name).distinct()
                                            .order_by(db.Component.group_name)) if g)
        page = from_database(s)
    publics = tuple(PublicComponent(c.id, c.name, c.members) for c in page.components)
    return Directory(people, templates, groups, publics, page.url)


def sent_notifications(service, incident_id: int) -> list[SentNotification]:
    with service.reading() as s:
        rows = s.scalars(select(db.NotificationSent).where(db.NotificationSent.incident_id == incident_id)
                         .order_by(db.NotificationSent.sent_at, db.NotificationSent.id))
        return [SentNotification(r.sent_at, r.audience, r.channel, r.recipient, r.subject, r.ok, r.error)
                for r in rows]


def incident_groups(service, incident_id: int) -> tuple[str, ...]:
    """Status-page groups of the incident's components (the first is the natural default)."""
    with service.reading() as s:
        return tuple(s.scalars(
            select(db.Component.group_name).distinct()
            .join(db.IncidentComponent, db.IncidentComponent.component_id == db.Component.id)
            .where(db.IncidentComponent.incident_id == incident_id).order_by(db.Component.group_name)))


def active_incidents(service) -> list[BoardRow]:
    """Open incidents, most urgent first (priority, then oldest)."""
    with service.reading() as s:
        names = dict(s.execute(select(db.Person.id, db.Person.name)).all())
        rows = s.scalars(select(db.Incident).where(db.Incident.closed_at.is_(None))
                         .order_by(db.Incident.first_recorded_at, db.Incident.id)).all()
        told = told_status(s, [i.id for i in rows])
        out = [BoardRow(i.id, i.title, i.priority, i.stage, names.get(i.incident_manager_id),
                        _aware(i.first_recorded_at), _aware(i.next_update_due_at),
                        _aware(i.restored_at), i.version, told[i.id]) for i in rows]
    return sorted(out, key=lambda r: (r.priority or "P9", r.first_recorded_at, r.id))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value
