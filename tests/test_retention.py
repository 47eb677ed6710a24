"""Bounded history (issue 3): minute/hour rollups and the raw-sample purge, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select, text

from noc_app.polling.retention import (
    RetentionPolicy, _insert_ignoring_conflicts, _minute_rows, purge_samples, rollup_hours,
    rollup_minutes, run_retention)
from noc_app.storage import migrate
from noc_app.storage.db import make_engine, session_factory, transaction
from noc_app.storage.models import Check, CheckRollup, CheckSample, Component

UTC = dt.timezone.utc
T0 = dt.datetime(2024, 3, 1, 10, 0, tzinfo=UTC)  # a minute boundary


@pytest.fixture
def factory(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    factory = session_factory(engine)
    with transaction(factory) as s:
        s.add(Component(id="api", name="API"))
        for key in ("api#0", "api#1"):
            s.add(Check(key=key, component_id="api", kind="http", target="http://x",
                        interval_s=10, timeout_s=5, retries=2, config={}))
    yield factory
    engine.dispose()


def add_samples(factory, rows):
    """rows: (check_key, at, status, latency_ms)"""
    with transaction(factory) as s:
        s.execute(insert(CheckSample), [
            {"check_key": k, "at": at, "status": st, "latency_ms": lat} for k, at, st, lat in rows])


def rollups(factory, resolution="minute"):
    with factory() as s:
        return {(r.check_key, r.bucket_start): r for r in s.scalars(
            select(CheckRollup).where(CheckRollup.resolution == resolution))}


def count(factory, model):
    with factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_minute_aggregates_p95_failures_and_utc(factory):
    sec = dt.timedelta(seconds=1)
    # api#0, minute 10:00: latencies 1..20 (p95 by nearest rank = 19th = 19.0),
    # two of them DOWN, one DEGRADED (not a failure), plus a DOWN without latency.
    rows = [("api#0", T0 + i * 2 * sec, "DOWN" if i in (3, 7) else "DEGRADED" if i == 5 else "OK",
             float(i + 1)) for i in range(20)]
    rows.append(("api#0", T0 + 59 * sec, "DOWN", None))
    # api#1, minute 10:01, given in another zone: must land in the UTC minute.
    plus2 = dt.timezone(dt.timedelta(hours=2))
    rows += [("api#1", (T0 + dt.timedelta(minutes=1, seconds=s)).astimezone(plus2), "OK", 5.0)
             for s in (0, 30)]
    # api#1, 10:02: only a timeout, no latency at all.
    rows.append(("api#1", T0 + dt.timedelta(minutes=2, seconds=10), "DOWN", None))
    add_samples(factory, rows)

    with transaction(factory) as s:
        assert rollup_minutes(s, T0 + dt.timedelta(minutes=6)) == 3

    got = rollups(factory)
    a = got["api#0", T0]
    assert (a.count, a.failures) == (21, 3)
    assert (a.latency_min, a.latency_max, a.latency_p95) == (1.0, 20.0, 19.0)
    assert a.latency_avg == pytest.approx(10.5)
    b = got["api#1", T0 + dt.timedelta(minutes=1)]
    assert (b.count, b.failures, b.latency_p95) == (2, 0, 5.0)
    c = got["api#1", T0 + dt.timedelta(minutes=2)]
    assert (c.count, c.failures, c.latency_min, c.latency_avg, c.latency_p95) == (1, 1, None, None, None)
    for key, start in got:
        assert start.tzinfo is not None and start.utcoffset() == dt.timedelta(0)


def test_p95_nearest_rank_small_sets():
    at = T0
    one = _minute_rows([("k", at, "OK", 7.0)])[0]
    assert one["latency_p95"] == 7.0
    # 100 values 1..100: nearest rank ceil(95) -> 95.
    hundred = _minute_rows([("k", at, "OK", float(v)) for v in range(100, 0, -1)])[0]
    assert hundred["latency_p95"] == 95.0 and hundred["latency_min"] == 1.0


def test_settle_window_and_idempotence(factory):
    add_samples(factory, [("api#0", T0 + dt.timedelta(minutes=m, seconds=5), "OK", 1.0)
                          for m in range(4)])
    # At 10:04:30 with a 120 s settle, only minutes that ended by 10:02:30 count.
    now = T0 + dt.timedelta(minutes=4, seconds=30)
    with transaction(factory) as s:
        assert rollup_minutes(s, now, settle_s=120) == 2
    assert sorted(b for _, b in rollups(factory)) == [T0, T0 + dt.timedelta(minutes=1)]
    with transaction(factory) as s:
        assert rollup_minutes(s, now, settle_s=120) == 0  # idempotent
    # A late sample for an unrolled minute still counts once that minute settles.
    add_samples(factory, [("api#1", T0 + dt.timedelta(minutes=2, seconds=50), "DOWN", None)])
    later = T0 + dt.timedelta(minutes=5)
    with transaction(factory) as s:
        assert rollup_minutes(s, later, settle_s=120) == 2  # 10:02 for both checks
    with transaction(factory) as s:
        assert rollup_minutes(s, later, settle_s=120) == 0
    assert len(rollups(factory)) == 4


def test_rerolling_a_bucket_never_duplicates(factory):
    add_samples(factory, [("api#0", T0, "OK", 1.0)])
    rows = _minute_rows([("api#0", T0, "OK", 1.0)])
    for _ in range(2):  # e.g. two processes raced on the same watermark
        with transaction(factory) as s:
            _insert_ignoring_conflicts(s, rows)
    assert count(factory, CheckRollup) == 1


def test_chunked_catch_up_matches_and_skips_gaps(factory):
    # Two bursts a day apart: the job must jump the gap, not walk it.
    minutes = [T0 + dt.timedelta(minutes=m) for m in range(5)]
    minutes += [T0 + dt.timedelta(days=1, minutes=m) for m in range(5)]
    add_samples(factory, [(k, t + dt.timedelta(seconds=s), "OK", float(s))
                          for t in minutes for k in ("api#0", "api#1") for s in (0, 10, 20)])
    policy = RetentionPolicy(chunk_minutes=2, raw=dt.timedelta(days=30))
    report = run_retention(factory, T0 + dt.timedelta(days=2), policy)
    assert not report.skipped
    assert report.minute_rows == 20 and report.samples_purged == 0
    got = rollups(factory)
    assert {b for _, b in got} == set(minutes)
    assert all(r.count == 3 and r.latency_p95 == 20.0 for r in got.values())


def test_hourly_rollup_folds_old_minutes(factory):
    old_hour = T0 - dt.timedelta(days=40)
    m = dt.timedelta(minutes=1)
    with transaction(factory) as s:
        s.execute(insert(CheckRollup), [
            # count-weighted avg: (10*6 + 40*2) / 8 = 17.5; p95 = max of the minutes' p95s.
            dict(check_key="api#0", resolution="minute", bucket_start=old_hour, count=6,
                 failures=1, latency_min=5.0, latency_avg=10.0, latency_p95=30.0, latency_max=31.0),
            dict(check_key="api#0", resolution="minute", bucket_start=old_hour + 59 * m, count=2,
                 failures=2, latency_min=2.0, latency_avg=40.0, latency_p95=50.0, latency_max=90.0),
            # A minute of only timeouts: no latency, must not dilute the average.
            dict(check_key="api#0", resolution="minute", bucket_start=old_hour + 30 * m, count=6,
                 failures=6, latency_min=None, latency_avg=None, latency_p95=None, latency_max=None),
            dict(check_key="api#1", resolution="minute", bucket_start=old_hour + 2 * dt.timedelta(hours=1),
                 count=6, failures=0, latency_min=1.0, latency_avg=1.0, latency_p95=1.0, latency_max=1.0),
            # Recent minute: stays a minute.
            dict(check_key="api#0", resolution="minute", bucket_start=T0 - dt.timedelta(days=1),
                 count=6, failures=0, latency_min=1.0, latency_avg=1.0, latency_p95=1.0, latency_max=1.0),
        ])
    with transaction(factory) as s:
        assert rollup_hours(s, T0, older_than=dt.timedelta(days=30)) == (2, 4)
    hours = rollups(factory, "hour")
    h = hours["api#0", old_hour]
    assert (h.count, h.failures, h.latency_min, h.latency_max, h.latency_p95) == (14, 9, 2.0, 90.0, 50.0)
    assert h.latency_avg == pytest.approx(17.5)
    assert h.bucket_start.utcoffset() == dt.timedelta(0)
    assert ("api#1", old_hour + dt.timedelta(hours=2)) in hours
    assert list(rollups(factory)) == [("api#0", T0 - dt.timedelta(days=1))]
    with transaction(factory) as s:
        assert rollup_hours(s, T0) == (0, 0)
        # Minute rollups never restart inside an hour that was already folded.
        assert rollup_minutes(s, T0) == 0


def test_purge_keeps_unrolled_samples(factory):
    a = T0 - dt.timedelta(hours=72)      # will be rolled up
    b = a + dt.timedelta(hours=1)        # old too, but its minute is not rolled up yet
    recent = T0 - dt.timedelta(hours=1)  # rolled up, inside the raw window
    add_samples(factory, [("api#0", t + dt.timedelta(seconds=s), "OK", 1.0)
                          for t in (a, b, recent) for s in (0, 10)])
    with transaction(factory) as s:
        assert purge_samples(s, T0) == 0  # nothing rolled up: nothing may go
        rollup_minutes(s, a + dt.timedelta(minutes=4), settle_s=120)  # only minute a
        assert purge_samples(s, T0, batch_size=1) == 2  # batches of one, all of a
    with factory() as s:
        left = sorted(s.scalars(select(CheckSample.at)))
    assert left[0] == b and len(left) == 4

    report = run_retention(factory, T0, RetentionPolicy(purge_batch=1))
    assert report.samples_purged == 2 and report.minute_rows == 2
    with factory() as s:
        assert sorted(s.scalars(select(CheckSample.at)))[0] == recent
    assert count(factory, CheckSample) == 2
    # Rerun: nothing more to do.
    again = run_retention(factory, T0)
    assert (again.minute_rows, again.hour_rows, again.samples_purged) == (0, 0, 0)


def test_naive_now_refused(factory):
    with transaction(factory) as s, pytest.raises(ValueError):
        rollup_minutes(s, dt.datetime(2024, 1, 1))


def test_only_one_poller_runs_retention(factory, db_url):
    add_samples(factory, [("api#0", T0, "OK", 1.0)])
    if not db_url.startswith("postgresql"):
        assert not run_retention(factory, T0 + dt.timedelta(hours=1)).skipped
        return
    # Another poller is mid-run: it holds the advisory lock in its transaction.
    with factory() as other, other.begin():
        from noc_app.polling.retention import ADVISORY_LOCK_KEY
        other.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
        report = run_retention(factory, T0 + dt.timedelta(hours=1))
        assert report.skipped and report.minute_rows == 0
    assert count(factory, CheckRollup) == 0
    report = run_retention(factory, T0 + dt.timedelta(hours=1))
    assert not report.skipped and report.minute_rows == 1
