"""Notify: who is told (three audiences), what they read (templates), and the record of it.

Audiences, as the practice lists them:

* ``internal`` — the notification lists whose priorities include the
  incident's: their people's e-mails, extra addresses, and their webhook;
* ``customers`` — the customers linked to the incident, partners excluded:
  never the whole customer base (do not alarm those not hurt);
* ``partners`` — the partner/channel customers linked to the incident;
* ``account_managers`` — the account managers of the affected customers,
  one brief each listing their accounts (``account_managers.py``); no
  template needed.

A customer update commits to the next one: ``next_update_due_at`` is set
(default one hour, longer only with a reason) and ``update_due`` lists the
incidents whose promise is due, for the reminder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.incidents.account_managers import manager_briefs, priority_webhooks
from noc_app.incidents.channels import SmtpSender, post_webhook
from noc_app.webhook_address import recipient_of
from noc_app.webhook_address import resolve as resolve_webhook
from noc_app.incidents.errors import ValidationError
from noc_app.incidents.templates import render
from noc_app.incidents.values import (
    Audience, IncidentChange, IncidentDue, as_enum, check_aware, check_text, later_stage,
)
from noc_app.storage import models as db

DEFAULT_UPDATE_INTERVAL = dt.timedelta(hours=1)


@dataclass(frozen=True)
class OutgoingMessage:
    audience: str
    channel: str  # email | webhook
    recipient: str  # an address, "list:ID" for a list's webhook, or "customer:ID" when none is on file
    customer_id: str | None
    subject: str
    body: str
    problem: str | None = None  # known before sending (no address): recorded as failed
    address: str | None = None  # a webhook's URL or env:NAME, used to send and never recorded


@dataclass(frozen=True)
class Delivery:
    message: OutgoingMessage
    ok: bool
    error: str | None


@dataclass(frozen=True)
class SendResult:
    change: IncidentChange
    deliveries: tuple[Delivery, ...]
    next_update_due_at: dt.datetime | None

    @property
    def failed(self) -> tuple[Delivery, ...]:
        return tuple(d for d in self.deliveries if not d.ok)


def _when(value: dt.datetime | str | None, empty: str) -> str:
    if value is None:
        return empty
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


class NotifyMixin:
    # -- what would be sent ------------------------------------------------------
    def preview(self, incident_id: int, audience: Audience | str, template_id: str | None, *,
                eta: dt.datetime | str | None = None, next_update_at: dt.datetime | None = None,
                status_url: str = "") -> list[OutgoingMessage]:
        """The rendered messages, one per recipient, without sending anything."""
        messages, _ = self._prepare(incident_id, audience, template_id, eta, next_update_at,
                                    None, status_url)
        return messages

    def _next_update(self, kind: str, now: dt.datetime, wanted: dt.datetime | None,
                     reason: str | None) -> dt.datetime | None:
        if kind == "resolved":
            return None
        due = check_aware(wanted, "next_update_at") or now + DEFAULT_UPDATE_INTERVAL
        if due <= now:
            raise ValidationError("the next update must be in the future", "next_update_at")
        if due - now > DEFAULT_UPDATE_INTERVAL and not (reason and reason.strip()):
            raise ValidationError("a next update more than 1 hour away needs a reason "
                                  "(customers expect at least hourly updates)", "next_update_reason")
        return due

    def _prepare(self, incident_id, audience, template_id, eta, next_update_at, reason, status_url):
        audience_e = as_enum(Audience, audience, "audience")
        if audience_e is Audience.ACCOUNT_MANAGERS:
            return self._prepare_briefs(incident_id), (None, None, audience_e)
        status_url = check_text(status_url, "status_url")
        if reason is not None:
            check_text(reason, "next_update_reason")
        now = self._now()
        with self._tx() as session:
            incident = self._incident(session, incident_id)
            template = self._require(session, db.MessageTemplate, template_id, "template")
            if template.audience != audience_e.value:
                raise ValidationError(f"template {template_id!r} is for {template.audience}, "
                                      f"not {audience_e.value}", "template_id")
            due = self._next_update(template.kind, now, next_update_at, reason)
            if audience_e is Audience.CUSTOMERS or due is None:
                shown_due = due
            else:
                shown_due = incident.next_update_due_at or due
            names = session.scalars(
                select(db.Component.name).join(db.IncidentComponent,
                                               db.IncidentComponent.component_id == db.Component.id)
                .where(db.IncidentComponent.incident_id == incident_id).order_by(db.Component.name)).all()
            customers_count = len(session.scalars(select(db.IncidentCustomer.customer_id).where(
                db.IncidentCustomer.incident_id == incident_id)).all())
            values = {"incident_title": incident.title, "priority": incident.priority or "unclassified",
                      "components": ", ".join(names) or "our service",
                      "customers_count": customers_count,
                      "eta": _when(eta, "not known yet"),
                      "next_update": _when(shown_due, "no further updates"),
                      "status_url": status_url, "incident_id": incident.id, "customer_name": ""}
            # Render once with the shared values: a bad template fails here,
            # before any recipient is even looked up.
            render(template.subject, values, "subject")
            render(template.body, values, "body")
            recipients = self._recipients(session, incident, audience_e)
        messages = []
        for channel, recipient, customer_id, customer_name, problem, address in recipients:
            filled = {**values, "customer_name": customer_name}
            messages.append(OutgoingMessage(audience_e.value, channel, recipient, customer_id,
                                            render(template.subject, filled, "subject"),
                                            render(template.body, filled, "body"), problem, address))
        return messages, (template, due, audience_e)

    def _prepare_briefs(self, incident_id: int) -> list[OutgoingMessage]:
        """One e-mail per account manager, and the same brief in the priority's webhooks."""
        now = self._now()
        with self._tx() as session:
            incident = self._incident(session, incident_id)
            briefs = manager_briefs(session, incident, now)
            webhooks = priority_webhooks(session, incident.priority)
        audience = Audience.ACCOUNT_MANAGERS.value
        messages = []
        for b in briefs:
            problem = None if b.email else "no e-mail address on file"
            messages.append(OutgoingMessage(audience, "email", b.email or f"person:{b.person_id}", None,
                                            b.subject, b.body, problem))
            messages.extend(OutgoingMessage(audience, "webhook", recipient_of(list_id), None, b.subject,
                                            b.body, address=address) for list_id, address in webhooks)
        return messages

    def _recipients(self, session: Session, incident: db.Incident, audience: Audience):
        """(channel, recipient, customer id, customer name, problem, webhook address) for each message."""
        out = []
        if audience is Audience.INTERNAL:
            if not incident.priority:
                raise ValidationError("classify the incident first: internal lists are chosen "
                                      "by priority", "priority")
            seen: set[str] = set()
            lists = session.scalars(select(db.NotificationList).order_by(db.NotificationList.id)).all()
            for nl in (n for n in lists if incident.priority in (n.priorities or [])):
                people = {p.id: p for p in session.scalars(
                    select(db.Person).where(db.Person.id.in_(nl.people or [])))}
                for person_id in nl.people or []:
                    person = people.get(person_id)
                    if person is None or not person.email:
                        out.append(("email", f"person:{person_id}", None, "", "no e-mail address on file", None))
                    elif person.email.lower() not in seen:
                        seen.add(person.email.lower())
                        out.append(("email", person.email, None, "", None, None))
                for address in nl.emails or []:
                    if address.lower() not in seen:
                        seen.add(address.lower())
                        out.append(("email", address, None, "", None, None))
                if nl.webhook_url and nl.webhook_url not in seen:
                    seen.add(nl.webhook_url)
                    out.append(("webhook", recipient_of(nl.id), None, "", None, nl.webhook_url))
            return out
        partner = audience is Audience.PARTNERS
        customers = session.scalars(
            select(db.Customer).join(db.IncidentCustomer, db.IncidentCustomer.customer_id == db.Customer.id)
            .where(db.IncidentCustomer.incident_id == incident.id, db.Customer.partner.is_(partner),
                   db.Customer.retired_at.is_(None)).order_by(db.Customer.id)).all()
        for c in customers:
            if c.email:
                out.append(("email", c.email, c.id, c.name, None, None))
            else:
                out.append(("email", f"customer:{c.id}", c.id, c.name, "no e-mail address on file", None))
        return out

    # -- sending -------------------------------------------------------------------
    def send(self, incident_id: int, audience: Audience | str, template_id: str | None, *,
             eta: dt.datetime | str | None = None, next_update_at: dt.datetime | None = None,
             next_update_reason: str | None = None, status_url: str = "") -> SendResult:
        """Render, deliver one by one (no transaction held open), then record every attempt."""
        messages, (template, due, audience_e) = self._prepare(
            incident_id, audience, template_id, eta, next_update_at, next_update_reason, status_url)
        deliveries = []
        smtp = SmtpSender(self.channels)
        try:
            for m in messages:
                if m.problem:
                    error = m.problem
                elif m.channel == "webhook":
                    url, error = resolve_webhook(m.address or "")
                    if url is not None:
                        error = post_webhook(url, f"*{m.subject}*\n{m.body}", self.channels.webhook_timeout_s)
                else:
                    error = smtp.send(m.recipient, m.subject, m.body)
                deliveries.append(Delivery(m, error is None, error))
        finally:
            smtp.close()
        return SendResult(self._record_sent(incident_id, template, audience_e, due,
                                            next_update_reason, deliveries),
                          tuple(deliveries), due)

    def _record_sent(self, incident_id, template, audience, due, reason, deliveries) -> IncidentChange:
        now = self._now()
        with self._tx() as session:
            incident = self._incident(session, incident_id)
            for d in deliveries:
                m = d.message
                subject = m.subject  # recorded exactly as sent (TEXT since migration 0003)
                session.add(db.NotificationSent(
                    incident_id=incident_id, audience=m.audience, channel=m.channel,
                    recipient=m.recipient[:500], customer_id=m.customer_id,
                    template_id=template.id if template else None,
                    subject=subject, body=m.body, sent_at=now, ok=d.ok, error=d.error))
            ok = [d.message.recipient for d in deliveries if d.ok]
            failed = {d.message.recipient: d.error for d in deliveries if not d.ok}
            changes = ["notifications", "timeline"]
            template_id = template.id if template else None
            what = template.name if template else "account-manager briefs"
            if ok or not deliveries:
                summary = (f"{audience.value.replace('_', ' ')} notified ({what}): {len(ok)} "
                           f"recipient{'s' if len(ok) != 1 else ''}")
                data = {"audience": audience.value, "template_id": template_id, "recipients": ok}
                if audience is Audience.CUSTOMERS:
                    data["next_update_due_at"] = due.isoformat() if due else None
                    if reason:
                        data["next_update_reason"] = reason
                    summary += (f"; next update by {_when(due, '')}" if due else "; final update")
                self._append(session, incident_id, "notification_sent", summary, data, at=now)
            if failed:
                self._append(session, incident_id, "notification_failed",
                             f"{audience.value}: {len(failed)} notification"
                             f"{'s' if len(failed) != 1 else ''} failed: "
                             + "; ".join(f"{r} ({e})" for r, e in failed.items()),
                             {"audience": audience.value, "template_id": template_id,
                              "failed": failed}, at=now)
            # The promise to customers holds once at least one of them was told.
            if audience is Audience.CUSTOMERS and (ok or due is None):
                incident.next_update_due_at = due
                changes.insert(0, "next_update_due_at")
            incident.stage = later_stage(incident.stage, "notify")
            session.flush()
            version = incident.version
        return IncidentChange(incident_id, version, tuple(changes))

    def update_due(self, now: dt.datetime | None = None,
                   within: dt.timedelta = dt.timedelta(0)) -> list[IncidentDue]:
        """Open incidents whose next customer update is due by ``now + within``, most overdue first."""
        now = check_aware(now, "now") or self._now()
        with self._tx() as session:
            rows = session.scalars(select(db.Incident).where(
                db.Incident.closed_at.is_(None), db.Incident.next_update_due_at.is_not(None),
                db.Incident.next_update_due_at <= now + within)
                .order_by(db.Incident.next_update_due_at, db.Incident.id)).all()
            return [IncidentDue(i.id, i.title, i.priority, i.next_update_due_at,
                                now - i.next_update_due_at) for i in rows]
