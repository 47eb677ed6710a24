"""Polling throughput bench (issues 3, 15): the real ``poll`` command with its database.

    PYTHONPATH=. python bench/bench_polling.py                         # 2,000 / 5,000 / 10,000, 1 and 2 processes, both backends
    PYTHONPATH=. python bench/bench_polling.py --checks 2000 --backend sqlite --seconds 40
    PYTHONPATH=. python bench/bench_polling.py --checks 10000 --processes 2

Prints figures; it is not a test. ``bench/fast_fleet.py`` serves the
endpoints (``GET /e<i>/health`` -> ``200 ok``) from its own process on a few
loopback ports. For each case the bench writes a topology of N components
with one HTTP check each (10 s interval, 5 s timeout, retries 2), makes a
fresh database (a SQLite file, or a database on a throwaway PostgreSQL server
started from ``tests/pgserver.py``) and runs what a user runs:

    python main.py poll --config FILE --db URL --stats STATS [--processes P]

then SIGTERM after ``--seconds``. Figures:

- first round: start of the command -> every check's first result in the
  database (the ``check_states`` rows have a result);
- checks/s: checks run per second in the window (after the first round and
  one interval more; counted in the database by their time, after the stop,
  so the 1 s write batches do not move it), against the offered N / 10 s;
- lag p50 / p99 / max: scheduling lag (start - due) of every run after each
  check's first, from the poller's ``--stats`` file (all its processes);
- CPU per 1,000 checks: CPU seconds of the poller's process tree (every
  poller process, read from /proc) in the window / checks run in it,
  so it includes the database write; ``whole run`` is the same from the
  command's rusage at exit (children included), start-up and first round
  included;
- RSS per process at the end of the window;
- all in DB: results the pollers counted as written == rows in the database;
- restart: the same command again on the same database (topology unchanged,
  as when a poller is restarted): start -> every check has a new result in
  the database;
- from the pollers' ``--trace``: the start-up phases, the seconds in which a
  run was 0.5 s late or more and what ran then, CPU per 1,000 runs by
  thread, garbage collection, stalls, the longest write / lease refresh /
  retention;
- targets: the #15 targets each case speaks to, met or not.

Wall-clock figures depend on the machine's load (printed before and after
each case); CPU per check much less. The command runs without
PYTHONDONTWRITEBYTECODE and with the app's bytecode compiled first, so its
modules are not recompiled at every start (users' are not).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, func, select  # noqa: E402

from fast_fleet import FleetProcess  # noqa: E402
from noc_app.polling import run_stats  # noqa: E402
from noc_app.storage import models as db  # noqa: E402

INTERVAL_S = 10
TICK = os.sysconf("SC_CLK_TCK")
# The commands run as users run them: bytecode written and reused.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def write_topology(path: Path, fleet: FleetProcess, n: int) -> None:
    parts = [f'[defaults]\ninterval = "{INTERVAL_S}s"\ntimeout = "5s"\nretries = 2\n']
    for i in range(n):
        parts.append(f'[[component]]\nid = "e{i}"\nname = "Endpoint {i}"\n'
                     f'  [[component.check]]\n  url = "{fleet.url(i)}"\n')
    path.write_text("\n".join(parts))


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / TICK


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


@dataclass
class Case:
    backend: str
    checks: int
    processes: int
    first_round_s: float | None = None
    rate: float = 0.0
    lag: dict | None = None
    cpu_per_1000: float = 0.0
    cpu_whole_per_1000: float = 0.0
    rss: list[float] | None = None
    all_in_db: str = "?"
    exit_code: int | None = None
    load: str = ""
    warnings: list[str] | None = None
    trace: list[str] | None = None
    restart_round_s: float | None = None
    load_before: str = ""

    def verdict(self) -> str:
        """The #15 targets this case speaks to, met or not."""
        lag = (self.lag or {}).get("p99")
        parts = [f"p99 lag < 1 s: {'-' if lag is None else ('yes' if lag < 1 else 'NO')}",
                 f"<= 1.0 s CPU per 1,000 checks: {'yes' if self.cpu_per_1000 <= 1.0 else 'NO'}",
                 f"keeps up: {'yes' if self.rate >= 0.97 * self.checks / INTERVAL_S else 'NO'}",
                 f"every result in the DB: {self.all_in_db}"]
        if self.checks <= 2000 and self.first_round_s is not None:
            parts.append(f"first round of 2,000 <= 3 s: {'yes' if self.first_round_s <= 3 else 'NO'}"
                         + ("" if self.restart_round_s is None else
                            f" (restart: {'yes' if self.restart_round_s <= 3 else 'NO'})"))
        return "; ".join(parts)

    def line(self) -> str:
        lag = self.lag or {}

        def s(x):
            return "-" if x is None else (f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s")
        first = "-" if self.first_round_s is None else f"{self.first_round_s:.1f} s"
        if self.restart_round_s is not None:
            first += f" (restart {self.restart_round_s:.1f} s)"
        return (f"{self.backend:8} N={self.checks:>6} P={self.processes}  first round {first:>7}  "
                f"{self.rate:6.0f}/{self.checks / INTERVAL_S:.0f} checks/s  "
                f"lag p50 {s(lag.get('p50'))} p99 {s(lag.get('p99'))} max {s(lag.get('max'))}  "
                f"CPU/1000 {self.cpu_per_1000:.2f} s (whole run {self.cpu_whole_per_1000:.2f} s)  "
                f"RSS {'/'.join(f'{r:.0f}' for r in self.rss or [])} MB  "
                f"all in DB: {self.all_in_db}  exit {self.exit_code}  load {self.load_before} -> {self.load}"
                + f"\n      targets: {self.verdict()}"
                + (f"\n      {len(self.warnings)} warnings, first: {self.warnings[0]}" if self.warnings else "")
                + "".join(f"\n      {line}" for line in self.trace or ()))


def run_case(backend: str, url: str, fleet: FleetProcess, n: int, processes: int, seconds: float,
             workers: int, work: Path, restart: bool = True, round_helper: bool = True) -> Case:
    case = Case(backend, n, processes, load_before=" ".join(f"{x:.1f}" for x in os.getloadavg()))
    config = work / f"topology-{n}.toml"
    write_topology(config, fleet, n)
    stats_file = work / f"stats-{backend}-{n}-{processes}.json"
    trace_file = work / f"trace-{backend}-{n}-{processes}.json"
    base = [sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config), "--db", url,
            "--workers", str(workers)] + (["--processes", str(processes)] if processes > 1 else [])
    if not round_helper:
        base += ["--round-helper-min", str(10**9)]  # hidden option: never fork the helper
    command = base + ["--stats", str(stats_file), "--trace", str(trace_file)]
    engine = create_engine(url)
    log = open(work / f"poll-{backend}-{n}.log", "w")
    started = time.monotonic()
    started_unix = time.time()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, env=ENV)

    def samples() -> int:
        with engine.connect() as c:
            return c.scalar(select(func.count()).select_from(db.CheckSample)) or 0

    try:
        # First round: every check has a result in the database.
        deadline = started + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with engine.connect() as c:
                    done = c.scalar(select(func.count()).select_from(db.CheckState)
                                    .where(db.CheckState.last_result_at.is_not(None))) or 0
            except Exception:  # noqa: BLE001 - schema not there yet
                done = 0
            if done >= n:
                case.first_round_s = time.monotonic() - started
                break
            time.sleep(0.05)  # the first round is timed to this resolution
        time.sleep(INTERVAL_S)  # one interval more: the second runs find their phases
        pids = tree(proc.pid)
        cpu_from, t_from, at_from = cpu_s(pids), time.monotonic(), dt.datetime.now(dt.timezone.utc)
        time.sleep(seconds)
        pids = tree(proc.pid)
        cpu_to, t_to, at_to = cpu_s(pids), time.monotonic(), dt.datetime.now(dt.timezone.utc)
        pollers = [p for p in pids if p != proc.pid] if processes > 1 else [proc.pid]
        case.rss = [rss_mb(p) for p in pollers]
        case.load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        cpu_window = cpu_to - cpu_from
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            case.exit_code = os.waitstatus_to_exitcode(status)
            proc.returncode = case.exit_code
        except ChildProcessError:
            pass
        log.close()
    total = samples()
    # Checks run in the window, counted by their time once everything is written:
    # rows written *during* the window would move with the 1 s write batches.
    with engine.connect() as c:
        in_window = c.scalar(select(func.count()).select_from(db.CheckSample)
                             .where(db.CheckSample.at >= at_from, db.CheckSample.at < at_to)) or 0
    case.rate = in_window / (t_to - t_from)
    case.cpu_per_1000 = cpu_window / max(1, in_window) * 1000
    engine.dispose()
    case.warnings = [line.strip() for line in (work / f"poll-{backend}-{n}.log").read_text().splitlines()
                     if line.strip()]
    stats = run_stats.read(stats_file) or {}
    case.lag = stats.get("lag_s")
    case.cpu_whole_per_1000 = (usage.ru_utime + usage.ru_stime) / max(1, total) * 1000
    written = stats.get("results_written")
    case.all_in_db = "?" if written is None else ("yes" if written == total else f"NO ({written} written, {total} rows)")
    case.trace = summarise_traces(trace_file, processes, started_unix, case.first_round_s)
    if restart:
        case.restart_round_s = restart_round(base, url, n, work / f"restart-{backend}-{n}.log")
    return case


def restart_round(command: list[str], url: str, n: int, log_path: Path) -> float | None:
    """The command again on the same database (a restart, the topology unchanged): start -> every
    check has a result newer than the start in the database."""
    engine = create_engine(url)
    with open(log_path, "w") as log:
        at = dt.datetime.now(dt.timezone.utc)
        started = time.monotonic()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, env=ENV)
        took = None
        try:
            while time.monotonic() < started + 120 and proc.poll() is None:
                with engine.connect() as c:
                    done = c.scalar(select(func.count()).select_from(db.CheckState)
                                    .where(db.CheckState.last_result_at >= at)) or 0
                if done >= n:
                    took = time.monotonic() - started
                    break
                time.sleep(0.05)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait()
    engine.dispose()
    return took


PHASES = ("command_started", "imports_done", "load_topology", "receive_topology", "await_sync", "open_workspace",
          "lease_refresh", "service_started", "first_round_started",
          "first_round_done")


def summarise_traces(trace_file: Path, processes: int, started_unix: float,
                     first_round_s: float | None) -> list[str]:
    """What each poller's ``--trace`` says: start-up phases, where the lag tail is, CPU by thread."""
    files = [trace_file] + ([Path(f"{trace_file}.{i}") for i in range(processes)] if processes > 1 else [])
    lines = []
    for path in files:
        try:
            trace = json.loads(path.read_text())
        except (OSError, ValueError):
            lines.append(f"{path.name}: no trace")
            continue
        t0 = trace["t0_unix"] - started_unix  # trace clock -> seconds since the bench started the command
        who = "supervisor" if processes > 1 and path == trace_file else f"pid {trace['pid']}"
        phases, seen = [], set()
        for span in trace["spans"]:
            name = span["name"]
            if name in PHASES and name not in seen:
                seen.add(name)
                if name == "command_started":
                    phases.append(f"process start -> command {span.get('process_age_s') or 0:.2f} s")
                else:
                    end = t0 + span["at"] + span["s"]
                    phases.append(f"{name} {'done ' if span['s'] else ''}at {end:.2f} s"
                                  + (f" ({span['s']:.2f} s)" if span["s"] >= 0.01 else ""))
        if first_round_s is not None and path == files[-1]:
            phases.append(f"first round in the DB at {first_round_s:.2f} s")
        lines.append(f"{who}: " + "; ".join(phases))
        rows = trace["seconds"]
        if not any(r["runs"] for r in rows):
            continue
        # The tail: seconds whose worst lag passed 0.5 s, and what ran in them.
        bad = [r for r in rows if r.get("lag_max", 0) >= 0.5]
        if bad:
            around = []
            for r in bad[:6]:
                spans = sorted({sp["name"] for sp in trace["spans"]
                                if sp["at"] <= r["t"] + 1 and sp["at"] + sp["s"] >= r["t"] - 1
                                and sp["name"] not in ("command_started", "imports_done")})
                around.append(f"t={t0 + r['t']:.0f}s max {r['lag_max']:.2f} s ({', '.join(spans) or 'nothing'})")
            lines.append(f"  {len(bad)} s with a run >= 0.5 s late: " + "; ".join(around))
        else:
            lines.append("  no second of the run had a run 0.5 s late or more")
        steady = [r for r in rows if "cpu_s" in r and r["first_runs"] == 0 and r["runs"]]
        runs = sum(r["runs"] for r in steady)
        threads: dict[str, float] = {}
        for r in steady:
            for name, v in r.get("threads_cpu_s", {}).items():
                threads[name] = threads.get(name, 0.0) + v
        if runs:
            lines.append("  CPU per 1,000 runs after the first round, by thread: " + ", ".join(
                f"{name} {v / runs * 1000:.3f}" for name, v in sorted(threads.items(), key=lambda x: -x[1])
                if v / runs * 1000 >= 0.001))
        gc_ms = [sum(r.get("gc_ms", [0, 0, 0])[g] for r in rows) for g in range(3)]
        stalls = trace["stalls"]
        worst = max((s["ms"] for s in stalls), default=0)
        lines.append(f"  GC {gc_ms[0]:.0f} / {gc_ms[1]:.0f} / {gc_ms[2]:.0f} ms (gen 0/1/2, whole run); "
                     f"{len(stalls)} stalls >= 100 ms, worst {worst:.0f} ms; "
                     f"longest write {max((sp['s'] for sp in trace['spans'] if sp['name'] == 'write'), default=0):.2f} s, "
                     f"lease refresh {max((sp['s'] for sp in trace['spans'] if sp['name'] == 'lease_refresh'), default=0):.2f} s, "
                     f"retention {max((sp['s'] for sp in trace['spans'] if sp['name'] == 'retention'), default=0):.2f} s")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", default="2000,5000,10000", help="comma-separated N (default 2000,5000,10000)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--processes", default="1,2", help="comma-separated --processes values (default 1,2)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measurement window per case (default 30)")
    parser.add_argument("--workers", type=int, default=16, help="poll --workers (default 16)")
    parser.add_argument("--ports", type=int, default=4, help="fleet listening ports")
    parser.add_argument("--keep", metavar="DIR", help="copy the traces, stats and logs here")
    parser.add_argument("--no-round-helper", action="store_true",
                        help="poll without the first round's helper process (the before of round_helper.py)")
    parser.add_argument("--no-restart", action="store_true",
                        help="skip the restart measure (the command again on the same database)")
    args = parser.parse_args()
    counts = [int(x) for x in args.checks.split(",") if x.strip()]
    process_counts = [int(x) for x in args.processes.split(",") if x.strip()]
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"bench_polling {dt.date.today()}  Python {platform.python_version()}  {os.cpu_count()} cores  "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    subprocess.run([sys.executable, "-m", "compileall", "-q", "noc_app", "main.py"], cwd=ROOT, env=ENV, check=True)
    print(f"interval {INTERVAL_S} s, window {args.seconds:.0f} s after the first round + {INTERVAL_S} s, "
          f"workers {args.workers}", flush=True)
    server = None
    with tempfile.TemporaryDirectory(prefix="bench-polling-") as tmp, FleetProcess(ports=args.ports) as fleet:
        work = Path(tmp)
        try:
            for backend in backends:
                if backend == "postgresql":
                    from pgserver import PgServer

                    server = PgServer()
                    server.start()
                for n in counts:
                    for p in process_counts:
                        if backend == "sqlite":
                            url = f"sqlite:///{work}/bench-{n}-{p}.db"
                        else:
                            url = server.create_database(f"bench_{n}_{p}")
                        case = run_case(backend, url, fleet, n, p, args.seconds, args.workers, work,
                                        restart=not args.no_restart, round_helper=not args.no_round_helper)
                        print(case.line(), flush=True)
                        if args.keep:
                            Path(args.keep).mkdir(parents=True, exist_ok=True)
                            for f in work.glob(f"*-{backend}-{n}*"):
                                shutil.copy(f, args.keep)
                        time.sleep(2)
        finally:
            if server is not None:
                server.cleanup()


if __name__ == "__main__":
    main()
