"""Incidents, their append-only timelines, and what was sent and paged for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from noc_app.storage.base import Base, utcnow
from noc_app.storage.models.monitoring import BigId


class Incident(Base):
    """The editable header of an incident.

    ``version`` is SQLAlchemy's optimistic-lock column: a save from a stale
    copy raises ``StaleDataError`` instead of silently overwriting what
    another operator wrote. The history lives in ``timeline_events``.
    """

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(20), default="record", index=True)
    detected_at: Mapped[dt.datetime | None]
    first_recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    detection_means: Mapped[str | None] = mapped_column(String(40))
    manifestation: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str | None] = mapped_column(String(10))  # high | medium | low
    urgency: Mapped[str | None] = mapped_column(String(10))
    priority: Mapped[str | None] = mapped_column(String(2))  # P1..P5
    suggested_priority: Mapped[str | None] = mapped_column(String(2))
    priority_override_reason: Mapped[str | None] = mapped_column(Text)
    incident_manager_id: Mapped[str | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    restore_path: Mapped[str | None] = mapped_column(String(20))  # resolve | workaround | failover
    restore_summary: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    next_update_due_at: Mapped[dt.datetime | None]
    restored_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    postmortem_owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    postmortem_due_at: Mapped[dt.datetime | None]
    # The post-mortem record (migration 0012): free text kept exactly as typed.
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    triggered_by: Mapped[str] = mapped_column(Text, default="", server_default="")
    went_well: Mapped[str] = mapped_column(Text, default="", server_default="")
    went_wrong: Mapped[str] = mapped_column(Text, default="", server_default="")
    got_lucky: Mapped[str] = mapped_column(Text, default="", server_default="")
    lessons_learned: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Written for the affected customers (the customer version of the report prints them as is).
    customer_summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    customer_prevention: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class IncidentComponent(Base):
    __tablename__ = "incident_components"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), default="affected")  # cause | symptom | affected


class IncidentCustomer(Base):
    __tablename__ = "incident_customers"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )


class IncidentKeyMoment(Base):
    """A timeline event starred for the post-mortem report (the timeline itself stays append-only)."""

    __tablename__ = "incident_key_moments"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("timeline_events.id", ondelete="CASCADE"), primary_key=True
    )
    marked_by: Mapped[str] = mapped_column(String(200))
    marked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IncidentParticipant(Base):
    """Who is in the war room for this incident, and in what role."""

    __tablename__ = "incident_participants"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(40), default="participant")


class TimelineEvent(Base):
    """Append-only: a database trigger refuses UPDATE and DELETE (see migrations).

    ``client_ref`` is a key the writing workstation chooses for an addition,
    so replaying it from the offline outbox after a lost reply adds nothing.
    """

    __tablename__ = "timeline_events"
    __table_args__ = (
        Index("ix_timeline_events_incident_id_at", "incident_id", "at"),
        # A unique index, not a constraint: SQLite adds it without rebuilding the
        # table (a rebuild would drop the append-only triggers).
        Index("ux_timeline_events_incident_id_client_ref", "incident_id", "client_ref", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # note, check_transition, classification, ...
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None]
    client_ref: Mapped[str | None] = mapped_column(String(64))


class NotificationSent(Base):
    """Every notification sent (or that failed to send) for an incident."""

    __tablename__ = "notifications_sent"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    audience: Mapped[str] = mapped_column(String(20))  # internal | customers | partners
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook
    recipient: Mapped[str] = mapped_column(String(500))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    template_id: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool] = mapped_column(default=True)
    error: Mapped[str | None] = mapped_column(String(500))


class EscalationPage(Base):
    """Someone paged for an incident, and whether they acknowledged."""

    __tablename__ = "escalation_pages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    policy_id: Mapped[str | None] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="SET NULL")
    )
    level: Mapped[int]
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    paged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None]


class FollowUpAction(Base):
    __tablename__ = "follow_up_actions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    due_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None]
