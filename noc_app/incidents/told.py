"""Who has been told, per open incident: account managers, customers, partners.

Three marks the incident manager reads at a glance on the board and the wall,
so the gap in the seeds' story (a major customer calls their sales rep, who
has heard nothing) shows before the phone rings. A mark is one of
``told`` (at least one message of that audience went out), ``not told``
(someone of that audience is affected, nobody was told) or ``none`` (no one
of that audience is affected).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.storage import models as db

TOLD, NOT_TOLD, NONE = "told", "not told", "none"
AUDIENCES = (("account_managers", "Account mgrs"), ("customers", "Customers"), ("partners", "Partners"))


@dataclass(frozen=True)
class Told:
    account_managers: str = NONE
    customers: str = NONE
    partners: str = NONE

    def marks(self) -> tuple[tuple[str, str], ...]:
        """(label, state) in the order the board shows them."""
        return tuple((label, getattr(self, key)) for key, label in AUDIENCES)

    @property
    def gaps(self) -> tuple[str, ...]:
        return tuple(label for label, state in self.marks() if state == NOT_TOLD)


def told_status(session: Session, incident_ids: Iterable[int]) -> dict[int, Told]:
    ids = list(incident_ids)
    if not ids:
        return {}
    affected: dict[int, set[str]] = {i: set() for i in ids}
    rows = session.execute(
        select(db.IncidentCustomer.incident_id, db.Customer.partner, db.Customer.account_manager)
        .join(db.Customer, db.Customer.id == db.IncidentCustomer.customer_id)
        .where(db.IncidentCustomer.incident_id.in_(ids), db.Customer.retired_at.is_(None)))
    for incident_id, partner, manager in rows:
        affected[incident_id].add("partners" if partner else "customers")
        if manager:
            affected[incident_id].add("account_managers")
    sent: dict[int, set[str]] = {i: set() for i in ids}
    for incident_id, audience in session.execute(
            select(db.NotificationSent.incident_id, db.NotificationSent.audience).distinct()
            .where(db.NotificationSent.incident_id.in_(ids), db.NotificationSent.ok.is_(True))):
        sent[incident_id].add(audience)

    def state(incident_id: int, audience: str) -> str:
        if audience in sent[incident_id]:
            return TOLD
        return NOT_TOLD if audience in affected[incident_id] else NONE

    return {i: Told(*(state(i, key) for key, _ in AUDIENCES)) for i in ids}
