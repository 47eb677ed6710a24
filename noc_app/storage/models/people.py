"""Who responds: teams, people, escalation policies, notification lists, templates."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from noc_app.storage.base import Base

ID = String(100)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    escalation_policy_id: Mapped[str | None] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="SET NULL")
    )


class Person(Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(60))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))


class EscalationPolicy(Base):
    __tablename__ = "escalation_policies"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))

    levels: Mapped[list[EscalationLevel]] = relationship(
        order_by="EscalationLevel.position", cascade="all, delete-orphan"
    )


class EscalationPolicyComponent(Base):
    __tablename__ = "escalation_policy_components"

    policy_id: Mapped[str] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True
    )


class EscalationLevel(Base):
    """One rung of a hunt group: these people, ``delay_s`` after the previous rung."""

    __tablename__ = "escalation_levels"

    policy_id: Mapped[str] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    delay_s: Mapped[float] = mapped_column(Float, default=0.0)
    people: Mapped[list[str]]  # person ids, in calling order


class NotificationList(Base):
    """Who is told for a given priority (internal staff audience)."""

    __tablename__ = "notification_lists"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    priorities: Mapped[list[str]]  # ["P1", "P2"]
    people: Mapped[list[str]]  # person ids
    emails: Mapped[list[str]]  # addresses outside the people table
    webhook_url: Mapped[str | None] = mapped_column(String(500))


class MessageTemplate(Base):
    __tablename__ = "message_templates"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20))  # internal | customers | partners
    kind: Mapped[str] = mapped_column(String(20))  # initial | update | resolved
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
