"""Chart data for the component detail view, from real rows on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from history_data import CHECKS, DEGRADED_MS, SPIKE_MS, outage_window, seed_history, write_history_topology
from noc_app.domain import Status
from noc_app.live.history import load_history
from noc_app.workspace import open_workspace

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@pytest.fixture
def seeded(tmp_path, db_url):
    ws = open_workspace(write_history_topology(tmp_path / "t.toml", NOW), db_url)
    seed_history(ws.sessions, NOW, sample_hours=1.0, sample_s=10.0, rollup_days=7.0)
    yield ws
    ws.close()


def test_history_per_span_from_the_finest_data_available(seeded):
    with seeded.sessions() as s:
        hour = load_history(s, "api", "1h", NOW)
        day = load_history(s, "api", "24h", NOW)
        week = load_history(s, "api", "7d", NOW, max_points=2000)

    # 1 h: every raw sample is a point; the outage is a gap in latency and a dip in availability.
    assert [c.check_key for c in hour.checks] == list(CHECKS)
    api0 = hour.checks[0]
    assert api0.sources == ("samples",) and api0.bucket_s == 0 and len(api0.t) == 360
    down_start, down_end = (w.timestamp() for w in outage_window(NOW))
    in_outage = (api0.t >= down_start) & (api0.t < down_end)
    assert in_outage.sum() == 60 and np.isnan(api0.latency_avg[in_outage]).all()
    assert not np.isnan(api0.latency_avg[~in_outage]).any()
    assert api0.degraded_ms == DEGRADED_MS and hour.checks[1].degraded_ms is None
    assert hour.degraded_ms == DEGRADED_MS
    assert len(hour.avail_t) in (60, 61) and hour.availability.min() == 0.0
    assert hour.availability.max() == 100.0

    # 24 h: minute rollups, then the samples the rollup job has not reached.
    api0 = day.checks[0]
    assert api0.sources == ("minute", "samples") and api0.bucket_s == 60
    assert 1439 <= len(api0.t) <= 1442 and np.all(np.diff(api0.t) > 0)
    assert api0.t[0] >= NOW.timestamp() - 86400 - 60 and api0.t[-1] <= NOW.timestamp()
    assert len(day.avail_t) <= 97 and day.availability.min() < 100

    # 7 d: 10,080 minutes folded into 6-minute bins; the one-minute spike survives in the max.
    api0 = week.checks[0]
    assert api0.bucket_s == 360 and len(api0.t) <= 2000
    assert np.nanmax(api0.latency_max) == SPIKE_MS
    assert np.nanmax(api0.latency_avg) < SPIKE_MS  # averages smooth it; the envelope shows it
    assert np.all(np.nan_to_num(api0.latency_min, nan=0) <= np.nan_to_num(api0.latency_max, nan=0))
    assert len(week.avail_t) <= 169

    # Context: transitions (newest first), changes of the last 72 h only, linked articles.
    assert [(t.from_status, t.to_status) for t in hour.transitions[:2]] == [(Status.DOWN, Status.OK)] * 2
    assert {t.check_key for t in hour.transitions} == set(CHECKS)
    assert [c.id for c in hour.changes] == ["chg-1042"]
    assert [(a.id, a.solution.startswith("Raise")) for a in hour.articles] == [("kb-7", True)]
    assert hour.name == "Public API"


def test_without_rollups_the_day_is_built_from_samples(tmp_path):
    ws = open_workspace(write_history_topology(tmp_path / "t.toml", NOW), f"sqlite:///{tmp_path}/s.db")
    try:
        seed_history(ws.sessions, NOW, sample_hours=3.0, sample_s=5.0, rollup_days=0)
        # rollup_days=0 still writes the newest minute: drop all rollups to be sure.
        from sqlalchemy import delete

        from noc_app.storage import models as db
        with ws.sessions() as s, s.begin():
            s.execute(delete(db.CheckRollup))
        with ws.sessions() as s:
            day = load_history(s, "api", "24h", NOW)
            hour = load_history(s, "api", "1h", NOW, max_points=100)
        api0 = day.checks[0]
        assert api0.sources == ("samples",) and api0.bucket_s == 60
        assert 180 <= len(api0.t) <= 181  # 3 h of minutes from 2,160 samples
        assert np.all(np.diff(api0.t) == 60)
        # 720 raw samples in the hour, at most 100 points: 36-second bins.
        assert hour.checks[0].bucket_s == 36 and len(hour.checks[0].t) <= 100
    finally:
        ws.close()


def test_unknown_component_and_span(seeded):
    with seeded.sessions() as s:
        empty = load_history(s, "nope", "24h", NOW)
        assert empty.checks == () and len(empty.availability) == 0
        with pytest.raises(ValueError):
            load_history(s, "api", "30d", NOW)
