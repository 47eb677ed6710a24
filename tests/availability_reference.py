"""The availability accounting as it was before #12's speed work: the oracle the faster one is compared with.

Per check, four interval unions (one per "at least" level); per component,
the union of its checks and its maintenance; per row, one sweep of +1/-1
events per exact state over every component it relies on. Slower, and
independent of ``noc_app.availability.steps`` / ``sweep``: only the span
algebra (``intervals``), the reachability and the business hours are shared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from noc_app.availability.accounting import _Reach
from noc_app.availability.business_hours import business_spans
from noc_app.availability.public import public_components
from noc_app.availability.intervals import Spans, Window, covered_by_at_least, subtract, union, union_of
from noc_app.availability.states import LEVELS, State
from noc_app.availability.timeline import Breakdown, Levels
from noc_app.impact.customers import BusinessHours
from noc_app.impact.model import ImpactModel
from noc_app.polling.gaps import gap_tolerance_s


def from_steps(start, end, initial, times, states, no_data_from=None) -> Levels:
    seg_start = np.concatenate([[start], np.asarray(times, dtype=np.float64)])
    codes = np.concatenate([[int(initial)], np.asarray(states, dtype=np.int8)])
    seg_end = np.concatenate([seg_start[1:], [end]])
    if no_data_from is not None and no_data_from < end:
        cut = max(no_data_from, start)
        seg_end = np.minimum(seg_end, cut)
        seg_start = np.concatenate([seg_start, [cut]])
        seg_end = np.concatenate([seg_end, [end]])
        codes = np.concatenate([codes, [int(State.NO_DATA)]])
    return Levels(tuple(union_of(seg_start[codes >= level], seg_end[codes >= level]) for level in LEVELS))


def combine(parts: list[Levels]) -> Levels:
    if len(parts) == 1:
        return parts[0]
    return Levels(tuple(union([p.at_least[i] for p in parts]) for i in range(4)))


def with_maintenance(levels: Levels, windows: Spans) -> Levels:
    if not len(windows):
        return levels
    below_down = tuple(union([levels.at_least[i], windows]) for i in range(3))
    return Levels((*below_down, subtract(levels.at_least[3], windows)))


@dataclass(frozen=True)
class Events:
    times: np.ndarray
    deltas: np.ndarray
    columns: np.ndarray

    @classmethod
    def of(cls, levels: Levels) -> Events:
        times, deltas, columns = [], [], []
        for col, spans in enumerate(levels.at_least):
            if col < 3:
                spans = subtract(spans, levels.at_least[col + 1])
            n = spans.starts.size
            times += [spans.starts, spans.ends]
            deltas += [np.ones(n, dtype=np.int32), -np.ones(n, dtype=np.int32)]
            columns += [np.full(2 * n, col, dtype=np.int8)]
        times, deltas, columns = np.concatenate(times), np.concatenate(deltas), np.concatenate(columns)
        order = np.argsort(times, kind="stable")
        return cls(times[order], deltas[order], columns[order])


def measure_combined(parts: list[Events], window: Window) -> Breakdown:
    total = window.length
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
    per_state = np.bincount(state[:-1], weights=np.diff(window.counted_before(times)), minlength=5)
    return Breakdown(period_s=total, up_s=total - float(per_state[1:].sum()), degraded_s=float(per_state[1]),
                     no_data_s=float(per_state[2]), maintenance_s=float(per_state[3]), down_s=float(per_state[4]))


def component_levels(topology, history, start, end) -> dict[str, Levels | None]:
    out = {}
    for comp in topology.components:
        if not comp.checks:
            out[comp.id] = None
            continue
        parts = []
        for check in comp.checks:
            times, states = history.steps(check.key)
            last = history.last_result.get(check.key)
            if last is None:
                tail = start
            elif end - last > gap_tolerance_s(check.interval_s):
                tail = last + check.interval_s
            else:
                tail = None
            parts.append(from_steps(start, end, history.initial.get(check.key, State.NO_DATA), times, states, tail))
        out[comp.id] = with_maintenance(combine(parts), history.maintenance.get(comp.id, Spans.empty()))
    return out


def reference_breakdowns(topology, history, t0: float, t1: float, business_hours: bool = False
                         ) -> dict[tuple[str, str], Breakdown | None]:
    """(kind, id) -> breakdown of every component, public component (one per group) and customer."""
    model = ImpactModel.from_topology(topology)
    reach = _Reach(model)
    ids, index = model.graph.ids, model.graph.index
    levels = component_levels(topology, history, t0, t1)
    events = {index[cid]: Events.of(lv) for cid, lv in levels.items() if lv is not None}
    if model.groups is not None:
        for j, members in enumerate(model.groups.members):
            not_up = []
            for m in members:
                parts = [levels[ids[i]] for i in reach.upstream_of(m).tolist() if i < reach.n and levels.get(ids[i])]
                not_up.append(combine(parts).at_least[2] if parts else Spans.empty())
            down = covered_by_at_least(not_up, len(members) - int(model.groups.need[j]) + 1)
            events[reach.n + j] = Events.of(Levels((down, down, down, down)))
    full = Window(Spans.of([t0], [t1]))

    def measured(members, window):
        parts = [events[i] for i in members if i in events]
        return measure_combined(parts, window) if parts else None

    out = {("component", c.id): measured((index[c.id],), full) for c in topology.components}
    for p in public_components(topology):
        out["public", p.id] = measured(reach.closure(p.components), full)
    for c in topology.customers:
        window = full
        if business_hours:
            hours = BusinessHours(c.timezone, c.business_hours[0], c.business_hours[1], tuple(c.business_days))
            window = Window(business_spans(hours, t0, t1))
        out["customer", c.id] = measured(reach.closure(u.component_id for u in c.uses), window)
    return out
