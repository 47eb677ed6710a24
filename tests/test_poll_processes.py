"""``poll --processes N``: N real poller processes share the checks; a SIGKILLed one is taken over.

Real processes, real HTTP (the demo fleet), real SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select

from fleet_topology import quiet_fleet
from noc_app.storage import models as db
from noc_app.storage.db import make_engine, session_factory
from test_shared_pollers import CHECKS, LEASE_S, lease_owners, wait_until, write_many

ROOT = Path(__file__).resolve().parents[1]


def live_poller_pids(sessions) -> list[int]:
    with sessions() as s:
        return sorted(s.scalars(select(db.Poller.pid)))


def test_processes_share_and_one_killed_is_taken_over(tmp_path, db_url):
    fleet = quiet_fleet()
    config = write_many(tmp_path / "t.toml", fleet.base_url)
    stats = tmp_path / "stats.json"
    supervisor = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config), "--db", db_url,
         "--processes", "2", "--lease", str(LEASE_S), "--workers", "4", "--stats", str(stats)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    engine = None
    try:
        # The supervisor prepares the database first; wait for the schema.
        wait_until(lambda: supervisor.poll() is not None or _has_schema(db_url), 30, "the schema and topology")
        assert supervisor.poll() is None, supervisor.stderr.read()
        engine = make_engine(db_url)
        sessions = session_factory(engine)
        # Started together, the two split the checks from the first round.
        wait_until(lambda: sorted(lease_owners(sessions).values()) == [CHECKS // 2, CHECKS // 2],
                   30, "the checks split evenly between the two processes")
        children = live_poller_pids(sessions)
        assert len(children) == 2 and supervisor.pid not in children

        victim = children[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        wait_until(lambda: list(lease_owners(sessions).values()) == [CHECKS],
                   LEASE_S * 4 + 10, "the surviving process took over every check")
        took_s = time.monotonic() - killed_at
        taken_over = dt.datetime.now(dt.timezone.utc)
        time.sleep(2.5)  # a couple of 1 s intervals under the survivor alone

        with sessions() as s:
            latest = dict(s.execute(select(db.CheckSample.check_key, func.max(db.CheckSample.at))
                                    .group_by(db.CheckSample.check_key)).all())
            transitions = defaultdict(list)
            for t in s.scalars(select(db.StateTransition).order_by(db.StateTransition.at, db.StateTransition.id)):
                transitions[t.check_key].append((t.from_status, t.to_status))
        assert len(latest) == CHECKS
        assert all(at > taken_over for at in latest.values()), "every check is still being polled"
        assert took_s < LEASE_S * 4 + 10
        # The fleet stayed green: one UNKNOWN -> OK per check, none repeated by the takeover.
        assert dict(transitions) == {f"svc-{i:02d}#0": [("UNKNOWN", "OK")] for i in range(CHECKS)}
    finally:
        if supervisor.poll() is None:
            supervisor.send_signal(signal.SIGTERM)
        try:
            out, err = supervisor.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            out, err = supervisor.communicate()
        if engine is not None:
            engine.dispose()
        fleet.stop()
    # Not restarted, said in one line; the worst child's code (killed: 128 + 9) is the exit code.
    assert f"poller process {victim} exited with code 137; not restarted" in err, err
    assert "Traceback" not in err
    assert supervisor.returncode == 137
    # Both children's stats are added up in the one file.
    merged = json.loads(stats.read_text())
    assert merged["processes"] == 1  # the killed child wrote none
    assert merged["runs"] > CHECKS and merged["lag_s"]["p99"] is not None


def test_processes_need_a_shared_database(tmp_path):
    fleet = quiet_fleet()
    try:
        config = write_many(tmp_path / "t.toml", fleet.base_url)
        done = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config), "--db", "sqlite://",
             "--processes", "2"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        fleet.stop()
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "--processes needs a database the processes share" in done.stderr


def test_processes_with_an_unreachable_database_say_so_in_one_line_and_leave_no_child(tmp_path):
    # The children start while the supervisor prepares the database; when it
    # cannot, they are stopped before they touch it, and one line says why.
    config = write_many(tmp_path / "t.toml", "http://127.0.0.1:9")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config),
         "--db", "postgresql+psycopg://nobody@127.0.0.1:9/none", "--processes", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "database unreachable" in done.stderr, done.stderr
    # Every child was waited for: none is left polling (their command lines name this file).
    left = subprocess.run(["pgrep", "-f", str(config)], capture_output=True, text=True)
    assert left.stdout.strip() == ""


def _has_schema(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return (c.scalar(select(func.count()).select_from(db.CheckState)) or 0) >= CHECKS
    except Exception:  # noqa: BLE001 - not created yet
        return False
    finally:
        engine.dispose()

