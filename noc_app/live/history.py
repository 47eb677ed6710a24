"""Chart data for the component detail view (Qt-free): latency and availability over a span.

Where the numbers come from (see ``noc_app/polling/retention.py``): raw
samples are kept ~48 h, minute rollups 30 days, hourly rollups after that.
Each span reads the finest data that still exists for it:

* ``1h``: raw samples.
* ``24h`` / ``7d``: minute rollups; hourly rollups only before the first
  minute row; raw samples after the newest minute row (the rollup job trails
  "now" by a couple of minutes, and may not have run at all yet).

Everything is turned into one shape, *buckets* (start, count, failures,
latency min/sum/max), then merged into equal bins aligned to the epoch so
a series never has more than ``max_points`` points: a week of minute rows
(10,080) becomes 6-minute bins. Min and max survive binning, so a spike
stays visible in the envelope even when the average smooths it.

Timestamps in the returned series are float epoch seconds (UTC), which is
what pyqtgraph's ``DateAxisItem`` wants; reading them as numbers straight
from SQL also avoids building 10,000 datetime objects per check.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Float, cast, desc, extract, func, select
from sqlalchemy.orm import Session

from noc_app.domain import Status
from noc_app.storage import models as db
from noc_app.storage.base import UtcEpochDateTime

SPANS: dict[str, float] = {"1h": 3600.0, "24h": 86400.0, "7d": 7 * 86400.0}
# Availability bars: wide enough to read as bars, narrow enough to place an outage.
AVAILABILITY_BUCKET_S: dict[str, float] = {"1h": 60.0, "24h": 900.0, "7d": 3600.0}
FAILURES = ("DOWN",)  # as in the rollups: DEGRADED still answered, so it counts as available
CHANGES_WINDOW = dt.timedelta(hours=72)
TRANSITIONS_LIMIT = 50


@dataclass(frozen=True, eq=False)
class CheckHistory:
    check_key: str
    target: str
    degraded_ms: float | None  # the check's "slow" threshold, when it has one
    bucket_s: float  # latency point width (0: one point per raw sample)
    t: np.ndarray  # point start, epoch seconds
    latency_min: np.ndarray  # ms; NaN where the bucket had results but no latency (an outage)
    latency_avg: np.ndarray
    latency_max: np.ndarray
    avail_t: np.ndarray  # availability bucket start, epoch seconds
    avail_count: np.ndarray  # results per availability bucket
    avail_failures: np.ndarray
    sources: tuple[str, ...]  # which tiers the data came from: hour, minute, samples
    tls_verified: bool = True  # False: the topology opted out of certificate checks (shown, never hidden)

    @property
    def availability(self) -> np.ndarray:
        """Percent of results that were not DOWN, per availability bucket."""
        return 100.0 * (1.0 - self.avail_failures / np.maximum(self.avail_count, 1))


@dataclass(frozen=True)
class TransitionItem:
    at: dt.datetime
    check_key: str
    from_status: Status
    to_status: Status
    reason: str | None
    flapping: bool


@dataclass(frozen=True)
class ChangeItem:
    id: str
    at: dt.datetime
    summary: str
    author: str


@dataclass(frozen=True)
class ArticleItem:
    id: str
    title: str
    solution: str
    symptoms: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class History:
    component_id: str
    name: str
    span: str
    start: dt.datetime
    end: dt.datetime
    checks: tuple[CheckHistory, ...]
    transitions: tuple[TransitionItem, ...] = ()  # newest first
    changes: tuple[ChangeItem, ...] = ()  # newest first
    articles: tuple[ArticleItem, ...] = ()
    avail_bucket_s: float = 60.0
    # The whole component, all checks together: what the availability chart shows.
    avail_t: np.ndarray = field(default_factory=lambda: np.empty(0))
    availability: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def degraded_ms(self) -> float | None:
        values = [c.degraded_ms for c in self.checks if c.degraded_ms is not None]
        return min(values) if values else None


def load_history(session: Session, component_id: str, span: str, now: dt.datetime,
                 max_points: int = 2000) -> History:
    if span not in SPANS:
        raise ValueError(f"unknown span {span!r}; use one of {', '.join(SPANS)}")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    span_s = SPANS[span]
    end_epoch = now.timestamp()
    start_epoch = end_epoch - span_s
    start = now - dt.timedelta(seconds=span_s)
    epoch = _epoch_function(session)
    name = session.scalar(select(db.Component.name).where(db.Component.id == component_id))
    checks = session.execute(
        select(db.Check.key, db.Check.target, db.Check.config)
        .where(db.Check.component_id == component_id, db.Check.retired_at.is_(None))
        .order_by(db.Check.key)
    ).all()
    avail_s = AVAILABILITY_BUCKET_S[span]
    series = []
    for key, target, config in checks:
        buckets, sources = _buckets(session, epoch, key, span, start, now)
        lat = _latency_points(buckets, span_s, start_epoch, max_points, raw=(span == "1h"))
        avail_t, count, failures = _availability(buckets, avail_s, max_points)
        degraded = (config or {}).get("degraded_ms")
        series.append(CheckHistory(key, target, float(degraded) if degraded else None, *lat,
                                   avail_t, count, failures, sources,
                                   tls_verified=(config or {}).get("verify_tls", True) is not False))
    avail_t, availability = _combined_availability(series)
    return History(
        component_id=component_id, name=name or component_id, span=span, start=start, end=now,
        checks=tuple(series), transitions=_transitions(session, component_id),
        changes=_changes(session, component_id, now), articles=_articles(session, component_id),
        avail_bucket_s=avail_s, avail_t=avail_t, availability=availability,
    )


#: Availability bar widths for an arbitrary window: the smallest giving at most ~80 bars.
WINDOW_BUCKETS_S = (60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 4 * 3600.0, 86400.0)


def load_window(session: Session, component_id: str, start: dt.datetime, end: dt.datetime,
                max_points: int = 1000) -> History:
    """The same charts over any window (an incident's, for its post-mortem), not a span to now.

    Reads rollups where they exist and raw samples after them, like the 24 h
    span; a window of an hour or less plots every raw sample.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        raise ValueError("the window must end after it starts")
    span_s = (end - start).total_seconds()
    avail_s = next((w for w in WINDOW_BUCKETS_S if span_s / w <= 80), WINDOW_BUCKETS_S[-1])
    epoch = _epoch_function(session)
    name = session.scalar(select(db.Component.name).where(db.Component.id == component_id))
    checks = session.execute(
        select(db.Check.key, db.Check.target, db.Check.config)
        .where(db.Check.component_id == component_id).order_by(db.Check.key)).all()
    series = []
    for key, target, config in checks:
        buckets, sources = _buckets(session, epoch, key, "window", start, end)
        lat = _latency_points(buckets, span_s, start.timestamp(), max_points, raw=span_s <= 3600)
        avail_t, count, failures = _availability(buckets, avail_s, max_points)
        degraded = (config or {}).get("degraded_ms")
        series.append(CheckHistory(key, target, float(degraded) if degraded else None, *lat,
                                   avail_t, count, failures, sources,
                                   tls_verified=(config or {}).get("verify_tls", True) is not False))
    avail_t, availability = _combined_availability(series)
    return History(component_id=component_id, name=name or component_id, span="window", start=start,
                   end=end, checks=tuple(series), avail_bucket_s=avail_s, avail_t=avail_t,
                   availability=availability)


# --- reading ---------------------------------------------------------------------

def _epoch_function(session: Session):
    """SQL turning a stored timestamp into float epoch seconds, per backend."""
    if session.get_bind().dialect.name == "sqlite":
        def epoch(col):
            if isinstance(col.type, UtcEpochDateTime):
                return col  # stored as epoch seconds already (the rollups)
            # Other timestamps are stored as UTC text; julianday parses it in C.
            return (func.julianday(col) - 2440587.5) * 86400.0
        return epoch
    return lambda col: cast(extract("epoch", col), Float)


# Bucket columns: start, count, failures, latency min, latency sum, results with latency, max.
_EMPTY = np.empty((0, 7))


def _buckets(session: Session, epoch, key: str, span: str, start: dt.datetime,
             end: dt.datetime) -> tuple[np.ndarray, tuple[str, ...]]:
    parts, sources = [], []
    samples_from = start
    if span != "1h":
        minutes = _rollups(session, epoch, key, "minute", start, end)
        hours_until = end
        if len(minutes):
            hours_until = _to_datetime(minutes[0, 0])
            # Samples cover what the rollup job has not reached yet.
            samples_from = _to_datetime(minutes[-1, 0] + 60.0)
        hours = _rollups(session, epoch, key, "hour", start, hours_until)
        if len(hours):
            parts.append(hours)
            sources.append("hour")
            if not len(minutes):
                samples_from = max(samples_from, _to_datetime(hours[-1, 0] + 3600.0))
        if len(minutes):
            parts.append(minutes)
            sources.append("minute")
    samples = _samples(session, epoch, key, samples_from, end)
    if len(samples):
        parts.append(samples)
        sources.append("samples")
    return (np.concatenate(parts) if parts else _EMPTY), tuple(sources)


def _rollups(session, epoch, key, resolution, start, end) -> np.ndarray:
    r = db.CheckRollup
    rows = _fetch(session,
        select(epoch(r.bucket_start), r.count, r.failures, r.latency_min,
               r.latency_avg * r.count, r.latency_max)
        .where(r.check_key == key, r.resolution == resolution,
               r.bucket_start >= start, r.bucket_start < end)
        .order_by(r.bucket_start)
    )
    if not rows:
        return _EMPTY
    a = _array(rows)
    has_latency = ~np.isnan(a[:, 4])
    out = np.column_stack([np.round(a[:, 0]), a[:, 1], a[:, 2], a[:, 3],
                           np.where(has_latency, a[:, 4], 0.0),
                           np.where(has_latency, a[:, 1], 0.0), a[:, 5]])
    return out


def _samples(session, epoch, key, start, end) -> np.ndarray:
    s = db.CheckSample
    rows = _fetch(session,
        select(epoch(s.at), s.status.in_(FAILURES), s.latency_ms)
        .where(s.check_key == key, s.at >= start, s.at <= end)
        .order_by(s.at)
    )
    if not rows:
        return _EMPTY
    a = _array(rows)
    latency = a[:, 2]
    has = ~np.isnan(latency)
    # julianday arithmetic is off by microseconds: round to the millisecond.
    return np.column_stack([np.round(a[:, 0], 3), np.ones(len(a)), a[:, 1], latency,
                            np.where(has, latency, 0.0), has.astype(float), latency])


def _fetch(session: Session, statement) -> list[tuple]:
    """Plain DBAPI tuples: every column here is a number, so SQLAlchemy's row
    objects and type processing would only cost time (a third of a 7-day load)."""
    result = session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _array(rows: list[tuple]) -> np.ndarray:
    return np.array(rows, dtype=float)  # None -> NaN


def _to_datetime(epoch_s: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch_s, dt.timezone.utc)


# --- binning ---------------------------------------------------------------------

def _bin(buckets: np.ndarray, width: float) -> np.ndarray:
    """Merge time-ordered buckets into epoch-aligned bins of ``width`` seconds."""
    if not len(buckets):
        return _EMPTY
    order = np.argsort(buckets[:, 0], kind="stable")
    b = buckets[order]
    starts = np.floor(b[:, 0] / width) * width
    first = np.flatnonzero(np.r_[True, starts[1:] != starts[:-1]])
    mins = np.where(np.isnan(b[:, 3]), np.inf, b[:, 3])
    maxs = np.where(np.isnan(b[:, 6]), -np.inf, b[:, 6])
    out = np.column_stack([
        starts[first],
        np.add.reduceat(b[:, 1], first), np.add.reduceat(b[:, 2], first),
        np.minimum.reduceat(mins, first), np.add.reduceat(b[:, 4], first),
        np.add.reduceat(b[:, 5], first), np.maximum.reduceat(maxs, first),
    ])
    out[np.isinf(out[:, 3]), 3] = np.nan
    out[np.isinf(out[:, 6]), 6] = np.nan
    return out


def _latency_points(buckets, span_s, start_epoch, max_points, raw):
    inside = buckets[buckets[:, 0] >= start_epoch] if len(buckets) else buckets
    if raw and len(inside) <= max_points:
        width, points = 0.0, inside  # every raw sample is a point
    else:
        # The smallest whole-minute (or whole-second for raw) width that fits.
        step = 1.0 if raw else 60.0
        width = max(step, math.ceil(span_s / max_points / step) * step)
        points = _bin(inside, width)
        if len(points) > max_points:  # bins straddling the span's edges
            points = points[-max_points:]
    with np.errstate(invalid="ignore", divide="ignore"):
        avg = np.where(points[:, 5] > 0, points[:, 4] / np.maximum(points[:, 5], 1), np.nan)
    return width, points[:, 0].copy(), points[:, 3].copy(), avg, points[:, 6].copy()


def _availability(buckets, width, max_points):
    binned = _bin(buckets, width)[-max_points:]
    return binned[:, 0].copy(), binned[:, 1].copy(), binned[:, 2].copy()


def _combined_availability(series: list[CheckHistory]) -> tuple[np.ndarray, np.ndarray]:
    if not series:
        return np.empty(0), np.empty(0)
    t = np.concatenate([c.avail_t for c in series])
    count = np.concatenate([c.avail_count for c in series])
    failures = np.concatenate([c.avail_failures for c in series])
    keys, inverse = np.unique(t, return_inverse=True)
    total = np.bincount(inverse, weights=count, minlength=len(keys))
    failed = np.bincount(inverse, weights=failures, minlength=len(keys))
    return keys, 100.0 * (1.0 - failed / np.maximum(total, 1))


# --- context lists -----------------------------------------------------------------

def _transitions(session: Session, component_id: str) -> tuple[TransitionItem, ...]:
    t = db.StateTransition
    rows = session.execute(
        select(t.at, t.check_key, t.from_status, t.to_status, t.reason, t.flapping)
        .where(t.component_id == component_id)
        .order_by(desc(t.at), desc(t.id)).limit(TRANSITIONS_LIMIT)
    ).all()
    return tuple(TransitionItem(r.at, r.check_key, Status(r.from_status), Status(r.to_status),
                                r.reason, bool(r.flapping)) for r in rows)


def _changes(session: Session, component_id: str, now: dt.datetime) -> tuple[ChangeItem, ...]:
    c = db.ChangeRecord
    rows = session.execute(
        select(c.id, c.at, c.summary, c.author)
        .join(db.ChangeComponent, db.ChangeComponent.change_id == c.id)
        .where(db.ChangeComponent.component_id == component_id,
               c.at >= now - CHANGES_WINDOW, c.at <= now)
        .order_by(desc(c.at))
    ).all()
    return tuple(ChangeItem(r.id, r.at, r.summary, r.author) for r in rows)


def _articles(session: Session, component_id: str) -> tuple[ArticleItem, ...]:
    k = db.KbArticle
    rows = session.execute(
        select(k.id, k.title, k.solution, k.symptoms)
        .join(db.KbArticleComponent, db.KbArticleComponent.article_id == k.id)
        .where(db.KbArticleComponent.component_id == component_id)
        .order_by(k.title)
    ).all()
    return tuple(ArticleItem(r.id, r.title, r.solution or "", tuple(r.symptoms or ())) for r in rows)
