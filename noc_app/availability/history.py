"""Read what accounting needs from the database: confirmed transitions, last results, maintenance.

Timestamps come out as epoch seconds computed by the database itself and the
statuses as small integers, so 100,000s of transitions load as plain tuples
into numpy arrays (no datetime object per row).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Float, Text, and_, case, cast, func, select
from sqlalchemy.orm import Session

from noc_app.availability.intervals import Spans
from noc_app.availability.states import STATE_OF_STATUS, State
from noc_app.storage import models as db

_EMPTY_T = np.zeros(0, dtype=np.float64)
_EMPTY_S = np.zeros(0, dtype=np.int8)


@dataclass
class CheckHistory:
    """Per check key: state at the period start, transitions inside it, last result."""

    initial: dict[str, State] = field(default_factory=dict)
    times: dict[str, np.ndarray] = field(default_factory=dict)
    states: dict[str, np.ndarray] = field(default_factory=dict)
    last_result: dict[str, float] = field(default_factory=dict)
    maintenance: dict[str, Spans] = field(default_factory=dict)  # component id -> declared windows

    def steps(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        return self.times.get(key, _EMPTY_T), self.states.get(key, _EMPTY_S)


def epoch(session: Session, column):
    """``column`` (a UTC timestamp) as float epoch seconds, in SQL."""
    if session.get_bind().dialect.name == "sqlite":
        # julianday keeps milliseconds, plenty for minutes of downtime.
        return (func.julianday(column) - 2440587.5) * 86400.0
    return cast(func.extract("epoch", column), Float)


def _joined(session: Session, expression):
    """The group's values as one comma-separated text (group_concat / string_agg)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.group_concat(expression, ",")
    return func.string_agg(cast(expression, Text), ",")


def _state_code(column):
    return case(*((column == status, int(state)) for status, state in STATE_OF_STATUS.items()),
                else_=int(State.NO_DATA))


def read_history(session: Session, start: dt.datetime, end: dt.datetime) -> CheckHistory:
    t = db.StateTransition
    history = CheckHistory()
    # One row per check with its times and states as two comma-separated lists, aggregated by the
    # database: 1,000 rows to parse instead of 350,000 Python tuples (a third of the report's time).
    at = epoch(session, t.at)
    code = _state_code(t.to_status)
    rows = session.connection().execute(
        select(t.check_key, _joined(session, at), _joined(session, code))
        .where(t.at >= start, t.at < end).group_by(t.check_key)).cursor.fetchall()
    for key, times_text, codes_text in rows:
        # Rounded to the millisecond: SQLite's julianday keeps no more, and 09:59:59.999987 reads badly.
        times = np.round(np.fromstring(times_text, sep=","), 3)
        codes = np.fromstring(codes_text, dtype=np.int64, sep=",").astype(np.int8)
        order = np.argsort(times, kind="stable")  # the aggregate's order is the database's choice
        history.times[key] = times[order]
        history.states[key] = codes[order]

    # The state each check was in when the period began: its last transition before it.
    latest = (select(t.check_key, func.max(t.at).label("at")).where(t.at < start)
              .group_by(t.check_key).subquery())
    for key, code in session.execute(
            select(t.check_key, _state_code(t.to_status))
            .join(latest, and_(latest.c.check_key == t.check_key, latest.c.at == t.at))):
        history.initial[key] = State(code)

    for key, last in session.execute(
            select(db.CheckState.check_key, epoch(session, db.CheckState.last_result_at))
            .where(db.CheckState.last_result_at.is_not(None))):
        history.last_result[key] = round(float(last), 3)

    windows: dict[str, list[tuple[float, float]]] = defaultdict(list)
    w, link = db.MaintenanceWindow, db.MaintenanceComponent
    for component_id, a, b in session.execute(
            select(link.component_id, epoch(session, w.starts_at), epoch(session, w.ends_at))
            .join(w, w.id == link.window_id).where(w.starts_at < end, w.ends_at > start)):
        windows[component_id].append((round(float(a), 3), round(float(b), 3)))
    history.maintenance = {cid: Spans.of(*zip(*spans)) for cid, spans in windows.items()}
    return history
