"""The polling engine assembled for one workspace: checks -> state machine -> database.

Used by the headless ``poll`` command and by the embedded GUI, which adds its
own listener to forward results to the widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.exc import SQLAlchemyError

from noc_app.checks import run_check
from noc_app.checks.result import CheckResult
from noc_app.checks.session import thread_local_session
from noc_app.polling.correlate import related_checks
from noc_app.polling.gaps import record_gaps
from noc_app.polling import trace
from noc_app.polling.leases import LeaseManager
from noc_app.polling.housekeeping import run_housekeeping
from noc_app.polling.recorder import ResultRecorder, write_batch
from noc_app.polling.round_helper import RoundHelper
from noc_app.polling.spool import ReplayReport, ResultSpool, replay_spool, spool_for
from noc_app.polling.stop_report import StopReport
from noc_app.polling.scheduler import Scheduler
from noc_app.polling.state import CheckStateMachine, Outcome
from noc_app.storage.db import transaction
from noc_app.storage.write_failures import describe_write_failure
from noc_app.topology.model import CheckSpec, Topology
from noc_app.workspace import Workspace

Listener = Callable[[CheckResult, Outcome], None]
DEFAULT_STOP_GRACE_S = 10.0  # how long a stop retries a refusing database before spooling


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def maintenance_lookup(topology: Topology) -> Callable[[CheckSpec], bool]:
    """Is a check's component inside one of the topology's maintenance windows now?"""
    windows = topology.maintenance
    if not windows:
        return lambda _spec: False  # asked once per check run: no clock reading when nothing is planned

    def in_maintenance(spec: CheckSpec) -> bool:
        now = dt.datetime.now(dt.timezone.utc)
        return any(
            spec.component_id in w.components and w.starts_at <= now < w.ends_at for w in windows
        )

    return in_maintenance


class PollingService:
    """Scheduler + recorder for a workspace; ``listeners`` see every result.

    With ``leases`` (the headless poller), this process polls only the checks
    it holds a lease on, so several pollers can share one database.
    """

    def __init__(self, workspace: Workspace, workers: int = 16, recheck_s: float = 2.0,
                 on_error: Callable[[str], None] | None = None, leases: LeaseManager | None = None,
                 automation_s: float | None = 5.0, round_helper: RoundHelper | None = None):
        self.workspace = workspace
        self.round_helper = round_helper
        self.leases = leases
        self._on_error = on_error or (lambda message: None)
        self._stop = threading.Event()
        self._lease_thread: threading.Thread | None = None
        self._automation_s = automation_s
        self._automation_thread: threading.Thread | None = None
        self.listeners: list[Listener] = []
        self.recorder = ResultRecorder(workspace.sessions, on_error=self._on_error)
        self._run_here = lambda spec: run_check(spec, thread_local_session(workers))
        self.scheduler = Scheduler(
            workspace.topology.checks,
            run_check=self._run_here if round_helper is None else self._run_with_helper,
            on_outcome=self._dispatch,
            workers=workers,
            recheck_s=recheck_s,
            in_maintenance=maintenance_lookup(workspace.topology),
            related=related_checks(workspace.topology.components),
        )

    def _run_with_helper(self, spec: CheckSpec) -> CheckResult:
        """A first run in the helper's share comes from the helper process (``round_helper.py``)."""
        return self.round_helper.run(spec, self._run_here)

    def _dispatch(self, result: CheckResult, outcome: Outcome) -> None:
        self.recorder.submit(result, outcome)
        for listener in self.listeners:
            listener(result, outcome)

    def start(self) -> PollingService:
        # Results an earlier stop kept are written before any new one. A
        # headless poller does it now, so the states it takes over include
        # them; the GUI's writer thread does it first thing (never the GUI thread).
        if self.leases is not None:
            with trace.span("spool_replay"):
                self.replay_spool()
            self.recorder.start()
        else:
            self.recorder.start(first=self.replay_spool)
        if self._automation_s:
            # Incident automation and retention (``housekeeping.py``), off the polling threads.
            self._automation_thread = threading.Thread(
                target=run_housekeeping, name="incident-automation", daemon=True,
                args=(self.workspace.sessions, self.workspace.engine, self._stop, self._on_error, self._automation_s))
            self._automation_thread.start()
        if self.leases is None:
            self._record_gaps()
            self.scheduler.start()
            return self
        with trace.span("lease_refresh"):
            held, seeds = self.leases.refresh()
        self.scheduler.start(active=set())
        shared = self.round_helper.share(held) if self.round_helper is not None else ()
        self.scheduler.set_active(held, seeds, last=shared)
        self._lease_thread = threading.Thread(target=self._renew_leases, name="leases", daemon=True)
        self._lease_thread.start()
        return self

    def _record_gaps(self) -> None:
        """Embedded start: the time this app (the only poller) was not running is no data."""
        try:
            with transaction(self.workspace.sessions) as session:
                record_gaps(session, [c.key for c in self.workspace.topology.checks], _utcnow())
        except SQLAlchemyError as exc:
            self._on_error(f"could not record the gap since the last run: {type(exc).__name__}")

    def _renew_leases(self) -> None:
        period = self.leases.lease_s / 3
        while not self._stop.wait(period):
            try:
                with trace.span("lease_refresh"):
                    held, seeds = self.leases.refresh()
            except SQLAlchemyError as exc:
                # Keep polling what we hold; if the outage outlasts the lease,
                # another poller takes over and we drop the rows next round.
                self._on_error(f"lease renewal failed: {self._why(exc)}")
                continue
            self.scheduler.set_active(held, seeds)

    def _why(self, exc: BaseException) -> str:
        return describe_write_failure(exc, self.workspace.engine).reason

    def stop(self, grace_s: float = DEFAULT_STOP_GRACE_S) -> StopReport:
        """Stop without losing a result: what was measured is written, or kept on disk.

        Scheduling stops first; the checks already running finish (bounded
        by their deadlines) and their results join the backlog; the backlog
        is written, retried for up to ``grace_s`` if the database refuses;
        what is still unwritten goes to the spool for the next start.
        """
        self._stop.set()
        if self.round_helper is not None:
            self.round_helper.finish()
        if self._automation_thread is not None:
            self._automation_thread.join(timeout=5)
        self.scheduler.stop(wait=True)
        unwritten = self.recorder.stop(grace_s)
        report = StopReport(written=self.recorder.written, kept=len(unwritten.items),
                            transitions=unwritten.transitions, shed=unwritten.shed, reason=unwritten.reason)
        if unwritten.items:
            try:
                report.spool_path = self._spool().save(unwritten.items)
            except OSError as exc:
                report.spool_error = f"{exc.strerror or exc} ({self._spool().directory})"
        if self._lease_thread is not None:
            self._lease_thread.join(timeout=5)
            if not unwritten.items:  # with the database gone, the leases simply expire
                try:
                    self.leases.release_all()
                except SQLAlchemyError:
                    pass
        return report

    def _spool(self) -> ResultSpool:
        return spool_for(self.workspace.engine)

    def replay_spool(self) -> ReplayReport:
        """Write the results an earlier stop kept on disk (before polling starts)."""
        return replay_spool(self.workspace, self._on_error)


def poll_once(workspace: Workspace, workers: int = 16,
              on_error: Callable[[str], None] | None = None) -> list[CheckResult]:
    """Run every check once, concurrently; record the results; return them in topology order."""
    replay_spool(workspace, on_error or (lambda message: None))
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
            record_gaps(session, [spec.key for spec in checks], results[0].at)
            write_batch(session, batch)
    return results
