"""What the checks saw: current state and leases, raw samples, rollups, transitions, acks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import REAL, BigInteger, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from noc_app.storage.base import Base, RollupResolution, UtcEpochDateTime

# BIGINT on PostgreSQL, but INTEGER on SQLite so the column is a rowid alias
# and autoincrements.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class CheckState(Base):
    """The current confirmed state of a check, and who polls it next.

    The lease columns let several pollers share the checks of one database:
    a poller claims due rows (``FOR UPDATE SKIP LOCKED``), and a dead
    poller's rows become claimable again when ``lease_until`` passes.
    """

    __tablename__ = "check_states"

    check_key: Mapped[str] = mapped_column(
        ForeignKey("checks.key", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(12), default="UNKNOWN")
    status_since: Mapped[dt.datetime | None]
    last_result_at: Mapped[dt.datetime | None]
    last_latency_ms: Mapped[float | None] = mapped_column(Float)
    last_error: Mapped[str | None] = mapped_column(String(500))
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    flapping: Mapped[bool] = mapped_column(default=False)
    next_run_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[dt.datetime | None]


class CheckSample(Base):
    """One raw check result; kept for a bounded window, then rolled up and purged."""

    __tablename__ = "check_samples"
    __table_args__ = (Index("ix_check_samples_check_key_at", "check_key", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    check_key: Mapped[str] = mapped_column(ForeignKey("checks.key", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12))
    latency_ms: Mapped[float | None] = mapped_column(Float)
    http_status: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))


class CheckRollup(Base):
    """Aggregates of samples per minute (30 days) or per hour (long term).

    The biggest table by far (43 M minute rows per 1,000 checks), so it is
    laid out for size (migration 0004): on SQLite a ``WITHOUT ROWID`` table,
    so each row is stored once, in the primary-key b-tree, instead of in the
    table plus a PK index holding the key columns again; the resolution as a
    small integer, ``bucket_start`` as epoch seconds on SQLite, and the
    latencies as 4-byte floats on PostgreSQL (7 significant digits of
    milliseconds; SQLite's REAL is always 8 bytes).
    """

    __tablename__ = "check_rollups"
    __table_args__ = {"sqlite_with_rowid": False}

    check_key: Mapped[str] = mapped_column(
        ForeignKey("checks.key", ondelete="CASCADE"), primary_key=True
    )
    resolution: Mapped[str] = mapped_column(RollupResolution(), primary_key=True)  # minute | hour
    bucket_start: Mapped[dt.datetime] = mapped_column(UtcEpochDateTime(), primary_key=True)
    count: Mapped[int]
    failures: Mapped[int]
    latency_min: Mapped[float | None] = mapped_column(REAL)
    latency_avg: Mapped[float | None] = mapped_column(REAL)
    latency_p95: Mapped[float | None] = mapped_column(REAL)
    latency_max: Mapped[float | None] = mapped_column(REAL)


class StateTransition(Base):
    """A confirmed change of a check's state: kept for incident timelines."""

    __tablename__ = "state_transitions"
    __table_args__ = (Index("ix_state_transitions_component_id_at", "component_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    check_key: Mapped[str] = mapped_column(ForeignKey("checks.key", ondelete="CASCADE"), index=True)
    component_id: Mapped[str] = mapped_column(ForeignKey("components.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime]
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(500))
    flapping: Mapped[bool] = mapped_column(default=False)
    detail: Mapped[dict[str, Any] | None]


class Poller(Base):
    """A running headless poller: its heartbeat tells the others it is alive.

    Pollers share the checks fairly among the live ones; a newcomer with no
    leases yet is still counted, so the others release its share.
    """

    __tablename__ = "pollers"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # host:pid:random
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    started_at: Mapped[dt.datetime]
    heartbeat_at: Mapped[dt.datetime] = mapped_column(index=True)


class AlertAck(Base):
    """An operator acknowledged a problem: shared so every workstation stops alarming.

    A problem is named by its check and the ``at`` of the transition that
    opened it: every workstation sees the same transition timestamps, so the
    pair identifies one alert row everywhere. Unique, so a second ack of the
    same problem (two operators pressing A at once) keeps the first.
    """

    __tablename__ = "alert_acks"
    __table_args__ = (UniqueConstraint("check_key", "problem_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    check_key: Mapped[str] = mapped_column(ForeignKey("checks.key", ondelete="CASCADE"))
    problem_at: Mapped[dt.datetime]
    acked_by: Mapped[str] = mapped_column(String(100))
    acked_at: Mapped[dt.datetime] = mapped_column(index=True)  # loading reads "acked lately"
