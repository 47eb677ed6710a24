"""Maintenance windows: planned downtime on some components, from ``starts_at`` to ``ends_at``.

A window is active on ``[starts_at, ends_at)``: at the very minute it ends
the components count as live again, so alerts are no longer suppressed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from noc_app.admin.common import (
    replace_component_links,
    ValidationError, check_aware, check_components, check_id, check_new_id, check_text, require,
    writing,
)
from noc_app.storage import models as db
from noc_app.storage.db import transaction


@dataclass(frozen=True)
class Window:
    id: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str = ""
    components: tuple[str, ...] = ()

    def active_at(self, now: dt.datetime) -> bool:
        return self.starts_at <= now < self.ends_at


class MaintenanceAdmin:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def list(self) -> list[Window]:
        """Every window, latest start first."""
        return self._select(select(db.MaintenanceWindow)
                            .order_by(db.MaintenanceWindow.starts_at.desc(), db.MaintenanceWindow.id))

    def active(self, now: dt.datetime) -> list[Window]:
        now = check_aware(now, "now")
        return self._select(select(db.MaintenanceWindow)
                            .where(db.MaintenanceWindow.starts_at <= now, db.MaintenanceWindow.ends_at > now)
                            .order_by(db.MaintenanceWindow.ends_at, db.MaintenanceWindow.id))

    def upcoming(self, now: dt.datetime, hours: float = 24) -> list[Window]:
        """Windows starting after ``now`` and at most ``hours`` later, soonest first."""
        now = check_aware(now, "now")
        return self._select(select(db.MaintenanceWindow)
                            .where(db.MaintenanceWindow.starts_at > now,
                                   db.MaintenanceWindow.starts_at <= now + dt.timedelta(hours=hours))
                            .order_by(db.MaintenanceWindow.starts_at, db.MaintenanceWindow.id))

    def get(self, window_id: str) -> Window:
        with transaction(self.sessions) as session:
            row = require(session.get(db.MaintenanceWindow, window_id), f"window {window_id!r}")
            return _window(row, _links(session, [window_id]).get(window_id, ()))

    def create(self, window: Window) -> Window:
        with writing(self.sessions, f"window {window.id!r}") as session:
            window_id = check_new_id(session, db.MaintenanceWindow, window.id, "maintenance window")
            session.add(db.MaintenanceWindow(id=window_id, **_validated(session, window)))
            session.flush()
            replace_component_links(session, db.MaintenanceComponent, "window_id", window_id, window.components)
        return self.get(window_id)

    def update(self, window: Window) -> Window:
        window_id = check_id(window.id)
        with writing(self.sessions, f"window {window_id!r}") as session:
            row = require(session.get(db.MaintenanceWindow, window_id), f"window {window_id!r}")
            for name, value in _validated(session, window).items():
                setattr(row, name, value)
            replace_component_links(session, db.MaintenanceComponent, "window_id", window_id, window.components)
        return self.get(window_id)

    def delete(self, window_id: str) -> None:
        with transaction(self.sessions) as session:
            session.delete(require(session.get(db.MaintenanceWindow, window_id), f"window {window_id!r}"))

    def _select(self, query) -> list[Window]:
        with transaction(self.sessions) as session:
            rows = list(session.scalars(query))
            links = _links(session, [r.id for r in rows])
            return [_window(r, links.get(r.id, ())) for r in rows]


def _validated(session: Session, window: Window) -> dict:
    starts_at = check_aware(window.starts_at, "start")
    ends_at = check_aware(window.ends_at, "end")
    if ends_at <= starts_at:
        raise ValidationError("end: must be after the start "
                              f"({ends_at:%Y-%m-%d %H:%M} is not after {starts_at:%Y-%m-%d %H:%M} UTC)",
                              "end")
    reason = check_text(window.reason, "reason", required=True)
    if not window.components:
        raise ValidationError("components: pick at least one component", "components")
    check_components(session, window.components)
    return {"starts_at": starts_at, "ends_at": ends_at, "reason": reason}


def _links(session: Session, ids: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    if ids:
        for wid, cid in session.execute(
                select(db.MaintenanceComponent.window_id, db.MaintenanceComponent.component_id)
                .where(db.MaintenanceComponent.window_id.in_(ids))
                .order_by(db.MaintenanceComponent.component_id)):
            out.setdefault(wid, []).append(cid)
    return {k: tuple(v) for k, v in out.items()}


def _window(row: db.MaintenanceWindow, components: tuple[str, ...]) -> Window:
    return Window(row.id, row.starts_at, row.ends_at, row.reason or "", components)
