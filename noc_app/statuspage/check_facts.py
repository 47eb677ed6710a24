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

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.domain import Status, worst
from noc_app.storage import models as db


@dataclass(frozen=True)
class CheckFacts:
    checks: dict[str, list[str]]  # component id -> its live check keys (sorted)
    current: dict[str, str]  # check key -> confirmed status now
    own: dict[str, str]  # component id -> own status now (components with checks)
    since: dict[str, dt.datetime]  # component id -> latest status change of its checks


def read_check_facts(session: Session, now: dt.datetime) -> CheckFacts:
    rows = session.execute(
        select(db.Check.component_id, db.Check.key, db.CheckState.status, db.CheckState.status_since)
        .join(db.Component, db.Component.id == db.Check.component_id)
        .join(db.CheckState, db.CheckState.check_key == db.Check.key)
        .where(db.Check.retired_at.is_(None), db.Component.retired_at.is_(None))
        .order_by(db.Check.key)).all()
    checks: dict[str, list[str]] = defaultdict(list)
    statuses: dict[str, list[Status]] = defaultdict(list)
    current, since = {}, {}
    for cid, key, status, status_since in rows:
        checks[cid].append(key)
        current[key] = status
        statuses[cid].append(Status(status))
        if status_since is not None and (cid not in since or since[cid] < status_since):
            since[cid] = status_since
    own = {cid: worst(values).value for cid, values in statuses.items()}
    in_window = session.scalars(
        select(db.MaintenanceComponent.component_id)
        .join(db.MaintenanceWindow, db.MaintenanceWindow.id == db.MaintenanceComponent.window_id)
        .where(db.MaintenanceWindow.starts_at <= now, db.MaintenanceWindow.ends_at > now)).all()
    for cid in in_window:
        if cid in own:
            own[cid] = Status.MAINTENANCE.value
    return CheckFacts(dict(checks), current, own, since)
