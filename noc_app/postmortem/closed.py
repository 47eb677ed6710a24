"""Recently closed incidents with their how-soon figures, for the incidents board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.postmortem.metrics import HowSoon
from noc_app.postmortem.reader import metrics_for
from noc_app.storage import models as db

RECENT = dt.timedelta(days=14)
LIMIT = 20


@dataclass(frozen=True)
class ClosedIncident:
    id: int
    title: str
    priority: str | None
    closed_at: dt.datetime
    metrics: HowSoon


def recently_closed(session: Session, now: dt.datetime, within: dt.timedelta = RECENT,
                    limit: int = LIMIT) -> list[ClosedIncident]:
    """Incidents closed in the last ``within``, newest first, at most ``limit``."""
    rows = session.scalars(select(db.Incident).where(db.Incident.closed_at >= now - within)
                           .order_by(db.Incident.closed_at.desc(), db.Incident.id.desc()).limit(limit)).all()
    return [ClosedIncident(i.id, i.title, i.priority, i.closed_at, metrics_for(session, i.id, now))
            for i in rows]
