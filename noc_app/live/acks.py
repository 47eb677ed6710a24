"""Alert acknowledgements shared through the database (Qt-free).

One operator presses A; every workstation and the wall stop alarming for
that problem, and the ack survives a restart. A problem is named by its
check and the ``at`` of the transition that opened it (``AlertAck``): every
desktop sees the same transition timestamps, so the pair means the same
alert row everywhere.

Writing is idempotent: when two operators acknowledge at once the first ack
wins and both get its who/when back. Readers (``AckTracker``, used by the
database feed) deliver acks made elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from noc_app.live.change_hints import notify_changes
from noc_app.live.seen_ids import SeenIds
from noc_app.storage import models as db

RECENT = dt.timedelta(hours=24)  # acks loaded on a full read: older rows are long gone from the list


@dataclass(frozen=True)
class AckView:
    """One acknowledgement: plain values, safe to send across threads."""

    id: int
    check_key: str
    problem_at: dt.datetime  # the ``at`` of the transition that opened the problem
    acked_by: str
    acked_at: dt.datetime

    @property
    def problem(self) -> tuple[str, dt.datetime]:
        return self.check_key, self.problem_at


def record_ack(sessions: sessionmaker[Session], check_key: str, problem_at: dt.datetime,
               user: str, at: dt.datetime | None = None) -> AckView:
    """Acknowledge a problem; returns the ack that stands (the first one, if it was already acked).

    Raises SQLAlchemy errors when the database is away or refuses.
    """
    at = at or dt.datetime.now(dt.timezone.utc)
    with sessions() as session, session.begin():
        dialect = session.get_bind().dialect.name
        # ON CONFLICT DO NOTHING: a concurrent ack of the same problem is not
        # an error, and never aborts the transaction (PostgreSQL would).
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        inserted = session.execute(
            insert(db.AlertAck)
            .values(check_key=check_key, problem_at=problem_at, acked_by=user[:100], acked_at=at)
            .on_conflict_do_nothing(index_elements=["check_key", "problem_at"])
        ).rowcount
        if inserted:
            notify_changes(session)  # other desktops wake at commit (no-op on SQLite: data_version)
        row = session.execute(_COLUMNS.where(db.AlertAck.check_key == check_key,
                                             db.AlertAck.problem_at == problem_at)).one()
    return _view(row)


def acks_since(session: Session, since: dt.datetime) -> list[AckView]:
    """Acks made at or after ``since``, oldest first (loading at start, full resyncs)."""
    rows = session.execute(_COLUMNS.where(db.AlertAck.acked_at >= since)
                           .order_by(db.AlertAck.acked_at, db.AlertAck.id)).all()
    return [_view(r) for r in rows]


def open_acks(session: Session, now: dt.datetime | None = None) -> list[AckView]:
    """The acks an alert list can still show: those of the last ``RECENT``."""
    return acks_since(session, (now or dt.datetime.now(dt.timezone.utc)) - RECENT)


def acks_after(session: Session, after_id: int, limit: int = 1000) -> list[AckView]:
    """Acks with ``id > after_id``, by id (the feed's cheap "what is new")."""
    rows = session.execute(_COLUMNS.where(db.AlertAck.id > after_id)
                           .order_by(db.AlertAck.id).limit(limit)).all()
    return [_view(r) for r in rows]


class AckTracker:
    """What the database feed delivers: all recent acks on a full read, new ones otherwise.

    Ids come from a sequence at INSERT time, not at COMMIT, so (as for
    transitions) each diff read looks back ``tail`` ids and skips those seen,
    instead of trusting "id > last". Acks are cheap to re-deliver: receivers
    apply them idempotently.
    """

    def __init__(self, tail: int = 64):
        self._seen = SeenIds(tail)

    def read(self, session: Session, full: bool, now: dt.datetime | None = None) -> tuple[AckView, ...]:
        if full:
            acks = open_acks(session, now)
            # Diff reads continue from the newest ack, not from ack 1 of the table's history.
            self._seen.advance(session.scalar(select(func.max(db.AlertAck.id))) or 0)
        else:
            acks = [a for a in acks_after(session, self._seen.look_back_from()) if a.id not in self._seen]
        for ack in acks:
            self._seen.add(ack.id)
        return tuple(acks)


_COLUMNS = select(db.AlertAck.id, db.AlertAck.check_key, db.AlertAck.problem_at,
                  db.AlertAck.acked_by, db.AlertAck.acked_at)


def _view(row) -> AckView:
    return AckView(id=row.id, check_key=row.check_key, problem_at=row.problem_at,
                   acked_by=row.acked_by, acked_at=row.acked_at)
