"""The static half of the engine: graph, customers, the customer-component map.

Built once per topology (``ImpactModel.from_topology``) or from plain index
arrays (``ImpactModel.from_arrays``, used by the bench).  Everything here is
read-only after construction; statuses live in ``ImpactEngine``.

Besides indexing, the model precomputes each component's *blast radius*: the
customers lost if that component alone fails (it, or anything depending on it,
is on their map).  That is the SPOF analysis, and it is also the "customer
weight behind" a probable cause, which ranks causes without any per-change work.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from noc_app.domain import Criticality
from noc_app.impact.customers import BusinessHours, CustomerTable
from noc_app.impact.graph import DependencyGraph
from noc_app.topology.model import Topology

#: Criticality as an orderable small int (higher matters more).
CRITICALITY_RANK: dict[Criticality, int] = {
    Criticality.LOW: 0, Criticality.MEDIUM: 1, Criticality.HIGH: 2, Criticality.CRITICAL: 3,
}
CRITICALITY_BY_RANK: tuple[Criticality, ...] = tuple(
    sorted(CRITICALITY_RANK, key=CRITICALITY_RANK.__getitem__))
NO_USAGE = -1  # rank for "no customer uses this component"

try:  # numpy >= 2.0
    _popcount = np.bitwise_count
except AttributeError:  # pragma: no cover - older numpy
    _BYTE_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)

    def _popcount(words: np.ndarray) -> np.ndarray:
        return _BYTE_POPCOUNT[words.view(np.uint8)].reshape(*words.shape, 8).sum(axis=-1)


class UsageMap:
    """The customer-component map as CSR arrays, grouped both ways.

    Duplicate (customer, component) rows are merged, keeping the most critical
    usage, so counts of "hurt usages" per customer stay meaningful.
    """

    def __init__(self, n_components: int, n_customers: int,
                 customer: np.ndarray, component: np.ndarray,
                 criticality: np.ndarray | None = None) -> None:
        customer = np.asarray(customer, dtype=np.int64).ravel()
        component = np.asarray(component, dtype=np.int64).ravel()
        rank = (np.full(customer.shape, CRITICALITY_RANK[Criticality.HIGH], dtype=np.int8)
                if criticality is None else np.asarray(criticality, dtype=np.int8).ravel())
        if not customer.shape == component.shape == rank.shape:
            raise ValueError("usage columns must have the same length")
        if customer.size and (customer.min() < 0 or customer.max() >= n_customers
                              or component.min() < 0 or component.max() >= n_components):
            raise ValueError("usage row refers to a customer or component out of range")
        key = component * max(n_customers, 1) + customer
        # Sort by key, most critical first within a key, then keep the first of each.
        order = np.lexsort((-rank, key))
        key, rank = key[order], rank[order]
        first = np.ones(key.shape, dtype=bool)
        first[1:] = key[1:] != key[:-1]
        key, rank = key[first], rank[first]
        comp, cust = key // max(n_customers, 1), key % max(n_customers, 1)
        self.rows = int(key.size)
        # Grouped by component (already sorted that way).
        self.comp_ptr = np.zeros(n_components + 1, dtype=np.int64)
        np.cumsum(np.bincount(comp, minlength=n_components), out=self.comp_ptr[1:])
        self.customer_by_comp = cust.astype(np.int32)
        self.rank_by_comp = rank
        # Grouped by customer.
        by_cust = np.argsort(cust, kind="stable")
        self.cust_ptr = np.zeros(n_customers + 1, dtype=np.int64)
        np.cumsum(np.bincount(cust, minlength=n_customers), out=self.cust_ptr[1:])
        self.component_by_cust = comp[by_cust].astype(np.int32)
        # Most critical usage per component: urgency needs only this maximum.
        self.max_rank_of_comp = np.full(n_components, NO_USAGE, dtype=np.int8)
        if self.rows:
            np.maximum.at(self.max_rank_of_comp, comp, rank)

    def rows_of_components(self, comps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row positions (in by-component order) for ``comps``, and the comp of each row."""
        starts = self.comp_ptr[comps]
        lengths = self.comp_ptr[comps + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # Standard CSR gather: one arange, shifted per segment.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return offsets + np.arange(total), np.repeat(comps, lengths)


class ImpactModel:
    """Graph + customers + map + precomputed blast radius per component."""

    def __init__(self, graph: DependencyGraph, customers: CustomerTable, usage: UsageMap, *,
                 component_names: Sequence[str] | None = None,
                 component_criticality: Sequence[Criticality] | None = None) -> None:
        self.graph = graph
        self.customers = customers
        self.usage = usage
        n = graph.n
        self.component_names: tuple[str, ...] = (
            tuple(component_names) if component_names is not None else graph.ids)
        crit = component_criticality or [Criticality.MEDIUM] * n
        self.component_criticality: tuple[Criticality, ...] = tuple(crit)
        self.criticality_rank = np.fromiter(
            (CRITICALITY_RANK[c] for c in self.component_criticality), dtype=np.int8, count=n)
        if len(self.component_names) != n or len(self.component_criticality) != n:
            raise ValueError("component columns must all have one entry per component")
        self.blast_counts, self.blast_weight = self._blast_radius()

    @property
    def component_ids(self) -> tuple[str, ...]:
        return self.graph.ids

    # -- builders --------------------------------------------------------
    @classmethod
    def from_topology(cls, topology: Topology) -> ImpactModel:
        comps = topology.components
        ids = [c.id for c in comps]
        index = {cid: i for i, cid in enumerate(ids)}
        edges = [(index[c.id], index[d]) for c in comps for d in c.depends_on]
        graph = DependencyGraph(ids, [a for a, _ in edges], [b for _, b in edges])
        schedule_index: dict[BusinessHours, int] = {}
        schedule_of = []
        for cust in topology.customers:
            hours = BusinessHours(cust.timezone, cust.business_hours[0], cust.business_hours[1],
                                  tuple(cust.business_days))
            schedule_of.append(schedule_index.setdefault(hours, len(schedule_index)))
        customers = CustomerTable(
            [c.id for c in topology.customers], [c.tier for c in topology.customers],
            names=[c.name for c in topology.customers], tier_weights=topology.tier_weights,
            partner=[c.partner for c in topology.customers],
            schedules=tuple(schedule_index) or (BusinessHours(),), schedule_of=schedule_of)
        rows = [(k, index[u.component_id], CRITICALITY_RANK[u.criticality])
                for k, cust in enumerate(topology.customers) for u in cust.uses]
        usage = UsageMap(graph.n, len(customers), *(
            np.array(col, dtype=np.int64) for col in (zip(*rows) if rows else ((), (), ()))))
        return cls(graph, customers, usage, component_names=[c.name for c in comps],
                   component_criticality=[c.criticality for c in comps])

    @classmethod
    def from_arrays(cls, component_ids: Sequence[str], dependents: np.ndarray,
                    dependencies: np.ndarray, customer_ids: Sequence[str],
                    customer_tiers: Sequence[str], usage_customer: np.ndarray,
                    usage_component: np.ndarray, *,
                    usage_criticality: np.ndarray | None = None,
                    component_names: Sequence[str] | None = None,
                    component_criticality: Sequence[Criticality] | None = None,
                    tier_weights: dict[str, float] | None = None,
                    partner: np.ndarray | None = None,
                    schedules: Sequence[BusinessHours] = (BusinessHours(),),
                    schedule_of: np.ndarray | None = None) -> ImpactModel:
        """Build from compact inputs: edges and map rows as index arrays.

        ``dependents[i]`` depends on ``dependencies[i]``; map row ``j`` says
        customer ``usage_customer[j]`` uses component ``usage_component[j]``
        (``usage_criticality`` as ``CRITICALITY_RANK`` values, default HIGH).
        """
        graph = DependencyGraph(component_ids, dependents, dependencies)
        customers = CustomerTable(customer_ids, customer_tiers, tier_weights=tier_weights,
                                  partner=partner, schedules=schedules, schedule_of=schedule_of)
        usage = UsageMap(graph.n, len(customers), usage_customer, usage_component,
                         usage_criticality)
        return cls(graph, customers, usage, component_names=component_names,
                   component_criticality=component_criticality)

    # -- blast radius ----------------------------------------------------
    def _blast_radius(self) -> tuple[np.ndarray, np.ndarray]:
        """(customers lost per component and tier, customer weight lost per component).

        One bit per customer, one row per component: a component's row starts as
        its own users and ORs in the rows of everything that depends on it, in
        reverse topological order, so each edge is one row-OR.
        """
        graph, usage, customers = self.graph, self.usage, self.customers
        n, k = graph.n, len(customers)
        n_tiers = len(customers.tier_names)
        if n == 0 or k == 0:
            return np.zeros((n, n_tiers), dtype=np.int64), np.zeros(n)
        row_bytes = (k + 63) // 64 * 8  # whole uint64 words, for popcount
        lost = np.zeros((n, row_bytes), dtype=np.uint8)
        comp = np.repeat(np.arange(n), np.diff(usage.comp_ptr))
        cust = usage.customer_by_comp
        np.bitwise_or.at(lost.reshape(-1), comp * row_bytes + (cust >> 3),
                         (128 >> (cust & 7)).astype(np.uint8))
        for i in graph.order[::-1].tolist():
            dependents = graph.dependents_of(i)
            if dependents.size == 1:
                lost[i] |= lost[dependents[0]]
            elif dependents.size:
                lost[i] |= np.bitwise_or.reduce(lost[dependents], axis=0)
        words = lost.view(np.uint64)
        counts = np.empty((n, n_tiers), dtype=np.int64)
        for t in range(n_tiers):
            members = np.zeros(row_bytes * 8, dtype=bool)
            members[:k] = customers.tier_of == t
            mask = np.packbits(members).view(np.uint64)
            counts[:, t] = _popcount(words & mask).sum(axis=1)
        return counts, counts @ customers.tier_weight
