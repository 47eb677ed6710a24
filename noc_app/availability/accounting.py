"""Availability per public component, internal component and customer over one period.

Inputs are plain: a topology, the period, and the checks' history
(``history.read_history``). Reachability (what a customer relies on) comes
from the impact engine's dependency graph, so the report and the wall agree
on who is hurt by what.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from noc_app.availability.business_hours import business_spans, describe
from noc_app.availability.history import CheckHistory
from noc_app.availability.intervals import Spans, Window, covered_by_at_least
from noc_app.availability.public import PublicComponent, public_components
from noc_app.availability.sla import SlaStanding, standing
from noc_app.availability.states import State
from noc_app.availability.steps import Steps, down_while, from_transitions, highest, with_maintenance
from noc_app.availability.sweep import Meter
from noc_app.availability.timeline import Breakdown, Levels
from noc_app.impact.customers import BusinessHours
from noc_app.impact.model import ImpactModel
from noc_app.polling.gaps import gap_tolerance_s
from noc_app.topology.model import CustomerSpec, Topology

AROUND_THE_CLOCK = "24x7"


class ScopeError(ValueError):
    """An unknown customer or group: bad input, one line."""


@dataclass(frozen=True)
class Row:
    kind: str  # public | component | customer
    id: str
    name: str
    detail: str  # group (components), tier (customers), member count (public)
    hours: str  # AROUND_THE_CLOCK or the business hours counted
    breakdown: Breakdown | None  # None: not measured (no checks anywhere)
    sla: SlaStanding | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "name": self.name, "detail": self.detail, "hours": self.hours,
                "measured": self.breakdown is not None,
                **(self.breakdown.to_dict() if self.breakdown else {}),
                "sla": self.sla.to_dict() if self.sla else None}


@dataclass(frozen=True)
class Availability:
    start: dt.datetime
    end: dt.datetime  # the period's end, or the report's time when that is earlier
    requested_end: dt.datetime
    business_hours: bool
    customer: str | None
    group: str | None
    public: tuple[Row, ...]
    components: tuple[Row, ...]
    customers: tuple[Row, ...]

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.public + self.components + self.customers


def _ts(at: dt.datetime) -> float:
    return at.timestamp()


def component_steps(topology: Topology, history: CheckHistory, start: float, end: float,
                    components=None) -> dict[str, Steps | None]:
    """Each component's own state over [start, end); None for components without checks.

    ``components``: only these (ComponentSpecs of ``topology``), for a caller that knows the others.
    """
    out: dict[str, Steps | None] = {}
    for comp in topology.components if components is None else components:
        if not comp.checks:
            out[comp.id] = None
            continue
        parts = []
        for check in comp.checks:
            times, states = history.steps(check.key)
            initial = history.initial.get(check.key, State.NO_DATA)
            last = history.last_result.get(check.key)
            if last is None:
                tail = start  # never reported: no data throughout
            elif end - last > gap_tolerance_s(check.interval_s):
                tail = last + check.interval_s  # a result stands for one interval
            else:
                tail = None
            parts.append(from_transitions(start, end, initial, times, states, tail))
        out[comp.id] = with_maintenance(highest(parts), history.maintenance.get(comp.id, Spans.empty()))
    return out


def component_levels(topology: Topology, history: CheckHistory, start: float, end: float
                     ) -> dict[str, Levels | None]:
    """``component_steps`` as nested spans (at least DEGRADED, ..., DOWN)."""
    return {cid: None if steps is None else Levels.of(steps)
            for cid, steps in component_steps(topology, history, start, end).items()}


class _Reach:
    """What each component relies on: itself and everything it depends on, transitively.

    Read off the impact model's *propagation* graph (hard edges, plus one
    virtual node per redundancy group; a group's members are behind it, not
    on the path), column by column of its downstream bit matrix. Indices
    below ``n`` are components, the others redundancy groups.
    """

    def __init__(self, model: ImpactModel):
        self.model = model
        self.graph = model.propagation
        self.n = model.graph.n
        self._cache: dict[int, np.ndarray] = {}

    def upstream_of(self, i: int) -> np.ndarray:
        if i not in self._cache:
            bits = self.graph.downstream_bits
            self._cache[i] = np.flatnonzero((bits[:, i >> 3] >> (7 - (i & 7))) & 1)
        return self._cache[i]

    def closure(self, component_ids) -> tuple[int, ...]:
        found: set[int] = set()
        for cid in component_ids:
            found.update(self.upstream_of(self.model.graph.index[cid]).tolist())
        return tuple(sorted(found))

    def components_in(self, indices) -> set[str]:
        ids = self.model.graph.ids
        return {ids[i] for i in indices if i < self.n}


def _group_steps(model: ImpactModel, reach: _Reach, steps: dict[str, Steps | None], start: float, end: float
                 ) -> dict[int, Steps]:
    """A redundancy group is DOWN while fewer than ``need`` members are up.

    A member is not up while it, or anything it relies on, is DOWN or in
    maintenance. Groups inside a member's own dependencies are looked through
    (their members do not count), a simplification the rules do not need yet.
    """
    out: dict[int, Steps] = {}
    groups = model.groups
    if groups is None:
        return out
    ids = model.graph.ids
    for j, members in enumerate(groups.members):
        not_up = []
        for m in members:
            parts = [steps[ids[i]] for i in reach.upstream_of(m).tolist() if i < reach.n and steps.get(ids[i])]
            not_up.append(highest(parts).at_least(State.MAINTENANCE) if parts else Spans.empty())
        down = covered_by_at_least(not_up, len(members) - int(groups.need[j]) + 1)
        out[reach.n + j] = down_while(down, start, end)
    return out


def compute_availability(topology: Topology, history: CheckHistory, start: dt.datetime, end: dt.datetime, *,
                         now: dt.datetime | None = None, customer: str | None = None, group: str | None = None,
                         business_hours: bool = False, public: tuple[PublicComponent, ...] | None = None
                         ) -> Availability:
    now = now or dt.datetime.now(dt.timezone.utc)
    stop = min(end, now)
    t0, t1 = _ts(start), max(_ts(start), _ts(stop))
    customers_by_id = {c.id: c for c in topology.customers}
    groups = {c.group for c in topology.components}
    if customer is not None and customer not in customers_by_id:
        raise ScopeError(f'--customer: unknown customer "{customer}"; see the [[customer]] ids in the topology')
    if group is not None and group not in groups:
        names = ", ".join(sorted(g for g in groups if g)) or "none"
        raise ScopeError(f'--group: unknown group "{group}"; groups are: {names}')

    model = ImpactModel.from_topology(topology)
    reach = _Reach(model)
    steps = component_steps(topology, history, t0, t1)
    index = model.graph.index
    things = {index[cid]: s for cid, s in steps.items() if s is not None}
    things.update(_group_steps(model, reach, steps, t0, t1))
    meter = Meter(things)
    full = Window(Spans.of([t0], [t1]))

    def hours_of(c: CustomerSpec) -> BusinessHours:
        return BusinessHours(c.timezone, c.business_hours[0], c.business_hours[1], tuple(c.business_days))

    windows: dict[BusinessHours | None, tuple[Window, str]] = {None: (full, AROUND_THE_CLOCK)}

    def window_for(hours: BusinessHours | None) -> tuple[Window, str]:
        if hours not in windows:
            windows[hours] = (Window(business_spans(hours, t0, t1)), describe(hours))
        return windows[hours]

    # Which rows are in scope.
    chosen = customers_by_id[customer] if customer else None
    if chosen is not None:
        relied = reach.components_in(reach.closure(u.component_id for u in chosen.uses))
        comp_ids = [c.id for c in topology.components if c.id in relied]
        cust_list = [chosen]
    elif group is not None:
        comp_ids = [c.id for c in topology.components if c.group == group]
        in_group = set(comp_ids)
        cust_list = [c for c in topology.customers
                     if in_group & reach.components_in(reach.closure(u.component_id for u in c.uses))]
    else:
        comp_ids = [c.id for c in topology.components]
        cust_list = list(topology.customers)
    shown = set(comp_ids)
    publics = [p for p in (public if public is not None else public_components(topology)) if shown & set(p.components)]
    shared_hours = hours_of(chosen) if (business_hours and chosen is not None) else None
    by_id = {c.id: c for c in topology.components}

    def row(kind: str, rid: str, name: str, detail: str, members: tuple[int, ...],
            hours: BusinessHours | None, target: float | None = None) -> Row:
        window, label = window_for(hours)
        breakdown = meter.measure(members, window, hours)
        sla = standing(target, breakdown) if (target is not None and breakdown is not None) else None
        return Row(kind, rid, name, detail, label, breakdown, sla)

    public_rows = tuple(
        row("public", p.id, p.name, f"{len(p.components)} component{'s' if len(p.components) != 1 else ''}",
            reach.closure(p.components), shared_hours)
        for p in publics)
    meter.measure_singles([index[cid] for cid in comp_ids], window_for(shared_hours)[0], shared_hours)
    component_rows = tuple(
        row("component", cid, by_id[cid].name, by_id[cid].group, (index[cid],), shared_hours)
        for cid in comp_ids)
    customer_rows = []
    for c in cust_list:
        hours = hours_of(c) if business_hours else None
        customer_rows.append(row("customer", c.id, c.name, c.tier, reach.closure(u.component_id for u in c.uses),
                                 hours, topology.sla_of(c)))
    return Availability(start=start, end=stop if stop > start else start, requested_end=end,
                        business_hours=business_hours, customer=customer, group=group,
                        public=public_rows, components=component_rows, customers=tuple(customer_rows))
