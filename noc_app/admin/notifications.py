"""Notification lists (who is told for which priority) and message templates.

Templates are checked with the incident workflow's own parser
(``validate_template``), so a template saved here can never fail halfway
through a send, and previewed with ``render`` and sample values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from noc_app.admin.common import (
    ValidationError, check_email, check_id, check_ids_exist, check_line, check_new_id, check_text,
    require, writing,
)
from noc_app.incidents.errors import TemplateError
from noc_app.incidents.templates import PLACEHOLDERS, render, validate_template
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.webhook_address import check_webhook

PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
AUDIENCES = ("internal", "customers", "partners")
KINDS = ("initial", "update", "resolved")
NAME_MAX = 200
SUBJECT_MAX = 300
URL_MAX = 500

# What the preview fills the placeholders with: realistic, and obviously a sample.
SAMPLE_VALUES: dict[str, str] = {
    "incident_title": "Checkout payments failing (sample)",
    "priority": "P1",
    "components": "Public API, Primary database",
    "customers_count": "12",
    "eta": "2026-11-24 03:30 UTC",
    "next_update": "2026-11-24 03:00 UTC",
    "status_url": "https://status.example.com/incidents/42",
    "incident_id": "42",
    "customer_name": "ACME Corp",
}
assert set(SAMPLE_VALUES) == set(PLACEHOLDERS), "every placeholder needs a sample value"


@dataclass(frozen=True)
class NotifList:
    id: str
    name: str
    priorities: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    webhook_url: str | None = None


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    audience: str
    kind: str
    subject: str
    body: str


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    error: str | None = None  # the template's problem, one line, instead of text


def preview(subject: str, body: str, values: Mapping[str, object] = SAMPLE_VALUES) -> Preview:
    try:
        validate_template(subject, body)
        return Preview(render(subject, values, "subject"), render(body, values, "body"))
    except TemplateError as exc:
        return Preview("", "", str(exc))


class NotificationsAdmin:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    # -- lists ---------------------------------------------------------------------
    def lists(self) -> list[NotifList]:
        with transaction(self.sessions) as session:
            return [_list(n) for n in session.scalars(
                select(db.NotificationList).order_by(db.NotificationList.name, db.NotificationList.id))]

    def get_list(self, list_id: str) -> NotifList:
        with transaction(self.sessions) as session:
            return _list(require(session.get(db.NotificationList, list_id), f"notification list {list_id!r}"))

    def create_list(self, nl: NotifList) -> NotifList:
        with writing(self.sessions, f"notification list {nl.id!r}") as session:
            list_id = check_new_id(session, db.NotificationList, nl.id, "notification list")
            session.add(db.NotificationList(id=list_id, **_list_values(session, nl)))
        return self.get_list(list_id)

    def update_list(self, nl: NotifList) -> NotifList:
        list_id = check_id(nl.id)
        with writing(self.sessions, f"notification list {list_id!r}") as session:
            row = require(session.get(db.NotificationList, list_id), f"notification list {list_id!r}")
            for name, value in _list_values(session, nl).items():
                setattr(row, name, value)
        return self.get_list(list_id)

    def delete_list(self, list_id: str) -> None:
        # Sent notifications keep their own recipients: nothing points back at a list.
        with transaction(self.sessions) as session:
            session.delete(require(session.get(db.NotificationList, list_id), f"notification list {list_id!r}"))

    # -- templates -----------------------------------------------------------------
    def templates(self) -> list[Template]:
        with transaction(self.sessions) as session:
            return [_template(t) for t in session.scalars(
                select(db.MessageTemplate).order_by(db.MessageTemplate.name, db.MessageTemplate.id))]

    def get_template(self, template_id: str) -> Template:
        with transaction(self.sessions) as session:
            return _template(require(session.get(db.MessageTemplate, template_id), f"template {template_id!r}"))

    def create_template(self, template: Template) -> Template:
        with writing(self.sessions, f"template {template.id!r}") as session:
            template_id = check_new_id(session, db.MessageTemplate, template.id, "template")
            session.add(db.MessageTemplate(id=template_id, **_template_values(template)))
        return self.get_template(template_id)

    def update_template(self, template: Template) -> Template:
        template_id = check_id(template.id)
        with writing(self.sessions, f"template {template_id!r}") as session:
            row = require(session.get(db.MessageTemplate, template_id), f"template {template_id!r}")
            for name, value in _template_values(template).items():
                setattr(row, name, value)
        return self.get_template(template_id)

    def delete_template(self, template_id: str) -> None:
        # Each sent notification stores its own subject and body, so history survives this.
        with transaction(self.sessions) as session:
            session.delete(require(session.get(db.MessageTemplate, template_id), f"template {template_id!r}"))


def _list_values(session: Session, nl: NotifList) -> dict:
    name = check_line(nl.name, "name", max_len=NAME_MAX, required=True)
    priorities = [p.strip().upper() for p in nl.priorities if p.strip()]
    bad = [p for p in priorities if p not in PRIORITIES]
    if bad:
        raise ValidationError(f"priorities: {', '.join(bad)} not one of P1, P2, P3, P4, P5", "priorities")
    if not priorities:
        raise ValidationError("priorities: pick at least one of P1–P5", "priorities")
    people = [check_id(p, "people") for p in nl.people]
    check_ids_exist(session, db.Person, people, "people", "person")
    emails = [check_email(e, "emails") for e in nl.emails if e.strip()]
    url = (nl.webhook_url or "").strip() or None
    if url is not None:
        if len(url) > URL_MAX:
            raise ValidationError(f"webhook: {url[:60]!r}… is longer than {URL_MAX} characters", "webhook_url")
        try:
            check_webhook(url)
        except ValueError as exc:
            raise ValidationError(f"webhook: {exc}", "webhook_url") from None
    if not (people or emails or url):
        raise ValidationError("people: a list needs at least one person, e-mail or webhook", "people")
    return {"name": name, "priorities": sorted(dict.fromkeys(priorities)),
            "people": list(dict.fromkeys(people)), "emails": list(dict.fromkeys(emails)),
            "webhook_url": url}


def _template_values(template: Template) -> dict:
    name = check_line(template.name, "name", max_len=NAME_MAX, required=True)
    if template.audience not in AUDIENCES:
        raise ValidationError(f"audience: {template.audience!r} not one of {', '.join(AUDIENCES)}", "audience")
    if template.kind not in KINDS:
        raise ValidationError(f"kind: {template.kind!r} not one of {', '.join(KINDS)}", "kind")
    subject = check_line(template.subject, "subject", max_len=SUBJECT_MAX, required=True)
    body = check_text(template.body, "body", required=True)
    validate_template(subject, body)  # TemplateError is a ValidationError: "template body: ..."
    return {"name": name, "audience": template.audience, "kind": template.kind,
            "subject": subject, "body": body}


def _list(n: db.NotificationList) -> NotifList:
    return NotifList(n.id, n.name, tuple(n.priorities or ()), tuple(n.people or ()),
                     tuple(n.emails or ()), n.webhook_url)


def _template(t: db.MessageTemplate) -> Template:
    return Template(t.id, t.name, t.audience, t.kind, t.subject, t.body)
