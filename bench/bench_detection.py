"""Detection latency bench (issue 3): endpoints flip to failing at random moments; time to DOWN.

    PYTHONPATH=. python bench/bench_detection.py                    # ~2.5 min
    PYTHONPATH=. python bench/bench_detection.py --checks 150 --flips 120 --seconds 110
    PYTHONPATH=. python bench/bench_detection.py --cascade 6         # outages of 6 at once
    PYTHONPATH=. python bench/bench_detection.py --cascade 6 --no-related   # the same, unpulled
    PYTHONPATH=. python bench/bench_detection.py --interval 1        # a 1 s interval

Prints figures; it is not a test. ``--checks`` HTTP checks (10 s interval
unless ``--interval``,
retries = 2, the real ``Scheduler`` with ``recheck_s`` = 2.0 and
``run_check``) poll ``bench/fast_fleet.py`` in a separate process. After every
check has its first result, ``--flips`` endpoints are told to answer 503 at
moments drawn uniformly over ``--seconds`` (an endpoint is flipped only while
its check is confirmed OK and nothing is pending). For each flip it records,
on the bench's monotonic clock:

- flip -> first failing result: the sampling delay, up to one interval;
- first failing result -> confirmed DOWN (``on_outcome`` with a transition to
  DOWN): the confirmation, what the re-check policy controls;
- flip -> DOWN: the sum, what an operator experiences.

As soon as DOWN is confirmed the endpoint is flipped back to 200 and the time
to the confirmed OK is recorded too (recovery).

``--cascade K``: the endpoints form groups of K, one root that the other K-1
depend on (a database and its services), and a flip fails a whole group at
once, as a real outage does. The scheduler gets the topology's related checks
(``noc_app/polling/correlate.py``), so the first failing result in a group
pulls the others forward; ``--no-related`` turns that off for comparison.
Figures are then also given for the first endpoint of each outage to fail
and for the rest of its group. The flip time is taken just
before the control request is sent, so the figures include its round trip
(well under a millisecond).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fast_fleet import FleetProcess  # noqa: E402
from noc_app.checks import run_check  # noqa: E402
from noc_app.checks.session import thread_local_session  # noqa: E402
from noc_app.domain import CheckKind, Status  # noqa: E402
from noc_app.polling.correlate import related_checks  # noqa: E402
from noc_app.polling.scheduler import Scheduler  # noqa: E402
from noc_app.topology.model import CheckSpec, ComponentSpec  # noqa: E402

DEFAULT_INTERVAL_S = 10.0
RETRIES = 2


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(-(-q * len(ordered) // 1)))  # ceil(q * n)
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (f"median {pct(values, 0.5):5.2f} s  p90 {pct(values, 0.9):5.2f} s  "
            f"p99 {pct(values, 0.99):5.2f} s  max {max(values):5.2f} s  (n={len(values)})")


class Tracker:
    """What happened to each flipped endpoint, filled from worker threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.first_result: set[int] = set()
        self.flipped_at: dict[int, float] = {}  # endpoint -> flip time, while failing
        self.outage_of: dict[int, int] = {}  # endpoint -> number of the outage it is part of
        self.first_fail: dict[int, float] = {}
        self.down_at: dict[int, float] = {}
        self.restored_at: dict[int, float] = {}  # endpoint -> flip-back time, while recovering
        self.ok_at: dict[int, float] = {}
        self.samples: list[tuple[int, float, float, float]] = []  # (outage, flip->first fail, first fail->DOWN, flip->DOWN)
        self.recoveries: list[float] = []
        self.unexpected: list[str] = []

    def on_outcome(self, result, outcome) -> None:
        now = time.monotonic()
        i = int(result.component_id[1:])
        with self.lock:
            self.first_result.add(i)
            if i in self.flipped_at and i not in self.down_at:
                if result.status.is_failing and i not in self.first_fail:
                    self.first_fail[i] = now
                if outcome.transition is not None and outcome.transition.to_status == Status.DOWN:
                    self.down_at[i] = now
                    flip = self.flipped_at[i]
                    first = self.first_fail.get(i, now)
                    self.samples.append((self.outage_of[i], first - flip, now - first, now - flip))
            elif i in self.restored_at and i not in self.ok_at:
                if outcome.transition is not None and outcome.transition.to_status == Status.OK:
                    self.ok_at[i] = now
                    self.recoveries.append(now - self.restored_at[i])
            elif outcome.transition is not None and i in self.first_result and outcome.transition.from_status != Status.UNKNOWN:
                self.unexpected.append(f"e{i}: {outcome.transition.from_status.value} -> "
                                       f"{outcome.transition.to_status.value} ({outcome.transition.reason})")


def build(fleet: FleetProcess, n: int, group: int, interval_s: float) -> tuple[list[CheckSpec], list[ComponentSpec]]:
    """One HTTP check per endpoint; in groups of ``group``, members depend on the group's first."""
    components = []
    for i in range(n):
        root = i - i % group
        spec = CheckSpec(key=f"e{i}#0", component_id=f"e{i}", kind=CheckKind.HTTP,
                         interval_s=interval_s, timeout_s=5.0, retries=RETRIES, url=fleet.url(i))
        components.append(ComponentSpec(id=f"e{i}", name=f"e{i}", checks=(spec,),
                                        depends_on=(f"e{root}",) if i != root else ()))
    return [c.checks[0] for c in components], components


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=150)
    parser.add_argument("--flips", type=int, default=120, help="outages (of --cascade endpoints each)")
    parser.add_argument("--seconds", type=float, default=110.0, help="span over which flips happen (max 150)")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--recheck", type=float, default=2.0, help="Scheduler recheck_s (default 2.0)")
    parser.add_argument("--cascade", type=int, default=1, help="endpoints failing together (default 1)")
    parser.add_argument("--no-related", action="store_true", help="don't pull related checks forward")
    parser.add_argument("--interval", type=float, default=DEFAULT_INTERVAL_S, help="check interval, s (default 10)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    interval = max(0.5, args.interval)
    span = min(max(args.seconds, 10.0), 150.0)
    group = max(1, args.cascade)
    n = max(10, min(args.checks, 2000)) // group * group
    groups = n // group
    flips = max(1, min(args.flips, groups * 4))
    rng = random.Random(args.seed)

    print(f"bench_detection {dt.date.today()}  {platform.python_version()}  {os.cpu_count()} cores  "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{n} checks, interval {interval:g} s, retries {RETRIES}, recheck_s {args.recheck}, "
          f"{flips} outages of {group} endpoint(s) over {span:.0f} s, "
          f"related checks pulled forward: {'no' if args.no_related else 'yes'}")
    tracker = Tracker()
    bench_start = time.monotonic()
    with FleetProcess(ports=2) as fleet:
        specs, components = build(fleet, n, group, interval)
        scheduler = Scheduler(
            specs,
            run_check=lambda spec: run_check(spec, thread_local_session(args.workers)),
            on_outcome=tracker.on_outcome,
            workers=args.workers,
            recheck_s=args.recheck,
            seed=args.seed,
            related=None if args.no_related else related_checks(components),
        )
        scheduler.start()
        try:
            deadline = time.monotonic() + interval + 5
            while len(tracker.first_result) < n and time.monotonic() < deadline:
                time.sleep(0.1)
            if len(tracker.first_result) < n:
                raise SystemExit(f"only {len(tracker.first_result)} of {n} checks reported in time")
            time.sleep(interval + 1.0)  # every check on its steady phase
            t0 = time.monotonic()
            plan = sorted(t0 + rng.uniform(0, span) for _ in range(flips))
            skipped = 0
            machines = scheduler.machines
            for outage, when in enumerate(plan):
                # Flip endpoints back as soon as their DOWN is confirmed, while waiting.
                while True:
                    restore_pending(fleet, tracker)
                    delay = when - time.monotonic()
                    if delay <= 0:
                        break
                    time.sleep(min(delay, 0.05))
                with tracker.lock:
                    busy = set(tracker.flipped_at) - set(tracker.down_at)
                    busy |= set(tracker.restored_at) - set(tracker.ok_at)
                    flipped_before = set(tracker.flipped_at)

                def idle(i: int) -> bool:
                    machine = machines[f"e{i}#0"]
                    return i not in busy and machine.status == Status.OK and machine.consecutive_failures == 0

                members = {g: range(g * group, (g + 1) * group) for g in range(groups)}
                ready = [g for g, ids in members.items() if all(idle(i) for i in ids)]
                fresh = [g for g in ready if not any(i in flipped_before for i in members[g])] or ready
                if not fresh:
                    skipped += 1
                    continue
                chosen = list(members[rng.choice(fresh)])
                rng.shuffle(chosen)  # the root is not always the first to fail
                with tracker.lock:  # forget an earlier round of these endpoints
                    for i in chosen:
                        for table in (tracker.first_fail, tracker.down_at, tracker.restored_at, tracker.ok_at):
                            table.pop(i, None)
                for i in chosen:
                    with tracker.lock:
                        tracker.outage_of[i] = outage
                        tracker.flipped_at[i] = time.monotonic()
                    fleet.fail(i)
            tail_deadline = time.monotonic() + interval + 4 * args.recheck + 10
            while time.monotonic() < tail_deadline:
                restore_pending(fleet, tracker)
                with tracker.lock:
                    waiting = (len(set(tracker.flipped_at) - set(tracker.down_at))
                               + len(set(tracker.restored_at) - set(tracker.ok_at)))
                if not waiting:
                    break
                time.sleep(0.05)
        finally:
            scheduler.stop(wait=False)
        served = fleet.stats()["served"]

    with tracker.lock:
        samples = list(tracker.samples)
        recoveries = list(tracker.recoveries)
        undetected = len(set(tracker.flipped_at) - set(tracker.down_at))
        unexpected = list(tracker.unexpected)
    print(f"flips detected {len(samples)}, undetected {undetected}, skipped (no idle endpoint) {skipped}; "
          f"pulled-forward runs {scheduler.stats.pulled}; fleet served {served}; "
          f"bench took {time.monotonic() - bench_start:.0f} s")
    sampling = [s[1] for s in samples]
    confirm = [s[2] for s in samples]
    total = [s[3] for s in samples]
    print(f"flip -> first failing result:  {summary(sampling)}")
    print(f"first failure -> DOWN:         {summary(confirm)}")
    print(f"flip -> DOWN:                  {summary(total)}")
    if group > 1:
        first_of: dict[int, float] = {}
        for outage, *_rest, flip_to_down in samples:
            first_of[outage] = min(first_of.get(outage, float("inf")), flip_to_down)
        firsts = list(first_of.values())
        rest = [s[3] for s in samples if s[3] != first_of[s[0]]]
        print(f"  first of its outage:         {summary(firsts)}")
        print(f"  rest of the outage:          {summary(rest)}")
    print(f"flip back -> OK (recovery):    {summary(recoveries)}")
    if unexpected:
        print(f"unexpected transitions ({len(unexpected)}): {unexpected[:5]}")
    for label, values in (("flip -> DOWN", total), ("first failure -> DOWN", confirm)):
        if values:
            met = pct(values, 0.5) <= 3.0 and pct(values, 0.99) <= 5.0
            print(f"target median <= 3 s, p99 <= 5 s, {label}: {'MET' if met else 'MISSED'}")
    print(f"(sampling alone at a {interval:g} s interval: a uniform flip moment waits "
          f"median {interval / 2:.1f} s, p99 {interval * 0.99:.1f} s for the next scheduled check)")


def restore_pending(fleet: FleetProcess, tracker: Tracker) -> None:
    """Flip confirmed-DOWN endpoints back to 200 and start timing their recovery."""
    with tracker.lock:
        todo = [i for i in tracker.down_at if i not in tracker.restored_at]
    for i in todo:
        with tracker.lock:
            tracker.restored_at[i] = time.monotonic()
        fleet.ok(i)


if __name__ == "__main__":
    main()
