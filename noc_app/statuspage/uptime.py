"""90-day uptime per public component: the availability report's accounting, one bar per calendar day.

The seconds are the report's (``noc_app.availability``): a public component
over a period has exactly the down, degraded, maintenance and no-data
seconds, and the percentage, of the report's public-component row for the
same period (poller gaps are no data, maintenance windows are maintenance,
dependencies count). Each member is one step function, the highest state of
what it relies on; one sweep of the members (``sweep.counted_pieces``) is
cut at the page's local midnights. Its packed counts also say how many
members are at least DOWN, DEGRADED, ... at each moment, from which the
page's rule (``rules.rollup_codes``) names each piece; "all members DOWN"
(major outage) is read, as the live status reads it, off the members' own
states (a second sweep of those): a member down only through a dependency
makes a partial outage. A day's status is the worst name it saw, "no data"
when it saw none.

``UptimeTracker`` keeps the finished days: a ``--watch`` rewrite reads only
today's transitions (each check's state at midnight comes from the last
full read) and sweeps today. A full read runs when the day changes, the
members change, or when a check made every ``full_every_s`` finds that the
finished days' inputs changed (a transition dated before midnight added or
removed, a maintenance window changed). That check is two count queries.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from noc_app.availability.accounting import gap_tolerance_s
from noc_app.availability.history import read_history
from noc_app.availability.members import PublicMembers
from noc_app.availability.states import State
from noc_app.availability.sweep import at_least, breakdown_of, counted_pieces
from noc_app.statuspage.check_facts import CheckFacts, read_check_facts
from noc_app.statuspage.config import PageConfig
from noc_app.statuspage.model import Uptime, UptimeDay
from noc_app.statuspage.rules import ROLLUP_WORDS, rollup_codes
from noc_app.statuspage.vocabulary import SEVERITY
from noc_app.storage import models as db
from noc_app.storage.readers import read_topology

NO_DATA = "no_data"
_COLUMNS = 5  # the accounting states, UP .. DOWN (``State``)
_MAJOR, _PARTIAL = ROLLUP_WORDS.index("major_outage"), ROLLUP_WORDS.index("partial_outage")
_WORST_FIRST = sorted(range(len(ROLLUP_WORDS)), key=lambda i: -SEVERITY[ROLLUP_WORDS[i]])


def day_bounds(now: dt.datetime, zone: str, days: int) -> list[dt.datetime]:
    """Local midnights from ``days - 1`` days ago to today, then ``now``."""
    tz = zoneinfo.ZoneInfo(zone)
    today = now.astimezone(tz).date()
    starts = [dt.datetime.combine(today - dt.timedelta(days=d), dt.time(), tz) for d in range(days - 1, -1, -1)]
    return starts + [now]


class _Days:
    """One public component's sweep, cut into days: whole quanta per accounting state, and the names seen."""

    def __init__(self, swept, own, day_starts: np.ndarray, n_days: int):
        (starts, lengths, counts, self.q), members = swept
        day = np.searchsorted(day_starts, starts, side="right") - 1
        deg, nodata, maint, down = (at_least(counts, s) for s in (1, 2, 3, 4))
        column = (deg > 0).astype(np.int64) + (nodata > 0) + (maint > 0) + (down > 0)
        self.quanta = np.bincount(day * _COLUMNS + column, weights=lengths,
                                  minlength=n_days * _COLUMNS).reshape(n_days, _COLUMNS).astype(np.int64)
        word = rollup_codes(down, deg - nodata, maint - down, members - (nodata - maint))
        word = np.where(word == _MAJOR, _PARTIAL, word)  # "all DOWN" is the members' own, below
        self.seen = np.zeros((n_days, len(ROLLUP_WORDS)), dtype=bool)
        shown = (lengths > 0) & (word >= 0)
        self.seen[day[shown], word[shown]] = True
        if own is None:
            return
        (o_starts, o_lengths, o_counts, _), members = own
        o_deg, o_nodata, o_maint, o_down = (at_least(o_counts, s) for s in (1, 2, 3, 4))
        o_word = rollup_codes(o_down, o_deg - o_nodata, o_maint - o_down, members - (o_nodata - o_maint))
        major = (o_lengths > 0) & (o_word == _MAJOR)
        self.seen[np.searchsorted(day_starts, o_starts[major], side="right") - 1, _MAJOR] = True

    def day(self, i: int, date: dt.date) -> UptimeDay:
        quanta, q = self.quanta[i], self.q
        status = next((ROLLUP_WORDS[w] for w in _WORST_FIRST if self.seen[i, w]), NO_DATA)
        measured = int(quanta.sum()) - int(quanta[State.NO_DATA]) - int(quanta[State.MAINTENANCE])
        return UptimeDay(date, status, float(quanta[State.DOWN]) * q, float(quanta[State.DEGRADED]) * q,
                         measured * q, float(quanta[State.NO_DATA]) * q, float(quanta[State.MAINTENANCE]) * q)


def _sweeps(members: PublicMembers, things, ids, start: float, end: float, cuts: np.ndarray, memo: dict):
    """The members swept as the report counts them, and their own states swept the same way (for "all
    DOWN"; the same sweep when no member relies on anything else), each with its count of members."""
    steps = members.member_steps(things, ids)
    pieces = counted_pieces(steps, start, end, cuts, memo) if steps else None
    if pieces is None:
        return None, None
    own = members.own_steps(things, ids)
    if len(own) == len(steps) and all(a is b for a, b in zip(own, steps)):
        return (pieces, len(steps)), (pieces, len(own))
    own_pieces = counted_pieces(own, start, end, cuts, memo) if own else None
    return (pieces, len(steps)), None if own_pieces is None else (own_pieces, len(own))


def _silent_before(members: PublicMembers, history, midnight: float, now: float) -> dict[str, float]:
    """The checks whose no data (no result yet, or no poller since their last one) began before today,
    and when: what the accounting's no-data tail (``component_steps``) puts into the finished days."""
    out = {}
    for check in members.topology.checks:
        last = history.last_result.get(check.key)
        if last is None:
            out[check.key] = float("-inf")
        elif now - last > gap_tolerance_s(check.interval_s) and last + check.interval_s < midnight:
            out[check.key] = last + check.interval_s
    return out


def _unmeasured(dates: list[dt.date]) -> tuple[UptimeDay, ...]:
    return tuple(UptimeDay(d, NO_DATA, 0.0, 0.0, 0.0) for d in dates)


class UptimeTracker:
    def __init__(self, days: int = 90, full_every_s: float = 600.0):
        self.days = days
        self.full_every_s = full_every_s
        self._key = None
        self._full_at = 0.0
        self._members: PublicMembers | None = None
        self._past: dict[str, tuple[UptimeDay, ...]] = {}
        self._past_quanta: dict[str, np.ndarray] = {}  # pid -> whole quanta per state over the finished days
        self._q: float | None = None
        self._at_midnight: dict[str, State] = {}  # check key -> its confirmed state when today began
        self._past_inputs = None
        self._newest = 0  # the newest transition id at the last full read
        self._silent: dict[str, float] = {}
        self.full_runs = 0  # for tests and the bench: how often the whole window was read and swept

    def compute(self, session: Session, page: PageConfig, now: dt.datetime,
                facts: CheckFacts | None = None) -> dict[str, Uptime]:
        bounds = day_bounds(now, page.time_zone, self.days)
        facts = facts or read_check_facts(session, now)
        groups = {p.id: p.members for p in page.components}
        key = (bounds[-2], tuple(groups.items()), tuple((c, tuple(k)) for c, k in sorted(facts.checks.items())))
        full = key != self._key
        if not full and time.monotonic() - self._full_at > self.full_every_s:
            full = self._inputs(session, bounds) != self._past_inputs
            self._full_at = time.monotonic()
        if not full:
            full = self._late(session, bounds) != self._past_inputs[1:]
        out = None if full else self._today(session, bounds, groups)
        return self._full(session, bounds, groups, key) if out is None else out

    def _full(self, session: Session, bounds: list[dt.datetime], groups: dict, key) -> dict[str, Uptime]:
        members = self._members = PublicMembers(read_topology(session))
        history = read_history(session, bounds[0], bounds[-1])
        t0, midnight, t1 = bounds[0].timestamp(), bounds[-2].timestamp(), bounds[-1].timestamp()
        things = members.things(history, t0, t1)
        cuts = np.array([b.timestamp() for b in bounds[1:-1]])
        dates = [b.date() for b in bounds[:-1]]
        out: dict[str, Uptime] = {}
        self._past, self._past_quanta, self._q = {}, {}, None
        day_starts = None
        memo: dict = {}
        for pid, ids in groups.items():
            swept, own = _sweeps(members, things, ids, t0, t1, cuts, memo)
            if swept is None:
                self._past[pid] = past = _unmeasured(dates[:-1])
                out[pid] = Uptime(past + _unmeasured(dates[-1:]), None, 0.0, past)
                continue
            self._q = q = swept[0][3]
            if day_starts is None:  # the midnights in whole quanta from the window's start
                day_starts = np.concatenate([[0.0], (cuts - t0) / q])
            days = _Days(swept, own, day_starts, len(dates))
            self._past[pid] = past = tuple(days.day(i, d) for i, d in enumerate(dates[:-1]))
            self._past_quanta[pid] = days.quanta[:-1].sum(axis=0)
            out[pid] = self._uptime(pid, past, days.day(len(dates) - 1, dates[-1]), days.quanta[-1], t1 - t0)
        self._at_midnight = {}
        for check in members.topology.checks:
            times, states = history.steps(check.key)
            before = int(np.searchsorted(times, midnight, side="left"))
            if before:
                self._at_midnight[check.key] = State(int(states[before - 1]))
            elif check.key in history.initial:
                self._at_midnight[check.key] = history.initial[check.key]
        self._silent = _silent_before(members, history, midnight, t1)
        self._past_inputs = self._inputs(session, bounds)
        self._key, self._full_at = key, time.monotonic()
        self.full_runs += 1
        return out

    def _today(self, session: Session, bounds: list[dt.datetime], groups: dict) -> dict[str, Uptime] | None:
        """Today swept on the finished days kept; None when those no longer hold (a full read is due)."""
        members = self._members
        history = read_history(session, bounds[-2], bounds[-1], initial=self._at_midnight)
        t0, midnight, t1 = bounds[0].timestamp(), bounds[-2].timestamp(), bounds[-1].timestamp()
        if _silent_before(members, history, midnight, t1) != self._silent:
            return None  # a poller that stopped before midnight and is still away: its no data reaches back
        things = members.things(history, midnight, t1)
        today = bounds[-2].date()
        out: dict[str, Uptime] = {}
        memo: dict = {}
        for pid, ids in groups.items():
            past = self._past[pid]
            swept, own = _sweeps(members, things, ids, midnight, t1, np.zeros(0), memo)
            if swept is None or pid not in self._past_quanta or swept[0][3] != self._q:
                out[pid] = Uptime(past + _unmeasured([today]), None, 0.0, past)
                continue
            days = _Days(swept, own, np.zeros(1), 1)
            out[pid] = self._uptime(pid, past, days.day(0, today), days.quanta[0], t1 - t0)
        return out

    def _uptime(self, pid: str, past: tuple[UptimeDay, ...], today: UptimeDay, today_quanta: np.ndarray,
                period_s: float) -> Uptime:
        """The window's figures as the report's public row has them: its breakdown from the summed quanta."""
        breakdown = breakdown_of(period_s, self._past_quanta[pid] + today_quanta, self._q)
        share = breakdown.availability
        return Uptime(past + (today,), None if share is None else 100.0 * share, breakdown.down_s, past,
                      breakdown)

    def _inputs(self, session: Session, bounds: list[dt.datetime]) -> tuple:
        """What the finished days depend on besides the topology: the transitions dated before today
        (rows are only added, or purged: count and newest id tell; a count over the whole table, so
        only every ``full_every_s``), then what ``_late`` tells on every rewrite."""
        t = db.StateTransition
        transitions = session.execute(select(func.count(t.id), func.max(t.id)).where(t.at < bounds[-2])).one()
        self._newest = transitions[1] or 0
        return (tuple(transitions), *self._late(session, bounds))

    def _late(self, session: Session, bounds: list[dt.datetime]) -> tuple:
        """Cheap enough for every rewrite: transitions added since the full read but dated before
        today (a poller reporting a gap it came back from; the id index bounds the scan), and the
        maintenance windows touching the finished days."""
        t, w = db.StateTransition, db.MaintenanceWindow
        late = session.execute(select(func.count(t.id)).where(t.id > self._newest, t.at < bounds[-2])).scalar()
        windows = session.execute(select(func.count(w.id), func.max(w.starts_at), func.max(w.ends_at))
                                  .where(w.starts_at < bounds[-2], w.ends_at > bounds[0])).one()
        return late, tuple(windows)
