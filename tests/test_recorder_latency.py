"""A confirmed state change is in the database at once; plain samples wait for their batch."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import func, select

from fleet_topology import write_topology
from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.polling.recorder import ResultRecorder
from noc_app.polling.state import Outcome, Transition
from noc_app.storage import models as db
from noc_app.workspace import open_workspace

UTC = dt.timezone.utc
KEY, COMPONENT = "db-main#0", "db-main"


def counts(sessions) -> tuple[int, int, str]:
    with sessions() as s:
        samples = s.scalar(select(func.count()).select_from(db.CheckSample))
        transitions = s.scalar(select(func.count()).select_from(db.StateTransition))
        status = s.scalar(select(db.CheckState.status).where(db.CheckState.check_key == KEY))
    return samples, transitions, status


def test_transitions_are_written_at_once_samples_stay_batched(tmp_path, db_url):
    ws = open_workspace(write_topology(tmp_path / "t.toml", "http://127.0.0.1:9"), db_url)
    recorder = ResultRecorder(ws.sessions, flush_interval_s=30.0).start()  # batches far apart
    try:
        now = dt.datetime.now(UTC)
        plain = CheckResult(KEY, COMPONENT, Status.UNKNOWN, None, None, "starting", at=now)
        recorder.submit(plain, Outcome(Status.UNKNOWN, None, False, False, 0))
        time.sleep(0.6)
        assert counts(ws.sessions)[:2] == (0, 0), "a plain sample waits for its batch"

        at = dt.datetime.now(UTC)
        deciding = CheckResult(KEY, COMPONENT, Status.DOWN, None, None, "connection refused", at=at)
        transition = Transition(KEY, COMPONENT, at, Status.OK, Status.DOWN, "connection refused", False)
        submitted = time.monotonic()
        recorder.submit(deciding, Outcome(Status.DOWN, transition, False, False, 3))
        while counts(ws.sessions)[1] == 0 and time.monotonic() - submitted < 5:
            time.sleep(0.01)
        visible_s = time.monotonic() - submitted
        assert visible_s < 0.5, f"the confirmed state showed {visible_s:.2f} s after its deciding result"
        # The sample queued before it rode along; the state row says DOWN.
        assert counts(ws.sessions) == (2, 1, "DOWN")
    finally:
        recorder.stop()
        ws.close()
