"""Share the checks of one database among several pollers, with row leases.

Every poller heartbeats into ``pollers`` and, every ``lease_s / 3``:
1. renews the leases it holds (``lease_owner = me``);
2. releases what it holds beyond its fair share (live pollers / checks), so
   a newcomer gets work;
3. claims unowned or expired rows up to its fair share. On PostgreSQL the
   candidates are picked with ``FOR UPDATE SKIP LOCKED`` so two pollers never
   wait on or double-claim the same rows; the claiming UPDATE re-checks the
   condition, which keeps SQLite (one writer at a time) correct too.

A poller killed with SIGKILL stops renewing; its rows are claimable once
``lease_until`` passes. The new owner seeds its state machine from the
stored confirmed state, so the takeover records no duplicate transition;
after a silence longer than the gap tolerance the stored state is first
moved to UNKNOWN ("no poller ran", ``gaps.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import socket
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, and_, delete, func, inspect, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from noc_app.domain import Status
from noc_app.polling.gaps import record_gaps
from noc_app.storage import models as db


_STATES = db.CheckState.__table__
_CHECKS = db.Check.__table__


@dataclass(frozen=True)
class SeedState:
    """The confirmed state a new owner continues from."""

    status: Status
    since: dt.datetime | None


def new_poller_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class LeaseManager:
    def __init__(self, factory: sessionmaker[Session], owner: str | None = None, lease_s: float = 15.0,
                 expected_pollers: int = 1):
        self.factory = factory
        self.owner = owner or new_poller_id()
        self.lease_s = lease_s
        # Pollers started together (``poll --processes N``) split the checks from
        # the first round instead of the first one taking all and handing half
        # back a renewal later. Only for one lease: after that the live count
        # rules, so a sibling that died is taken over.
        self.expected_pollers = expected_pollers
        self.held: set[str] = set()
        self._started_at = dt.datetime.now(dt.timezone.utc)

    def refresh(self, now: dt.datetime | None = None) -> tuple[set[str], dict[str, SeedState]]:
        """One round; returns (keys held now, seed states of the keys newly claimed)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        until = now + dt.timedelta(seconds=self.lease_s)
        alive_after = now - dt.timedelta(seconds=self.lease_s)
        # Core statements on the tables: every few seconds this reads and
        # writes every held row, and the ORM's per-row loading was most of
        # an idle poller's CPU.
        with self.factory() as session, session.begin():
            self._heartbeat(session, now)
            live_pollers = session.scalar(_count_alive(alive_after)) or 1
            if now - self._started_at < dt.timedelta(seconds=self.lease_s):
                live_pollers = max(live_pollers, self.expected_pollers)
            live_checks = select(_CHECKS.c.key).where(_CHECKS.c.retired_at.is_(None))
            total = session.scalar(select(func.count()).select_from(live_checks.subquery())) or 0
            fair = math.ceil(total / live_pollers) if total else 0

            # Lock our rows in key order first, as the recorder's state
            # updates do: in any other order the two can deadlock on PostgreSQL.
            session.execute(select(_STATES.c.check_key).where(_STATES.c.lease_owner == self.owner)
                            .order_by(_STATES.c.check_key).with_for_update())
            session.execute(
                update(_STATES)
                .where(_STATES.c.lease_owner == self.owner)
                .values(lease_until=until)
            )
            held = set(session.execute(
                select(_STATES.c.check_key).where(
                    _STATES.c.lease_owner == self.owner,
                    _STATES.c.check_key.in_(live_checks),
                )
            ).scalars())
            # Retired checks and the excess over the fair share go back to the pool.
            excess = sorted(held)[fair:] if len(held) > fair else []
            session.execute(
                update(_STATES)
                .where(_STATES.c.lease_owner == self.owner,
                       or_(_STATES.c.check_key.in_(excess),
                           _STATES.c.check_key.not_in(live_checks)))
                .values(lease_owner=None, lease_until=None)
            )
            held -= set(excess)

            seeds: dict[str, SeedState] = {}
            wanted = fair - len(held)
            if wanted > 0:
                claimable = and_(
                    _STATES.c.check_key.in_(live_checks),
                    or_(_STATES.c.lease_owner.is_(None), _STATES.c.lease_until < now),
                )
                candidates = list(session.execute(
                    select(_STATES.c.check_key).where(claimable)
                    .order_by(_STATES.c.check_key).limit(wanted)
                    .with_for_update(skip_locked=True)
                ).scalars())
                if candidates:
                    session.execute(
                        update(_STATES)
                        .where(_STATES.c.check_key.in_(candidates), claimable)
                        .values(lease_owner=self.owner, lease_until=until)
                    )
                    # A check nobody polled for a while: the silence is recorded as no data.
                    record_gaps(session, candidates, now)
                    for row in session.execute(
                        select(_STATES.c.check_key, _STATES.c.status, _STATES.c.status_since)
                        .where(_STATES.c.check_key.in_(candidates),
                               _STATES.c.lease_owner == self.owner)
                    ):
                        seeds[row.check_key] = SeedState(Status(row.status), row.status_since)
                        held.add(row.check_key)
        self.held = held
        return held, seeds

    def release_all(self) -> None:
        """On a clean shutdown: hand everything back at once and leave the pool."""
        with self.factory() as session, session.begin():
            session.execute(
                update(db.CheckState).where(db.CheckState.lease_owner == self.owner)
                .values(lease_owner=None, lease_until=None)
            )
            session.execute(delete(db.Poller).where(db.Poller.id == self.owner))
        self.held = set()

    def _heartbeat(self, session: Session, now: dt.datetime) -> None:
        row = session.get(db.Poller, self.owner)
        if row is None:
            session.add(db.Poller(id=self.owner, host=socket.gethostname(), pid=os.getpid(),
                                  started_at=self._started_at, heartbeat_at=now))
        else:
            row.heartbeat_at = now
        # Forget pollers dead for long, so the table stays small.
        session.execute(delete(db.Poller).where(
            db.Poller.heartbeat_at < now - dt.timedelta(seconds=self.lease_s * 20)))


def _count_alive(alive_after: dt.datetime):
    """Pollers that heartbeat after ``alive_after``."""
    return select(func.count()).select_from(db.Poller).where(db.Poller.heartbeat_at > alive_after)


def other_pollers(engine: Engine, lease_s: float) -> int | None:
    """How many other pollers are alive on this database? (Asked before this one registers.)

    None: a database without Vigil's tables yet (new, empty), so none. One
    that cannot be read counts as shared (1): nothing is assumed about it.
    """
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(db.Poller.__tablename__):
                return None
            alive_after = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=lease_s)
            return connection.scalar(_count_alive(alive_after)) or 0
    except SQLAlchemyError:
        return 1
