"""The poller's cadence against real local servers: a fast first round, recoveries as fast as failures."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from noc_app.checks import run_check
from noc_app.checks.session import thread_local_session
from noc_app.domain import CheckKind, Status
from noc_app.polling.scheduler import Scheduler
from noc_app.topology.model import CheckSpec
from servers import HTTPTestServer
from test_scheduler_correlation import Recorder, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from fast_fleet import FleetProcess  # noqa: E402


def spec(name: str, url: str, interval_s: float = 10.0, retries: int = 2) -> CheckSpec:
    return CheckSpec(key=f"{name}#0", component_id=name, kind=CheckKind.HTTP, interval_s=interval_s,
                     timeout_s=2.0, retries=retries, url=url)


class Timeline(Recorder):
    """Also keeps every result: (time, status) per check."""

    def __init__(self) -> None:
        super().__init__()
        self.results: dict[str, list[tuple[float, Status]]] = {}

    def __call__(self, result, outcome) -> None:
        super().__call__(result, outcome)
        with self.lock:
            self.results.setdefault(result.check_key, []).append((time.monotonic(), result.status))


def test_every_check_runs_once_as_fast_as_the_pool_allows_at_start() -> None:
    with HTTPTestServer() as srv:
        srv.add("/ok", 200, "ok")
        specs = [spec(f"c{i}", srv.url("/ok"), interval_s=60.0) for i in range(300)]
        recorder = Timeline()
        scheduler = Scheduler(specs, lambda s: run_check(s, thread_local_session(16)), recorder, workers=16)
        started = time.monotonic()
        scheduler.start()
        try:
            assert wait_for(lambda: all(recorder.count(s.key) >= 1 for s in specs), 10)
            first_round_s = time.monotonic() - started
        finally:
            scheduler.stop(wait=False)
    # Spread over 2 s (the old jitter) this could not be under 2 s; at once it is the pool's pace.
    assert first_round_s < 2.0, f"first round took {first_round_s:.2f} s"


def test_a_recovery_is_confirmed_within_a_second_of_the_first_ok_and_seen_within_seconds() -> None:
    with HTTPTestServer() as srv:
        srv.add("/svc", 200, "ok")
        check = spec("svc", srv.url("/svc"), interval_s=10.0, retries=2)
        recorder = Timeline()
        scheduler = Scheduler([check], lambda s: run_check(s, thread_local_session(2)), recorder, workers=4,
                              recheck_s=2.0, first_recheck_s=0.5)
        scheduler.start()
        try:
            assert wait_for(lambda: recorder.count("svc#0") >= 1, 5)
            srv.add("/svc", 503, "down")
            scheduler.run_now("svc#0")
            assert wait_for(lambda: "svc#0" in recorder.down_at, 6)
            time.sleep(3.0)  # confirmed DOWN: sampled every 2 s, not every 10 s
            with recorder.lock:
                down_runs = [t for t, st in recorder.results["svc#0"] if t > recorder.down_at["svc#0"]]
            assert len(down_runs) >= 1, "a DOWN check waited a whole interval"
            srv.add("/svc", 200, "ok")
            flipped = time.monotonic()
            assert wait_for(lambda: "svc#0" in recorder.ok_at, 6)
        finally:
            scheduler.stop(wait=False)
    with recorder.lock:
        first_ok = next(t for t, st in recorder.results["svc#0"] if t > flipped and st == Status.OK)
        confirmed = recorder.ok_at["svc#0"]
    assert confirmed - first_ok < 1.0, f"recovery confirmed {confirmed - first_ok:.2f} s after the first OK"
    assert confirmed - flipped < 3.2, f"recovery seen {confirmed - flipped:.2f} s after the flip (interval 10 s)"


def test_fast_sampling_of_failing_checks_is_bounded() -> None:
    with HTTPTestServer() as srv:
        srv.add("/down", 503, "down")
        specs = [spec(f"d{i}", srv.url("/down"), interval_s=4.0, retries=0) for i in range(4)]
        recorder = Timeline()
        scheduler = Scheduler(specs, lambda s: run_check(s, thread_local_session(4)), recorder, workers=8,
                              recheck_s=0.5, max_fast_down=1)
        scheduler.start()
        try:
            # Fast sampling starts once a check has its steady phase (its second run).
            assert wait_for(lambda: all(recorder.count(s.key) >= 2 for s in specs), 10)
            before = {s.key: recorder.count(s.key) for s in specs}
            time.sleep(3.0)
        finally:
            scheduler.stop(wait=False)
    counts = sorted(recorder.count(s.key) - before[s.key] for s in specs)
    # One check is sampled every 0.5 s; the others keep their 4 s interval: at most one run in 3 s.
    assert counts[-1] >= 4, counts
    assert all(c <= 1 for c in counts[:-1]), counts


def test_second_runs_are_placed_after_the_first_round_not_piled_up_behind_it() -> None:
    # A first round that takes a good part of the interval (100 checks through 4
    # workers, each answer held 20 ms): second runs drawn from each check's own
    # first run would fall due inside the round and all start late, behind it.
    with HTTPTestServer() as srv:
        srv.add("/slow", 200, "ok", delay_s=0.02)
        specs = [spec(f"s{i}", srv.url("/slow"), interval_s=4.0) for i in range(100)]
        recorder = Timeline()
        scheduler = Scheduler(specs, lambda s: run_check(s, thread_local_session(4)), recorder, workers=4)
        scheduler.start()
        try:
            assert wait_for(lambda: all(recorder.count(s.key) >= 2 for s in specs), 15)
        finally:
            scheduler.stop(wait=False)
    with recorder.lock:
        runs = {key: [t for t, _ in results] for key, results in recorder.results.items()}
    round_done = max(times[0] for times in runs.values())
    assert round_done - min(times[0] for times in runs.values()) > 0.5, "the round was too quick to tell"
    # Nothing was late: every run after a check's first started within 0.5 s of its due time...
    late_ms = max(scheduler.stats.steady_lag_ms)
    assert late_ms < 500, f"a second run started {late_ms} ms late"
    # ... and each check's second run came within one interval of the round's end.
    assert all(times[1] <= round_done + 4.0 + 0.5 for times in runs.values())


def test_checks_handed_back_during_the_first_round_do_not_hold_up_the_others() -> None:
    # Shared mode: a lease renewal gives checks back while the round is under way.
    # Those not due yet (the round spread over 1 s) never start, so they must not
    # count as the round still running.
    with HTTPTestServer() as srv:
        srv.add("/slow", 200, "ok", delay_s=0.02)
        specs = [spec(f"h{i}", srv.url("/slow"), interval_s=2.0) for i in range(60)]
        kept = {s.key for s in specs[:30]}
        recorder = Timeline()
        scheduler = Scheduler(specs, lambda s: run_check(s, thread_local_session(2)), recorder, workers=2,
                              start_spread_s=1.0)
        scheduler.start()
        try:
            scheduler.set_active(kept)
            assert wait_for(lambda: all(recorder.count(k) >= 2 for k in kept), 10), \
                "the kept checks never got their second run"
        finally:
            scheduler.stop(wait=False)
    assert scheduler.active == kept


def test_steady_runs_start_together_on_the_phase_grid_and_on_time() -> None:
    from noc_app.polling.scheduler import PHASE_GRID_S

    with HTTPTestServer() as srv:
        srv.add("/ok", 200, "ok")
        specs = [spec(f"g{i}", srv.url("/ok"), interval_s=1.0) for i in range(40)]
        starts: list[float] = []

        def timed_check(s):
            starts.append(time.monotonic())
            return run_check(s, thread_local_session(8))

        scheduler = Scheduler(specs, timed_check, Timeline(), workers=8)
        scheduler.start()
        try:
            time.sleep(1.5)  # the first round and the second runs find their phases
            del starts[:]
            time.sleep(2.0)
        finally:
            scheduler.stop(wait=False)
    assert len(starts) >= 60
    # Spread at random the starts would fall anywhere between two grid points;
    # on the grid they come right at one (a few ms for the wake-up and the pool).
    offsets = sorted(t % PHASE_GRID_S for t in starts)
    near = sum(1 for o in offsets if o < 0.05)
    assert near >= 0.9 * len(offsets), offsets
    assert max(scheduler.stats.steady_lag_ms) < 200


def test_first_runs_named_last_go_after_the_others_in_reverse_sorted_order() -> None:
    # The first round's helper runs those meanwhile, in sorted order (round_helper.py):
    # the poller reaches them last, from the other end.
    with HTTPTestServer() as srv:
        srv.add("/ok", 200, "ok")
        specs = [spec(f"o{i:02d}", srv.url("/ok"), interval_s=60.0) for i in range(20)]
        last = {s.key for s in specs[::3]}
        order: list[str] = []

        def run(s: CheckSpec):
            order.append(s.key)
            return run_check(s, thread_local_session(1))

        scheduler = Scheduler(specs, run, Recorder(), workers=1)
        scheduler.start(active=set())
        try:
            scheduler.set_active({s.key for s in specs}, last=last)
            assert wait_for(lambda: len(order) >= 20, 10)
        finally:
            scheduler.stop(wait=False)
    assert set(order[:20 - len(last)]) == {s.key for s in specs} - last
    assert order[20 - len(last):20] == sorted(last, reverse=True)


def test_due_runs_share_two_lanes_until_a_slow_one_needs_another_worker() -> None:
    import threading

    from noc_app.polling.scheduler import STAFF_AFTER_S

    # The fleet in its own process answers in well under a millisecond (a server in
    # this process would share the GIL with the checks and slow them past STAFF_AFTER_S).
    with HTTPTestServer() as srv, FleetProcess(ports=2) as fleet:
        srv.add("/slow", 200, "ok", delay_s=1.5)
        fast = [spec(f"f{i}", fleet.url(i), interval_s=1.0) for i in range(16)]  # ~4 per grid point
        slow = [spec(f"s{i}", srv.url("/slow"), interval_s=1.0) for i in range(2)]
        lock = threading.Lock()
        running: list[str] = []
        most_at_once: list[int] = []  # per steady run of a fast check: how many checks ran with it

        def counted(s):
            with lock:
                running.append(s.key)
                at_once = len(running)
            try:
                return run_check(s, thread_local_session(8))
            finally:
                with lock:
                    running.remove(s.key)
                    if s.key.startswith("f"):
                        most_at_once.append(at_once)

        scheduler = Scheduler(fast, counted, Timeline(), workers=8)
        scheduler.start()
        try:
            time.sleep(1.5)  # the first round (on every worker) and the second runs find their phases
            del most_at_once[:]
            scheduler.stats.steady_lag_ms.clear()
            time.sleep(2.0)
        finally:
            scheduler.stop(wait=False)
        # Fast runs only: two at once, whatever the pool's size (a worker per run: 1-4, evenly).
        assert len(most_at_once) >= 24
        assert sum(1 for n in most_at_once if n <= 2) >= 0.95 * len(most_at_once), most_at_once

        lags: list[float] = []
        scheduler = Scheduler(slow + fast, counted, Timeline(), workers=8)
        scheduler.start()
        try:
            time.sleep(3.0)
            lags = [ms for ms, n in scheduler.stats.steady_lag_ms.items() for _ in range(n)]
        finally:
            scheduler.stop(wait=False)
    # Both lanes held 1.5 s by the slow endpoints: the fast runs got workers of their own.
    assert len(lags) >= 16
    assert max(lags) < (STAFF_AFTER_S + 0.25) * 1000, sorted(lags)[-5:]
