"""What can fail and who uses it: components, dependencies, checks, customers, the map."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from noc_app.storage.base import Base, utcnow

ID = String(100)


class Component(Base):
    __tablename__ = "components"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    group_name: Mapped[str] = mapped_column(String(100), default="", index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40), default="service")
    criticality: Mapped[str] = mapped_column(String(20), default="medium")
    description: Mapped[str] = mapped_column(Text, default="")
    # Set when the component disappears from the topology: history is kept.
    retired_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    checks: Mapped[list[Check]] = relationship(back_populates="component")


class ComponentDependency(Base):
    """``component_id`` depends on ``depends_on_id`` (an edge of the DAG)."""

    __tablename__ = "component_dependencies"

    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True
    )
    depends_on_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # NULL: a plain (hard) dependency.  Otherwise the edge is a member of the
    # component's redundancy group at this position (``ComponentRedundancyGroup``).
    group_position: Mapped[int | None]


class ComponentRedundancyGroup(Base):
    """One redundancy group a component depends on: ``need`` of its member edges healthy.

    Members are the ``ComponentDependency`` rows of the same component with
    this ``group_position``; ``name`` is the ``[[redundancy]]`` id when the
    group was named in the topology file.
    """

    __tablename__ = "component_redundancy_groups"

    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    need: Mapped[int] = mapped_column(default=1)
    name: Mapped[str | None] = mapped_column(String(100))


class Check(Base):
    """How a component's health is measured; ``config`` is the full check spec."""

    __tablename__ = "checks"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # "api#0"
    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(500))  # URL or host:port, for display
    interval_s: Mapped[float] = mapped_column(Float)
    timeout_s: Mapped[float] = mapped_column(Float)
    retries: Mapped[int]
    config: Mapped[dict[str, Any]]
    retired_at: Mapped[dt.datetime | None]

    component: Mapped[Component] = relationship(back_populates="checks")


class Tier(Base):
    __tablename__ = "tiers"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    sla: Mapped[float | None] = mapped_column(Float)  # availability target of the tier, 0.999 = 99.9 %


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(40), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    business_start: Mapped[dt.time] = mapped_column(Time)
    business_end: Mapped[dt.time] = mapped_column(Time)
    business_days: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")  # Monday = 0
    account_manager: Mapped[str | None] = mapped_column(String(200))
    partner: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(320))
    retired_at: Mapped[dt.datetime | None]
    sla: Mapped[float | None] = mapped_column(Float)  # own availability target; else the tier's


class CustomerComponent(Base):
    """The customer–component map: who uses what, and how critically."""

    __tablename__ = "customer_components"

    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    criticality: Mapped[str] = mapped_column(String(20), default="high")
