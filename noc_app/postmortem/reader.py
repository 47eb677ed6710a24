"""Load the inputs of the how-soon metrics for one incident from a database session.

Works on any database with the app's schema: the live one (SQLite or
PostgreSQL) and an offline review bundle alike.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.incidents.errors import NotFoundError
from noc_app.postmortem.metrics import (
    IMPACT_LOOKBACK, Event, HowSoon, IncidentFacts, MetricInputs, Notice, Transition,
    compute_metrics,
)
from noc_app.storage import models as db


def load_metric_inputs(session: Session, incident_id: int) -> MetricInputs:
    """Everything ``compute_metrics`` reads; ``NotFoundError`` for an unknown incident."""
    incident = session.get(db.Incident, incident_id)
    if incident is None:
        raise NotFoundError(f"incident {incident_id} does not exist")
    roles = dict(session.execute(
        select(db.IncidentComponent.component_id, db.IncidentComponent.role)
        .where(db.IncidentComponent.incident_id == incident_id)).all())
    tiers = dict(session.execute(
        select(db.Customer.id, db.Customer.tier)
        .join(db.IncidentCustomer, db.IncidentCustomer.customer_id == db.Customer.id)
        .where(db.IncidentCustomer.incident_id == incident_id)).all())
    weights = dict(session.execute(select(db.Tier.name, db.Tier.weight)).all())
    facts = IncidentFacts(
        id=incident.id, first_recorded_at=incident.first_recorded_at,
        detected_at=incident.detected_at, restored_at=incident.restored_at,
        restore_path=incident.restore_path, closed_at=incident.closed_at,
        components=roles, customer_tiers=tiers, tier_weights=weights)

    events = tuple(Event(e.at, e.kind, dict(e.data or {})) for e in session.scalars(
        select(db.TimelineEvent).where(db.TimelineEvent.incident_id == incident_id)
        .order_by(db.TimelineEvent.at, db.TimelineEvent.id)))

    opened = incident.first_recorded_at
    earliest = min(t for t in (opened, incident.detected_at) if t is not None) - IMPACT_LOOKBACK
    transitions = tuple(
        Transition(t.component_id, t.at, t.from_status, t.to_status, t.check_key)
        for t in session.scalars(
            select(db.StateTransition).where(
                db.StateTransition.component_id.in_(list(roles)),
                db.StateTransition.at >= earliest, db.StateTransition.at <= opened)
            .order_by(db.StateTransition.at, db.StateTransition.id))) if roles else ()

    notices = tuple(
        Notice(sent_at, audience, ok, kind, template_id)
        for sent_at, audience, ok, kind, template_id in session.execute(
            select(db.NotificationSent.sent_at, db.NotificationSent.audience,
                   db.NotificationSent.ok, db.MessageTemplate.kind,
                   db.NotificationSent.template_id)
            .outerjoin(db.MessageTemplate,
                       db.MessageTemplate.id == db.NotificationSent.template_id)
            .where(db.NotificationSent.incident_id == incident_id)
            .order_by(db.NotificationSent.sent_at, db.NotificationSent.id)))
    return MetricInputs(facts, events, transitions, notices)


def metrics_for(session: Session, incident_id: int, now: dt.datetime | None = None) -> HowSoon:
    return compute_metrics(load_metric_inputs(session, incident_id), now)
