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
from noc_app.impact.blast import customer_bits, grouped_blast_radius, tier_counts
from noc_app.impact.customers import BusinessHours, CustomerTable
from noc_app.impact.graph import DependencyGraph
from noc_app.impact.groups import GroupTable
from noc_app.topology.model import Topology

#: Criticality as an orderable small int (higher matters more).
CRITICALITY_RANK: dict[Criticality, int] = {
    Criticality.LOW: 0, Criticality.MEDIUM: 1, Criticality.HIGH: 2, Criticality.CRITICAL: 3,
}
CRITICALITY_BY_RANK: tuple[Criticality, ...] = tuple(
    sorted(CRITICALITY_RANK, key=CRITICALITY_RANK.__getitem__))
NO_USAGE = -1  # rank for "no customer uses this component"

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
    """Graph + customers + map + precomputed blast radius per component.

    ``graph`` holds every dependency edge between real components (what the
    views draw).  ``propagation`` is what failures travel along: the hard
    edges plus one virtual node per redundancy group (see ``groups.py``);
    without groups it is ``graph`` itself.
    """

    def __init__(self, graph: DependencyGraph, customers: CustomerTable, usage: UsageMap, *,
                 component_names: Sequence[str] | None = None,
                 component_criticality: Sequence[Criticality] | None = None,
                 hard_edges: tuple[np.ndarray, np.ndarray] | None = None,
                 groups: GroupTable | None = None) -> None:
        self.graph = graph
        self.customers = customers
        self.usage = usage
        n = graph.n
        self.groups = groups if groups is not None and len(groups) else None
        if self.groups is None:
            self.propagation = graph
        else:
            g = self.groups
            src, dst = hard_edges if hard_edges is not None else (np.zeros(0), np.zeros(0))
            virtual = [f"\x00group:{j}" for j in range(g.g)]  # never shown: results cut at n
            self.propagation = DependencyGraph(
                (*graph.ids, *virtual),
                np.concatenate([np.asarray(src, dtype=np.int64), g.decl_comp]),
                np.concatenate([np.asarray(dst, dtype=np.int64), n + g.decl_group]))
        self.component_names: tuple[str, ...] = (
            tuple(component_names) if component_names is not None else graph.ids)
        crit = component_criticality or [Criticality.MEDIUM] * n
        self.component_criticality: tuple[Criticality, ...] = tuple(crit)
        self.criticality_rank = np.fromiter(
            (CRITICALITY_RANK[c] for c in self.component_criticality), dtype=np.int8, count=n)
        if len(self.component_names) != n or len(self.component_criticality) != n:
            raise ValueError("component columns must all have one entry per component")
        # Filled by the grouped blast radius: per group, what its failure costs and
        # the worst pair of members lost together (SPOF report).
        self.group_blast_counts = np.zeros((0, len(customers.tier_names)), dtype=np.int64)
        self.group_pair_loss: list[tuple[tuple[int, int], np.ndarray]] = []
        if self.groups is None:
            self.blast_counts, self.blast_weight = self._blast_radius()
        else:
            self.blast_counts, self.group_blast_counts, self.group_pair_loss = (
                grouped_blast_radius(self))
            self.blast_weight = self.blast_counts @ customers.tier_weight
        self.group_blast_weight = self.group_blast_counts @ customers.tier_weight

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
        hard = [(index[c.id], index[d]) for c in comps for d in c.hard_depends_on]
        groups = GroupTable(graph.n, [
            (index[c.id], [index[m] for m in grp.members], grp.need, grp.id)
            for c in comps for grp in c.redundancy], ids)
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
                   component_criticality=[c.criticality for c in comps],
                   hard_edges=(np.array([a for a, _ in hard], dtype=np.int64),
                               np.array([b for _, b in hard], dtype=np.int64)),
                   groups=groups)

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
                    schedule_of: np.ndarray | None = None,
                    groups: Sequence[tuple[int, Sequence[int], int]] = ()) -> ImpactModel:
        """Build from compact inputs: edges and map rows as index arrays.

        ``dependents[i]`` depends on ``dependencies[i]``; map row ``j`` says
        customer ``usage_customer[j]`` uses component ``usage_component[j]``
        (``usage_criticality`` as ``CRITICALITY_RANK`` values, default HIGH).
        ``groups``: (declaring component, members, need) redundancy groups; their
        member edges are added to the graph, not given in the edge arrays.
        """
        src = np.asarray(dependents, dtype=np.int64).ravel()
        dst = np.asarray(dependencies, dtype=np.int64).ravel()
        table = GroupTable(len(component_ids), [(a, ms, need, None) for a, ms, need in groups],
                           component_ids)
        soft_src = np.array([a for a, ms, _ in groups for _ in ms], dtype=np.int64)
        soft_dst = np.array([m for _, ms, _ in groups for m in ms], dtype=np.int64)
        graph = DependencyGraph(component_ids, np.concatenate([src, soft_src]),
                                np.concatenate([dst, soft_dst]))
        customers = CustomerTable(customer_ids, customer_tiers, tier_weights=tier_weights,
                                  partner=partner, schedules=schedules, schedule_of=schedule_of)
        usage = UsageMap(graph.n, len(customers), usage_customer, usage_component,
                         usage_criticality)
        return cls(graph, customers, usage, component_names=component_names,
                   component_criticality=component_criticality, hard_edges=(src, dst),
                   groups=table)

    # -- blast radius ----------------------------------------------------
    def _blast_radius(self) -> tuple[np.ndarray, np.ndarray]:
        """(customers lost per component and tier, customer weight lost per component).

        One bit per customer, one row per component: a component's row starts as
        its own users and ORs in the rows of everything that depends on it, in
        reverse topological order, so each edge is one row-OR.
        """
        graph, customers = self.graph, self.customers
        n, k = graph.n, len(customers)
        n_tiers = len(customers.tier_names)
        if n == 0 or k == 0:
            return np.zeros((n, n_tiers), dtype=np.int64), np.zeros(n)
        lost = customer_bits(self, n)
        for i in graph.order[::-1].tolist():
            dependents = graph.dependents_of(i)
            if dependents.size == 1:
                lost[i] |= lost[dependents[0]]
            elif dependents.size:
                lost[i] |= np.bitwise_or.reduce(lost[dependents], axis=0)
        counts = tier_counts(lost, customers)
        return counts, counts @ customers.tier_weight
