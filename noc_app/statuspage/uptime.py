"""90-day uptime per public component, time-weighted from confirmed transitions.

Self-contained on purpose (the availability report has its own, richer
accounting; the two may be unified later). The rules, as the page prints them:

* A check's state between two confirmed transitions is the one the first
  set; before its first transition in the window it is that transition's
  ``from_status``; a check without transitions in the window has been in its
  current state all along. UNKNOWN (never measured) is *no data*.
* A member component's status is the worst of its checks; the public
  component's status at each moment is ``rules.rollup`` of its members.
* Down time is time in partial or major outage; maintenance time and time
  without data are left out of the denominator, never counted as up.
  uptime % = 1 - down / (elapsed - maintenance - no data).
* Days are calendar days in the page's time zone, today included.

Poller gaps are not detected here (a stopped poller leaves the last state
standing); the availability report accounts for them.

``UptimeTracker`` caches the finished days: a ``--watch`` rewrite reads and
sweeps only today's transitions; a full recompute runs when the day
changes, the members change, or when a check made every ``full_every_s``
finds that the finished days' inputs changed: a transition recorded late
(dated before midnight), one removed, or a check without transitions in
the window changing state. That check is one count query; the full sweep
it replaces costs ~0.2 s of CPU on 1,000 checks x 90 days.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from noc_app.statuspage.check_facts import CheckFacts, read_check_facts
from noc_app.statuspage.config import PageConfig
from noc_app.statuspage.model import Uptime, UptimeDay
from noc_app.statuspage.rules import rollup_counts
from noc_app.statuspage.vocabulary import SEVERITY
from noc_app.storage import models as db

_CHECK_RANK = {"DOWN": 4, "DEGRADED": 3, "MAINTENANCE": 2, "OK": 1, "UNKNOWN": 0}
_DOWN = ("major_outage", "partial_outage")
NO_DATA = "no_data"

Event = tuple[float, str, str]  # (epoch seconds, check key, new status)


@dataclass
class _DayTally:
    seconds: Counter

    def day(self, date: dt.date) -> UptimeDay:
        s = self.seconds
        down = sum(s[c] for c in _DOWN)
        measured = sum(v for c, v in s.items() if c not in (NO_DATA, "under_maintenance"))
        seen = [c for c, v in s.items() if v > 0 and c != NO_DATA]
        status = max(seen, key=lambda c: SEVERITY[c]) if seen else NO_DATA
        return UptimeDay(date, status, down, s["degraded_performance"], measured)


def sweep(members: dict[str, list[str]], initial: dict[str, str], events: list[Event],
          bounds: list[float]) -> tuple[list[Counter], dict[str, str], str]:
    """Seconds per public status in each [bounds[i], bounds[i+1]), the checks' final states, the final status.

    ``members``: member component -> its check keys; ``events`` sorted by time,
    only for these checks. Kept O(events): counts, not lists, per moment.
    """
    owner = {k: cid for cid, keys in members.items() for k in keys}
    state = {k: initial.get(k, "UNKNOWN") for k in owner}
    per_comp = {cid: Counter(state[k] for k in keys) for cid, keys in members.items()}
    comp_status = {cid: _worst_check(c) for cid, c in per_comp.items()}
    totals = Counter(comp_status.values())
    n = len(members)

    def klass() -> str:
        known = n - totals["UNKNOWN"]
        if known == 0:
            return NO_DATA
        return rollup_counts(totals["DOWN"], totals["DEGRADED"], totals["MAINTENANCE"], known)

    tallies = [Counter() for _ in range(len(bounds) - 1)]
    day, t, current, end = 0, bounds[0], klass(), bounds[-1]

    def add(until: float) -> None:
        nonlocal day, t
        while t < until and day < len(tallies):
            stop = min(until, bounds[day + 1])
            tallies[day][current] += stop - t
            t = stop
            if stop == bounds[day + 1]:
                day += 1

    for at, key, new in events:
        if at >= end:
            break
        if at > t:
            add(at)
        old = state.get(key)
        if old is None or old == new:
            continue
        state[key] = new
        cid = owner[key]
        counts = per_comp[cid]
        counts[old] -= 1
        counts[new] += 1
        status = _worst_check(counts)
        if status != comp_status[cid]:
            totals[comp_status[cid]] -= 1
            totals[status] += 1
            comp_status[cid] = status
        current = klass()
    add(end)
    return tallies, state, current


def _worst_check(counts: Counter) -> str:
    best, rank = "UNKNOWN", -1
    for status, n in counts.items():
        if n > 0 and _CHECK_RANK.get(status, 0) > rank:
            best, rank = status, _CHECK_RANK.get(status, 0)
    return best


def day_bounds(now: dt.datetime, zone: str, days: int) -> list[dt.datetime]:
    """Local midnights from ``days - 1`` days ago to today, then ``now``."""
    tz = zoneinfo.ZoneInfo(zone)
    today = now.astimezone(tz).date()
    starts = [dt.datetime.combine(today - dt.timedelta(days=d), dt.time(), tz) for d in range(days - 1, -1, -1)]
    return starts + [now]


class UptimeTracker:
    def __init__(self, days: int = 90, full_every_s: float = 600.0):
        self.days = days
        self.full_every_s = full_every_s
        self._key = None
        self._past: dict[str, tuple[UptimeDay, ...]] = {}
        self._at_today: dict[str, str] = {}
        self._class_at_today: dict[str, str] = {}
        self._full_at = 0.0
        self._past_sums: dict[str, tuple[float, float]] = {}  # pid -> (down, measured) of the past days
        self._members = (None, None, None)  # (page, checks, (groups, members key)): same objects, same answer
        self._quiet: tuple[str, ...] = ()  # checks without a transition in the window at the last full sweep
        self._past_inputs = None  # what the finished days were swept from (see _past_inputs)
        self.full_runs = 0  # for tests and the bench: how often the whole window was swept

    def compute(self, session: Session, page: PageConfig, now: dt.datetime,
                facts: CheckFacts | None = None) -> dict[str, Uptime]:
        bounds = day_bounds(now, page.time_zone, self.days)
        facts = facts or read_check_facts(session, now)
        checks, current = facts.checks, facts.current
        groups, members_key = self._groups(page, checks)
        key = (bounds[-2], members_key)
        full = key != self._key
        if not full and time.monotonic() - self._full_at > self.full_every_s:
            full = self._inputs(session, bounds, current) != self._past_inputs
            self._full_at = time.monotonic()
        since = bounds[0] if full else bounds[-2]
        events, first_from = self._events(session, since)
        if full:
            initial = {k: first_from.get(k, current.get(k, "UNKNOWN")) for ks in checks.values() for k in ks}
            past_bounds = [b.timestamp() for b in bounds[:-1]]
            cut = bounds[-2].timestamp()
            past_events = _by_check([e for e in events if e[0] < cut])
            self._past, self._past_sums, self._at_today, self._class_at_today = {}, {}, {}, {}
            for pid, members in groups.items():
                mine = _only(past_events, members)
                tallies, final, klass = sweep(members, initial, mine, past_bounds)
                self._past[pid] = past = tuple(_DayTally(t).day(b.date()) for t, b in zip(tallies, bounds[:-2]))
                self._past_sums[pid] = (sum(d.down_s for d in past), sum(d.measured_s for d in past))
                self._at_today.update(final)
                self._class_at_today[pid] = klass
            events = [e for e in events if e[0] >= cut]
            self._quiet = tuple(sorted(k for k in initial if k not in first_from))
            self._past_inputs = self._inputs(session, bounds, current)
            first_from = {}  # every member check now has its state at today's start
            self._key, self._full_at = key, time.monotonic()
            self.full_runs += 1
        start = None  # each check's state at midnight: only made when some component moved today
        today_bounds = [bounds[-2].timestamp(), bounds[-1].timestamp()]
        out = {}
        today_events = _by_check(events)
        for pid, members in groups.items():
            mine = _only(today_events, members) if today_events else []
            if mine or pid not in self._class_at_today:
                if start is None:
                    start = {k: self._at_today.get(k) or first_from.get(k, current.get(k, "UNKNOWN"))
                             for ks in checks.values() for k in ks}
                tallies, _, _ = sweep(members, start, mine, today_bounds)
                today = tallies[0]
            else:  # nothing happened today: the state at midnight has held since
                today = Counter({self._class_at_today[pid]: today_bounds[1] - today_bounds[0]})
            past = self._past.get(pid, ())
            out[pid] = _uptime(past, _DayTally(today).day(bounds[-2].date()), self._past_sums.get(pid))
        return out

    def _inputs(self, session: Session, bounds: list[dt.datetime], current: dict[str, str]) -> tuple:
        """What the finished days depend on besides the members: the transitions dated inside them
        (rows are only added, or purged: count and newest id tell), and the current state of the
        checks that had none in the window (it stands for their whole past)."""
        column = db.StateTransition.at
        count, newest = session.execute(
            select(func.count(db.StateTransition.id), func.max(db.StateTransition.id))
            .where(column >= bounds[0], column < bounds[-2])).one()
        return count, newest, tuple(current.get(k, "UNKNOWN") for k in self._quiet)

    def _groups(self, page: PageConfig, checks: dict[str, list[str]]) -> tuple[dict, tuple]:
        """Public id -> {member -> its check keys}, and the key that says when members changed.
        The publisher hands in the same ``page`` and ``checks`` objects while nothing changed."""
        seen_page, seen_checks, made = self._members
        if seen_page is page and seen_checks is checks:
            return made
        groups = {p.id: {cid: checks.get(cid, []) for cid in p.members} for p in page.components}
        key = tuple((pid, tuple(sorted((c, tuple(k)) for c, k in m.items()))) for pid, m in groups.items())
        self._members = (page, checks, (groups, key))
        return groups, key

    @staticmethod
    def _events(session: Session, since: dt.datetime) -> tuple[list[Event], dict[str, str]]:
        # Core rows, one pass: 90 days are ~20,000 rows, and ORM rows plus a second loop
        # were half of this query's time.
        rows = session.connection().execute(
            select(cast(_epoch(session), Float), db.StateTransition.check_key, db.StateTransition.from_status,
                   db.StateTransition.to_status)
            .where(db.StateTransition.at >= since)
            .order_by(db.StateTransition.at, db.StateTransition.id))
        events: list[Event] = []
        first: dict[str, str] = {}
        for at, key, old, new in rows:
            events.append((round(at, 3), key, new))  # julianday: ~20 µs noise
            if key not in first:
                first[key] = old
        return events, first


def _epoch(session: Session):
    """``at`` as epoch seconds computed by the database: 90 days of transitions is tens of
    thousands of rows, and building a datetime per row was most of a full sweep's time."""
    column = db.StateTransition.at
    if session.get_bind().dialect.name == "sqlite":  # stored as naive UTC text
        return (func.julianday(column) - 2440587.5) * 86400.0
    return func.extract("epoch", column)  # numeric: cast to a float by the caller, not per row here


def _by_check(events: list[Event]) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        out[e[1]].append(e)
    return out


def _only(by_check: dict[str, list[Event]], members: dict[str, list[str]]) -> list[Event]:
    """The events of these members' checks, in time order (each list is already sorted)."""
    mine = [e for ks in members.values() for k in ks for e in by_check.get(k, ())]
    mine.sort(key=lambda e: e[0])  # stable: equal times keep their id order within a check
    return mine


def _uptime(past: tuple[UptimeDay, ...], today: UptimeDay, past_sums: tuple[float, float] | None = None) -> Uptime:
    days = past + (today,)
    if past_sums is None:
        past_sums = (sum(d.down_s for d in past), sum(d.measured_s for d in past))
    down = past_sums[0] + today.down_s  # summed in day order, as a sum over ``days`` would
    measured = past_sums[1] + today.measured_s
    percent = None if measured <= 0 else max(0.0, 100.0 * (1.0 - down / measured))
    return Uptime(days, percent, down, past)
