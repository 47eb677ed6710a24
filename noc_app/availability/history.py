"""Read what accounting needs from the database: confirmed transitions, last results, maintenance.

No datetime object per row: the transitions come back aggregated, one row
per check, and go straight into numpy arrays of epoch seconds and state
codes. On SQLite the stored text itself is parsed (``sqlite_times``: cheaper
than asking SQLite for ``julianday``, same milliseconds); elsewhere the
database computes the epoch seconds. The state at the period's start is one
index lookup per check.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Float, Text, case, cast, func, select
from sqlalchemy.orm import Session

from noc_app.availability import sqlite_times
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


def _state_digit(column):
    """The accounting state of a status as one character, '0'-'4' (one byte per transition to parse)."""
    return case(*((column == status, str(int(state))) for status, state in STATE_OF_STATUS.items()),
                else_=str(int(State.NO_DATA)))


def _transitions_sqlite(session: Session, start: dt.datetime, end: dt.datetime) -> dict[str, tuple] | None:
    """check key -> (times, states), parsed from the stored text (``sqlite_times``); None if some of it is not
    the 26 characters SQLAlchemy writes (a row written by another tool): SQLite then reads it itself."""
    t = db.StateTransition
    rows = session.connection().execute(
        select(t.check_key, func.group_concat(t.at, ""), func.group_concat(_state_digit(t.to_status), ""))
        .where(t.at >= start, t.at < end).group_by(t.check_key)).cursor.fetchall()
    counts = [len(digits) for _, _, digits in rows]
    if any(len(text) != sqlite_times.WIDTH * n for (_, text, _), n in zip(rows, counts)):
        return None
    times = sqlite_times.parse("".join(text for _, text, _ in rows).encode("ascii"))
    if times is None:
        return None
    codes = np.frombuffer("".join(d for _, _, d in rows).encode("ascii"), dtype=np.uint8).astype(np.int8) - ord("0")
    bounds = np.cumsum([0, *counts]).tolist()
    return {key: (times[bounds[k]:bounds[k + 1]], codes[bounds[k]:bounds[k + 1]]) for k, (key, _, _) in enumerate(rows)}


def _transitions_as_numbers(session: Session, start: dt.datetime, end: dt.datetime) -> dict[str, tuple]:
    """check key -> (times, states), the database computing epoch seconds and state codes itself."""
    t = db.StateTransition
    # One row per check with its times and states as two comma-separated lists, aggregated by the
    # database: 1,000 rows to parse instead of 350,000 Python tuples.
    rows = session.connection().execute(
        select(t.check_key, _joined(session, epoch(session, t.at)), _joined(session, _state_code(t.to_status)))
        .where(t.at >= start, t.at < end).group_by(t.check_key)).cursor.fetchall()
    # Rounded to the millisecond: SQLite's julianday keeps no more, and 09:59:59.999987 reads badly.
    return {key: (np.round(np.fromstring(times_text, sep=","), 3),
                  np.fromstring(codes_text, dtype=np.int64, sep=",").astype(np.int8))
            for key, times_text, codes_text in rows}


def read_history(session: Session, start: dt.datetime, end: dt.datetime,
                 initial: dict[str, State] | None = None) -> CheckHistory:
    """``initial``: each check's state at ``start`` when the caller knows it (the status page carries it
    from its last full read to today's), so it is not looked up again."""
    t = db.StateTransition
    history = CheckHistory()
    found = _transitions_sqlite(session, start, end) if session.get_bind().dialect.name == "sqlite" else None
    if found is None:
        found = _transitions_as_numbers(session, start, end)
    for key, (times, codes) in found.items():
        if times.size > 1 and not (np.diff(times) >= 0).all():
            order = np.argsort(times, kind="stable")  # the aggregate's order is the database's choice
            times, codes = times[order], codes[order]
        history.times[key] = times
        history.states[key] = codes

    # The state each check was in when the period began: its last transition before it, found per
    # check through the (component, time) index rather than by grouping the whole table.
    c = db.Check
    before = (select(t.to_status).where(t.component_id == c.component_id, t.check_key == c.key, t.at < start)
              .order_by(t.at.desc()).limit(1).scalar_subquery())
    if initial is not None:
        history.initial = dict(initial)
    else:
        for key, status in session.execute(select(c.key, before)):
            if status is not None:
                history.initial[key] = STATE_OF_STATUS.get(status, State.NO_DATA)
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
