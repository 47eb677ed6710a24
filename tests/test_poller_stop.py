"""Issue 10 items 12 and 13: nothing measured is lost when the poller stops.

Real processes and real signals: ``main.py poll`` in a child process,
SIGTERM to stop it; real HTTP fleets; a real PostgreSQL that is stopped
under the poller; real SQLite.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from fleet_topology import quiet_fleet, write_topology
from noc_app.storage import models as db

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from fast_fleet import FleetProcess  # noqa: E402


class Poller:
    """``main.py poll`` in a child process; its stdout and stderr are collected line by line."""

    def __init__(self, *args: str, env: dict):
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "poll", *args], cwd=ROOT, env=env,
                                     text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(s, lines), daemon=True)
                         for s, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    def wait_for(self, predicate, timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if self.proc.poll() is not None:
                raise AssertionError(f"poller exited ({self.proc.returncode}) before {what}: {self.err[-5:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout_s}s; stderr: {self.err[-5:]}")
            time.sleep(0.05)

    def terminate(self, timeout_s: float = 60) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout_s)
        for reader in self._readers:
            reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def count_rows(url: str, model) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return c.execute(select(func.count()).select_from(model)).scalar_one()
    finally:
        engine.dispose()


def samples_or_zero(url: str) -> int:
    try:
        return count_rows(url, db.CheckSample)
    except Exception:  # noqa: BLE001 - the poller has not created the schema yet
        return 0


def down_transitions(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return c.execute(select(db.StateTransition.at).where(
                db.StateTransition.check_key == "db-main#0", db.StateTransition.to_status == "DOWN")).scalars().all()
    finally:
        engine.dispose()


@pytest.fixture
def fleet():
    fleet = quiet_fleet()
    yield fleet
    fleet.stop()


@pytest.mark.postgres
def test_sigterm_with_postgres_down_keeps_the_confirmed_down_for_the_next_start(tmp_path, pg_server, pg_url, fleet):
    env = {**os.environ, "NOC_DATA_DIR": str(tmp_path / "data")}
    config = write_topology(tmp_path / "t.toml", fleet.base_url, interval="1s", retries=1)
    poller = Poller("--config", str(config), "--db", pg_url, "--stop-grace", "2", env=env)
    try:
        poller.wait_for(lambda: samples_or_zero(pg_url) >= 4, 30, "first results in the database")
        pg_server.stop()  # the shared database goes away under the poller
        fleet.set_override("db-main", "down")
        poller.wait_for(lambda: any("db-main#0" in line and "DOWN" in line for line in poller.out), 20,
                        "a confirmed DOWN printed")
        stopped_at = time.monotonic()
        code = poller.terminate()
        took = time.monotonic() - stopped_at
    finally:
        poller.kill()
        if not pg_server.running:
            pg_server.start()
    assert code == 1, poller.err
    last = poller.err[-1]
    assert last.startswith("error: database not writable at stop (database unreachable")
    assert "for replay in" in last and "state changes" in last
    assert took < 15  # the grace (2 s), not forever
    spooled = list((tmp_path / "data" / "spool").glob("results-*.json"))
    assert len(spooled) == 1
    assert (spooled[0].stat().st_mode & 0o777, spooled[0].parent.stat().st_mode & 0o777) == (0o600, 0o700)
    doc = json.loads(spooled[0].read_text())
    kept = doc["results"]
    assert f"kept {len(kept)} check results" in last
    down = [r["transition"]["at"]["$datetime"] for r in kept
            if r["check"] == "db-main#0" and r["transition"] and r["transition"]["to"] == "DOWN"]
    assert len(down) == 1
    assert down_transitions(pg_url) == []  # it never reached the database...

    samples_before = count_rows(pg_url, db.CheckSample)
    again = subprocess.run([sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config),
                            "--db", pg_url, "--once"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=60)
    assert again.returncode == 0, again.stderr
    assert f"replayed {len(kept)} check results" in again.stderr
    # ...and now it did, at its original time, with every kept sample (the --once run adds its own).
    assert dt.datetime.fromisoformat(down[0]) in down_transitions(pg_url)
    assert count_rows(pg_url, db.CheckSample) == samples_before + len(kept) + 4
    assert list((tmp_path / "data" / "spool").glob("results-*.json")) == []


def test_clean_stop_under_load_stores_every_answered_request(tmp_path):
    # Answers take 200 ms, so at SIGTERM many checks are in flight; each one answered must be stored.
    endpoints = 300
    with FleetProcess(ports=2, delay_ms=200) as fleet:
        lines = ["[defaults]", 'interval = "1s"', 'timeout = "3s"', "retries = 0"]
        for i in range(endpoints):
            lines += ["[[component]]", f'id = "e{i}"', f'name = "E{i}"',
                      "  [[component.check]]", f'  url = "{fleet.url(i)}"', '  format = "plain"']
        config = tmp_path / "fleet.toml"
        config.write_text("\n".join(lines) + "\n")
        url = f"sqlite:///{tmp_path}/noc.db"
        poller = Poller("--config", str(config), "--db", url, "--workers", "64",
                        env={**os.environ, "NOC_DATA_DIR": str(tmp_path / "data")})
        try:
            poller.wait_for(lambda: fleet.stats()["served"]["200"] >= 3 * endpoints, 60, "three rounds answered")
            code = poller.terminate()
        finally:
            poller.kill()
        answered = fleet.stats()["served"]["200"]
    assert code == 0, poller.err
    assert count_rows(url, db.CheckSample) == answered


def _item(key: str, at, status, transition_to=None):
    from noc_app.checks.result import CheckResult
    from noc_app.domain import Status
    from noc_app.polling.state import Outcome, Transition

    transition = None if transition_to is None else Transition(key, "api", at, Status.OK, transition_to, "x", False)
    return (CheckResult(key, "api", status, 1.0, 200, None, {}, at),
            Outcome(transition_to or Status.OK, transition, False, False, 0))


def test_shedding_under_memory_pressure_keeps_every_transition_in_order_and_counts(tmp_path):
    from sqlalchemy import create_engine as make
    from noc_app.domain import Status
    from noc_app.polling.recorder import ResultRecorder
    from noc_app.storage.db import session_factory
    from servers import refused_port

    engine = make(f"postgresql+psycopg://nobody@127.0.0.1:{refused_port()}/none", connect_args={"connect_timeout": 2})
    messages = []
    recorder = ResultRecorder(session_factory(engine), max_backlog=5, on_error=messages.append)
    start = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    items = [_item("api#0", start + dt.timedelta(seconds=i), Status.OK) for i in range(10)]
    items.insert(3, _item("api#0", start + dt.timedelta(seconds=3.5), Status.DOWN, Status.DOWN))
    items.append(_item("api#0", start + dt.timedelta(seconds=11), Status.OK))
    for result, outcome in items:
        recorder.submit(result, outcome)
    assert recorder.flush() is False
    left = recorder.stop(grace_s=0)
    engine.dispose()
    assert left.shed == len(items) - 5
    assert [r.at for r, _ in left.items] == sorted(r.at for r, _ in left.items)  # order kept
    assert left.transitions == 1
    assert "database unreachable" in messages[0] and "OperationalError" not in messages[0]


def test_the_gui_poller_replays_the_spool_off_its_thread(tmp_path, monkeypatch):
    from noc_app.domain import Status
    from noc_app.polling.service import PollingService
    from noc_app.polling.spool import SPOOL_DIR, ResultSpool, database_identity
    from noc_app.workspace import open_workspace
    from fleet_topology import write_topology as topology_file

    monkeypatch.setenv("NOC_DATA_DIR", str(tmp_path / "data"))
    workspace = open_workspace(topology_file(tmp_path / "t.toml", "http://127.0.0.1:9"), f"sqlite:///{tmp_path}/g.db")
    at = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.timezone.utc)
    spool = ResultSpool(tmp_path / "data" / SPOOL_DIR, database_identity(workspace.engine))
    spool.save([_item("db-main#0", at, Status.DOWN, Status.DOWN)])
    messages = []
    service = PollingService(workspace, workers=2, on_error=messages.append, automation_s=None)
    service.start()
    try:
        deadline = time.monotonic() + 10
        while spool.files() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        service.stop(grace_s=1)
    with workspace.sessions() as s:
        ats = s.execute(select(db.StateTransition.at).where(db.StateTransition.to_status == "DOWN",
                                                            db.StateTransition.check_key == "db-main#0")).scalars().all()
    workspace.close()
    assert at in ats and spool.files() == []
    assert any(m.startswith("replayed 1 check results") for m in messages)
