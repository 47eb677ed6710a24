"""The polling engine assembled for one workspace: checks -> state machine -> database.

Used by the headless ``poll`` command and by the embedded GUI, which adds its
own listener to forward results to the widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from noc_app.checks import run_check
from noc_app.checks.result import CheckResult
from noc_app.checks.session import thread_local_session
from noc_app.polling.recorder import ResultRecorder, write_batch
from noc_app.polling.scheduler import Scheduler
from noc_app.polling.state import CheckStateMachine, Outcome
from noc_app.storage.db import transaction
from noc_app.topology.model import CheckSpec, Topology
from noc_app.workspace import Workspace

Listener = Callable[[CheckResult, Outcome], None]


def maintenance_lookup(topology: Topology) -> Callable[[CheckSpec], bool]:
    """Is a check's component inside one of the topology's maintenance windows now?"""
    windows = topology.maintenance

    def in_maintenance(spec: CheckSpec) -> bool:
        now = dt.datetime.now(dt.timezone.utc)
        return any(
            spec.component_id in w.components and w.starts_at <= now < w.ends_at for w in windows
        )

    return in_maintenance


class PollingService:
    """Scheduler + recorder for a workspace; ``listeners`` see every result."""

    def __init__(self, workspace: Workspace, workers: int = 16, recheck_s: float = 2.0,
                 on_error: Callable[[str], None] | None = None):
        self.workspace = workspace
        self.listeners: list[Listener] = []
        self.recorder = ResultRecorder(workspace.sessions, on_error=on_error)
        self.scheduler = Scheduler(
            workspace.topology.checks,
            run_check=lambda spec: run_check(spec, thread_local_session(workers)),
            on_outcome=self._dispatch,
            workers=workers,
            recheck_s=recheck_s,
            in_maintenance=maintenance_lookup(workspace.topology),
        )

    def _dispatch(self, result: CheckResult, outcome: Outcome) -> None:
        self.recorder.submit(result, outcome)
        for listener in self.listeners:
            listener(result, outcome)

    def start(self) -> PollingService:
        self.recorder.start()
        self.scheduler.start()
        return self

    def stop(self) -> None:
        self.scheduler.stop(wait=False)
        self.recorder.stop()


def poll_once(workspace: Workspace, workers: int = 16) -> list[CheckResult]:
    """Run every check once, concurrently; record the results; return them in topology order."""
    checks: Sequence[CheckSpec] = workspace.topology.checks
    in_maintenance = maintenance_lookup(workspace.topology)
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(checks) or 1))) as pool:
        results = list(pool.map(lambda spec: run_check(spec, thread_local_session(workers)), checks))
    batch = []
    for spec, result in zip(checks, results):
        machine = CheckStateMachine(spec.key, spec.component_id, spec.retries)
        batch.append((result, machine.feed(result, in_maintenance(spec))))
    if batch:
        with transaction(workspace.sessions) as session:
            write_batch(session, batch)
    return results
