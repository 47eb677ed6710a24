"""``poll --trace FILE``: the per-second trace that tells what a lag tail lines up with."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from fleet_topology import quiet_fleet, write_topology

ROOT = Path(__file__).resolve().parents[1]


def traced_poll(tmp_path, seconds: float, *extra: str) -> Path:
    """``poll --trace`` for ``seconds`` against a quiet fleet (4 checks every 1 s), stopped with SIGTERM."""
    fleet = quiet_fleet()
    try:
        config = write_topology(tmp_path / "t.toml", fleet.base_url)
        trace_file = tmp_path / "trace.json"
        poller = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config), *extra,
             "--db", f"sqlite:///{tmp_path}/noc.db", "--trace", str(trace_file), "--lease", "3"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(seconds)
        poller.send_signal(signal.SIGTERM)
        _, err = poller.communicate(timeout=30)
    finally:
        fleet.stop()
    assert poller.returncode == 0, err
    return trace_file


def test_trace_has_lag_per_second_cpu_per_thread_and_the_housekeeping_spans(tmp_path):
    trace_file = traced_poll(tmp_path, 4.5)
    trace = json.loads(trace_file.read_text())
    names = {span["name"] for span in trace["spans"]}
    # start-up phases, the first round, the writes and the lease renewals (every lease / 3 = 1 s)
    assert {"command_started", "imports_done", "open_workspace", "lease_refresh", "service_started", "first_round_done",
            "write"} <= names, names
    assert sum(1 for span in trace["spans"] if span["name"] == "lease_refresh") >= 2  # start + renewals
    rows = trace["seconds"]
    assert sum(r["first_runs"] for r in rows) == 4
    steady = [r for r in rows if r["runs"]]
    assert steady and all(0 <= r["lag_p50"] <= r["lag_p99"] <= r["lag_max"] for r in steady)
    assert any("threads_cpu_s" in r for r in rows), "CPU by thread, every second"
    assert isinstance(trace["stalls"], list)


def test_with_processes_the_housekeeping_runs_once_in_the_supervisor(tmp_path):
    # Incident automation (every 5 s) and retention: not beside the children's checks.
    trace_file = traced_poll(tmp_path, 8, "--processes", "2")

    def spans(path):
        return [s["name"] for s in json.loads(Path(path).read_text())["spans"]]

    assert "automation" in spans(trace_file)
    for child in (f"{trace_file}.0", f"{trace_file}.1"):
        assert "automation" not in spans(child) and "first_round_done" in spans(child)
