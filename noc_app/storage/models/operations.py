"""Context around incidents: changes, known problems, maintenance, the status page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from noc_app.storage.base import Base, utcnow
from noc_app.storage.models.monitoring import BigId

ID = String(100)


class ChangeRecord(Base):
    """What changed in production, when, by whom (changes correlate with failure)."""

    __tablename__ = "changes"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    summary: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    author: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(40), default="topology")  # topology | csv | manual


class ChangeComponent(Base):
    __tablename__ = "change_components"

    change_id: Mapped[str] = mapped_column(
        ForeignKey("changes.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class KbArticle(Base):
    """A known problem and its known solution (optionally a script to run)."""

    __tablename__ = "kb_articles"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    symptoms: Mapped[list[str]]
    solution: Mapped[str] = mapped_column(Text, default="")
    script: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class KbArticleComponent(Base):
    __tablename__ = "kb_article_components"

    article_id: Mapped[str] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True
    )


class MaintenanceWindow(Base):
    """Planned downtime: suppresses alerts, shown on the wall and the status page."""

    __tablename__ = "maintenance_windows"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(Text, default="")


class MaintenanceComponent(Base):
    __tablename__ = "maintenance_components"

    window_id: Mapped[str] = mapped_column(
        ForeignKey("maintenance_windows.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True
    )


class StatusPageEntry(Base):
    """One public status update for a service group (history is every row)."""

    __tablename__ = "status_page_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    service_group: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(30))  # operational | degraded | partial_outage | major_outage | maintenance
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(200), default="")
    # Migration 0009: what a Statuspage client reads. NULL on rows written before it.
    incident_status: Mapped[str | None] = mapped_column(String(20))  # investigating .. postmortem
    components: Mapped[list[str] | None]  # public component ids this update is about
    title: Mapped[str | None] = mapped_column(String(300))  # the public incident name


class StatusPageSettings(Base):
    """``[status_page]`` of the topology (one row, id 1), so desktops without the file know it."""

    __tablename__ = "status_page_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")


class PublicComponent(Base):
    """A ``[[status_page.component]]``: a public name over internal components."""

    __tablename__ = "status_page_components"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[dt.datetime | None]


class PublicComponentMember(Base):
    __tablename__ = "status_page_members"

    public_id: Mapped[str] = mapped_column(
        ForeignKey("status_page_components.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), primary_key=True
    )
