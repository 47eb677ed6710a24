"""One thing's state over time, as nested spans: where it was at least DEGRADED, at least NO_DATA, ...

Keeping "at least level L" rather than "exactly L" makes combining things
(a component's checks, a customer's components) a plain union per level, and
precedence falls out: the highest state present at a moment is the one it
is counted in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from noc_app.availability.intervals import Spans, Window, subtract, union, union_of
from noc_app.availability.states import LEVELS, State


@dataclass(frozen=True)
class Levels:
    """``at_least[i]`` = spans where the state was >= ``LEVELS[i]``; each contains the next."""

    at_least: tuple[Spans, Spans, Spans, Spans]

    @classmethod
    def empty(cls) -> Levels:
        return cls((Spans.empty(),) * 4)

    @classmethod
    def constant(cls, state: State, start: float, end: float) -> Levels:
        full = Spans.of([start], [end])
        return cls(tuple(full if state >= level else Spans.empty() for level in LEVELS))


def from_steps(start: float, end: float, initial: State, times: np.ndarray, states: np.ndarray,
               no_data_from: float | None = None) -> Levels:
    """A check's levels over [start, end) from its confirmed transitions.

    ``initial`` holds from ``start`` to the first of ``times`` (sorted,
    inside the period); ``states[i]`` from ``times[i]`` to the next. After
    ``no_data_from`` (its last result, when no poller runs now) it is NO_DATA.
    """
    seg_start = np.concatenate([[start], np.asarray(times, dtype=np.float64)])
    codes = np.concatenate([[int(initial)], np.asarray(states, dtype=np.int8)])
    seg_end = np.concatenate([seg_start[1:], [end]])
    if no_data_from is not None and no_data_from < end:
        cut = max(no_data_from, start)
        seg_end = np.minimum(seg_end, cut)
        seg_start = np.concatenate([seg_start, [cut]])
        seg_end = np.concatenate([seg_end, [end]])
        codes = np.concatenate([codes, [int(State.NO_DATA)]])
    out = []
    for level in LEVELS:
        mask = codes >= level
        out.append(union_of(seg_start[mask], seg_end[mask]))
    return Levels(tuple(out))


def combine(parts: list[Levels]) -> Levels:
    """The state of several things at once: the highest of theirs at every moment."""
    if len(parts) == 1:
        return parts[0]
    return Levels(tuple(union([p.at_least[i] for p in parts]) for i in range(4)))


def with_maintenance(levels: Levels, windows: Spans) -> Levels:
    """Inside declared maintenance the state is MAINTENANCE, whatever the checks said."""
    if not len(windows):
        return levels
    below_down = tuple(union([levels.at_least[i], windows]) for i in range(3))
    return Levels((*below_down, subtract(levels.at_least[3], windows)))


@dataclass(frozen=True)
class Breakdown:
    """Seconds of a period in each column; they add up to ``period_s``."""

    period_s: float
    up_s: float
    degraded_s: float
    no_data_s: float
    maintenance_s: float
    down_s: float

    @property
    def measured_s(self) -> float:
        """What availability is a share of: the period without maintenance and without data gaps."""
        return self.period_s - self.maintenance_s - self.no_data_s

    @property
    def accountable_s(self) -> float:
        """The period without maintenance: what an SLA budget is a share of."""
        return self.period_s - self.maintenance_s

    @property
    def availability(self) -> float | None:
        measured = self.measured_s
        return (self.up_s + self.degraded_s) / measured if measured > 0 else None

    @property
    def worst_case(self) -> float | None:
        accountable = self.accountable_s
        return (self.up_s + self.degraded_s) / accountable if accountable > 0 else None

    def to_dict(self) -> dict:
        return {"period_s": round(self.period_s, 3), "up_s": round(self.up_s, 3),
                "degraded_s": round(self.degraded_s, 3), "no_data_s": round(self.no_data_s, 3),
                "maintenance_s": round(self.maintenance_s, 3), "down_s": round(self.down_s, 3),
                "availability": None if self.availability is None else round(self.availability, 8),
                "worst_case": None if self.worst_case is None else round(self.worst_case, 8)}


def measure(levels: Levels, window: Window) -> Breakdown:
    m = [window.measure(spans) for spans in levels.at_least]
    total = window.length
    return Breakdown(period_s=total, up_s=total - m[0], degraded_s=m[0] - m[1], no_data_s=m[1] - m[2],
                     maintenance_s=m[2] - m[3], down_s=m[3])


@dataclass(frozen=True)
class Events:
    """A thing's levels flattened to boundary events, ready to be merged with other things' in one sort.

    Each span where the thing was in exactly state L gives +1 at its start and
    -1 at its end in column L; after a merge, the state at a moment is the
    highest column with a positive running count (the highest of the things'
    states). One sort and one cumulative sum per row of a report, whatever the
    number of things combined, and two events per spell of trouble.
    """

    times: np.ndarray
    deltas: np.ndarray  # +1 / -1
    columns: np.ndarray  # 0..3: LEVELS index

    @classmethod
    def of(cls, levels: Levels) -> Events:
        times, deltas, columns = [], [], []
        for col, spans in enumerate(levels.at_least):
            if col < 3:  # exactly this state: at least it, and not the next one up
                spans = subtract(spans, levels.at_least[col + 1])
            n = spans.starts.size
            times += [spans.starts, spans.ends]
            deltas += [np.ones(n, dtype=np.int32), -np.ones(n, dtype=np.int32)]
            columns += [np.full(2 * n, col, dtype=np.int8)]
        times, deltas, columns = np.concatenate(times), np.concatenate(deltas), np.concatenate(columns)
        # Sorted once here: merging several things is then a merge of sorted runs (timsort), not a full sort.
        order = np.argsort(times, kind="stable")
        return cls(times[order], deltas[order], columns[order])


def measure_combined(parts: list[Events], window: Window) -> Breakdown:
    """Like ``measure(combine(levels), window)``, in one sweep over all the parts' events."""
    total = window.length
    if len(parts) == 1:
        times, deltas, columns = parts[0].times, parts[0].deltas, parts[0].columns
    else:
        times = np.concatenate([p.times for p in parts])
        order = np.argsort(times, kind="stable")
        times = times[order]
        deltas = np.concatenate([p.deltas for p in parts])[order]
        columns = np.concatenate([p.columns for p in parts])[order]
    if times.size == 0:
        return Breakdown(total, total, 0.0, 0.0, 0.0, 0.0)
    counts = np.zeros((times.size, 4), dtype=np.int32)
    counts[np.arange(times.size), columns] = deltas
    active = np.cumsum(counts, axis=0) > 0
    state = np.where(active.any(axis=1), 4 - np.argmax(active[:, ::-1], axis=1), 0)
    counted = window.counted_before(times)
    per_state = np.bincount(state[:-1], weights=np.diff(counted), minlength=5)
    return Breakdown(period_s=total, up_s=total - float(per_state[1:].sum()), degraded_s=float(per_state[1]),
                     no_data_s=float(per_state[2]), maintenance_s=float(per_state[3]), down_s=float(per_state[4]))
