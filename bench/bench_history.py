"""History charts bench: component detail data from 1,000 checks x 30 days of minute rollups.

    PYTHONPATH=. python bench/bench_history.py [--checks 1000] [--days 30] [--db PATH] [--runs 5]

Prints figures; it is not a test. The SQLite file (~6 GB at full size) is
built once with raw ``sqlite3`` inserts (500 components x 2 checks, one
minute row per check per minute, as ``retention.rollup_minutes`` writes
them) and reused while its size parameters match.

1. ``load_history`` for one component (2 checks) at 24 h and 7 d: the time
   until chart data is ready (target: well under 200 ms).
2. The GUI thread while ``ComponentDetailView`` loads and draws those spans
   repeatedly: a 10 ms QTimer watchdog records how late each tick fires; the
   worst lateness is the worst GUI stall (target: under 50 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from noc_app.live.history import load_history  # noqa: E402
from noc_app.storage import migrate  # noqa: E402
from noc_app.storage import models as db  # noqa: E402
from noc_app.storage.db import make_engine, session_factory  # noqa: E402

UTC = dt.timezone.utc
END = dt.datetime(2026, 6, 1, tzinfo=UTC)  # fixed, so a cached file stays valid


def _guard_pyside_refcounts() -> None:
    # PySide6 6.12.0 on Python 3.11 drops a reference to None per void call
    # and aborts after a few thousand ("none_dealloc"); see bench/README.md.
    import ctypes
    if sys.version_info < (3, 12):
        for obj in (None, True, False):
            ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


def build(path: Path, checks: int, days: int) -> None:
    if path.exists():
        path.unlink()
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    components = checks // 2
    with engine.begin() as conn:
        conn.execute(insert(db.Component), [
            {"id": f"svc-{c:04d}", "name": f"Service {c:04d}", "group_name": f"g{c % 20}"}
            for c in range(components)])
        conn.execute(insert(db.Check), [
            {"key": f"svc-{c:04d}#{i}", "component_id": f"svc-{c:04d}", "kind": "http",
             "target": f"https://svc-{c:04d}.example/health/{i}", "interval_s": 10.0, "timeout_s": 5.0,
             "retries": 2, "config": {"degraded_ms": 400.0 if i == 0 else None}}
            for c in range(components) for i in range(2)])
    engine.dispose()
    minutes = days * 1440
    first = END - dt.timedelta(minutes=minutes)
    stamps = [(first + dt.timedelta(minutes=m)).timestamp()
              for m in range(minutes)]
    rng = random.Random(1)
    pattern = [100 + 50 * ((m % 1440) / 1440) + rng.random() * 20 for m in range(minutes)]
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=OFF")
    raw.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    # check_rollups as stored on SQLite (migration 0004): resolution in seconds, epoch bucket_start.
    sql = ("INSERT INTO check_rollups (check_key, resolution, bucket_start, count, failures, "
           "latency_min, latency_avg, latency_p95, latency_max) VALUES (?, 60, ?, 6, ?, ?, ?, ?, ?)")
    for c in range(components):
        for i in range(2):
            key = f"svc-{c:04d}#{i}"
            outage = rng.randrange(minutes)
            raw.executemany(sql, (
                (key, stamps[m], 6 if outage <= m < outage + 20 else 0,
                 pattern[m] - 30, pattern[m], pattern[m] + 30, pattern[m] + 60 + (900 if m % 997 == 0 else 0))
                for m in range(minutes)))
        if c % 50 == 49:
            raw.commit()
            print(f"  built {2 * (c + 1)} checks, {time.perf_counter() - started:.0f} s", flush=True)
    raw.commit()
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("ANALYZE")
    raw.close()


def bench_load(factory, component: str, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for span in ("24h", "7d"):
        for run in range(runs + 1):
            started = time.perf_counter()
            with factory() as session:
                history = load_history(session, component, span, END)
            elapsed = (time.perf_counter() - started) * 1000
            if run:  # the first run warms the page cache
                times.setdefault(span, []).append(elapsed)
        points = max(len(c.t) for c in history.checks)
        print(f"load_history {span:>4}: median {statistics.median(times[span]):6.1f} ms, "
              f"worst {max(times[span]):6.1f} ms  ({len(history.checks)} checks, {points} points each)")
    return times


def bench_gui(factory, component: str, cycles: int) -> None:
    _guard_pyside_refcounts()
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from widgets.views.component_detail import ComponentDetailView

    app = QApplication.instance() or QApplication([])
    view = ComponentDetailView(factory, clock=lambda: END)
    view.resize(1920, 1080)
    view.show()
    lateness: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    phase = ["first paint"]
    stalls: list[tuple[float, str]] = []

    def tick() -> None:
        now = clock.nsecsElapsed()
        late = max(0.0, (now - last[0]) / 1e6 - 10.0)
        lateness.append(late)
        stalls.append((late, phase[0]))
        last[0] = now

    watchdog = QTimer(interval=10, timeout=tick)
    watchdog.start()
    shown_at: list[float] = []
    view.historyShown.connect(lambda _h: shown_at.append(time.perf_counter()))
    spans = ["24h", "7d"] * cycles
    end = time.perf_counter() + 0.3  # the first paint of the empty view, on its own
    while time.perf_counter() < end:
        app.processEvents()
    view.show_component(component)
    ready = []
    for span in spans:
        before = len(shown_at)
        started = time.perf_counter()
        phase[0] = span
        view.set_span(span)
        while len(shown_at) == before:
            app.processEvents()
            time.sleep(0.0005)  # an idle event loop: spinning would hold the GIL from the loader
        app.processEvents()
        ready.append((span, (shown_at[-1] - started) * 1000))
    # Let the last paint happen under the watchdog too.
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:
        app.processEvents()
    watchdog.stop()
    view.close_loader()
    for span in ("24h", "7d"):
        values = [ms for s, ms in ready if s == span]
        print(f"view {span:>4}: click to charts drawn: median {statistics.median(values):6.1f} ms, "
              f"worst {max(values):6.1f} ms")
    worst_by_phase: dict[str, float] = {}
    for late, name in stalls:
        worst_by_phase[name] = max(worst_by_phase.get(name, 0.0), late)
    print("worst stall by phase: " + ", ".join(f"{k} {v:.1f} ms" for k, v in worst_by_phase.items()))
    lateness.sort()
    print(f"GUI watchdog (10 ms timer, {len(lateness)} ticks): worst stall {lateness[-1]:.1f} ms, "
          f"p99 {lateness[int(len(lateness) * 0.99)]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = args.db or Path(f"/tmp/vigil-bench-history-{args.checks}x{args.days}d.db")
    if args.rebuild or not path.exists():
        print(f"building {path}: {args.checks} checks x {args.days} days of minute rollups ...")
        started = time.perf_counter()
        build(path, args.checks, args.days)
        print(f"built in {time.perf_counter() - started:.0f} s, {path.stat().st_size / 1e9:.2f} GB")
    engine = make_engine(f"sqlite:///{path}")
    factory = session_factory(engine)
    with factory() as session:
        rows = session.query(db.CheckRollup).count() if args.checks <= 100 else None
    component = f"svc-{(args.checks // 2) // 2:04d}"  # one in the middle of the file
    print(f"component {component}" + (f", {rows} rollup rows" if rows else ""))
    bench_load(factory, component, args.runs)
    bench_gui(factory, component, cycles=max(3, args.runs))
    engine.dispose()


if __name__ == "__main__":
    main()
