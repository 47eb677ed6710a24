"""Review bundle and replay bench (issue 11): the real ``bundle`` and ``review`` commands.

    PYTHONPATH=. python bench/bench_review.py [--days 30] [--db PATH] [--rebuild] [--runs 3]

Prints figures; it is not a test. Phases:

1. Build (once, cached while its parameters match) a SQLite database of 1,000
   components (20 groups of 50, each group a dependency tree under its own
   database), one check each, 2,000 customers, ``--days`` days of minute
   rollups for every check (43 M rows at 30 days), raw 10 s samples for every
   check over the 12 hours around the incident, ~10 flaps a day per check as
   transitions, and one incident whose cause is group 0's database: its
   dependency neighbourhood is that group's 50 components, and its window
   ([impact started − 1 h, closed + 1 h]) is 6 hours.
2. ``python main.py bundle ID --out FILE`` as a subprocess: wall time, file size.
3. Replay: ``Replay.state_at`` over a synthetic 1,000-component topology with
   10,000 transitions, at 2,000 random moments; then the review window
   (offscreen) dragged across the window in 300 steps, each step the cursor
   move plus everything it repaints (frames per second).
4. ``python main.py review FILE``: process start to the first painted frame.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from noc_app.storage import migrate  # noqa: E402
from noc_app.storage.db import make_engine  # noqa: E402

UTC = dt.timezone.utc
END = dt.datetime(2026, 6, 1, tzinfo=UTC)  # fixed, so a cached file stays valid
GROUPS, PER_GROUP = 20, 50
IMPACT = END - dt.timedelta(hours=6)  # impact starts; restored 3 h 30 later, closed at 4 h
DETECTED = IMPACT + dt.timedelta(minutes=4)
CLOSED = IMPACT + dt.timedelta(hours=4)


def _text(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores it on SQLite


def build(path: Path, days: int) -> None:
    if path.exists():
        path.unlink()
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    rng = random.Random(11)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=OFF")
    raw.execute("PRAGMA synchronous=OFF")
    ids = [f"svc-{g:02d}-{k:02d}" for g in range(GROUPS) for k in range(PER_GROUP)]
    now = _text(END)
    raw.executemany("INSERT INTO components (id, name, group_name, kind, criticality, description, created_at, "
                    "updated_at) VALUES (?, ?, ?, 'service', 'high', '', ?, ?)",
                    [(c, f"Service {c}", f"group {c[4:6]}", now, now) for c in ids])
    raw.executemany("INSERT INTO component_dependencies (component_id, depends_on_id) VALUES (?, ?)",
                    [(f"svc-{g:02d}-{k:02d}", f"svc-{g:02d}-{(k - 1) // 3:02d}")
                     for g in range(GROUPS) for k in range(1, PER_GROUP)])
    raw.executemany("INSERT INTO checks (key, component_id, kind, target, interval_s, timeout_s, retries, config) "
                    "VALUES (?, ?, 'http', ?, 10, 5, 2, '{}')", [(f"{c}#0", c, f"https://{c}/health") for c in ids])
    raw.executemany("INSERT INTO check_states (check_key, status, consecutive_failures, flapping) "
                    "VALUES (?, 'OK', 0, 0)", [(f"{c}#0",) for c in ids])
    raw.executemany("INSERT INTO tiers (name, weight) VALUES (?, ?)", [("enterprise", 10), ("business", 5), ("standard", 1)])
    customers = [f"cust-{i:04d}" for i in range(2000)]
    raw.executemany("INSERT INTO customers (id, name, tier, timezone, business_start, business_end, business_days, "
                    "partner) VALUES (?, ?, ?, 'Europe/Berlin', '09:00:00.000000', '18:00:00.000000', '0,1,2,3,4', 0)",
                    [(c, f"Customer {c}", rng.choice(("enterprise", "business", "standard"))) for c in customers])
    raw.executemany("INSERT OR IGNORE INTO customer_components (customer_id, component_id, criticality) "
                    "VALUES (?, ?, 'high')",
                    [(c, rng.choice(ids)) for c in customers for _ in range(3)])
    # Transitions: ~10 flaps a day per check over the whole history; the outage in group 0.
    transitions = []
    first = END - dt.timedelta(days=days)
    for c in ids:
        transitions.append((f"{c}#0", c, _text(first), "UNKNOWN", "OK", None))
        for _ in range(days * 10):
            t = first + dt.timedelta(seconds=rng.uniform(0, days * 86400))
            transitions.append((f"{c}#0", c, _text(t), "OK", "DEGRADED", "slow"))
            transitions.append((f"{c}#0", c, _text(t + dt.timedelta(seconds=30)), "DEGRADED", "OK", None))
    for k in range(PER_GROUP):
        c = f"svc-00-{k:02d}"
        down = IMPACT + dt.timedelta(seconds=20 * k)
        transitions.append((f"{c}#0", c, _text(down), "OK", "DOWN", "connection refused"))
        transitions.append((f"{c}#0", c, _text(down + dt.timedelta(hours=3, minutes=30)), "DOWN", "OK", None))
    transitions.sort(key=lambda r: r[2])
    raw.executemany("INSERT INTO state_transitions (check_key, component_id, at, from_status, to_status, reason, "
                    "flapping) VALUES (?, ?, ?, ?, ?, ?, 0)", transitions)
    raw.commit()
    print(f"  {len(transitions):,} transitions", flush=True)
    # Raw samples every 10 s for every check over the 12 h around the incident.
    start = IMPACT - dt.timedelta(hours=3)
    steps = 12 * 360
    for c in ids:
        outage = c.startswith("svc-00-")
        rows = []
        for s in range(steps):
            t = start + dt.timedelta(seconds=10 * s)
            down = outage and IMPACT <= t < IMPACT + dt.timedelta(hours=3, minutes=30)
            rows.append((f"{c}#0", _text(t), "DOWN" if down else "OK", None if down else 40 + rng.random() * 20,
                         None if down else 200, "connection refused" if down else None))
        raw.executemany("INSERT INTO check_samples (check_key, at, status, latency_ms, http_status, error) "
                        "VALUES (?, ?, ?, ?, ?, ?)", rows)
    raw.commit()
    print("  samples written", flush=True)
    minutes = days * 1440
    stamps = [(first + dt.timedelta(minutes=m)).timestamp() for m in range(minutes)]
    sql = ("INSERT INTO check_rollups (check_key, resolution, bucket_start, count, failures, latency_min, "
           "latency_avg, latency_p95, latency_max) VALUES (?, 60, ?, 6, 0, 30, 45, 60, 80)")
    started = time.perf_counter()
    for i, c in enumerate(ids):
        raw.executemany(sql, ((f"{c}#0", s) for s in stamps))
        if i % 100 == 99:
            raw.commit()
            print(f"  rollups for {i + 1} checks, {time.perf_counter() - started:.0f} s", flush=True)
    raw.commit()
    # The incident, as the service would have written it (header, links, timeline).
    raw.execute("INSERT INTO people (id, name) VALUES ('alice', 'Alice')")
    raw.execute("INSERT INTO incidents (id, title, stage, detected_at, first_recorded_at, detection_means, "
                "manifestation, impact, urgency, priority, incident_manager_id, restore_path, restore_summary, "
                "root_cause, restored_at, closed_at, created_at, updated_at, version) VALUES "
                "(1, 'Group 0 database outage', 'closed', ?, ?, 'internal_monitoring', '', 'high', 'high', 'P1', "
                "'alice', 'resolve', 'failed over', 'disk full', ?, ?, ?, ?, 1)",
                (_text(DETECTED), _text(DETECTED), _text(IMPACT + dt.timedelta(hours=3, minutes=30)),
                 _text(CLOSED), _text(DETECTED), _text(CLOSED)))
    raw.executemany("INSERT INTO incident_components (incident_id, component_id, role) VALUES (1, ?, ?)",
                    [(f"svc-00-{k:02d}", "cause" if k == 0 else "symptom") for k in range(PER_GROUP)])
    raw.executemany("INSERT INTO incident_customers (incident_id, customer_id) VALUES (1, ?)", [(c,) for c in customers[:300]])
    raw.executemany("INSERT INTO timeline_events (incident_id, at, author, kind, summary, data) "
                    "VALUES (1, ?, 'alice', 'note', ?, '{}')",
                    [(_text(DETECTED + dt.timedelta(minutes=m)), f"note {m}") for m in range(0, 240, 2)])
    raw.commit()
    raw.execute("ANALYZE")
    raw.close()


def _revision(path: Path) -> str | None:
    """The cached database's schema revision: one made before a migration was added or renamed
    is rebuilt (the ``bundle`` command would refuse it)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.Error:
        return None


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def bench_bundle(db: Path, runs: int) -> Path:
    import resource

    out = Path(tempfile.mkdtemp(prefix="vigil-bench-review-")) / "incident.noc-bundle"
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "main.py", "bundle", "1", "--out", str(out), "--db", f"sqlite:///{db}"],
                              cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            sys.exit(proc.stderr)
    print(proc.stdout.strip())
    print(f"bundle (whole command, {runs} runs): wall median {statistics.median(times):.2f} s, worst {max(times):.2f} s; "
          f"CPU (user+sys) median {statistics.median(cpu):.2f} s; file {out.stat().st_size / 1e6:.1f} MB "
          f"({_load()}; targets: <= 5 s, <= 20 MB)")
    return out


def synthetic(n: int = 1000, transitions: int = 10_000):
    from noc_app.domain import CheckKind
    from noc_app.topology.model import CheckSpec, ComponentSpec, CustomerSpec, Topology, Usage

    rng = random.Random(5)
    ids = [f"c{i:04d}" for i in range(n)]
    comps = tuple(ComponentSpec(id=c, name=f"Component {c}", group=f"g{i % 10}",
                                depends_on=(ids[rng.randrange(i)],) if i and rng.random() < 0.5 else (),
                                checks=(CheckSpec(f"{c}#0", c, CheckKind.HTTP, 10, 5, 2, url="http://x"),))
                  for i, c in enumerate(ids))
    customers = tuple(CustomerSpec(f"k{i}", f"K{i}", "standard", uses=(Usage(rng.choice(ids)),)) for i in range(2000))
    topology = Topology(source="bench", components=comps, customers=customers)
    start = END - dt.timedelta(hours=6)
    status = {c: "OK" for c in ids}
    rows = []
    for j in range(transitions):
        c = rng.choice(ids)
        new = rng.choice([s for s in ("OK", "DEGRADED", "DOWN") if s != status[c]])
        rows.append((j, f"{c}#0", c, start + dt.timedelta(seconds=21600 * j / transitions), status[c], new, "r", False))
        status[c] = new
    initial = [(f"{c}#0", "OK", None, None) for c in ids]
    return topology, initial, rows, start, END


def bench_replay() -> None:
    from noc_app.review.replay import Replay

    topology, initial, rows, start, end = synthetic()
    t0 = time.perf_counter()
    replay = Replay(topology, initial, rows, start=start, end=end)
    built = time.perf_counter() - t0
    rng = random.Random(1)
    times = []
    for _ in range(2000):
        at = start + dt.timedelta(seconds=rng.uniform(0, 21600))
        t0 = time.perf_counter()
        replay.state_at(at).result  # noqa: B018 - the impact engine's answer is part of the state
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"replay state_at, 1,000 components / 10,000 transitions, 2,000 random moments: "
          f"median {statistics.median(times):.2f} ms, p99 {times[int(len(times) * 0.99)]:.2f} ms, "
          f"worst {times[-1]:.2f} ms (build {built * 1000:.0f} ms; {_load()}; target <= 20 ms)")
    return topology, initial, rows, start, end


def synthetic_material(data):
    from noc_app.review import scope
    from noc_app.review.material import ReviewMaterial
    from noc_app.review.replay import Replay

    topology, initial, rows, start, end = data

    class FakeBundle:  # the window reads these from a bundle; the replay is the real one
        path = Path("synthetic.noc-bundle")
        incident_id = 1
        window_start, window_end = start, end
        manifest = {"created_at": end.isoformat(), "content_sha256": "-" * 64}
        incident = {"id": 1, "title": "synthetic", "first_recorded_at": start.isoformat(), "components": {},
                    "customers": [], "bundle_impact_started_at": start.isoformat()}
        timeline = []

        def __init__(self):
            self.topology = topology
            # Like a real bundle's: some components, all they depend on and all depending on them.
            self.neighbourhood = frozenset(scope.neighbourhood(
                [c.id for c in topology.components[950:]],
                [(c.id, d) for c in topology.components for d in c.depends_on]))

        def transitions(self):
            return rows

        def table(self, name):
            return []

        def close(self):
            pass

    return ReviewMaterial(FakeBundle(), Replay(topology, initial, rows, start=start, end=end), {})


def bench_drag(material, what: str) -> None:
    from PySide6.QtWidgets import QApplication

    from widgets.review import ReviewWindow
    from widgets.review.window import PAGES

    app = QApplication.instance() or QApplication([])
    window = ReviewWindow(material)
    span = int((material.bundle.window_end - material.bundle.window_start).total_seconds())
    window.resize(1920, 1080)
    window.show()
    window.settle()
    app.processEvents()
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    steps = 300  # a drag across the whole window: one slider move every 16 ms (a 60 Hz mouse), ~5 s
    for tab, (_name, label) in enumerate(PAGES):
        window.tabs.setCurrentIndex(tab)
        window.settle()
        app.processEvents()
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]
        stalls: list[float] = []

        def watch() -> None:
            now = clock.nsecsElapsed()
            stalls.append(max(0.0, (now - last[0]) / 1e6 - 10.0))
            last[0] = now

        watchdog = QTimer(interval=10, timeout=watch)
        moves = [0]
        # The app's own event loop runs the drag (not a polling loop of the bench's, whose
        # wake-ups every millisecond would be counted in the CPU per frame).
        loop = QEventLoop()

        def move() -> None:
            k = moves[0]
            moves[0] += 1
            window.transport.slider.setValue(int(span * (k if tab % 2 == 0 else steps - k) / steps))
            if moves[0] >= steps:
                mouse.stop()
                loop.quit()

        mouse = QTimer(interval=16, timeout=move)
        before = window.frames_shown
        refreshes = window.impact.refresh_count
        t0 = time.perf_counter()
        c0 = time.process_time()
        watchdog.start()
        mouse.start()
        loop.exec()
        app.processEvents()  # the last move's frame
        window.settle()
        elapsed = time.perf_counter() - t0
        cpu_ms = (time.process_time() - c0) * 1000
        watchdog.stop()
        frames = window.frames_shown - before
        refreshed = window.impact.refresh_count - refreshes
        stalls.sort()
        print(f"slider drag, {what}, {label} shown (1920x1080): {frames / elapsed:.0f} frames/s "
              f"({frames} frames for {steps} moves in {elapsed:.1f} s); CPU {cpu_ms / max(frames, 1):.1f} ms per frame "
              f"(all of the process's work: {1000 * frames / max(cpu_ms, 1):.0f} frames per CPU-second"
              + (f", with {refreshed} refreshes of the impact list" if label == "Customer impact" else "") + "); "
              f"GUI stall p95 {stalls[int(len(stalls) * 0.95)]:.0f} ms, "
              f"worst {stalls[-1]:.0f} ms ({_load()}; target >= 30 frames/s)")
    window.close()


def bench_first_paint(bundle: Path, runs: int) -> None:
    times, cpu = [], []
    tick = os.sysconf("SC_CLK_TCK")
    for _ in range(runs):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NOC_REPORT_FIRST_PAINT="1")
        proc = subprocess.Popen([sys.executable, "main.py", "review", str(bundle)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in proc.stdout:
            if line.startswith("first-paint"):
                times.append(float(line.split()[1]))
                with open(f"/proc/{proc.pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                cpu.append((int(fields[11]) + int(fields[12])) / tick)  # utime + stime so far
                break
        proc.kill()
        proc.wait()
    print(f"review start to first paint ({runs} runs): wall median {statistics.median(times):.2f} s, "
          f"worst {max(times):.2f} s; CPU until then median {statistics.median(cpu):.2f} s ({_load()}; target <= 2 s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-db", action="store_true", help="only the replay and drag phases")
    parser.add_argument("--skip-synthetic", action="store_true", help="only the bench database's phases")
    args = parser.parse_args()
    if not args.skip_synthetic:
        data = bench_replay()
        bench_drag(synthetic_material(data), "synthetic 10,000 random transitions")
    if args.skip_db:
        return
    path = args.db or Path(f"/tmp/vigil-bench-review-1000x{args.days}d.db")
    if args.rebuild or not path.exists() or _revision(path) != migrate.head_revision():
        print(f"building {path}: 1,000 components x {args.days} days ...", flush=True)
        started = time.perf_counter()
        build(path, args.days)
        print(f"built in {time.perf_counter() - started:.0f} s, {path.stat().st_size / 1e9:.2f} GB", flush=True)
    bundle = bench_bundle(path, args.runs)
    bench_first_paint(bundle, args.runs)
    from noc_app.review import open_bundle
    from noc_app.review.material import load_review
    bench_drag(load_review(open_bundle(bundle)), "the bench incident's bundle")


if __name__ == "__main__":
    main()
