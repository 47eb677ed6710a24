"""The account managers of the affected customers: told before their customers call them.

The seeds' sharpest story is a major customer calling their sales rep, who
has not heard of the outage. So each account manager gets one message that
lists *their* affected accounts — tier, in business hours or not, what is
wrong, what the customers were told and when the next update is due — by
e-mail, and the same text in the internal lists' webhooks for the incident's
priority (the war-room chat).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.impact.customers import BusinessHours
from noc_app.storage import models as db


@dataclass(frozen=True)
class ManagedAccount:
    id: str
    name: str
    tier: str
    partner: bool
    in_business_hours: bool


@dataclass(frozen=True)
class ManagerBrief:
    person_id: str
    name: str
    email: str | None
    accounts: tuple[ManagedAccount, ...]
    subject: str
    body: str


def _hours(c: db.Customer) -> BusinessHours:
    days = tuple(int(d) for d in (c.business_days or "").split(",") if d.strip().isdigit())
    return BusinessHours(c.timezone or "UTC", c.business_start, c.business_end, days)


def _when(at: dt.datetime | None) -> str:
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if at else ""


def _customers_told(session: Session, incident_id: int) -> str:
    """The last notice affected customers received, in one line, or that none went out yet."""
    last = session.scalars(
        select(db.NotificationSent).where(db.NotificationSent.incident_id == incident_id,
                                          db.NotificationSent.audience == "customers",
                                          db.NotificationSent.ok.is_(True))
        .order_by(db.NotificationSent.sent_at.desc(), db.NotificationSent.id.desc()).limit(1)).first()
    if last is None:
        return "Customers have not been notified yet."
    return f'Customers were told at {_when(last.sent_at)}: "{last.subject}"'


def manager_briefs(session: Session, incident: db.Incident, at: dt.datetime) -> list[ManagerBrief]:
    """One brief per account manager with at least one affected account, ordered by person id."""
    customers = session.scalars(
        select(db.Customer).join(db.IncidentCustomer, db.IncidentCustomer.customer_id == db.Customer.id)
        .where(db.IncidentCustomer.incident_id == incident.id, db.Customer.retired_at.is_(None),
               db.Customer.account_manager.is_not(None))
        .order_by(db.Customer.id)).all()
    by_manager: dict[str, list[db.Customer]] = {}
    for c in customers:
        by_manager.setdefault(c.account_manager, []).append(c)
    if not by_manager:
        return []
    people = {p.id: p for p in session.scalars(select(db.Person).where(db.Person.id.in_(by_manager)))}
    components = session.scalars(
        select(db.Component.name).join(db.IncidentComponent, db.IncidentComponent.component_id == db.Component.id)
        .where(db.IncidentComponent.incident_id == incident.id).order_by(db.Component.name)).all()
    wrong = ", ".join(components) or "our service"
    told = _customers_told(session, incident.id)
    due = (f"Next customer update due {_when(incident.next_update_due_at)}." if incident.next_update_due_at
           else "No customer update is promised yet.")
    priority = incident.priority or "unclassified"
    briefs = []
    for person_id in sorted(by_manager):
        person = people.get(person_id)
        accounts = tuple(ManagedAccount(c.id, c.name, c.tier, c.partner, _hours(c).contains(at))
                         for c in by_manager[person_id])
        name = person.name if person else person_id
        lines = [f"Hello {name},", "",
                 f"{len(accounts)} of your accounts {'is' if len(accounts) == 1 else 'are'} affected by "
                 f"incident #{incident.id} ({priority}): {incident.title}.", "",
                 f"What is wrong: {wrong}.", told, due, "", "Your affected accounts:"]
        for a in accounts:
            hours = "in business hours now" if a.in_business_hours else "outside business hours"
            partner = ", partner" if a.partner else ""
            lines.append(f"- {a.name} ({a.tier}{partner}; {hours})")
        lines += ["", "If they call you, the incident manager has the latest; please do not promise "
                      "times beyond the next update."]
        subject = f"[{priority}] Your accounts affected: {incident.title}"
        briefs.append(ManagerBrief(person_id, name, person.email if person else None, accounts,
                                   subject, "\n".join(lines)))
    return briefs


def priority_webhooks(session: Session, priority: str | None) -> list[tuple[str, str]]:
    """(list id, webhook address) of the internal lists for this priority, each address once, in list order."""
    if not priority:
        return []
    hooks: dict[str, str] = {}
    for nl in session.scalars(select(db.NotificationList).order_by(db.NotificationList.id)):
        if priority in (nl.priorities or []) and nl.webhook_url and nl.webhook_url not in hooks:
            hooks[nl.webhook_url] = nl.id
    return [(list_id, address) for address, list_id in hooks.items()]
