"""Storage growth bench for the bounded check history (issue 3).

    PYTHONPATH=. python bench/bench_storage.py [--checks 100] [--hours 54] [--pg]

Prints figures; it is not a test. Two phases, each on SQLite (a temp file)
and, with ``--pg``, on a throwaway PostgreSQL (``tests/pgserver.py``):

1. Growth. ``--checks`` checks at a 10 s interval are fed minute by minute
   (one bulk INSERT per simulated minute, like ``recorder.write_batch``) for
   ``--hours`` simulated hours, and ``run_retention`` runs after every minute,
   as the poller does. The raw window is the real 48 h, so the purge reaches
   its steady state; the minute-rollup horizon is shortened to
   ``--minute-hours`` (default 24 h; the real one is 30 days) so hourly
   folding happens inside the run. Rows per check per day of each tier and
   bytes per row (table + indexes, measured) are then scaled to 1,000 checks
   and the real policy (48 h raw, 30 d minutes, hourly forever).
2. Job cost at full scale: 1,000 checks for ``--job-minutes`` simulated
   minutes with a 10-minute raw window and a 20-minute minute horizon, so
   every run rolls up, folds and purges as at steady state; reports the time
   ``run_retention`` takes per simulated minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from noc_app.polling.retention import RetentionPolicy, run_retention  # noqa: E402
from noc_app.storage import migrate  # noqa: E402
from noc_app.storage.db import make_engine, session_factory, transaction  # noqa: E402
from noc_app.storage.models import Check, CheckRollup, CheckSample, Component  # noqa: E402

UTC = dt.timezone.utc
START = dt.datetime(2024, 1, 1, tzinfo=UTC)
INTERVAL_S = 10
PER_MIN = 60 // INTERVAL_S
MINUTE = dt.timedelta(minutes=1)
SETTLE = dt.timedelta(seconds=150)  # the job runs this long after a minute's last sample

SAMPLES_TABLES = ("check_samples", "ix_check_samples_at", "ix_check_samples_check_key_at")
# The autoindex exists only before migration 0004 (check_rollups is WITHOUT ROWID since).
ROLLUP_TABLES = ("check_rollups", "sqlite_autoindex_check_rollups_1")


class Fleet:
    """Deterministic fake results: 1 % DOWN (timeout, no latency), 2 % DEGRADED."""

    def __init__(self, checks: int, seed: int = 0):
        self.rng = random.Random(seed)
        self.keys = [f"svc{i:05d}#0" for i in range(checks)]
        self.phase = [self.rng.uniform(0, INTERVAL_S) for _ in self.keys]

    def minute(self, start: dt.datetime) -> list[dict]:
        rows, rnd = [], self.rng.random
        for key, phase in zip(self.keys, self.phase):
            for k in range(PER_MIN):
                roll = rnd()
                down = roll < 0.01
                rows.append({
                    "check_key": key, "at": start + dt.timedelta(seconds=phase + k * INTERVAL_S),
                    "status": "DOWN" if down else "DEGRADED" if roll < 0.03 else "OK",
                    "latency_ms": None if down else round(self.rng.lognormvariate(3.0, 0.5), 1),
                    "http_status": None if down else 200,
                    "error": "timeout after 5.0s" if down else None,
                })
        return rows


def setup(url: str, fleet: Fleet):
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = session_factory(engine)
    with transaction(factory) as s:
        s.execute(insert(Component), [{"id": k.split("#")[0], "name": k} for k in fleet.keys])
        s.execute(insert(Check), [{"key": k, "component_id": k.split("#")[0], "kind": "http",
                                   "target": "http://127.0.0.1/health", "interval_s": INTERVAL_S,
                                   "timeout_s": 5, "retries": 2, "config": {}} for k in fleet.keys])
    return engine, factory


def simulate(factory, fleet: Fleet, minutes: int, policy: RetentionPolicy, progress: str = ""):
    """Feed ``minutes`` simulated minutes, running retention after each; per-run timings."""
    totals = {"samples": 0, "minute_rows": 0, "hour_rows": 0, "purged": 0}
    runs: list[tuple[float, dict[str, float]]] = []
    for m in range(minutes):
        start = START + m * MINUTE
        batch = fleet.minute(start)
        with transaction(factory) as s:
            s.execute(insert(CheckSample), batch)
        totals["samples"] += len(batch)
        t0 = time.perf_counter()
        report = run_retention(factory, start + MINUTE + SETTLE, policy)
        runs.append((time.perf_counter() - t0, report.seconds))
        totals["minute_rows"] += report.minute_rows
        totals["hour_rows"] += report.hour_rows
        totals["purged"] += report.samples_purged
        if progress and (m + 1) % 600 == 0:
            print(f"  {progress}: {(m + 1) // 60} h simulated", file=sys.stderr, flush=True)
    return totals, runs


def table_bytes(engine) -> dict[str, int]:
    """Bytes of each table including its indexes, as stored right now."""
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            sizes = dict(c.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")).all())
            return {"check_samples": sum(sizes.get(n, 0) for n in SAMPLES_TABLES),
                    "check_rollups": sum(sizes.get(n, 0) for n in ROLLUP_TABLES)}
    # PostgreSQL: let (auto)vacuum catch up first, as it would at steady state.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE check_samples, check_rollups"))
        return {t: c.scalar(text(f"SELECT pg_total_relation_size('{t}')"))
                for t in ("check_samples", "check_rollups")}


def counts(factory) -> dict[str, int]:
    with factory() as s:
        res = dict(s.execute(select(CheckRollup.resolution, func.count()).group_by(CheckRollup.resolution)).all())
        return {"raw": s.scalar(select(func.count()).select_from(CheckSample)),
                "minute": res.get("minute", 0), "hour": res.get("hour", 0)}


def fmt_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024


def growth(url: str, args) -> None:
    fleet = Fleet(args.checks, args.seed)
    engine, factory = setup(url, fleet)
    policy = RetentionPolicy(minutes=dt.timedelta(hours=args.minute_hours))
    minutes = args.hours * 60
    t0 = time.perf_counter()
    totals, runs = simulate(factory, fleet, minutes, policy, progress=engine.dialect.name)
    elapsed = time.perf_counter() - t0
    live, size = counts(factory), table_bytes(engine)
    engine.dispose()

    days = minutes / 1440
    last_now = START + minutes * MINUTE + SETTLE
    horizon = (last_now - policy.minutes).replace(minute=0, second=0, microsecond=0)
    folded_span = max(horizon - START, dt.timedelta(0))
    per_check_day = {
        "raw": totals["samples"] / args.checks / days,
        "minute": (totals["minute_rows"]) / args.checks / days,
        # Hours are folded only once older than the horizon: divide by the span they cover.
        "hour": live["hour"] / args.checks / max(folded_span / dt.timedelta(days=1), 1e-9),
    }
    bpr = {"raw": size["check_samples"] / max(live["raw"], 1),
           "rollup": size["check_rollups"] / max(live["minute"] + live["hour"], 1)}
    print(f"\n== Storage growth, {engine.dialect.name}: {args.checks} checks x {INTERVAL_S} s interval, "
          f"{args.hours} h simulated in {elapsed:.0f} s (scaled to 1,000 checks below) ==")
    print(f"live rows at end: raw {live['raw']:,} (window {live['raw'] / args.checks / PER_MIN / 60:.1f} h "
          f"per check), minute {live['minute']:,}, hour {live['hour']:,}; purged {totals['purged']:,}")
    print(f"bytes per row incl. indexes: raw sample {bpr['raw']:.0f} B, rollup {bpr['rollup']:.0f} B")
    print(f"measured rows per check per day: raw {per_check_day['raw']:,.0f}, "
          f"minute {per_check_day['minute']:,.0f}, hour {per_check_day['hour']:,.1f}")
    tiers = [("raw samples", per_check_day["raw"], 2, bpr["raw"]),
             ("minute rollups", per_check_day["minute"], 30, bpr["rollup"])]
    print("\nper 1,000 checks, real policy (48 h raw, 30 d minutes, hourly after):")
    print(f"{'tier':16} {'rows/day':>12} {'kept':>8} {'rows held':>12} {'bytes held':>11}")
    held_rows = held_bytes = 0.0
    for name, rows_day, keep_days, b in tiers:
        r = rows_day * 1000
        held_rows += r * keep_days
        held_bytes += r * keep_days * b
        print(f"{name:16} {r:12,.0f} {keep_days:6} d {r * keep_days:12,.0f} {fmt_bytes(r * keep_days * b):>11}")
    hour_day = per_check_day["hour"] * 1000
    print(f"{'hour rollups':16} {hour_day:12,.0f} {'forever':>8} {'+' + format(hour_day, ',.0f') + '/d':>12} "
          f"{'+' + fmt_bytes(hour_day * bpr['rollup']) + '/d':>11}")
    print(f"bounded stock after 30 days: {held_rows:,.0f} rows, {fmt_bytes(held_bytes)}; "
          f"then growth {hour_day:,.0f} rows/day = {fmt_bytes(hour_day * bpr['rollup'])}/day "
          f"({fmt_bytes(hour_day * bpr['rollup'] * 365)}/year)")
    print(f"without rollups+purge: {fmt_bytes(per_check_day['raw'] * 1000 * bpr['raw'])}/day forever")
    steady = [r for r, _ in runs[48 * 60:]] or [r for r, _ in runs]
    print(f"retention job per simulated minute ({args.checks} checks, after 48 h): "
          f"median {statistics.median(steady) * 1000:.1f} ms, max {max(steady) * 1000:.1f} ms")


def job_cost(url: str, args) -> None:
    fleet = Fleet(1000, args.seed)
    engine, factory = setup(url, fleet)
    policy = RetentionPolicy(raw=dt.timedelta(minutes=10), minutes=dt.timedelta(minutes=20))
    totals, runs = simulate(factory, fleet, args.job_minutes, policy)
    engine.dispose()
    warm = runs[15:]  # once the 10-minute raw window is full and every run purges
    total = [r for r, _ in warm]
    q = statistics.quantiles(total, n=20, method="inclusive")
    print(f"\n== Retention job at 1,000 checks, {engine.dialect.name}: {args.job_minutes} simulated minutes "
          f"(6,000 samples/min; raw window 10 min and minute horizon 20 min so every run purges) ==")
    print(f"per simulated minute: median {statistics.median(total) * 1000:.1f} ms, "
          f"p95 {q[18] * 1000:.1f} ms, max {max(total) * 1000:.1f} ms")
    for step in ("minutes", "hours", "purge"):
        times = [s.get(step, 0.0) for _, s in warm]
        print(f"  {step:8} median {statistics.median(times) * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms")
    print(f"  totals: {totals['minute_rows']:,} minute rows, {totals['hour_rows']:,} hour rows, "
          f"{totals['purged']:,} samples purged")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=100, help="checks in the growth phase")
    parser.add_argument("--hours", type=int, default=54, help="simulated hours in the growth phase")
    parser.add_argument("--minute-hours", type=int, default=24,
                        help="minute-rollup horizon in the growth phase (real policy: 30 days)")
    parser.add_argument("--job-minutes", type=int, default=90, help="simulated minutes at 1,000 checks")
    parser.add_argument("--pg", action="store_true", help="also run on a throwaway PostgreSQL")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="noc-bench-storage-") as tmp:
        urls = [("sqlite", f"sqlite:///{tmp}/growth.db", f"sqlite:///{tmp}/job.db")]
        server = None
        if args.pg:
            sys.path.insert(0, str(ROOT / "tests"))
            from pgserver import PgServer
            server = PgServer()
            server.start()
            urls.append(("postgresql", server.create_database("growth"), server.create_database("job")))
        try:
            for _, growth_url, job_url in urls:
                growth(growth_url, args)
                job_cost(job_url, args)
        finally:
            if server is not None:
                server.cleanup()


if __name__ == "__main__":
    main()
