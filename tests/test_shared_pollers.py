"""Several headless pollers on one PostgreSQL share the checks; a killed one is taken over."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fleet_topology import quiet_fleet
from noc_app.storage import models as db
from noc_app.storage.db import make_engine, session_factory
from noc_app.workspace import open_workspace

ROOT = Path(__file__).resolve().parents[1]
CHECKS = 12
LEASE_S = 3


def write_many(path: Path, base_url: str) -> Path:
    parts = ['[defaults]\ninterval = "1s"\ntimeout = "1s"\nretries = 1\n']
    for i in range(CHECKS):
        parts.append(f'[[component]]\nid = "svc-{i:02d}"\nname = "Service {i}"\n'
                     f'  [[component.check]]\n  url = "{base_url}/svc-{i:02d}/health"\n')
    path.write_text("\n".join(parts))
    return path


def start_poller(config: Path, url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config), "--db", url,
         "--json", "--lease", str(LEASE_S), "--workers", "4"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def lease_owners(sessions) -> dict[str, int]:
    with sessions() as s:
        rows = s.execute(select(db.CheckState.lease_owner, func.count()).group_by(db.CheckState.lease_owner))
        return {owner: n for owner, n in rows if owner}


def wait_until(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout_s}s")
        time.sleep(0.2)


@pytest.mark.postgres
def test_two_pollers_share_and_survive_sigkill(tmp_path, pg_url):
    fleet = quiet_fleet()
    config = write_many(tmp_path / "t.toml", fleet.base_url)
    open_workspace(config, pg_url).close()  # schema + topology, as `db upgrade` would
    engine = make_engine(pg_url)
    sessions = session_factory(engine)
    first = start_poller(config, pg_url)
    second = None
    try:
        wait_until(lambda: sum(lease_owners(sessions).values()) == CHECKS, 20, "first poller holds every check")
        second = start_poller(config, pg_url)
        wait_until(lambda: len(lease_owners(sessions)) == 2 and
                   sorted(lease_owners(sessions).values()) == [CHECKS // 2, CHECKS // 2],
                   20, "the checks split evenly between two pollers")

        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = dt.datetime.now(dt.timezone.utc)
        wait_until(lambda: list(lease_owners(sessions).values()) == [CHECKS],
                   LEASE_S * 4 + 10, "the survivor took over every check")
        taken_over_at = dt.datetime.now(dt.timezone.utc)
        time.sleep(2.5)  # a couple of intervals under the survivor alone

        with sessions() as s:
            latest = dict(s.execute(select(db.CheckSample.check_key, func.max(db.CheckSample.at))
                                    .group_by(db.CheckSample.check_key)).all())
            transitions = defaultdict(list)
            for t in s.scalars(select(db.StateTransition).order_by(db.StateTransition.at, db.StateTransition.id)):
                transitions[t.check_key].append((t.from_status, t.to_status))
        assert len(latest) == CHECKS
        assert all(at > taken_over_at for at in latest.values()), "every check is still being polled"
        assert (taken_over_at - killed_at).total_seconds() < LEASE_S * 4 + 10
        # The fleet stayed green: one UNKNOWN -> OK per check, none repeated by the takeover.
        assert {key: ts for key, ts in transitions.items()} == {
            f"svc-{i:02d}#0": [("UNKNOWN", "OK")] for i in range(CHECKS)}
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        engine.dispose()
        fleet.stop()
    assert second.returncode == 0, second.stderr.read() if second.stderr else ""
