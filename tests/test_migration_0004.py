"""Migration 0004 (compact check_rollups) keeps every rollup row, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import select, text

from noc_app.polling.retention import rolled_up_until, rollup_hours
from noc_app.storage import migrate
from noc_app.storage.base import UtcDateTime
from noc_app.storage.db import make_engine, session_factory, transaction
from noc_app.storage.models import CheckRollup

UTC = dt.timezone.utc
T0 = dt.datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
M = dt.timedelta(minutes=1)

# check_rollups as revision 0003 created it: the models describe the new shape.
OLD = sa.Table(
    "check_rollups", sa.MetaData(),
    sa.Column("check_key", sa.String(120), primary_key=True),
    sa.Column("resolution", sa.String(6), primary_key=True),
    sa.Column("bucket_start", UtcDateTime(), primary_key=True),
    sa.Column("count", sa.Integer), sa.Column("failures", sa.Integer),
    *(sa.Column(f"latency_{n}", sa.Float) for n in ("min", "avg", "p95", "max")),
)

ROWS = [
    dict(check_key="api#0", resolution="hour", bucket_start=T0 - dt.timedelta(hours=2), count=360,
         failures=4, latency_min=1.5, latency_avg=23.456789, latency_p95=80.125, latency_max=912.75),
    dict(check_key="api#0", resolution="minute", bucket_start=T0, count=6, failures=0,
         latency_min=10.1, latency_avg=12.35, latency_p95=19.9, latency_max=19.9),
    dict(check_key="api#0", resolution="minute", bucket_start=T0 + M, count=6, failures=6,
         latency_min=None, latency_avg=None, latency_p95=None, latency_max=None),  # an outage
    # Not a whole minute (never written by retention): the fraction must survive too.
    dict(check_key="api#1", resolution="minute", bucket_start=T0 + M + dt.timedelta(seconds=7.25),
         count=1, failures=0, latency_min=0.001, latency_avg=0.001, latency_p95=0.001, latency_max=0.001),
    dict(check_key="api#1", resolution="minute", bucket_start=T0 + 2 * M, count=5, failures=1,
         latency_min=2.0, latency_avg=1234.5678, latency_p95=4999.999, latency_max=5000.0),
]
LATENCIES = ("latency_min", "latency_avg", "latency_p95", "latency_max")


def as_rows(rows) -> dict:
    return {(r["check_key"], r["resolution"], r["bucket_start"]): r for r in rows}


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key, row in want.items():
        for column, value in row.items():
            if column in LATENCIES and value is not None:
                # PostgreSQL now keeps 4-byte floats: 7 significant digits.
                assert got[key][column] == pytest.approx(value, rel=1e-6), (key, column)
            else:
                assert got[key][column] == value, (key, column)


@pytest.fixture
def engine_at_0003(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO components (id, name, group_name, kind, criticality, description, "
                          "created_at, updated_at) VALUES ('api', 'API', '', 'service', 'high', '', "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        for key in ("api#0", "api#1"):
            conn.execute(text("INSERT INTO checks (key, component_id, kind, target, interval_s, timeout_s, "
                              "retries, config) VALUES (:k, 'api', 'http', 'http://x', 10, 5, 2, '{}')"),
                         {"k": key})
        conn.execute(OLD.insert(), ROWS)
    yield engine
    engine.dispose()


def test_upgrade_keeps_every_rollup_row(engine_at_0003):
    engine = engine_at_0003
    assert migrate.upgrade(engine) == ("0003", migrate.head_revision())
    factory = session_factory(engine)
    with factory() as s:
        got = as_rows({c: getattr(r, c) for c in ROWS[0]} for r in s.scalars(select(CheckRollup)))
    assert_same(got, as_rows(ROWS))
    for _, _, start in got:
        assert start.tzinfo is not None and start.utcoffset() == dt.timedelta(0)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            ddl = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'check_rollups'"))
            assert "WITHOUT ROWID" in ddl
            assert conn.execute(text("SELECT DISTINCT typeof(resolution), typeof(bucket_start) "
                                     "FROM check_rollups")).all() == [("integer", "real")]

    # A second upgrade changes nothing; retention reads and folds the migrated rows.
    assert migrate.upgrade(engine) == (migrate.head_revision(),) * 2
    with transaction(factory) as s:
        assert rolled_up_until(s) == T0 + 3 * M
        written, deleted = rollup_hours(s, T0 + dt.timedelta(days=31))
    assert (written, deleted) == (2, 4)
    with factory() as s:
        hour = s.get(CheckRollup, ("api#1", "hour", T0))
        assert (hour.count, hour.failures, hour.latency_max) == (6, 1, 5000.0)


def test_downgrade_brings_the_rows_back(engine_at_0003):
    engine = engine_at_0003
    migrate.upgrade(engine)
    migrate.downgrade(engine, "0003")
    with engine.connect() as conn:
        got = as_rows(r._asdict() for r in conn.execute(select(OLD)))
    # Going back keeps whole seconds only (bucket starts are whole minutes).
    want = as_rows(dict(r, bucket_start=r["bucket_start"].replace(microsecond=0))
                   if engine.dialect.name == "sqlite" else r for r in ROWS)
    assert_same(got, want)
