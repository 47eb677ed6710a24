"""Record the time no poller ran, when a poller picks a check up again after a silence.

Nobody can write anything while no poller runs, so the silence is recorded by
whoever resumes: a lease claimed from a dead poller, or an embedded app
starting on its SQLite file. If the check's last result is older than the
gap tolerance, a confirmed transition to UNKNOWN is written one interval after
that last result ("no poller ran"), and the check continues from UNKNOWN, so
its next result is a transition back. Availability reports then count the
silence as *no data* instead of silently stretching the last state over it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from noc_app.domain import Status
from noc_app.storage import models as db

NO_POLLER_REASON = "no data: no poller ran"


def gap_tolerance_s(interval_s: float) -> float:
    """Silences longer than this are gaps; the availability accounting uses the same rule."""
    return max(3.0 * interval_s, 60.0)


def record_gaps(session: Session, keys, now: dt.datetime) -> set[str]:
    """Mark the checks among ``keys`` silent for longer than their tolerance; returns the keys marked."""
    keys = list(keys)
    if not keys:
        return set()
    marked: set[str] = set()
    rows = []
    for lo in range(0, len(keys), 500):  # bounded IN lists (SQLite bind limit)
        rows += session.execute(
            select(db.CheckState.check_key, db.CheckState.status, db.CheckState.last_result_at,
                   db.Check.interval_s, db.Check.component_id)
            .join(db.Check, db.Check.key == db.CheckState.check_key)
            .where(db.CheckState.check_key.in_(keys[lo:lo + 500]))).all()
    transitions = []
    for key, status, last, interval_s, component_id in rows:
        if last is None or status == Status.UNKNOWN.value:
            continue
        if (now - last).total_seconds() <= gap_tolerance_s(interval_s):
            continue
        at = min(last + dt.timedelta(seconds=interval_s), now)
        transitions.append({"check_key": key, "component_id": component_id, "at": at,
                            "from_status": status, "to_status": Status.UNKNOWN.value,
                            "reason": f"{NO_POLLER_REASON} until {now.isoformat(timespec='seconds')}",
                            "flapping": False})
        marked.add(key)
    if transitions:
        session.execute(insert(db.StateTransition), transitions)
        session.execute(update(db.CheckState), [
            {"check_key": t["check_key"], "status": Status.UNKNOWN.value, "status_since": t["at"]}
            for t in transitions])
    return marked
