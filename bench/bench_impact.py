"""Speed bench for the status and customer-impact engine (issue 4).

    PYTHONPATH=. python bench/bench_impact.py [--changes 200] [--seed 0] [--group-share 0.2]

Generated topology: 5,000 components, 20,000 dependency edges (DAG),
50,000 customers, 500,000 map rows.  Targets: full computation < 200 ms,
incremental update after one component changes < 10 ms.  With
``--group-share 0.2`` (issue 14) a fifth of the edges are members of
redundancy groups (pairs and triples): full <= 20 ms, incremental <= 5 ms.

"Full" = statuses dict -> rollup, causes, customer counts, then what the wall
reads on each transition: ranked probable causes, totals by tier and the
suggested priority.  "Incremental" = ``set_status`` for one component, then the
same reads.  Building every hurt customer's JSON row is proportional to the
number hurt, not to the change, so it is timed separately ("document").
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from noc_app.domain import Status  # noqa: E402
from noc_app.impact import (  # noqa: E402
    ImpactEngine, ImpactModel, status_document, suggest_priority)
from noc_app.impact.synthetic import synthetic_arrays  # noqa: E402

# Mostly healthy, like a real estate: about a third of changes are failures.
CHANGE_MIX = ([Status.OK] * 10 + [Status.DOWN] * 3 + [Status.DEGRADED] * 3
              + [Status.UNKNOWN] * 2 + [Status.MAINTENANCE])


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def wall_reads(result, at: dt.datetime) -> None:
    """What the wall asks for after every transition."""
    result.probable_causes
    result.totals_by_tier(at)
    suggest_priority(result, at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--full-runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--group-share", type=float, default=0.0,
                        help="share of the edges in redundancy groups (issue 14 target: 0.2)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    at = dt.datetime(2026, 11, 23, 14, 30, tzinfo=dt.timezone.utc)

    t0 = time.perf_counter()
    arrays = synthetic_arrays(5_000, 20_000, 50_000, 500_000, seed=args.seed,
                              group_share=args.group_share)
    generate = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = ImpactModel.from_arrays(**arrays)
    build = time.perf_counter() - t0
    ids = model.graph.ids
    groups = model.groups
    in_groups = int(groups.entry_comp.size) if groups else 0
    print(f"topology: {model.graph.n} components, {model.graph.edge_count} edges "
          f"({in_groups} in {len(groups) if groups else 0} redundancy groups), "
          f"{len(model.customers)} customers, {model.usage.rows} map rows")
    targets = (20, 5) if groups else (200, 10)
    print(f"generate inputs: {_ms(generate):.0f} ms; build model (graph, closure, map indexes, "
          f"blast radius): {_ms(build):.0f} ms")

    engine = ImpactEngine(model)
    # A realistic incident state to compute from: a few dozen failing components.
    statuses = {cid: rng.choice(CHANGE_MIX[10:]) for cid in rng.sample(ids, 40)}
    full = []
    cpu_full_start = time.process_time()
    for _ in range(args.full_runs):
        t0 = time.perf_counter()
        result = engine.compute(statuses)
        wall_reads(result, at)
        full.append(time.perf_counter() - t0)
    cpu_per_full = (time.process_time() - cpu_full_start) / args.full_runs

    # Heavier incident: a tenth of the estate failing at once.
    heavy = {cid: rng.choice(CHANGE_MIX[10:]) for cid in rng.sample(ids, len(ids) // 10)}
    full_heavy = []
    for _ in range(max(3, args.full_runs // 3)):
        t0 = time.perf_counter()
        wall_reads(engine.compute(heavy), at)
        full_heavy.append(time.perf_counter() - t0)
    engine.compute(statuses)

    incremental = []
    incremental_cpu = []
    cone_sizes = []
    for _ in range(args.changes):
        cid = rng.choice(ids)
        status = rng.choice(CHANGE_MIX)
        t0, c0 = time.perf_counter(), time.process_time()
        engine.set_status(cid, status)
        result = engine.result()
        wall_reads(result, at)
        incremental.append(time.perf_counter() - t0)
        incremental_cpu.append(time.process_time() - c0)
        cone_sizes.append(int(model.propagation.downstream_mask(model.graph.index[cid]).sum()))

    t0 = time.perf_counter()
    check = engine.compute({cid: engine.own_status(cid) for cid in ids})
    recompute = time.perf_counter() - t0
    same = all((getattr(result, a) == getattr(check, a)).all() for a in (
        "own", "effective", "severity", "probable_cause_mask", "customer_hurt", "customer_down",
        "redundancy_lost", "group_code"))

    t0 = time.perf_counter()
    doc = status_document(result, at)
    document = time.perf_counter() - t0

    full_p50, inc_p50 = _ms(statistics.median(full)), _ms(statistics.median(incremental))
    print(f"full computation ({len(statuses)} failing, {args.full_runs} runs): "
          f"p50 {full_p50:.1f} ms, p95 {_ms(_p(full, 0.95)):.1f} ms   (target < {targets[0]} ms)")
    print(f"full computation ({len(heavy)} failing): p50 {_ms(statistics.median(full_heavy)):.1f} ms, "
          f"p95 {_ms(_p(full_heavy, 0.95)):.1f} ms")
    print(f"incremental ({args.changes} random changes, downstream cone median "
          f"{statistics.median(cone_sizes):.0f}, max {max(cone_sizes)} components): "
          f"p50 {inc_p50:.2f} ms, p95 {_ms(_p(incremental, 0.95)):.2f} ms, "
          f"max {_ms(max(incremental)):.2f} ms   (target < {targets[1]} ms)")
    print(f"CPU time of this process (not inflated by other processes on a busy machine): "
          f"full {_ms(cpu_per_full):.2f} ms (mean); incremental p50 "
          f"{_ms(statistics.median(incremental_cpu)):.2f} ms, p95 {_ms(_p(incremental_cpu, 0.95)):.2f} ms, "
          f"max {_ms(max(incremental_cpu)):.2f} ms")
    print(f"ratio incremental/full (p50): {inc_p50 / full_p50:.3f}")
    print(f"after the changes: {len(result.failing)} failing, "
          f"{len(result.probable_causes)} probable causes, {result.impacted_count} customers hurt, "
          f"{int(result.redundancy_lost.sum())} components with redundancy lost; "
          f"incremental state equals full recomputation: {same} "
          f"(recompute {_ms(recompute):.1f} ms)")
    print(f"status --json document ({len(doc['impacted_customers'])} customers listed): "
          f"{_ms(document):.0f} ms")
    if not same:
        sys.exit("incremental state differs from full recomputation")


if __name__ == "__main__":
    main()
