"""Bounded check history: minute rollups, hourly rollups, raw-sample purge.

Three tiers (issue 3): raw samples for ``RetentionPolicy.raw`` (48 h), one
row per check per minute for ``RetentionPolicy.minutes`` (30 days), one row
per check per hour after that, forever (24 rows per check per day).

No bookkeeping table: the *watermark* is the newest bucket already rolled up
(``max(bucket_start)`` of the minute rows, or of the hour rows once minutes
have been folded). Everything before the end of that bucket counts as rolled
up; the purge never deletes past it, so a stopped rollup job loses nothing.

Choices worth knowing:

* ``failures`` counts DOWN samples only. DEGRADED means "answered, but slow
  or warning": it is available for availability figures. UNKNOWN and
  MAINTENANCE are not failures either (we could not tell / we were told).
* Latency aggregates use only samples that have a latency; a minute whose
  samples all lack one has NULL latencies but still a count.
* p95 per minute is exact (nearest rank). An hour's p95 is the *max* of its
  minutes' p95s: an upper bound, never an under-statement, and it needs no
  raw samples (they are long gone when hours are built).
* An hour's average is weighted by each minute's ``count``, which includes
  samples without a latency: exact when every sample has one (the usual
  case), slightly biased towards minutes with many latency-less failures.
* A sample that reaches the database after its minute was rolled up (a
  writer late by more than ``settle_s``) is not counted in the rollup; it is
  still purged with its neighbours.
* Inserts ignore primary-key conflicts, so two runs racing on the same
  bucket (SQLite, or PostgreSQL without the lock) never duplicate a row; the
  first writer's aggregate wins.

Portable SQL only (SQLite and PostgreSQL): minute buckets are computed in
Python from the fetched samples, in chunks of minutes to bound memory.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time
from collections.abc import Callable, Iterable
from typing import Any
from dataclasses import dataclass, field

from sqlalchemy import String, case, delete, func, select, text, true, type_coerce
from sqlalchemy.orm import Session, sessionmaker

from noc_app.storage.models import Check, CheckRollup, CheckSample

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
FAILURE_STATUSES = frozenset({"DOWN"})
KEY_BATCH = 500  # check keys per IN (...) list when folding hours

# Any fixed 64-bit number shared by every poller of this application.
ADVISORY_LOCK_KEY = 0x5647_4C52_4554  # "VGLRET"


@dataclass(frozen=True)
class RetentionPolicy:
    raw: dt.timedelta = dt.timedelta(hours=48)      # raw samples kept this long
    minutes: dt.timedelta = dt.timedelta(days=30)   # minute rollups, then hourly
    settle_s: float = 120.0                         # batched writers deliver late
    chunk_minutes: int = 60                         # minutes rolled up per query
    purge_batch: int = 10_000                       # rows deleted per statement (< 32k: SQLite bind limit)


@dataclass
class RetentionReport:
    minute_rows: int = 0          # minute rollups written
    hour_rows: int = 0            # hour rollups written
    minute_rows_folded: int = 0   # minute rollups deleted after folding into hours
    samples_purged: int = 0
    skipped: bool = False         # another poller holds the retention lock
    seconds: dict[str, float] = field(default_factory=dict)


# -- helpers ---------------------------------------------------------------

def _require_aware(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (UTC)")
    return now.astimezone(dt.timezone.utc)


def _floor(t: dt.datetime, step: dt.timedelta) -> dt.datetime:
    if step == HOUR:
        return t.replace(minute=0, second=0, microsecond=0)
    return t.replace(second=0, microsecond=0)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


_SAMPLES = CheckSample.__table__


def _minute_of(session: Session):
    """(SQL for the minute of a sample's ``at``, its value -> the minute's start as an aware UTC datetime).

    SQLite keeps ``at`` as ISO text in UTC ("2026-12-01 12:34:56.789000"): the
    minute is its first 16 characters. PostgreSQL truncates the timestamptz
    (offsets are whole minutes, so the session's time zone does not matter).
    """
    if _dialect(session) == "postgresql":
        return (func.date_trunc("minute", _SAMPLES.c.at).label("minute"),
                lambda value: value.astimezone(dt.timezone.utc))
    return (type_coerce(func.substr(_SAMPLES.c.at, 1, 16), String).label("minute"),
            lambda text: dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc))


def _insert_ignoring_conflicts(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    if _dialect(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # Core on the session's connection: none of the ORM's per-row work.
    session.connection().execute(insert(CheckRollup.__table__).on_conflict_do_nothing(), rows)


def _newest_or_oldest(session: Session, fn, resolution: str) -> dt.datetime | None:
    """``fn`` (max or min) of ``bucket_start`` over one resolution, via the PK index.

    The PK is (check_key, resolution, bucket_start): a bare ``WHERE
    resolution = ...`` cannot use it and would scan every rollup (43 M rows
    for 1,000 checks at steady state) on each run. One seek per check can.
    """
    per_check = (select(fn(CheckRollup.bucket_start))
                 .where(CheckRollup.check_key == Check.key, CheckRollup.resolution == resolution)
                 .correlate(Check).scalar_subquery())
    buckets = select(per_check.label("b")).select_from(Check).subquery()
    return session.scalar(select(fn(buckets.c.b)))


def rolled_up_until(session: Session) -> dt.datetime | None:
    """End of the newest rolled-up bucket: every sample before it is accounted for."""
    ends = [b + step for b, step in ((_newest_or_oldest(session, func.max, "minute"), MINUTE),
                                     (_newest_or_oldest(session, func.max, "hour"), HOUR))
            if b is not None]
    return max(ends) if ends else None


def _percentile_nearest_rank(sorted_values: list[float], p: float) -> float:
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def _minute_rows(samples: Iterable[tuple[str, Any, str, float | None]],
                 start_of: Callable[[Any], dt.datetime] | None = None) -> list[dict]:
    """Minute rollup rows of (check key, time, status, latency) samples.

    With ``start_of`` the second field is already the minute, as the
    database gave it (``_minute_of``), and ``start_of`` turns it into the
    bucket's start once per bucket instead of a datetime per sample.
    """
    buckets: dict[tuple[str, Any], list] = {}
    for key, at, status, latency in samples:
        bucket = buckets.get((key, at) if start_of else (key, _floor(at, MINUTE)))
        if bucket is None:
            bucket = buckets[(key, at) if start_of else (key, _floor(at, MINUTE))] = [0, 0, []]
        bucket[0] += 1
        if status in FAILURE_STATUSES:
            bucket[1] += 1
        if latency is not None:
            bucket[2].append(latency)
    rows = []
    for (key, start), (count, failures, lat) in buckets.items():
        lat.sort()
        rows.append({
            "check_key": key, "resolution": "minute",
            "bucket_start": start_of(start) if start_of else start,
            "count": count, "failures": failures,
            "latency_min": lat[0] if lat else None,
            "latency_avg": sum(lat) / len(lat) if lat else None,
            "latency_p95": _percentile_nearest_rank(lat, 0.95) if lat else None,
            "latency_max": lat[-1] if lat else None,
        })
    return rows


# -- the three jobs ----------------------------------------------------------

def rollup_minutes(session: Session, now: dt.datetime, settle_s: float = 120.0,
                   chunk_minutes: int = 60, max_chunks: int | None = None) -> int:
    """Roll up every completed minute that ended ``settle_s`` ago; rows written.

    ``max_chunks`` bounds the work of one call (the caller commits between
    calls so a long catch-up does not hold SQLite's write lock for minutes).
    """
    now = _require_aware(now)
    end = _floor(now - dt.timedelta(seconds=settle_s), MINUTE)  # first unsettled minute
    start = rolled_up_until(session)
    written = chunks = 0
    while max_chunks is None or chunks < max_chunks:
        # Skip gaps (poller stopped, first run): jump to the next sample.
        first = session.scalar(
            select(func.min(CheckSample.at)).where(CheckSample.at >= start if start else true()))
        if first is None:
            break
        start = _floor(first, MINUTE)
        if start >= end:
            break
        chunk_end = min(start + chunk_minutes * MINUTE, end)
        # Core, with the minute computed by the database: a datetime built
        # per sample (and the ORM's row handling) was most of the job's CPU,
        # in the poller's process (60,000 samples a minute at 10,000 checks).
        minute, start_of = _minute_of(session)
        samples = session.connection().execute(
            select(_SAMPLES.c.check_key, minute, _SAMPLES.c.status, _SAMPLES.c.latency_ms)
            .where(_SAMPLES.c.at >= start, _SAMPLES.c.at < chunk_end)
        )
        rows = _minute_rows(itertools.chain.from_iterable(samples.partitions(10_000)), start_of)
        _insert_ignoring_conflicts(session, rows)
        written += len(rows)
        chunks += 1
        start = chunk_end
    return written


def rollup_hours(session: Session, now: dt.datetime,
                 older_than: dt.timedelta = dt.timedelta(days=30),
                 max_hours: int | None = None) -> tuple[int, int]:
    """Fold minute rollups older than ``older_than`` into hours, delete them.

    Returns (hour rows written, minute rows deleted). Aggregated in SQL one
    hour at a time (one row per check comes back), so memory stays flat.
    """
    now = _require_aware(now)
    horizon = _floor(now - older_than, HOUR)
    minute = CheckRollup.resolution == "minute"
    written = deleted = hours = 0
    while max_hours is None or hours < max_hours:
        oldest = _newest_or_oldest(session, func.min, "minute")
        if oldest is None or oldest >= horizon:
            break
        hour = _floor(oldest, HOUR)
        with_latency = case((CheckRollup.latency_avg.is_not(None), CheckRollup.count), else_=0)
        keys = list(session.scalars(select(Check.key).order_by(Check.key)))
        # Explicit key lists (bounded, under SQLite's variable limit) make both
        # backends walk the PK index per check instead of scanning the table.
        for i in range(0, len(keys), KEY_BATCH):
            in_hour = (CheckRollup.check_key.in_(keys[i:i + KEY_BATCH]), minute,
                       CheckRollup.bucket_start >= hour, CheckRollup.bucket_start < hour + HOUR)
            groups = session.execute(
                select(CheckRollup.check_key, func.sum(CheckRollup.count), func.sum(CheckRollup.failures),
                       func.min(CheckRollup.latency_min), func.max(CheckRollup.latency_max),
                       func.max(CheckRollup.latency_p95),
                       func.sum(CheckRollup.latency_avg * CheckRollup.count), func.sum(with_latency))
                .where(*in_hour).group_by(CheckRollup.check_key)
            ).all()
            rows = [{
                "check_key": key, "resolution": "hour", "bucket_start": hour,
                "count": int(count), "failures": int(failures),
                "latency_min": lmin, "latency_max": lmax, "latency_p95": p95,
                "latency_avg": float(weighted) / float(n) if n else None,
            } for key, count, failures, lmin, lmax, p95, weighted, n in groups]
            _insert_ignoring_conflicts(session, rows)
            written += len(rows)
            deleted += session.execute(delete(CheckRollup).where(*in_hour)).rowcount
        hours += 1
    return written, deleted


def purge_samples(session: Session, now: dt.datetime, keep: dt.timedelta = dt.timedelta(hours=48),
                  batch_size: int = 10_000, max_batches: int | None = None) -> int:
    """Delete raw samples older than ``keep`` whose minute is rolled up; rows deleted."""
    now = _require_aware(now)
    rolled = rolled_up_until(session)
    if rolled is None:
        return 0  # nothing rolled up yet: every sample is still the only copy
    cutoff = min(now - keep, rolled)
    deleted = batches = 0
    while max_batches is None or batches < max_batches:
        # DELETE ... LIMIT is not portable, and "id IN (SELECT ... LIMIT n)"
        # makes PostgreSQL plan a semi-join over the whole table (300 ms per
        # run at 1.7 M rows). Fetching the ids first keeps both on an index.
        ids = list(session.scalars(
            select(CheckSample.id).where(CheckSample.at < cutoff).order_by(CheckSample.at).limit(batch_size)))
        n = session.execute(delete(CheckSample).where(CheckSample.id.in_(ids))).rowcount if ids else 0
        deleted += n
        batches += 1
        if n < batch_size:
            break
    return deleted


# -- the job as the poller runs it ---------------------------------------------

def _locked(session: Session) -> bool:
    """Take the cluster-wide retention lock for this transaction (PostgreSQL).

    Transaction-level, so it is released by the commit and cannot leak if a
    poller dies. SQLite has a single writer anyway: always True there.
    """
    if _dialect(session) != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY}))


def run_retention(factory: sessionmaker[Session], now: dt.datetime | None = None,
                  policy: RetentionPolicy | None = None) -> RetentionReport:
    """Minute rollups, hourly rollups, purge: in that order, in short transactions.

    Each step commits on its own (rollups in chunks, the purge batch by
    batch) so a writer on SQLite waits milliseconds, not the whole job. If
    another poller holds the lock, this one skips the rest of the run.
    """
    now = _require_aware(now or dt.datetime.now(dt.timezone.utc))
    policy = policy or RetentionPolicy()
    report = RetentionReport()

    def step(work) -> bool:
        """Run ``work(session)`` in its own locked transaction; False if skipped."""
        with factory() as session, session.begin():
            if not _locked(session):
                report.skipped = True
                return False
            return work(session)

    def minutes(session: Session) -> bool:
        n = rollup_minutes(session, now, policy.settle_s, policy.chunk_minutes, max_chunks=1)
        report.minute_rows += n
        return n > 0

    def hours(session: Session) -> bool:
        written, folded = rollup_hours(session, now, policy.minutes, max_hours=1)
        report.hour_rows += written
        report.minute_rows_folded += folded
        return folded > 0

    def purge(session: Session) -> bool:
        n = purge_samples(session, now, policy.raw, policy.purge_batch, max_batches=1)
        report.samples_purged += n
        return n >= policy.purge_batch

    for name, work in (("minutes", minutes), ("hours", hours), ("purge", purge)):
        t0 = time.perf_counter()
        while not report.skipped and step(work):
            pass
        report.seconds[name] = time.perf_counter() - t0
        if report.skipped:
            break
    return report
