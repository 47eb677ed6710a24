"""One hanging or dribbling endpoint never delays the other checks' schedule."""

from __future__ import annotations

import threading
import time

from fleet_topology import quiet_fleet
from noc_app.checks import run_check
from noc_app.checks.session import thread_local_session
from noc_app.domain import CheckKind, Status
from noc_app.polling.scheduler import Scheduler
from noc_app.topology.model import CheckSpec
from servers import RawServer, dribble_body, hang


def spec(key: str, url: str, interval_s: float = 1.0, timeout_s: float = 1.5) -> CheckSpec:
    return CheckSpec(key=key, component_id=key.split("#")[0], kind=CheckKind.HTTP,
                     interval_s=interval_s, timeout_s=timeout_s, retries=0, url=url)


def test_bad_endpoints_do_not_delay_healthy_ones():
    fleet = quiet_fleet()
    with RawServer(hang) as hanging, RawServer(dribble_body(0.3)) as dribbling:
        specs = [spec("hang#0", hanging.url("/health")), spec("dribble#0", dribbling.url("/health"))]
        specs += [spec(f"svc{i}#0", f"{fleet.base_url}/svc{i}/health") for i in range(8)]
        runs: dict[str, list[float]] = {s.key: [] for s in specs}
        results: dict[str, list] = {s.key: [] for s in specs}
        lock = threading.Lock()

        def on_outcome(result, outcome):
            with lock:
                runs[result.check_key].append(time.monotonic())
                results[result.check_key].append(result)

        scheduler = Scheduler(specs, lambda s: run_check(s, thread_local_session(4)), on_outcome,
                              workers=4, seed=1)
        started = time.monotonic()
        scheduler.start()
        time.sleep(5.5)
        scheduler.stop(wait=True)
        fleet.stop()

    for i in range(8):
        times = runs[f"svc{i}#0"]
        # every 1 s despite two workers being tied up by bad endpoints
        assert len(times) >= 4, (f"svc{i}", len(times))
        assert max(b - a for a, b in zip(times, times[1:])) < 1.6
        assert all(r.status == Status.OK for r in results[f"svc{i}#0"])
    for bad in ("hang#0", "dribble#0"):
        assert results[bad], bad
        first = results[bad][0]
        assert first.status == Status.DOWN and first.error.startswith("timeout after 1.5s"), first
        # each bad run is cut at its deadline: at most one run in flight, runs ~1.5 s apart
        assert runs[bad][0] - started < 1.5 + 2.0 + 1.0
    lags = sorted(scheduler.stats.lags_s)
    assert lags[int(len(lags) * 0.99) - 1] < 0.5, lags[-5:]
