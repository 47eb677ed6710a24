"""What one ``poll`` run did, as JSON (``poll --stats FILE``, written at exit).

For benches and capacity planning: how many checks ran, how late they
started (scheduling lag), how much CPU and memory the poller used. With
``--processes N`` every child writes its own file and the supervisor adds
them up (``merge``): counts and CPU add, the lag histograms add, so the
percentiles are those of all runs of all children.

Shape (keys are only ever added to)::

    {"processes": 1, "pids": [123], "wall_s": 61.2,
     "runs": 60000, "first_runs": 10000, "results_written": 60000,
     "lag_s": {"p50": 0.001, "p99": 0.012, "max": 0.2},   # steady runs only
     "cpu_s": 55.1, "max_rss_mb": [80.5],
     "lag_ms_histogram": {"0": 59000, "1": 800, ...}}

``lag_s`` covers every run after a check's first: the first round runs all
checks at once by design, so its lag measures the round, not the poller.
"""

from __future__ import annotations

import json
import os
import resource
from collections.abc import Iterable, Mapping
from pathlib import Path


def percentiles(histogram: Mapping[int, int]) -> dict[str, float | None]:
    """p50 / p99 / max in seconds of a {lag in ms: runs} histogram."""
    total = sum(histogram.values())
    if not total:
        return {"p50": None, "p99": None, "max": None}
    ordered = sorted(histogram.items())
    out: dict[str, float | None] = {}
    for name, q in (("p50", 0.50), ("p99", 0.99)):
        rank = min(total - 1, int(q * total))
        seen = 0
        for ms, count in ordered:
            seen += count
            if seen > rank:
                out[name] = ms / 1000
                break
    out["max"] = ordered[-1][0] / 1000
    return out


def this_process(scheduler_stats, results_written: int, wall_s: float) -> dict:
    """The stats of this poller process (CPU from its own rusage)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    histogram = dict(scheduler_stats.steady_lag_ms)
    return {
        "processes": 1,
        "pids": [os.getpid()],
        "wall_s": round(wall_s, 3),
        "runs": scheduler_stats.runs,
        "first_runs": scheduler_stats.first_runs,
        "results_written": results_written,
        "lag_s": percentiles(histogram),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "max_rss_mb": [round(usage.ru_maxrss / 1024, 1)],  # Linux: KiB
        "lag_ms_histogram": {str(ms): n for ms, n in sorted(histogram.items())},
    }


def merge(parts: Iterable[dict]) -> dict:
    """One figure for several poller processes."""
    parts = list(parts)
    histogram: dict[int, int] = {}
    for part in parts:
        for ms, n in part.get("lag_ms_histogram", {}).items():
            histogram[int(ms)] = histogram.get(int(ms), 0) + n
    return {
        "processes": sum(p.get("processes", 1) for p in parts),
        "pids": [pid for p in parts for pid in p.get("pids", [])],
        "wall_s": max((p.get("wall_s", 0.0) for p in parts), default=0.0),
        "runs": sum(p.get("runs", 0) for p in parts),
        "first_runs": sum(p.get("first_runs", 0) for p in parts),
        "results_written": sum(p.get("results_written", 0) for p in parts),
        "lag_s": percentiles(histogram),
        "cpu_s": round(sum(p.get("cpu_s", 0.0) for p in parts), 3),
        "max_rss_mb": [mb for p in parts for mb in p.get("max_rss_mb", [])],
        "lag_ms_histogram": {str(ms): n for ms, n in sorted(histogram.items())},
    }


def write(path: str | Path, stats: dict) -> None:
    """Atomically: a reader never sees half a file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(stats, indent=1) + "\n")
    os.replace(tmp, path)


def read(path: str | Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
