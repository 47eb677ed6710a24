"""One read of every live check (key, component, state, since) per publish.

The uptime tracker and the reader both need it; one query instead of four
keeps a ``--watch`` rewrite short. Component own statuses follow
``storage.readers.component_statuses``: the worst of the component's checks,
MAINTENANCE inside a maintenance window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from noc_app.domain import SEVERITY_ORDER, Status
from noc_app.storage import models as db


@dataclass(frozen=True)
class CheckFacts:
    checks: dict[str, list[str]]  # component id -> its live check keys (sorted)
    current: dict[str, str]  # check key -> confirmed status now
    own: dict[str, str]  # component id -> own status now (components with checks)
    since: dict[str, dt.datetime]  # component id -> latest status change of its checks


_ROWS = (select(db.Check.component_id, db.Check.key, db.CheckState.status, db.CheckState.status_since)
         .join(db.Component, db.Component.id == db.Check.component_id)
         .join(db.CheckState, db.CheckState.check_key == db.Check.key)
         .where(db.Check.retired_at.is_(None), db.Component.retired_at.is_(None))
         .order_by(db.Check.key))
# The same rows with ``status_since`` as the driver gives it (text on SQLite): enough to tell
# whether anything changed, without making 1,000 datetimes to find out it did not.
_FINGERPRINT = _ROWS.with_only_columns(db.Check.component_id, db.Check.key, db.CheckState.status,
                                       type_coerce(db.CheckState.status_since, String))
_IN_WINDOW = (select(db.MaintenanceComponent.component_id)
              .join(db.MaintenanceWindow, db.MaintenanceWindow.id == db.MaintenanceComponent.window_id))


def read_check_facts(session: Session, now: dt.datetime) -> CheckFacts:
    rows = session.connection().execute(_ROWS).all()
    return _facts(rows, _in_window(session, now))


class CheckFactsCache:
    """``read_check_facts`` for a publisher: while the rows and the maintenance windows in force
    are the same as last time, the very same ``CheckFacts`` comes back (cheap to tell, and whatever
    is keyed on it downstream sees "unchanged" at a glance)."""

    def __init__(self) -> None:
        self._key = None
        self._facts: CheckFacts | None = None

    def read(self, session: Session, now: dt.datetime) -> CheckFacts:
        run = session.connection().execute
        key = (list(map(tuple, run(_FINGERPRINT))), _in_window(session, now))  # tuples compare fastest
        if self._facts is None or key != self._key:
            self._facts, self._key = _facts(run(_ROWS).all(), key[1]), key
        return self._facts


def _in_window(session: Session, now: dt.datetime) -> tuple[str, ...]:
    return tuple(session.connection().execute(
        _IN_WINDOW.where(db.MaintenanceWindow.starts_at <= now, db.MaintenanceWindow.ends_at > now)).scalars())


_RANK = {s.value: i for i, s in enumerate(SEVERITY_ORDER)}  # as domain.worst ranks them, on plain strings


def _facts(rows, in_window: tuple[str, ...]) -> CheckFacts:
    checks: dict[str, list[str]] = defaultdict(list)
    current, since, own = {}, {}, {}
    rank = _RANK
    for cid, key, status, status_since in rows:
        checks[cid].append(key)
        current[key] = status
        if status not in rank:
            Status(status)  # a word that is no status fails here, as it always did
        held = own.get(cid)
        if held is None or rank[status] < rank[held]:
            own[cid] = status
        if status_since is not None and (cid not in since or since[cid] < status_since):
            since[cid] = status_since
    for cid in in_window:
        if cid in own:
            own[cid] = Status.MAINTENANCE.value
    return CheckFacts(dict(checks), current, own, since)
