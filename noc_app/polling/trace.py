"""A per-second trace of one poller run (``poll --trace FILE``): what a lag tail lines up with.

A p50 lag of tens of milliseconds with a p99 of seconds means stalls, not a
lack of throughput; to find them the trace keeps, per second of the run:

- the runs started, and the lag p50 / p99 / max of the steady ones (every
  run after a check's first) and how many first runs started;
- the process's CPU, and each thread's (by thread name: ``check_*``,
  ``recorder``, ``scheduler``, ``leases``, ...), read from /proc;
- the time spent in garbage collection, by generation;
- the *stalls*: a probe thread sleeps 100 ms over and over; waking up more
  than ``STALL_MS`` late means no thread could get the GIL or a core that long;

and every *span* of housekeeping with its start and duration: topology sync,
spool replay, lease refreshes, incident automation, retention, each batch
write (with its rows), long collections, the first round's milestones.

Off by default and then free: ``span`` and ``record_run`` test one global.
On, the probe costs about 2 ms of CPU a second (10 wake-ups, and reading
each thread's CPU from /proc once a second).
The trace is for diagnosis (benches, capacity planning); the file is
written at exit next to ``--stats``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

STALL_MS = 100.0  # a probe that wakes this much late is recorded as a stall
PROBE_S = 0.100
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class RunTrace:
    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self.t0 = clock()
        self.t0_unix = time.time()
        self._lags: dict[int, list[float]] = {}
        self._first: dict[int, int] = {}
        self._gc_ms: dict[int, list[float]] = {}
        self._cpu: dict[int, dict] = {}
        self.spans: list[dict] = []
        self.stalls: list[dict] = []
        self._gc_started: float | None = None
        self._stop = threading.Event()
        self._probe: threading.Thread | None = None

    # -- recording (any thread) ------------------------------------------

    def now(self) -> float:
        return self._clock() - self.t0

    def record_run(self, started: float, lag_s: float, first: bool) -> None:
        second = int(started - self.t0)
        if first:
            self._first[second] = self._first.get(second, 0) + 1
        else:
            self._lags.setdefault(second, []).append(lag_s)

    def add_span(self, name: str, start: float, duration: float, **extra) -> None:
        self.spans.append({"name": name, "at": round(start, 3), "s": round(duration, 4), **extra})

    def mark(self, name: str, **extra) -> None:
        self.add_span(name, self.now(), 0.0, **extra)

    # -- garbage collection -----------------------------------------------

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = self._clock()
            return
        if self._gc_started is None:
            return
        duration = self._clock() - self._gc_started
        self._gc_started = None
        at = self._clock() - self.t0 - duration
        row = self._gc_ms.setdefault(int(at), [0.0, 0.0, 0.0])
        generation = info.get("generation", 0)
        row[generation] += duration * 1000
        if duration >= 0.005:
            self.add_span(f"gc{generation}", at, duration, collected=info.get("collected", 0))

    # -- the probe: stalls and CPU per second -------------------------------

    def start(self) -> RunTrace:
        gc.callbacks.append(self._on_gc)
        self._probe = threading.Thread(target=self._run_probe, name="trace-probe", daemon=True)
        self._probe.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._probe is not None:
            self._probe.join(timeout=2)
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)

    def _run_probe(self) -> None:
        next_cpu = self._clock() + 1.0
        while True:
            before = self._clock()
            if self._stop.wait(PROBE_S):
                return
            after = self._clock()
            late_ms = (after - before - PROBE_S) * 1000
            if late_ms >= STALL_MS:
                self.stalls.append({"at": round(before - self.t0, 3), "ms": round(late_ms, 1)})
            if after >= next_cpu:
                next_cpu += 1.0
                self._cpu[int(after - self.t0)] = _cpu_by_thread()

    # -- output --------------------------------------------------------------

    def to_json(self) -> dict:
        seconds = sorted(set(self._lags) | set(self._first) | set(self._cpu) | set(self._gc_ms))
        rows = []
        previous: dict | None = None
        for s in seconds:
            lags = sorted(self._lags.get(s, ()))
            row: dict = {"t": s, "runs": len(lags), "first_runs": self._first.get(s, 0)}
            if lags:
                row["lag_p50"] = round(lags[len(lags) // 2], 4)
                row["lag_p99"] = round(lags[min(len(lags) - 1, int(len(lags) * 0.99))], 4)
                row["lag_max"] = round(lags[-1], 4)
            if s in self._gc_ms:
                row["gc_ms"] = [round(x, 1) for x in self._gc_ms[s]]
            cpu = self._cpu.get(s)
            if cpu is not None:
                if previous is not None:
                    row["cpu_s"] = round(cpu["total"] - previous["total"], 3)
                    row["threads_cpu_s"] = {
                        name: round(v - previous["threads"].get(name, 0.0), 3)
                        for name, v in cpu["threads"].items()
                        if v - previous["threads"].get(name, 0.0) > 0.0
                    }
                previous = cpu
            rows.append(row)
        return {"t0_unix": self.t0_unix, "pid": os.getpid(), "seconds": rows,
                "spans": sorted(self.spans, key=lambda sp: sp["at"]), "stalls": self.stalls}

    def write(self, path: str | Path) -> None:
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json()) + "\n")
        os.replace(tmp, path)


def _cpu_by_thread() -> dict:
    """Process CPU seconds, and per thread name (threads of one kind summed: ``check_3`` -> ``check``)."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    threads: dict[str, float] = {}
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        tids = []
    for tid in tids:
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / _TICK
        name = names.get(int(tid), "other")
        kind = name.split("_", 1)[0] if name.startswith("check_") else name
        threads[kind] = threads.get(kind, 0.0) + seconds
    times = os.times()
    return {"total": times.user + times.system, "threads": threads}


# -- the one trace of this process (None: tracing off) ----------------------

ACTIVE: RunTrace | None = None


def install() -> RunTrace:
    global ACTIVE
    ACTIVE = RunTrace().start()
    return ACTIVE


def uninstall() -> None:
    global ACTIVE
    if ACTIVE is not None:
        ACTIVE.stop()
    ACTIVE = None


@contextlib.contextmanager
def span(name: str, **extra) -> Iterator[dict]:
    """Time the block as a span of the active trace (a no-op when tracing is off).

    The yielded dict takes extra fields discovered inside the block (rows written...).
    """
    trace = ACTIVE
    if trace is None:
        yield {}
        return
    start = trace.now()
    try:
        yield extra
    finally:
        trace.add_span(name, start, trace.now() - start, **extra)


def mark(name: str, **extra) -> None:
    if ACTIVE is not None:
        ACTIVE.mark(name, **extra)
