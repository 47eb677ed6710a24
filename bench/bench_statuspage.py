"""Status page bench: the real ``statuspage`` command on 1,000 components, 90 days, 500 incidents.

    PYTHONPATH=. python bench/bench_statuspage.py [--components 1000] [--publics 40] [--days 90]
        [--incidents 500] [--runs 3] [--changes 20] [--postgres]

Prints figures; it is not a test. Builds a SQLite database (and with
--postgres a throwaway PostgreSQL, tests/pgserver.py) holding the topology,
~20 confirmed transitions per check over the window and the incidents'
status-page updates, then runs the command as users do, as a child process
with bytecode cached (PYTHONDONTWRITEBYTECODE removed from its environment,
and one warm-up run first):

1. ``main.py statuspage --out DIR --db URL``, cold (empty DIR) and warm
   (files in place): the build+write time the command prints (wall and its
   CPU; target <= 2 s) and the whole process (wall and CPU, start-up and
   imports included), then one run under ``-X importtime`` summed by package.
2. ``statuspage --watch``: a status-page update is committed every ~1.2 s by
   this process; for each, the rewrite the command prints (wall and CPU;
   target <= 200 ms) and the time from the commit until ``summary.json``
   shows it, split with the child's /proc/PID/schedstat into time on a CPU,
   time runnable but waiting for one (a busy machine), and the rest
   (sleeping: the change-hint poll, disk waits).

Every figure comes with the load average; CPU times are what the work costs,
wall times what it took on this machine at that moment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
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
# Users' processes keep their bytecode; this shell's PYTHONDONTWRITEBYTECODE would make every
# child recompile the project's modules.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
COMMAND = [sys.executable, str(ROOT / "main.py"), "statuspage"]


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def ms(values: list[float]) -> str:
    """median / p95 / max in ms."""
    if not values:
        return "none measured"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:.0f} / {p95 * 1000:.0f} / {ordered[-1] * 1000:.0f} ms"


def build(url: str, args) -> dict:
    started = time.perf_counter()
    workspace = open_workspace(parse_topology(topology_text(args.components, args.publics)), url)
    counts = fill(workspace.sessions, dt.datetime.now(UTC), days=args.days, incidents=args.incidents)
    workspace.close()
    counts["build_s"] = time.perf_counter() - started
    return counts


def child(argv: list[str]) -> tuple[str, float, float]:
    """Run one command to its end: (stdout, wall s, CPU s of the process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=CHILD_ENV, timeout=300)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc.stdout, wall, cpu


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+\d+ \| (\s*)(\S+)")
IMPORT_GROUPS = ("noc_app.statuspage", "noc_app.cli", "noc_app.storage", "noc_app.topology", "noc_app",
                 "sqlalchemy", "alembic", "mako", "pydantic", "psycopg")


def imports(url: str, out: Path) -> str:
    """One run under ``-X importtime``: the modules' own import times summed by package."""
    proc = subprocess.run([sys.executable, "-X", "importtime"] + COMMAND[1:] + ["--out", str(out), "--db", url],
                          capture_output=True, text=True, cwd=ROOT, env=CHILD_ENV, timeout=300)
    by_group: dict[str, int] = {}
    for m in IMPORT_LINE.finditer(proc.stderr):
        name = m.group(3)
        group = next((g for g in IMPORT_GROUPS if name == g or name.startswith(g + ".")), "other")
        by_group[group] = by_group.get(group, 0) + int(m.group(1))
    total = sum(by_group.values())
    parts = ", ".join(f"{g} {us / 1000:.0f}" for g, us in sorted(by_group.items(), key=lambda kv: -kv[1]))
    return f"{total / 1000:.0f} ms: {parts} (ms, each module's own time)"


def one_shot(url: str, out: Path) -> dict:
    stdout, wall, cpu = child(COMMAND + ["--out", str(out), "--db", url])
    files, seconds, build_cpu = WRITTEN.search(stdout).groups()
    return {"build": float(seconds), "build_cpu": float(build_cpu), "wall": wall, "cpu": cpu, "files": int(files)}


def schedstat(pid: int) -> tuple[float, float]:
    """(seconds on a CPU, seconds runnable but waiting for one) of a process's main thread."""
    on_cpu, waiting, _ = open(f"/proc/{pid}/schedstat").read().split()
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def watch(url: str, out: Path, changes: int) -> dict:
    proc = subprocess.Popen(COMMAND + ["--out", str(out), "--db", url, "--watch"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=CHILD_ENV)
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
    result = {"rewrite": [], "rewrite_cpu": [], "visible": [], "on_cpu": [], "runnable": [], "sleeping": []}
    try:
        for n in range(changes):
            marker = f"bench change {n} {time.time()}"
            seen = len(lines)
            service.status_page_update(None, "degraded", marker, incident_id=iid, components=["p000"])
            committed = time.perf_counter()  # the call returns once its transaction is committed
            cpu0, wait0 = schedstat(proc.pid)
            while marker not in summary.read_text(encoding="utf-8"):
                time.sleep(0.002)
            visible = time.perf_counter() - committed
            cpu1, wait1 = schedstat(proc.pid)
            result["visible"].append(visible)
            result["on_cpu"].append(cpu1 - cpu0)
            result["runnable"].append(wait1 - wait0)
            result["sleeping"].append(max(0.0, visible - (cpu1 - cpu0) - (wait1 - wait0)))
            end = time.monotonic() + 5
            while time.monotonic() < end and not any(WRITTEN.search(x) for x in lines[seen:]):
                time.sleep(0.01)  # the line the rewrite prints once its files are in place
            printed = [m for x in lines[seen:] if (m := WRITTEN.search(x))]
            if printed:
                result["rewrite"].append(float(printed[-1].group(2)))
                result["rewrite_cpu"].append(float(printed[-1].group(3)))
            time.sleep(1.2)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        engine.dispose()
    return result


def report(label: str, url: str, args) -> None:
    print(f"\n== {label} ({load()})", flush=True)
    counts = build(url, args)
    print(f"{args.components} components ({args.publics} public), {args.days} days, {args.incidents} incidents: "
          f"{counts['checks']} checks, {counts['transitions']} transitions, {counts['entries']} status-page "
          f"updates (database built in {counts['build_s']:.1f} s)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        one_shot(url, Path(tmp) / "warm-up")  # bytecode written once, as any user's first run does
        cold = one_shot(url, Path(tmp) / "site")
        print(f"cold (empty --out, {cold['files']} files created): build+write {cold['build']:.2f} s "
              f"(CPU {cold['build_cpu']:.2f} s); whole process {cold['wall']:.2f} s (CPU {cold['cpu']:.2f} s) "
              f"({load()})", flush=True)
        warm = [one_shot(url, Path(tmp) / "site") for _ in range(args.runs)]
        print("warm (files in place): build+write " + ", ".join(f"{w['build']:.2f}" for w in warm)
              + " s (CPU " + ", ".join(f"{w['build_cpu']:.2f}" for w in warm) + " s); whole process "
              + ", ".join(f"{w['wall']:.2f}" for w in warm) + " s (CPU "
              + ", ".join(f"{w['cpu']:.2f}" for w in warm) + f" s) ({load()})", flush=True)
        print(f"imports of one run: {imports(url, Path(tmp) / 'site')} ({load()})", flush=True)
        w = watch(url, Path(tmp) / "watch", args.changes)
    print(f"--watch, {len(w['visible'])} changes ({load()}), median / p95 / max:")
    print(f"  rewrite after a change: wall {ms(w['rewrite'])}, CPU {ms(w['rewrite_cpu'])}")
    print(f"  commit -> summary.json shows it: {ms(w['visible'])}")
    print(f"    of which the watcher was on a CPU {ms(w['on_cpu'])}, runnable but waiting for a CPU "
          f"{ms(w['runnable'])}, sleeping (hint poll, disk) {ms(w['sleeping'])}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--publics", type=int, default=40)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--postgres", "--pg", action="store_true", help="also on a throwaway PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite", f"sqlite:///{tmp}/bench.db", args)
    if args.postgres:
        from pgserver import PgServer
        server = PgServer()
        server.start()
        try:
            report("PostgreSQL", server.create_database("bench_statuspage"), args)
        finally:
            server.cleanup()
    print(f"\nend: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
