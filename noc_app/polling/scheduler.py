"""Run every check on its own interval with a bounded worker pool.

- Each check has its own due time. At start every check is due at once
  (``start_spread_s``, default 0): the pool runs them all as fast as it
  can, so a wall that starts shows the whole picture within seconds, not
  UNKNOWN for an interval. The second runs are placed once the first round
  is out (its last first run has a worker), each at a random
  moment within one interval of that, so from then on the checks' phases
  are uniform over the whole interval and each round is an even stream,
  not a start-up burst repeated every interval (10,000 checks due in the
  same 2 s every 10 s would need five times the sustained rate). Placed
  from the end of the round, not from each check's own first run: second
  runs falling due while the pool is still busy with first runs all wait
  for the round, then run late in one pile (with 10,000 checks the round
  takes about an interval, and most second runs were seconds late).
- At most one run of a check is in flight; a slow endpoint holds one worker
  for at most its timeout and never delays the other checks' due times.
- Due times advance from the *scheduled* time, not the finish time, so
  intervals do not drift; a run that overruns its interval is followed
  immediately by the next.
- While a state change awaits confirmation the check is re-run quickly
  instead of waiting a whole interval: the first re-check after
  ``first_recheck_s`` (default ``recheck_s / 4``: a one-off blip such as a
  reset connection is ruled out at once), the following ones every
  ``recheck_s`` (a short hiccup must outlast them). With retries = 2 a real
  outage is confirmed about ``first_recheck_s + recheck_s`` after the first
  failed check.
- When a check starts failing (or recovering), the checks ``related`` to it
  (same component, dependencies, dependents; see ``correlate.py``) are run
  at once instead of at their next slot, so a cascading outage shows its
  whole blast radius within seconds of the first failed check, not over an
  interval. A check is pulled forward at most once per ``recheck_s``.
- A check confirmed failing is sampled every ``down_every_s`` (default
  ``recheck_s``) instead of every interval, so its recovery is seen within
  seconds; bounded: at most ``max_fast_down`` checks at a time, and only
  while at most half the pool is busy, so a big outage cannot turn into a
  polling storm (the rest keep their interval).
- Extra runs (confirmation re-checks, pulled-forward and "check now" runs)
  don't move a check's phase: afterwards it returns to its own slot, so the
  load stays an even stream and pulled-forward neighbours don't become a
  burst that repeats every interval.
- Steady phases lie on a grid (``PHASE_GRID_S``, 0.25 s): the checks of
  one grid point start together, on time, on one wake-up, which halves the
  CPU per check against starting each on its own (see ``PHASE_GRID_S``).
- Due runs go to two lanes (``LANES``): a lane's worker takes the next
  run as it finishes one, instead of a worker waking per run; a run that
  waited ``STAFF_AFTER_S`` for a lane gets a worker of its own, up to the
  pool's size, so a slow endpoint never holds the others up for longer.
- The scheduler thread is woken only when a new due time comes before the
  one it is waiting for, not on every completion.

- ``stop()`` stops scheduling, cancels runs not started yet and waits for
  the running ones (bounded by the longest check deadline), so every
  request an endpoint answered has its result handed on before it returns.

Results reach ``on_outcome(result, outcome)`` on a worker thread; callers
hand them on (a queue to storage, a Qt signal to the GUI).
"""

from __future__ import annotations

import heapq
import logging
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.polling import trace
from noc_app.polling.state import CheckStateMachine, Outcome
from noc_app.topology.model import CheckSpec

log = logging.getLogger(__name__)

RunCheck = Callable[[CheckSpec], CheckResult]
OnOutcome = Callable[[CheckResult, Outcome], None]
InMaintenance = Callable[[CheckSpec], bool]
# Work that arrives in bursts costs far less CPU than the same work one
# check at a time: caches stay warm and threads wake once per burst
# (measured through this scheduler, 2,000 checks at 10 s: phases on a 1 ms
# grid ~0.95 ms of CPU per check, on a 0.2-0.4 s grid ~0.5 ms). So the
# steady phases lie on a grid of PHASE_GRID_S: the checks of one grid point
# are due at the same instant and start on one wake-up, on time (phases
# stay uniform over the interval at that resolution: 40 points in 10 s).
# Runs off the grid (re-checks, pulled runs, intervals that are no multiple
# of the grid) due within COALESCE_S of each other start on one wake-up
# too, up to COALESCE_S late.
PHASE_GRID_S = 0.25
COALESCE_S = 0.05
# Runs that are due run in LANES at a time, each lane's worker taking the
# next as it finishes, rather than one worker per run: 16 threads waking
# for a burst of loopback checks spend their CPU handing the GIL to each
# other (2,000 checks, one process, in-process A/B: 0.78-0.91 ms of CPU
# per check with a worker per run, 0.66-0.78 ms on two lanes). Two lanes
# keep one check in Python while the other waits on its socket. A slow
# check (an endpoint far away, hanging or dribbling) must not hold the
# others up: a run that has waited STAFF_AFTER_S for a lane gets a worker
# of its own, up to ``workers``, so the pool's full width is there
# whenever it is needed.
LANES = 2
STAFF_AFTER_S = 0.02
STOP_SLACK_S = 2.0  # past the longest check deadline: state machine, listeners, thread wake-up


def _grid_point(t: float) -> float:
    """The first point of the phase grid at or after ``t``."""
    return math.ceil(t / PHASE_GRID_S) * PHASE_GRID_S


def _on_grid(t: float) -> bool:
    steps = t / PHASE_GRID_S
    return abs(steps - round(steps)) < 1e-6


@dataclass
class SchedulerStats:
    """Scheduling lag (start - due) of recent runs, for benches and the UI.

    ``steady_lag_ms`` counts the lag of every run after a check's first
    (whole milliseconds -> runs): the first round runs everything at once
    by design, so its lag says how long the round took, not whether the
    poller keeps up. A histogram, so several pollers' figures add up.
    """

    runs: int = 0
    first_runs: int = 0
    pulled: int = 0  # runs brought forward because a related check changed
    lags_s: list[float] = field(default_factory=list)
    steady_lag_ms: dict[int, int] = field(default_factory=dict)
    max_samples: int = 100_000

    def record(self, lag_s: float, first: bool = False) -> None:
        self.runs += 1
        if len(self.lags_s) < self.max_samples:
            self.lags_s.append(lag_s)
        if first:
            self.first_runs += 1
        else:
            ms = int(lag_s * 1000)
            self.steady_lag_ms[ms] = self.steady_lag_ms.get(ms, 0) + 1


class Scheduler:
    def __init__(
        self,
        checks: Iterable[CheckSpec],
        run_check: RunCheck,
        on_outcome: OnOutcome,
        workers: int = 16,
        recheck_s: float = 2.0,
        in_maintenance: InMaintenance | None = None,
        clock: Callable[[], float] = time.monotonic,
        seed: int | None = None,
        first_recheck_s: float | None = None,
        related: Mapping[str, Sequence[str]] | None = None,
        start_spread_s: float = 0.0,
        down_every_s: float | None = None,
        max_fast_down: int = 100,
    ):
        self._checks = {c.key: c for c in checks}
        self._machines = {
            c.key: CheckStateMachine(c.key, c.component_id, c.retries) for c in self._checks.values()
        }
        self._run_check = run_check
        self._on_outcome = on_outcome
        self._in_maintenance = in_maintenance or (lambda _spec: False)
        self._recheck_s = recheck_s
        self._first_recheck_s = recheck_s / 4 if first_recheck_s is None else first_recheck_s
        self._clock = clock
        self._rng = random.Random(seed)
        self._workers = workers
        self._heap: list[tuple[float, int, str]] = []
        self._seq = 0
        self._latest: dict[str, int] = {}  # key -> seq of its only valid heap entry
        self._due: dict[str, float] = {}  # key -> due time of its valid heap entry
        self._slot: dict[str, float] = {}  # key -> its steady slot, while extra runs are under way
        self._last_pulled: dict[str, float] = {}
        self._related = related or {}
        self._start_spread_s = start_spread_s
        self._down_every_s = recheck_s if down_every_s is None else down_every_s
        self._max_fast_down = max_fast_down
        self._fast_down: set[str] = set()  # confirmed failing, sampled every down_every_s
        self._in_flight: set[str] = set()
        self._unphased: set[str] = set()  # first run pending: the next one picks the steady phase
        self._first_waiting: set[str] = set()  # first run not started on a worker yet: the round is under way
        self._parked: list[str] = []  # first run done during the round: phase picked when the round is out
        self._confirming: set[str] = set()  # a change awaits confirmation: re-checks under way
        self._active: set[str] = set(self._checks)  # shared mode: the checks this poller leases
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._futures: set[futures.Future] = set()  # running lanes, until done (stop waits for them)
        self._ready: deque[tuple[str, float, float]] = deque()  # (key, due, queued at): due, waiting for a lane
        self._lanes = 0  # workers taking runs from ``_ready``
        self.stats = SchedulerStats()
        self.first_round = threading.Event()  # every check this poller holds has run once

    def _forget(self, future: futures.Future) -> None:
        with self._cond:
            self._futures.discard(future)

    @property
    def machines(self) -> dict[str, CheckStateMachine]:
        return self._machines

    def start(self, active: set[str] | None = None) -> Scheduler:
        now = self._clock()
        with self._cond:
            if active is not None:
                self._active = set(active) & set(self._checks)
            for key in self._active:
                self._unphased.add(key)
                self._first_waiting.add(key)
                self._push(now + self._jitter(key), key)
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="check")
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self, wait: bool = True) -> int:
        """Stop scheduling; with ``wait``, let the checks already running finish and report.

        Runs queued but not started are cancelled (no request was sent, so
        nothing is lost). A running check ends within its own deadline, so
        the wait is bounded by the longest timeout (plus a little for the
        state machine and listeners); their results reach ``on_outcome``
        before this returns. Returns how many were still running after that
        bound (0 in practice).
        """
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout=5)
        if not self._pool:
            return 0
        self._pool.shutdown(wait=False, cancel_futures=True)
        if not wait:
            return 0
        with self._cond:
            running = list(self._futures)
        bound = max((c.timeout_s for c in self._checks.values()), default=0.0) + STOP_SLACK_S
        _done, not_done = futures.wait(running, timeout=bound)
        return len(not_done)

    def set_active(self, keys: set[str], seeds: dict | None = None, last: Collection[str] = ()) -> None:
        """Poll exactly ``keys`` from now on (lease changes in shared mode).

        Newly added checks continue from ``seeds`` (key -> object with
        ``status`` and ``since``), the state another poller confirmed. Their
        first runs go in the order given, those in ``last`` after the
        others, in reverse sorted order (the first round's helper runs
        those meanwhile, in sorted order: ``round_helper.py``).
        """
        seeds = seeds or {}
        now = self._clock()
        with self._cond:
            keys = set(keys) & set(self._checks)
            # Checks handed back do not hold up the round of those we keep.
            self._unphased &= keys
            self._first_waiting &= keys
            added = keys - self._active
            for key in [k for k in added if k not in last] + sorted(added.intersection(last), reverse=True):
                spec = self._checks[key]
                machine = CheckStateMachine(spec.key, spec.component_id, spec.retries)
                if key in seeds:
                    machine.seed(seeds[key].status, seeds[key].since)
                self._machines[key] = machine
                self._unphased.add(key)
                self._first_waiting.add(key)
                self._confirming.discard(key)
                self._slot.pop(key, None)
                self._push(now + self._jitter(key), key)
            self._active = keys
            if not self._first_waiting:
                self._release_parked(now)
            self._cond.notify()

    @property
    def active(self) -> set[str]:
        with self._cond:
            return set(self._active)

    def _jitter(self, key: str) -> float:
        return self._rng.uniform(0, min(self._checks[key].interval_s, self._start_spread_s))

    def run_now(self, key: str) -> None:
        """Move a check to the front of the queue (operator pressed "check now")."""
        with self._cond:
            if self._bring_forward(key, self._clock()):
                self._cond.notify()

    def _bring_forward(self, key: str, now: float) -> bool:
        """Run ``key`` now and then return to its slot; False when that is pointless.

        Pointless: it is running, re-checking already, not ours, not phased
        yet (start-up runs everything within 2 s anyway), or its next run is
        about as soon as this one would be.
        """
        if (key not in self._active or key in self._in_flight or key in self._confirming
                or key in self._unphased):
            return False
        due = self._due.get(key)
        if due is None or due <= now + self._first_recheck_s:
            return False
        self._slot.setdefault(key, due)
        self._push(now, key)
        return True

    def _pull_related(self, key: str, now: float) -> bool:
        """Bring forward the checks related to ``key``; True when any was."""
        pulled = False
        for other in self._related.get(key, ()):
            if now - self._last_pulled.get(other, float("-inf")) < self._recheck_s:
                continue  # a flapping neighbour must not turn into a polling storm
            if self._bring_forward(other, now):
                self._last_pulled[other] = now
                self.stats.pulled += 1
                pulled = True
        return pulled

    def _push(self, due: float, key: str) -> bool:
        """Queue ``key`` at ``due``; True when it became the earliest entry (wake the loop)."""
        # Re-pushing a key invalidates its older heap entry (lazy deletion).
        self._seq += 1
        self._latest[key] = self._seq
        self._due[key] = due
        heapq.heappush(self._heap, (due, self._seq, key))
        return self._heap[0][1] == self._seq

    def _loop(self) -> None:
        with self._cond:
            while not self._stopping:
                now = self._clock()
                staff_at = self._staff_overdue(now)
                if not self._heap:
                    self._cond.wait(None if staff_at is None else staff_at - now)
                    continue
                due, seq, key = self._heap[0]
                if due > now:
                    # Off the grid, overslept a little on purpose: every run due
                    # within COALESCE_S is dispatched on one wake-up.
                    wake = due - now + (0.0 if _on_grid(due) else COALESCE_S)
                    self._cond.wait(wake if staff_at is None else min(wake, staff_at - now))
                    continue
                heapq.heappop(self._heap)
                if self._latest.get(key) != seq or key in self._in_flight or key not in self._active:
                    continue  # its completion schedules the next run
                self._in_flight.add(key)
                self._ready.append((key, due, now))
                if self._lanes < LANES:
                    self._add_lanes(min(LANES, len(self._ready)) - self._lanes)

    def _staff_overdue(self, now: float) -> float | None:
        """Every run that waited STAFF_AFTER_S for a lane gets a worker; when to look again (lock held)."""
        if not self._ready:
            return None
        if self._lanes >= self._workers:
            return None  # the whole pool is at work already: the lanes' finishing wakes nothing here
        overdue_at = self._ready[0][2] + STAFF_AFTER_S
        if overdue_at > now:
            return overdue_at
        self._add_lanes(min(len(self._ready), self._workers - self._lanes))
        return None

    def _add_lanes(self, n: int) -> None:
        for _ in range(n):
            self._lanes += 1
            future = self._pool.submit(self._run_lane)
            self._futures.add(future)
            future.add_done_callback(self._forget)

    def _run_lane(self) -> None:
        """Take due runs one after the other until none is left (stopping: none is started)."""
        while True:
            with self._cond:
                if self._stopping or not self._ready:
                    self._lanes -= 1
                    return
                key, due, _queued = self._ready.popleft()
            try:
                self._execute(key, due)
            except Exception:  # noqa: BLE001 - a lane outlives any one run's failure
                log.exception("run of %s failed in the scheduler", key)

    def _execute(self, key: str, due: float) -> None:
        spec = self._checks[key]
        started = self._clock()
        first = key in self._unphased
        if key in self._first_waiting:
            with self._cond:
                self._first_waiting.discard(key)
                if not self._first_waiting:  # the last first run of the round has a worker
                    self._release_parked(started)
                    self._cond.notify()
        self.stats.record(max(0.0, started - due), first)
        if trace.ACTIVE is not None:
            trace.ACTIVE.record_run(started, max(0.0, started - due), first)
        outcome = None
        try:
            result = self._run_check(spec)
            outcome = self._machines[key].feed(result, self._in_maintenance(spec))
            self._on_outcome(result, outcome)
        except Exception:  # a bug in one check must not stop the others
            log.exception("check %s failed unexpectedly", key)
        finally:
            finished = self._clock()
            with self._cond:
                wake = False
                if outcome is not None and self._opens_change(key, outcome):
                    wake = self._pull_related(key, finished)
                if outcome is not None and outcome.pending:
                    first = key not in self._confirming
                    self._confirming.add(key)
                    self._slot.setdefault(key, due + spec.interval_s)
                    delay = self._first_recheck_s if first else self._recheck_s
                    next_due = finished + min(delay, spec.interval_s)
                elif outcome is not None and outcome.status.is_failing and self._may_sample_fast(key, spec):
                    # Confirmed down: look again soon (an extra run), keep the steady slot.
                    self._confirming.discard(key)
                    self._fast_down.add(key)
                    slot = self._slot.get(key, due + spec.interval_s)
                    while slot < finished:
                        slot += spec.interval_s
                    self._slot[key] = slot
                    next_due = min(slot, finished + self._down_every_s)
                else:
                    self._confirming.discard(key)
                    self._fast_down.discard(key)
                    if key in self._unphased:
                        self._unphased.discard(key)
                        if not self._unphased:
                            trace.mark("first_round_done")
                            self.first_round.set()
                        if self._first_waiting:
                            # First runs still wait for a worker: the phase is
                            # drawn when the last one starts (``_release_parked``).
                            self._parked.append(key)
                            next_due = None
                        else:
                            # Any offset drawn uniformly over one interval makes the
                            # phase uniform, whatever the start-up jitter was. From
                            # now, not the due time: after an overloaded start-up,
                            # offsets from the due time would mostly be past already.
                            next_due = _grid_point(finished + self._rng.uniform(0, spec.interval_s))
                    elif key in self._slot:
                        next_due = self._slot.pop(key)
                        while next_due < finished:  # extra runs outlasted the slot
                            next_due += spec.interval_s
                    else:
                        next_due = due + spec.interval_s
                    if next_due is not None and next_due < finished:
                        next_due = finished
                self._in_flight.discard(key)
                if next_due is not None and not self._stopping and key in self._active:
                    wake = self._push(next_due, key) or wake
                if wake:
                    self._cond.notify()

    def _release_parked(self, now: float) -> None:
        """The first round is out (every first run has started): steady phases for the checks that ran.

        Each is due at a moment drawn uniformly over one interval from now
        (called with the lock held).
        """
        parked, self._parked = self._parked, []
        if self._stopping or not parked:
            return
        for key in parked:
            if key in self._active and key not in self._in_flight:
                self._push(_grid_point(now + self._rng.uniform(0, self._checks[key].interval_s)), key)
        trace.mark("first_round_started", parked=len(parked))

    def _may_sample_fast(self, key: str, spec: CheckSpec) -> bool:
        """Room for another fast-sampled failing check? (called with the lock held)"""
        if self._down_every_s >= spec.interval_s or key in self._unphased:
            return False
        if key not in self._fast_down and len(self._fast_down) >= self._max_fast_down:
            return False
        return len(self._in_flight) <= self._workers // 2

    def _opens_change(self, key: str, outcome: Outcome) -> bool:
        """Is this the first result of a change (failure or recovery) of a running check?"""
        if outcome.pending:
            return key not in self._confirming
        transition = outcome.transition
        # retries = 0 confirms at once; start-up results and maintenance are no news.
        return (transition is not None and key not in self._confirming
                and transition.from_status not in (Status.UNKNOWN, Status.MAINTENANCE)
                and transition.to_status != Status.MAINTENANCE)
