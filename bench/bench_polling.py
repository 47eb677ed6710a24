"""Polling throughput bench (issue 3): the real Scheduler + run_check against a fast local fleet.

    PYTHONPATH=. python bench/bench_polling.py                      # full sweep, ~6-7 min
    PYTHONPATH=. python bench/bench_polling.py --checks 2000 --seconds 50 --workers 16
    PYTHONPATH=. python bench/bench_polling.py --checks 5000 --mode naive

Prints figures; it is not a test. ``bench/fast_fleet.py`` serves N endpoints
(``GET /e<i>/health`` -> ``200 ok``) from a separate process on a few
loopback ports. Each case runs N HTTP checks at a 10 s interval for
``--seconds`` and reports, over the window after the first interval
(warm-up: connection set-up and the start-up spread), rounded down to whole
intervals so that every check is due the same number of times in it:

- sustained checks/s (completed in the window / window length) against the
  offered rate N / interval;
- scheduling lag (start - due) p50 / p99 / max, from ``Scheduler.stats.lags_s``;
- the poller's CPU (this process's CPU time / wall time, 100 % = one core)
  and the fleet server's, so a saturated server would show;
- errors (results that are not OK).

A case stops early when the lag passes one interval (the poller no longer
keeps up: every check runs less often than its interval).

The naive baseline is what a first version would do: ``requests.get`` per
check (new session and connection every time), a ThreadPoolExecutor(6), and a
dispatcher that submits every check at its due time each round. Its due times
follow the same rule as the Scheduler's (first run spread by the same jitter,
the second at a random moment within one interval of it, then every
interval), so both face the same offered load and the same definition of
lag; only the execution differs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import os
import platform
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402

from fast_fleet import FleetProcess  # noqa: E402
from noc_app.checks import run_check  # noqa: E402
from noc_app.checks.session import thread_local_session  # noqa: E402
from noc_app.domain import CheckKind, Status  # noqa: E402
from noc_app.polling.scheduler import Scheduler  # noqa: E402
from noc_app.topology.model import CheckSpec  # noqa: E402

INTERVAL_S = 10.0
NAIVE_WORKERS = 6


def first_run_spread(interval_s: float) -> float:
    """The window the Scheduler spreads first runs over (mirror of ``Scheduler._jitter``)."""
    return min(interval_s, 2.0)


@dataclass
class Case:
    mode: str
    checks: int
    workers: int
    seconds: float
    offered: float = 0.0
    sustained: float = 0.0
    lags: list[float] = field(default_factory=list)
    cpu: float = 0.0  # fraction of one core
    server_cpu: float = 0.0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    completed: int = 0
    window_s: float = 0.0
    broke_at: float | None = None  # seconds after start when lag passed one interval
    round_p99: list[float] = field(default_factory=list)  # lag p99 of each measured round

    @property
    def meets_target(self) -> bool:
        return self.kept_up and self.pct(0.99) < 1.0

    @property
    def kept_up(self) -> bool:
        return self.broke_at is None and self.sustained >= 0.95 * self.offered

    def pct(self, q: float) -> float:
        return percentile(self.lags, q)

    def line(self) -> str:
        verdict = "kept up" if self.kept_up else (
            f"BROKE at {self.broke_at:.0f} s (lag > {INTERVAL_S:.0f} s)" if self.broke_at is not None
            else "fell behind")
        return (
            f"{self.mode:5} N={self.checks:>6} workers={self.workers:>3}  "
            f"offered {self.offered:7.1f}/s  sustained {self.sustained:7.1f}/s  "
            f"lag p50 {fmt_s(self.pct(0.50))} p99 {fmt_s(self.pct(0.99))} max {fmt_s(max(self.lags, default=float('nan')))}  "
            f"CPU {self.cpu * 100:4.0f} %  server {self.server_cpu * 100:3.0f} %  "
            f"errors {self.errors}  [{verdict}]"
        )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def fmt_s(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "    -"
    if seconds < 1.0:
        return f"{seconds * 1000:4.0f} ms"
    return f"{seconds:5.2f} s"


def make_specs(fleet: FleetProcess, n: int) -> list[CheckSpec]:
    return [
        CheckSpec(key=f"e{i}#0", component_id=f"e{i}", kind=CheckKind.HTTP,
                  interval_s=INTERVAL_S, timeout_s=5.0, retries=2, url=fleet.url(i))
        for i in range(n)
    ]


class Tally:
    """Completed results and errors, counted from worker threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.completed = 0
        self.errors = 0
        self.kinds: dict[str, int] = {}

    def add(self, ok: bool, reason: str | None) -> None:
        with self.lock:
            self.completed += 1
            if not ok:
                self.errors += 1
                key = reason or "?"
                self.kinds[key] = self.kinds.get(key, 0) + 1

    def snapshot(self) -> tuple[int, int]:
        with self.lock:
            return self.completed, self.errors


def measure(case: Case, fleet: FleetProcess, lags: list[float], tally: Tally, stop) -> None:
    """Watch a running case: warm-up, measurement window, early stop; fill ``case``."""
    started = time.monotonic()
    warm_end = started + INTERVAL_S
    rounds = max(1, int((case.seconds - INTERVAL_S) // INTERVAL_S))  # whole intervals only
    end = warm_end + rounds * INTERVAL_S
    while time.monotonic() < warm_end:
        time.sleep(0.2)
    lag_from = len(lags)
    done_from, err_from = tally.snapshot()
    cpu_from = time.process_time()
    server_from = fleet.stats()["cpu_s"]
    window_start = time.monotonic()
    seen = lag_from
    boundaries = [lag_from]  # lag index at each round boundary
    next_boundary = warm_end + INTERVAL_S
    while time.monotonic() < end:
        time.sleep(0.5)
        now_len = len(lags)
        if time.monotonic() >= next_boundary:
            boundaries.append(now_len)
            next_boundary += INTERVAL_S
        recent = lags[seen:now_len]
        seen = now_len
        if recent and max(recent) > INTERVAL_S:
            case.broke_at = time.monotonic() - started
            break
    window_end = time.monotonic()
    cpu_to = time.process_time()
    done_to, err_to = tally.snapshot()
    server_to = fleet.stats()["cpu_s"]
    stop()
    case.window_s = window_end - window_start
    case.lags = list(lags[lag_from:seen])
    boundaries.append(seen)
    case.round_p99 = [percentile(lags[a:b], 0.99) for a, b in zip(boundaries, boundaries[1:]) if b > a]
    case.completed = done_to - done_from
    case.sustained = case.completed / case.window_s
    case.offered = case.checks / INTERVAL_S
    case.cpu = (cpu_to - cpu_from) / case.window_s
    case.server_cpu = (server_to - server_from) / case.window_s
    case.errors = err_to - err_from
    with tally.lock:
        case.error_kinds = dict(tally.kinds)


def run_ours(fleet: FleetProcess, n: int, seconds: float, workers: int) -> Case:
    case = Case("ours", n, workers, seconds)
    specs = make_specs(fleet, n)
    tally = Tally()

    def on_outcome(result, outcome) -> None:
        tally.add(result.status == Status.OK, result.error)

    scheduler = Scheduler(
        specs,
        run_check=lambda spec: run_check(spec, thread_local_session(workers)),  # as PollingService
        on_outcome=on_outcome,
        workers=workers,
        seed=1,
    )
    scheduler.start()
    try:
        measure(case, fleet, scheduler.stats.lags_s, tally, lambda: scheduler.stop(wait=False))
    finally:
        scheduler.stop(wait=True)
    return case


def run_naive(fleet: FleetProcess, n: int, seconds: float, workers: int = NAIVE_WORKERS) -> Case:
    case = Case("naive", n, workers, seconds)
    urls = [fleet.url(i) for i in range(n)]
    tally = Tally()
    lags: list[float] = []
    stopping = threading.Event()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="naive")

    def check(i: int, due: float) -> None:
        if stopping.is_set():
            return
        lags.append(max(0.0, time.monotonic() - due))
        try:
            response = requests.get(urls[i], timeout=5)
            tally.add(response.status_code == 200, f"HTTP {response.status_code}")
        except requests.RequestException as exc:
            tally.add(False, type(exc).__name__)

    def dispatch() -> None:
        rng = random.Random(1)
        t0 = time.monotonic()
        heap = [(t0 + rng.uniform(0, first_run_spread(INTERVAL_S)), i, True) for i in range(n)]
        heapq.heapify(heap)
        while not stopping.is_set():
            due, i, first = heap[0]
            delay = due - time.monotonic()
            if delay > 0:
                stopping.wait(min(delay, 0.5))
                continue
            step = rng.uniform(0, INTERVAL_S) if first else INTERVAL_S  # the Scheduler's re-phase
            heapq.heapreplace(heap, (due + step, i, False))
            pool.submit(check, i, due)

    dispatcher = threading.Thread(target=dispatch, name="naive-dispatch", daemon=True)
    dispatcher.start()

    def stop() -> None:
        stopping.set()
        dispatcher.join(timeout=5)
        pool.shutdown(wait=False, cancel_futures=True)

    try:
        measure(case, fleet, lags, tally, stop)
    finally:
        stop()
        pool.shutdown(wait=True)
    return case


def print_details(case: Case) -> None:
    print("      lag p99 by round: " + ", ".join(fmt_s(x).strip() for x in case.round_p99))
    if case.error_kinds:
        print(f"      errors by reason: {case.error_kinds}")


def compare(mine: Case, base: Case) -> list[str]:
    p99o, p99n = mine.pct(0.99), base.pct(0.99)
    cpu_o = mine.cpu / max(mine.sustained, 1e-9) * 1e6
    cpu_n = base.cpu / max(base.sustained, 1e-9) * 1e6
    return [
        f"  sustained rate ours/naive: {mine.sustained:.1f}/{base.sustained:.1f} = "
        f"{mine.sustained / max(base.sustained, 1e-9):.2f}x",
        f"  p99 lag naive/ours: {fmt_s(p99n).strip()}/{fmt_s(p99o).strip()} = "
        f"{p99n / max(p99o, 1e-6):.1f}x",
        f"  CPU per check ours/naive: {cpu_o:.0f}/{cpu_n:.0f} us",
    ]


def ratio_report(ours: list[Case], naive: list[Case]) -> list[str]:
    lines: list[str] = []
    if not naive:
        return lines
    for label, pick in (("meets p99 lag < 1 s", lambda c: c.meets_target),
                        ("keeps up (sustains the rate, lag bounded)", lambda c: c.kept_up)):
        managed = [c for c in naive if pick(c)]
        if not managed:
            lines.append(f"the naive baseline never {label}")
            continue
        base = max(managed, key=lambda c: c.checks)
        mine = next((c for c in ours if c.checks == base.checks), None)
        lines.append(f"largest N where the naive baseline {label}: {base.checks}"
                     + ("" if mine else " (no matching run of ours)"))
        if mine:
            lines += compare(mine, base)
    for label, pick in (("meets p99 < 1 s", lambda c: c.meets_target), ("keeps up", lambda c: c.kept_up)):
        o = max((c.checks for c in ours if pick(c)), default=None)
        n = max((c.checks for c in naive if pick(c)), default=None)
        lines.append(f"largest N that {label}: ours {o}, naive {n}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", default="2000,5000,10000",
                        help="comma-separated N values (default: 2000,5000,10000)")
    parser.add_argument("--seconds", type=float, default=50.0, help="per case, warm-up included (max 120)")
    parser.add_argument("--workers", type=int, default=16, help="Scheduler workers (the app's default: 16)")
    parser.add_argument("--mode", choices=("both", "ours", "naive"), default="both")
    parser.add_argument("--ports", type=int, default=4, help="fleet listening ports")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="the fleet holds every answer this long (a network round trip)")
    args = parser.parse_args()
    counts = [int(x) for x in args.checks.split(",") if x.strip()]
    seconds = max(INTERVAL_S + 5, min(args.seconds, 120.0))

    print(f"bench_polling {dt.date.today()}  {platform.python_version()}  "
          f"{os.cpu_count()} cores  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"interval {INTERVAL_S:.0f} s, {seconds:.0f} s per case (first {INTERVAL_S:.0f} s warm-up), "
          f"{args.ports} fleet ports")
    ours: list[Case] = []
    naive: list[Case] = []
    bench_start = time.monotonic()
    if args.latency_ms:
        print(f"fleet latency {args.latency_ms:g} ms per answer")
    with FleetProcess(ports=args.ports, delay_ms=args.latency_ms) as fleet:
        for n in counts:
            if args.mode in ("both", "ours"):
                case = run_ours(fleet, n, seconds, args.workers)
                ours.append(case)
                print(case.line(), flush=True)
                print_details(case)
                time.sleep(2)
            if args.mode in ("both", "naive"):
                if naive and not naive[-1].kept_up and naive[-1].checks < n:
                    print(f"naive N={n:>6} skipped (already broke at N={naive[-1].checks})")
                    continue
                case = run_naive(fleet, n, seconds)
                naive.append(case)
                print(case.line(), flush=True)
                print_details(case)
                time.sleep(2)
        served = fleet.stats()["served"]
    print(f"fleet served {served}; bench took {time.monotonic() - bench_start:.0f} s")
    for line in ratio_report(ours, naive):
        print(line)
    target = next((c for c in ours if c.checks == 2000), None)
    if target is not None:
        ok = target.kept_up and target.pct(0.99) < 1.0
        print(f"target 2,000 checks at 10 s with p99 lag < 1 s: {'MET' if ok else 'MISSED'} "
              f"(p99 {fmt_s(target.pct(0.99)).strip()})")


if __name__ == "__main__":
    main()
