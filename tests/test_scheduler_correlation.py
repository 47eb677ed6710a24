"""A failing check pulls its neighbours' runs forward; extra runs keep each check's phase."""

from __future__ import annotations

import threading
import time

from noc_app.checks import run_check
from noc_app.checks.session import thread_local_session
from noc_app.domain import CheckKind, Status
from noc_app.polling.correlate import related_checks
from noc_app.polling.scheduler import Scheduler
from noc_app.topology.model import CheckSpec, ComponentSpec
from servers import HTTPTestServer


def check(component: str, url: str = "http://127.0.0.1:9/", index: int = 0,
          interval_s: float = 30.0) -> CheckSpec:
    return CheckSpec(key=f"{component}#{index}", component_id=component, kind=CheckKind.HTTP,
                     interval_s=interval_s, timeout_s=2.0, retries=2, url=url)


def component(cid: str, depends_on: tuple[str, ...] = (), checks: int = 1, **kw) -> ComponentSpec:
    return ComponentSpec(id=cid, name=cid, depends_on=depends_on,
                         checks=tuple(check(cid, index=i, **kw) for i in range(checks)))


def test_related_checks_nearest_first_both_directions() -> None:
    components = [
        component("db", checks=2),
        component("cache"),
        component("api", ("db", "cache")),
        component("web", ("api",)),
        component("cdn", ("web",)),
        component("mail"),
    ]
    related = related_checks(components)
    # own other check first, then the dependents (db depends on nothing), outward
    assert related["db#0"] == ("db#1", "api#0", "web#0", "cdn#0")
    # not siblings: cache failing says nothing about db, which api also uses
    assert related["cache#0"] == ("api#0", "web#0", "cdn#0")
    # dependencies and dependents at distance 1 before distance 2
    assert related["api#0"] == ("db#0", "db#1", "cache#0", "web#0", "cdn#0")
    assert related["mail#0"] == ()
    # the limit bounds what one failing check can pull forward
    assert related_checks(components, limit=2)["db#0"] == ("db#1", "api#0")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.runs: dict[str, list[float]] = {}
        self.down_at: dict[str, float] = {}
        self.ok_at: dict[str, float] = {}

    def __call__(self, result, outcome) -> None:
        now = time.monotonic()
        with self.lock:
            self.runs.setdefault(result.check_key, []).append(now)
            if outcome.transition is not None and outcome.transition.from_status != Status.UNKNOWN:
                target = self.down_at if outcome.transition.to_status == Status.DOWN else self.ok_at
                target[result.check_key] = now

    def count(self, key: str) -> int:
        with self.lock:
            return len(self.runs.get(key, []))


def wait_for(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_cascade_is_confirmed_in_seconds_not_intervals() -> None:
    with HTTPTestServer() as srv:
        names = ["db", "api", "web", "mail"]
        for name in names:
            srv.add(f"/{name}", 200, "ok")
        components = [
            ComponentSpec(id="db", name="db", checks=(check("db", srv.url("/db")),)),
            ComponentSpec(id="api", name="api", depends_on=("db",), checks=(check("api", srv.url("/api")),)),
            ComponentSpec(id="web", name="web", depends_on=("api",), checks=(check("web", srv.url("/web")),)),
            ComponentSpec(id="mail", name="mail", checks=(check("mail", srv.url("/mail")),)),
        ]
        specs = [c.checks[0] for c in components]
        recorder = Recorder()
        scheduler = Scheduler(specs, lambda s: run_check(s, thread_local_session(4)), recorder,
                              workers=4, recheck_s=0.4, seed=3, related=related_checks(components))
        scheduler.start()
        try:
            assert wait_for(lambda: all(recorder.count(f"{n}#0") >= 1 for n in names), 5)
            time.sleep(0.6)  # past recheck_s: the first results are no longer fresh
            # every check now waits for its slot, up to 30 s away
            mail_runs = recorder.count("mail#0")
            for name in ("db", "api", "web"):
                srv.add(f"/{name}", 503, "down")
            flipped = time.monotonic()
            scheduler.run_now("db#0")  # db's scheduled run happens to come first
            assert wait_for(lambda: len(recorder.down_at) == 3, 6), recorder.down_at
            # api and web were not due for up to 30 s: only the pulled runs explain this
            for key in ("db#0", "api#0", "web#0"):
                assert recorder.down_at[key] - flipped < 3.0, (key, recorder.down_at[key] - flipped)
            assert scheduler.stats.pulled >= 2
            assert recorder.count("mail#0") == mail_runs  # unrelated: left on its schedule

            # Recovery spreads the same way: the all-clear comes in seconds too.
            for name in ("db", "api", "web"):
                srv.add(f"/{name}", 200, "ok")
            restored = time.monotonic()
            scheduler.run_now("db#0")
            assert wait_for(lambda: len(recorder.ok_at) == 3, 6), recorder.ok_at
            assert max(recorder.ok_at.values()) - restored < 3.0
        finally:
            scheduler.stop(wait=False)


def test_extra_runs_return_each_check_to_its_slot() -> None:
    """A pulled-forward check that turns out fine runs again on its own phase, not the pull's."""
    interval = 1.5
    with HTTPTestServer() as srv:
        srv.add("/db", 200, "ok")
        srv.add("/api", 200, "ok")
        components = [
            ComponentSpec(id="db", name="db", checks=(check("db", srv.url("/db"), interval_s=interval),)),
            ComponentSpec(id="api", name="api", depends_on=("db",),
                          checks=(check("api", srv.url("/api"), interval_s=interval),)),
        ]
        recorder = Recorder()
        scheduler = Scheduler([c.checks[0] for c in components],
                              lambda s: run_check(s, thread_local_session(2)), recorder,
                              workers=2, recheck_s=0.3, seed=5, related=related_checks(components))
        scheduler.start()
        try:
            assert wait_for(lambda: recorder.count("api#0") >= 3, 8)
            with recorder.lock:
                steady = recorder.runs["api#0"][-1]
            # db blips once: api is pulled forward, stays fine, and must go back to its slot
            time.sleep(max(0.0, (steady + interval / 2) - time.monotonic()))  # mid-way between slots
            srv.add("/db", 503, "blip")
            pulled_at = time.monotonic()
            scheduler.run_now("db#0")
            time.sleep(0.05)
            srv.add("/db", 200, "ok")
            before = recorder.count("api#0")
            assert wait_for(lambda: recorder.count("api#0") >= before + 3, 6)
        finally:
            scheduler.stop(wait=False)
        with recorder.lock:
            runs = [t - steady for t in recorder.runs["api#0"] if t > pulled_at]
    assert runs[0] - (pulled_at - steady) < 0.3, f"api was not pulled forward: runs {runs}"
    for t in runs[1:]:  # back on the slots steady + k * interval
        offset = t % interval
        assert min(offset, interval - offset) < 0.25, f"off its slot: runs {runs}"
