"""A component with a realistic past, in real tables (test and screenshot helper).

``seed_history`` writes, for the "api" component's two checks:
raw samples every ``sample_s`` for the last ``sample_hours`` (through the
recorder's ``write_batch``), minute rollups for the last ``rollup_days`` up to
three minutes ago (the rollup job trails "now"), a DOWN outage with its
transitions, a slow (DEGRADED) spell and one latency spike; the topology
adds a recent change, an old change and a knowledge-base article.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

from sqlalchemy import insert

from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.polling.recorder import write_batch
from noc_app.polling.state import Outcome, Transition
from noc_app.storage import models as db
from noc_app.storage.db import transaction

UTC = dt.timezone.utc
CHECKS = ("api#0", "api#1")
DEGRADED_MS = 400.0
SPIKE_MS = 2500.0


def write_history_topology(path: Path, now: dt.datetime) -> Path:
    recent = (now - dt.timedelta(hours=3)).isoformat()
    old = (now - dt.timedelta(hours=80)).isoformat()
    path.write_text(f"""
[[component]]
id = "db-main"
name = "Primary database"
  [[component.check]]
  url = "http://127.0.0.1:9/db"

[[component]]
id = "api"
name = "Public API"
depends_on = ["db-main"]
  [[component.check]]
  url = "http://127.0.0.1:9/api/health"
  degraded_ms = {DEGRADED_MS:g}
  [[component.check]]
  url = "http://127.0.0.1:9/api/ready"
  verify_tls = false

[[change]]
id = "chg-1042"
summary = "api: connection pool 50 -> 20"
components = ["api"]
at = "{recent}"
author = "mira"

[[change]]
id = "chg-0990"
summary = "api: old deploy"
components = ["api"]
at = "{old}"

[[kb]]
id = "kb-7"
title = "API returns 503 when the connection pool is exhausted"
components = ["api"]
symptoms = ["503", "connection refused"]
solution = "Raise the pool size back to 50 and restart api pods one by one."
""")
    return path


def outage_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """DOWN from 25 to 15 minutes ago."""
    return now - dt.timedelta(minutes=25), now - dt.timedelta(minutes=15)


def slow_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    return now - dt.timedelta(hours=6), now - dt.timedelta(hours=5, minutes=30)


def _latency(rng: random.Random, at: dt.datetime, now: dt.datetime, index: int) -> float:
    # A daily rhythm plus noise; the second check is a little faster.
    hour = at.hour + at.minute / 60
    base = 120 + 60 * math.sin((hour - 9) / 24 * 2 * math.pi) - 25 * index
    slow_start, slow_end = slow_window(now)
    if slow_start <= at < slow_end:
        base += 450
    return max(5.0, rng.gauss(base, 18))


def seed_history(factory, now: dt.datetime, sample_hours: float = 1.0, sample_s: float = 10.0,
                 rollup_days: float = 7.0, seed: int = 7) -> None:
    rng = random.Random(seed)
    down_start, down_end = outage_window(now)
    batch = []
    state = {key: Status.OK for key in CHECKS}
    count = int(sample_hours * 3600 / sample_s)
    for step in range(count, 0, -1):
        at = now - dt.timedelta(seconds=step * sample_s)
        for index, key in enumerate(CHECKS):
            down = down_start <= at < down_end
            latency = None if down else _latency(rng, at, now, index)
            status = Status.DOWN if down else (
                Status.DEGRADED if index == 0 and latency > DEGRADED_MS else Status.OK)
            result = CheckResult(key, "api", status, latency, None if down else 200,
                                 "connection refused" if down else None, at=at)
            transition = None
            confirmed = Status.DOWN if status == Status.DOWN else Status.OK
            if confirmed != state[key]:
                transition = Transition(key, "api", at, state[key], confirmed, result.error, False)
                state[key] = confirmed
            batch.append((result, Outcome(status, transition, False, False, 3 if down else 0)))
    with transaction(factory) as session:
        write_batch(session, batch)
        session.execute(insert(db.CheckRollup), list(_minute_rollups(rng, now, rollup_days)))


def _minute_rollups(rng: random.Random, now: dt.datetime, days: float):
    last = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=3)
    down_start, down_end = outage_window(now)
    spike_at = last - dt.timedelta(days=min(days, 7) * 0.6)
    minutes = int(days * 1440)
    for step in range(minutes, -1, -1):
        start = last - dt.timedelta(minutes=step)
        for index, key in enumerate(CHECKS):
            down = down_start - dt.timedelta(minutes=1) < start < down_end
            lat = [_latency(rng, start, now, index) for _ in range(6)]
            if start == spike_at:
                lat[0] = SPIKE_MS
            yield {"check_key": key, "resolution": "minute", "bucket_start": start, "count": 6,
                   "failures": 6 if down else 0,
                   "latency_min": None if down else min(lat),
                   "latency_avg": None if down else sum(lat) / 6,
                   "latency_p95": None if down else sorted(lat)[-1],
                   "latency_max": None if down else max(lat)}
