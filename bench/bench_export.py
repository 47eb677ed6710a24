"""Export speed: ``python main.py export`` on a busy incident, HTML (target <= 1 s) and PDF (<= 3 s).

    PYTHONPATH=. python bench/bench_export.py [--runs 5]

Load: the scripted incident of the tests plus 600 timeline notes, 60 customer
notices to 3 customers each (180 notification rows), 40 pages, and 6 h of
10-second samples on each of its checks, in a SQLite file. Each format is
exported with the real command in a fresh process (what a user waits for,
interpreter start included) and, for comparison, in one warm process.

Fresh processes run as users run them: the child's environment has no
PYTHONDONTWRITEBYTECODE (the project's shell sets it, users do not), and one
untimed run per format first writes the bytecode cache. Wall and CPU time
(user + system of the child) are printed, and the load average before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGETS = {"html": 1.0, "pdf": 3.0}


def seed(db: str) -> int:
    from noc_app.incidents import IncidentService
    from noc_app.storage import models as m
    from noc_app.storage.db import transaction
    from noc_app.workspace import open_workspace
    from postmortem_incident import TOPOLOGY, Clock, at, prepare, run_script
    from smtp_server import SmtpServer

    with SmtpServer() as smtp:
        ws = open_workspace(TOPOLOGY, db)
        prepare(ws.sessions)
        iid = run_script(ws.sessions, smtp.port)
    service = IncidentService(ws.sessions, "carol", clock=Clock(at(111)))
    for n in range(600):
        service.add_note(iid, f"observation {n}: pool at {n % 200} of 200 connections")
    with transaction(ws.sessions) as s:
        base = at(-180)
        for key in ("db-main#0", "api#0", "api#1"):
            s.add_all(m.CheckSample(check_key=key, at=base + dt.timedelta(seconds=10 * i),
                                    status="DOWN" if 1020 <= i < 1620 else "OK",
                                    latency_ms=None if 1020 <= i < 1620 else 30.0 + i % 50)
                      for i in range(6 * 360))
        for n in range(60):
            for customer in ("acme", "globex", "channelco"):
                s.add(m.NotificationSent(incident_id=iid, audience="customers", channel="email",
                                         recipient=f"{customer}@example.com", customer_id=customer,
                                         template_id="customer-update", subject=f"Update {n}", body="…",
                                         sent_at=at(5 + n), ok=True))
        for n in range(40):
            s.add(m.EscalationPage(incident_id=iid, policy_id="platform-oncall", level=n % 2,
                                   person_id="bob", paged_at=at(5 + n), acknowledged_at=at(6 + n)))
    ws.close()
    return iid


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# What a user's shell gives the command: bytecode is cached (no PYTHONDONTWRITEBYTECODE).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cold(argv: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of ``python main.py ARGV`` in a fresh process."""
    cpu, start = _child_cpu(), time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), *argv], check=True, capture_output=True,
                   env=CHILD_ENV)
    return time.perf_counter() - start, _child_cpu() - cpu


def warm(argv: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of this process) of the same command in an already warm process."""
    import main
    cpu, start = time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # its "wrote FILE" line
        assert main.main(argv) == 0
    return time.perf_counter() - start, time.process_time() - cpu


def _loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1 / 5 / 15 min)"


def _median(pairs, index: int) -> float:
    return statistics.median(p[index] for p in pairs)


def main_() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/noc.db"
        iid = seed(db)
        print(f"load: incident #{iid}, 600+ timeline events, 186 notifications, 41 pages, "
              f"3 checks x 6 h of 10 s samples; machine load average {_loadavg()} on {os.cpu_count()} cores")
        argv = lambda fmt, out: ["export", str(iid), "--format", fmt, "--out", str(out), "--db", db]  # noqa: E731
        for fmt in ("html", "pdf", "md", "json"):  # untimed: writes every module's bytecode cache
            cold(argv(fmt, Path(tmp) / f"warmup.{fmt}"))
        warm(argv("html", Path(tmp) / "warmup.html"))  # this process: imports Qt and the chart once
        base = [cold(["export", "--help"]) for _ in range(args.runs)]
        print(f"baseline: python main.py export --help (the CLI's start, every command pays it): "
              f"wall {_median(base, 0):.2f} s, CPU {_median(base, 1):.2f} s")
        print("format | fresh process wall | fresh process CPU | warm process wall | warm CPU | size | target")
        for fmt in ("html", "pdf", "md", "json"):
            out = Path(tmp) / f"report.{fmt}"
            fresh = [cold(argv(fmt, out)) for _ in range(args.runs)]
            hot = [warm(argv(fmt, out)) for _ in range(args.runs)]
            target = TARGETS.get(fmt)
            verdict = ""
            if target:
                cpu = _median(fresh, 1)
                verdict = (f"<= {target:.0f} s: fresh-process CPU/target {cpu / target:.2f}, "
                           f"wall/target {_median(fresh, 0) / target:.2f}")
            print(f"{fmt} | {_median(fresh, 0):.2f} s | {_median(fresh, 1):.2f} s | {_median(hot, 0):.2f} s | "
                  f"{_median(hot, 1):.2f} s | {out.stat().st_size // 1024} KiB | {verdict}")
        print(f"machine load average at the end {_loadavg()} on {os.cpu_count()} cores")

if __name__ == "__main__":
    main_()
