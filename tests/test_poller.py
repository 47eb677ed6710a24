"""The polling engine end to end: real HTTP to the demo fleet, real database, real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from fleet_topology import quiet_fleet, write_topology
from noc_app.domain import Status
from noc_app.polling.service import PollingService, poll_once
from noc_app.storage import models as db
from noc_app.workspace import open_workspace

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fleet():
    fleet = quiet_fleet()
    yield fleet
    fleet.stop()


def test_poll_once_records_every_check(tmp_path, fleet, db_url):
    fleet.set_override("search", "down")
    workspace = open_workspace(write_topology(tmp_path / "t.toml", fleet.base_url), db_url)
    try:
        results = {r.check_key: r for r in poll_once(workspace)}
        assert set(results) == {"db-main#0", "api#0", "api#1", "search#0"}
        assert results["db-main#0"].status == Status.OK
        assert results["search#0"].status == Status.DOWN
        with workspace.sessions() as s:
            states = {st.check_key: st.status for st in s.scalars(select(db.CheckState))}
            assert states == {"db-main#0": "OK", "api#0": "OK", "api#1": "OK", "search#0": "DOWN"}
            assert len(s.scalars(select(db.CheckSample)).all()) == 4
            assert len(s.scalars(select(db.StateTransition)).all()) == 4  # UNKNOWN -> first state
    finally:
        workspace.close()


def test_outage_is_confirmed_in_seconds_and_recovery_recorded(tmp_path, fleet):
    config = write_topology(tmp_path / "t.toml", fleet.base_url, interval="10s", retries=2)
    workspace = open_workspace(config, f"sqlite:///{tmp_path}/noc.db")
    transitions = []
    seen = threading.Event()

    def listen(result, outcome):
        if outcome.transition is not None:
            transitions.append(outcome.transition)
            seen.set()

    service = PollingService(workspace, workers=4, recheck_s=0.5)
    service.listeners.append(listen)
    service.start()
    try:
        _wait_for(lambda: len(transitions) >= 4, 5)  # first results of the 4 checks
        transitions.clear()
        fleet.set_override("db-main", "down")
        started = time.monotonic()
        # Interval 10 s, retries 2: confirmation comes from fast re-checks, not intervals.
        _wait_for(lambda: any(t.to_status == Status.DOWN for t in transitions), 13)
        assert time.monotonic() - started < 12.5
        fleet.set_override("db-main", None)
        _wait_for(lambda: any(t.to_status == Status.OK for t in transitions), 13)
    finally:
        service.stop()
    with workspace.sessions() as s:
        rows = s.scalars(select(db.StateTransition).where(db.StateTransition.check_key == "db-main#0")
                         .order_by(db.StateTransition.id)).all()
        assert [(r.from_status, r.to_status) for r in rows][-2:] == [("OK", "DOWN"), ("DOWN", "OK")]
    workspace.close()


def _wait_for(predicate, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        time.sleep(0.05)


def test_cli_poll_once_json_contract(tmp_path, fleet):
    fleet.set_override("api", "degraded")
    config = write_topology(tmp_path / "t.toml", fleet.base_url, timeout="3s")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config),
         "--db", f"sqlite:///{tmp_path}/p.db", "--once", "--json"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["check"] for line in lines] == ["db-main#0", "api#0", "api#1", "search#0"]
    for line in lines:
        assert set(line) == {"component", "check", "status", "latency_ms", "http_status",
                             "error", "detail", "at"}
        assert line["at"].endswith("+00:00")
    by_check = {line["check"]: line for line in lines}
    assert by_check["db-main#0"]["status"] == "OK" and by_check["db-main#0"]["error"] is None
    assert by_check["api#0"]["status"] == "DEGRADED" and by_check["api#0"]["error"]


def test_cli_db_upgrade_twice(tmp_path):
    url = f"sqlite:///{tmp_path}/u.db"
    run = lambda: subprocess.run([sys.executable, str(ROOT / "main.py"), "db", "upgrade", "--db", url],
                                 capture_output=True, text=True, timeout=60, cwd=ROOT)
    first, second = run(), run()
    assert first.returncode == 0 and "upgraded" in first.stdout
    assert second.returncode == 0 and "nothing to do" in second.stdout


def test_cli_unreachable_database_is_one_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "db", "upgrade",
         "--db", "postgresql+psycopg://nobody@127.0.0.1:9/none"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and "database unreachable" in proc.stderr
