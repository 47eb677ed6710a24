"""Status page bench: the real ``statuspage`` command on 1,000 components, 90 days, 500 incidents.

    PYTHONPATH=. python bench/bench_statuspage.py [--components 1000] [--publics 40] [--days 90]
        [--incidents 500] [--runs 3] [--pg]

Prints figures; it is not a test. Builds a SQLite database (and with --pg a
throwaway PostgreSQL, tests/pgserver.py) holding the topology, ~20
confirmed transitions per check over the window and the incidents' status-
page updates, then:

1. ``python main.py statuspage --out DIR --db URL`` as users run it: the
   build-and-write time the command prints (target <= 2 s) and the
   process's wall time (Python start-up and imports included), cold (empty
   DIR) and warm (files in place).
2. ``statuspage --watch``: a status-page update is committed every ~1.5 s;
   for each, the rewrite time the command prints (target <= 200 ms) and the
   time from the commit until ``summary.json`` shows it.
"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.statuspage_data import fill, topology_text  # noqa: E402
from noc_app.incidents import IncidentService  # noqa: E402
from noc_app.topology import parse_topology  # noqa: E402
from noc_app.workspace import open_workspace  # noqa: E402

UTC = dt.timezone.utc
WRITTEN = re.compile(r"(\d+) files written in ([\d.]+) s \(CPU ([\d.]+) s\)")


def build(url: str, args) -> dict:
    started = time.perf_counter()
    workspace = open_workspace(parse_topology(topology_text(args.components, args.publics)), url)
    counts = fill(workspace.sessions, dt.datetime.now(UTC), days=args.days, incidents=args.incidents)
    workspace.close()
    counts["build_s"] = time.perf_counter() - started
    return counts


def one_shot(url: str, out: Path) -> tuple[float, float, int, float]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "statuspage", "--out", str(out), "--db", url],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    files, seconds, cpu = WRITTEN.search(proc.stdout).groups()
    return float(seconds), wall, int(files), float(cpu)


def watch(url: str, out: Path, changes: int) -> tuple[list[float], list[float]]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "statuspage", "--out", str(out), "--db", url,
                             "--watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    summary = out / "api/v2/summary.json"
    lines: list[str] = []
    threading.Thread(target=lambda: [lines.append(line) for line in proc.stdout], daemon=True).start()
    from noc_app.storage.db import make_engine, session_factory
    engine = make_engine(url)
    service = IncidentService(session_factory(engine), "bench")
    iid = service.open_incident("bench watch", "internal_monitoring").incident_id
    deadline = time.monotonic() + 120
    while not any(WRITTEN.search(line) for line in lines) and time.monotonic() < deadline:
        time.sleep(0.05)  # the first full page
    time.sleep(1.5)
    latencies = []
    first_rewrite = len(lines)
    try:
        for n in range(changes):
            marker = f"bench change {n} {time.time()}"
            posted = time.perf_counter()
            service.status_page_update(None, "degraded", marker, incident_id=iid, components=["p000"])
            while marker not in summary.read_text(encoding="utf-8"):
                time.sleep(0.005)
            latencies.append(time.perf_counter() - posted)
            time.sleep(1.5)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        engine.dispose()
    rewrites = [(float(m.group(2)), float(m.group(3))) for line in lines[first_rewrite:]
                if (m := WRITTEN.search(line))]
    return rewrites, latencies


def report(label: str, url: str, args) -> None:
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    counts = build(url, args)
    print(f"\n== {label}: {args.components} components ({args.publics} public), {args.days} days, "
          f"{args.incidents} incidents: {counts['checks']} checks, {counts['transitions']} transitions, "
          f"{counts['entries']} status-page updates (built in {counts['build_s']:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        cold = one_shot(url, Path(tmp) / "cold")
        print(f"cold (empty --out): build+write {cold[0]:.2f} s (CPU {cold[3]:.2f} s), "
              f"process wall {cold[1]:.2f} s, {cold[2]} files")
        warm = [one_shot(url, Path(tmp) / "cold") for _ in range(args.runs)]
        print("warm (files in place): build+write " + ", ".join(f"{w[0]:.2f}" for w in warm)
              + " s (CPU " + ", ".join(f"{w[3]:.2f}" for w in warm) + " s); process wall "
              + ", ".join(f"{w[1]:.2f}" for w in warm) + " s")
        rewrites, latencies = watch(url, Path(tmp) / "watch", args.changes)
    walls, cpus = [r[0] for r in rewrites], [r[1] for r in rewrites]
    print(f"--watch rewrites after a change: median {statistics.median(walls) * 1000:.0f} ms "
          f"(CPU {statistics.median(cpus) * 1000:.0f} ms), max {max(walls) * 1000:.0f} ms over {len(rewrites)}")
    print(f"--watch commit -> summary.json shows it: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--publics", type=int, default=40)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--changes", type=int, default=8)
    parser.add_argument("--pg", action="store_true", help="also on a throwaway PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite", f"sqlite:///{tmp}/bench.db", args)
    if args.pg:
        from pgserver import PgServer
        server = PgServer()
        server.start()
        try:
            report("PostgreSQL", server.create_database("bench_statuspage"), args)
        finally:
            server.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
