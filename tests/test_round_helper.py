"""The first round's helper process: the round shared with another core, nothing lost or run twice.

A real fork, real HTTP against a local server, and the real ``poll`` command
on SQLite (``--round-helper-min`` makes it fork for a small topology).
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from noc_app.checks import run_check
from noc_app.checks.session import thread_local_session
from noc_app.domain import CheckKind, Status
from noc_app.polling import run_stats
from noc_app.polling.round_helper import RoundHelper
from noc_app.storage import models as db
from noc_app.storage.db import make_engine, session_factory
from noc_app.topology.model import CheckSpec
from servers import HTTPTestServer

ROOT = Path(__file__).resolve().parents[1]


def specs_for(srv: HTTPTestServer, n: int, timeout_s: float = 1.0) -> list[CheckSpec]:
    return [CheckSpec(key=f"c{i:03d}#0", component_id=f"c{i:03d}", kind=CheckKind.HTTP, interval_s=60.0,
                      timeout_s=timeout_s, retries=1, url=srv.add(f"/c{i:03d}", 200, "ok"))
            for i in range(n)]


class LocalRuns:
    """The poller's own runs, counted."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, spec: CheckSpec):
        with self._lock:
            self.keys.append(spec.key)
        return run_check(spec, thread_local_session(4))


def run_round(helper: RoundHelper, specs: list[CheckSpec], local: LocalRuns, shared: set[str]):
    """What the scheduler does: other first runs first, then the helper's, from the other end."""
    order = [s for s in specs if s.key not in shared] + sorted((s for s in specs if s.key in shared),
                                                               key=lambda s: s.key, reverse=True)
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda s: helper.run(s, local), order))


def test_the_helper_and_the_poller_meet_and_each_check_is_requested_once():
    with HTTPTestServer() as srv:
        for i in range(40):
            srv.add(f"/c{i:03d}", 200, "ok", delay_s=0.02)  # long enough for the two to meet mid-round
        specs = [CheckSpec(key=f"c{i:03d}#0", component_id=f"c{i:03d}", kind=CheckKind.HTTP, interval_s=60.0,
                           timeout_s=2.0, retries=1, url=srv.url(f"/c{i:03d}")) for i in range(40)]
        helper = RoundHelper.fork(specs, workers=4)
        assert helper is not None
        shared = helper.share({s.key for s in specs})
        local = LocalRuns()
        results = run_round(helper, specs, local, shared)
        assert helper.wait(10), "the helper exits once its share is done"
        requests = Counter(path for path, _ in srv.requests)
        again = helper.run(specs[1], local)  # after the round every run is the poller's

    assert len(shared) == 40  # all of it: the two split the round where they meet
    assert [r.status for r in results] == [Status.OK] * 40, [(r.check_key, r.error) for r in results if r.status is not Status.OK]
    assert sorted(r.check_key for r in results) == sorted(s.key for s in specs)
    mine = local.keys[:-1]
    assert helper.delivered + len(mine) == 40 and helper.taken_back == len(mine)
    assert 5 <= len(mine) <= 35, f"the poller ran {len(mine)} of 40: they did not meet"
    # The helper works up from the first, the poller down from the last: what the poller
    # ran is the top of the sorted keys.
    assert sorted(mine) == sorted(s.key for s in specs)[40 - len(mine):]
    assert requests == Counter({f"/c{i:03d}": 1 for i in range(40)}), "no check was run twice, none skipped"
    # Reaped, not a zombie.
    try:
        os.waitpid(helper.pid, os.WNOHANG)
        reaped = False
    except ChildProcessError:
        reaped = True
    assert reaped
    assert again.status is Status.OK and local.keys[-1] == specs[1].key


def test_a_helper_that_dies_costs_no_check_and_no_wait():
    with HTTPTestServer() as srv:
        for i in range(30):
            srv.add(f"/c{i:03d}", 200, "ok", delay_s=0.05)  # the helper is still at work when it is killed
        specs = [CheckSpec(key=f"c{i:03d}#0", component_id=f"c{i:03d}", kind=CheckKind.HTTP, interval_s=60.0,
                           timeout_s=5.0, retries=1, url=srv.url(f"/c{i:03d}")) for i in range(30)]
        helper = RoundHelper.fork(specs, workers=2)
        shared = helper.share({s.key for s in specs})
        os.kill(helper.pid, signal.SIGKILL)
        local = LocalRuns()
        started = time.monotonic()
        results = run_round(helper, specs, local, shared)
        took = time.monotonic() - started

    assert [r.status for r in results] == [Status.OK] * 30
    assert len(local.keys) == 30 - helper.delivered, "what the helper did not deliver was run here"
    # Waiting for a dead helper would take its share's timeouts (5 s each); it takes the runs' own time.
    assert took < 4.0, f"the round took {took:.1f} s"
    assert helper.wait(5)


def test_poll_forks_a_helper_for_the_first_round_and_loses_nothing(tmp_path):
    n = 24
    with HTTPTestServer() as srv:
        parts = ['[defaults]\ninterval = "30s"\ntimeout = "2s"\nretries = 1\n']
        for i in range(n):
            url = srv.add(f"/s{i:02d}", 200, "ok")
            parts.append(f'[[component]]\nid = "s{i:02d}"\nname = "Service {i}"\n'
                         f'  [[component.check]]\n  url = "{url}"\n')
        config = tmp_path / "t.toml"
        config.write_text("\n".join(parts))
        url = f"sqlite:///{tmp_path}/h.db"
        stats = tmp_path / "stats.json"
        trace = tmp_path / "trace.json"
        poller = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config), "--db", url,
             "--workers", "4", "--round-helper-min", "1", "--stats", str(stats), "--trace", str(trace)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        engine = None
        try:
            deadline = time.monotonic() + 30
            done = 0
            while time.monotonic() < deadline and poller.poll() is None:
                try:
                    if engine is None:
                        engine = make_engine(url)
                    with engine.connect() as c:
                        done = c.scalar(select(func.count()).select_from(db.CheckState)
                                        .where(db.CheckState.last_result_at.is_not(None))) or 0
                except Exception:  # noqa: BLE001 - the schema is not there yet
                    done = 0
                if done == n:
                    break
                time.sleep(0.1)
            assert done == n, poller.stderr.read() if poller.poll() is not None else f"{done} of {n}"
            # The helper is gone once the round is out: the poller has no child left.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _children(poller.pid):
                time.sleep(0.1)
            assert not _children(poller.pid), "the helper outlived the first round"
        finally:
            poller.send_signal(signal.SIGTERM)
            _, err = poller.communicate(timeout=30)
        requests = Counter(path for path, _ in srv.requests)

    assert poller.returncode == 0, err
    sessions = session_factory(engine)
    with sessions() as s:
        samples = Counter(s.scalars(select(db.CheckSample.check_key)))
        transitions = Counter((t.check_key, t.from_status, t.to_status)
                              for t in s.scalars(select(db.StateTransition)))
    engine.dispose()
    # Every request answered is one sample: nothing the helper measured was lost, nothing doubled.
    assert sum(samples.values()) == sum(requests.values())
    assert {key: samples[key] for key in samples} == {f"s{i:02d}#0": requests[f"/s{i:02d}"] for i in range(n)}
    assert transitions == Counter({(f"s{i:02d}#0", "UNKNOWN", "OK"): 1 for i in range(n)})
    assert run_stats.read(stats)["results_written"] == sum(samples.values())
    assert '"fork_round_helper"' in trace.read_text()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def test_an_early_helper_runs_before_the_leases_and_only_what_the_poller_holds_is_used():
    with HTTPTestServer() as srv:
        specs = specs_for(srv, 40)
        helper = RoundHelper.fork(specs, workers=4)
        early = helper.start_now([s.key for s in specs])  # before the poller holds anything
        held = {s.key for s in specs[::2]}  # then it turns out to hold half (another poller, the rest)
        shared = helper.share(held)
        local = LocalRuns()
        mine = [s for s in specs if s.key in held]
        results = run_round(helper, mine, local, shared)
        assert helper.wait(10)

    assert len(early) == 40 and shared == held
    assert [r.status for r in results] == [Status.OK] * 20
    assert helper.delivered + helper.taken_back == len(shared)
    assert len(local.keys) == helper.taken_back


def test_other_pollers_tells_a_lone_poller_from_a_shared_database(tmp_path):
    import datetime as dt

    from noc_app.polling.leases import other_pollers
    from noc_app.workspace import prepare_database

    engine = make_engine(f"sqlite:///{tmp_path}/o.db")
    try:
        assert other_pollers(engine, 15.0) is None, "an empty database: no schema, no pollers"
        prepare_database(engine)
        assert other_pollers(engine, 15.0) == 0
        now = dt.datetime.now(dt.timezone.utc)
        with session_factory(engine).begin() as s:
            s.add(db.Poller(id="gone", host="h", pid=1, started_at=now, heartbeat_at=now - dt.timedelta(minutes=5)))
        assert other_pollers(engine, 15.0) == 0, "a poller silent for longer than a lease is gone"
        with session_factory(engine).begin() as s:
            s.add(db.Poller(id="alive", host="h", pid=2, started_at=now, heartbeat_at=now))
        assert other_pollers(engine, 15.0) == 1
    finally:
        engine.dispose()
    garbage = tmp_path / "not-a-database.db"
    garbage.write_bytes(b"\x00garbage" * 1000)
    engine = make_engine(f"sqlite:///{garbage}")
    try:
        assert other_pollers(engine, 15.0) == 1, "unreadable: nothing is assumed, the helper starts late"
    finally:
        engine.dispose()


def test_a_result_older_than_an_interval_is_not_handed_over():
    # A check whose lease went during the round and came back later: the
    # helper's result from the start is no measure of now.
    with HTTPTestServer() as srv:
        specs = specs_for(srv, 8)
        helper = RoundHelper.fork(specs, workers=2)
        shared = helper.share({s.key for s in specs})
        assert helper.wait(10)
        late = [dataclasses.replace(s, interval_s=0.2) for s in specs if s.key in shared]
        time.sleep(0.3)
        local = LocalRuns()
        results = [helper.run(s, local) for s in late]
        assert sorted(local.keys) == sorted(shared), "each was run afresh"
        assert helper.delivered == 0
        assert all(r.status is Status.OK for r in results)


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_poller_that_stops_before_polling_leaves_no_helper_behind():
    # poll stopped by Ctrl-C or a bad database before its service starts:
    # finish() and wait() end and reap the helper, started or not.
    with HTTPTestServer() as srv:
        specs = specs_for(srv, 20)
        idle = RoundHelper.fork(specs, workers=2)  # forked, never handed anything
        idle.finish()
        assert idle.wait(5) and _reaped(idle.pid)
        busy = RoundHelper.fork(specs, workers=2)
        busy.start_now([s.key for s in specs])
        busy.finish()
        assert busy.wait(5) and _reaped(busy.pid)


def test_poll_refused_by_its_database_takes_its_early_helper_with_it(tmp_path):
    # No pollers table: a new database to the lone-poller query, so the helper
    # starts at once; then the schema turns out to be a newer Vigil's (exit 2).
    import json

    from sqlalchemy import text

    url = f"sqlite:///{tmp_path}/newer.db"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
    engine.dispose()
    with HTTPTestServer() as srv:
        srv.add("/slow", 200, "ok", delay_s=0.5)  # the helper is still at work when the poller gives up
        parts = ['[defaults]\ninterval = "30s"\ntimeout = "2s"\nretries = 1\n']
        for i in range(40):
            parts.append(f'[[component]]\nid = "s{i:02d}"\nname = "S {i}"\n'
                         f'  [[component.check]]\n  url = "{srv.url("/slow")}"\n')
        config = tmp_path / "t.toml"
        config.write_text("\n".join(parts))
        trace = tmp_path / "trace.json"
        poller = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config), "--db", url,
             "--workers", "2", "--round-helper-min", "1", "--trace", str(trace)],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
        forked = next(s for s in json.loads(trace.read_text())["spans"] if s["name"] == "fork_round_helper")
        left = Path(f"/proc/{forked['pid']}").exists()  # a zombie too: not reaped before the poller left
    assert poller.returncode == 2 and "newer Vigil" in poller.stderr, poller.stderr
    assert forked["early"] is True
    assert not left, "the helper outlived the poller"


def test_the_last_result_reaches_a_worker_already_waiting_for_it():
    # The helper sends its last result and exits at once: the reader takes in
    # both before the waiting worker wakes, and must not tidy that result away.
    with HTTPTestServer() as srv:
        srv.add("/slow", 200, "ok", delay_s=0.1)  # the worker is waiting before the result comes
        spec = CheckSpec(key="only#0", component_id="only", kind=CheckKind.HTTP, interval_s=60.0,
                         timeout_s=2.0, retries=1, url=srv.url("/slow"))
        for _ in range(10):
            helper = RoundHelper.fork([spec], workers=1)
            helper.start_now([spec.key])
            deadline = time.monotonic() + 5
            while not helper._claims.helper_has(spec.key) and time.monotonic() < deadline:
                time.sleep(0.001)  # the helper is at it: the worker below waits for its result
            local = LocalRuns()
            assert helper.run(spec, local).status is Status.OK
            assert helper.wait(5)
            assert (helper.delivered, local.keys) == (1, []), "the helper's result was dropped; run again here"
