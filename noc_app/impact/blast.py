"""Blast radius with redundancy groups: what each single failure really takes down.

Without groups a component's loss is its downstream cone, and cones nest,
so one reverse-topological pass of row ORs gives every component's lost
customers.  With groups, a failure also takes down every group it leaves
with fewer than ``need`` healthy members, and then that group's own cone.
The same pass still works, because losing more can only break more: the
failure set of ``x`` is ``x`` itself, the failure sets of its hard
dependents, and the failure sets of the groups those leave broken, each
already known when ``x`` is reached (everything downstream of ``x`` comes
first in reverse order, groups included, since a group sits after its
members).  A group can only become newly broken at a node where two
branches meet or at one of its members, so only those nodes count members.
"""

from __future__ import annotations

import itertools

import numpy as np

from noc_app.impact.graph import DependencyGraph

try:  # numpy >= 2.0
    popcount = np.bitwise_count
except AttributeError:  # pragma: no cover - older numpy
    _BYTE_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)

    def popcount(words: np.ndarray) -> np.ndarray:
        return _BYTE_POPCOUNT[words.view(np.uint8)].reshape(*words.shape, 8).sum(axis=-1)


def customer_bits(model, rows: int) -> np.ndarray:
    """(rows, bytes) bit matrix: row i = customers who use component i directly."""
    usage, k, n = model.usage, len(model.customers), model.graph.n
    row_bytes = (k + 63) // 64 * 8  # whole uint64 words, for popcount
    lost = np.zeros((rows, row_bytes), dtype=np.uint8)
    comp = np.repeat(np.arange(n), np.diff(usage.comp_ptr))
    cust = usage.customer_by_comp
    np.bitwise_or.at(lost.reshape(-1), comp * row_bytes + (cust >> 3),
                     (128 >> (cust & 7)).astype(np.uint8))
    return lost


def tier_counts(lost: np.ndarray, customers) -> np.ndarray:
    """Customers set in each row of a ``customer_bits`` matrix, per tier."""
    k, n_tiers = len(customers), len(customers.tier_names)
    words = lost.view(np.uint64)
    counts = np.empty((lost.shape[0], n_tiers), dtype=np.int64)
    for t in range(n_tiers):
        members = np.zeros(lost.shape[1] * 8, dtype=bool)
        members[:k] = customers.tier_of == t
        mask = np.packbits(members).view(np.uint64)
        counts[:, t] = popcount(words & mask).sum(axis=1)
    return counts


def grouped_blast_radius(model) -> tuple[np.ndarray, np.ndarray, list]:
    """(lost per component and tier, lost per group and tier, worst pair per group).

    The worst pair of a group is the two members whose joint loss costs the
    most: what each takes down alone plus, when the group has fewer than two
    spare members, everything behind the group.
    """
    prop, groups = model.propagation, model.groups
    n, g = model.graph.n, groups.g
    total = n + g
    n_tiers = len(model.customers.tier_names)
    if len(model.customers) == 0:
        return (np.zeros((n, n_tiers), dtype=np.int64), np.zeros((g, n_tiers), dtype=np.int64),
                [((ms[0], ms[1]), np.zeros(n_tiers, dtype=np.int64)) for ms in groups.members])
    order = _order_with_soft_edges(prop, groups, n)
    lost = customer_bits(model, total)
    failed = np.zeros((total, (total + 7) // 8), dtype=np.uint8)
    nodes = np.arange(total)
    failed[nodes, nodes >> 3] = (128 >> (nodes & 7)).astype(np.uint8)
    group_nodes = n + np.arange(g)
    for x in order[::-1].tolist():
        dependents = prop.dependents_of(x)
        if dependents.size:
            failed[x] |= np.bitwise_or.reduce(failed[dependents], axis=0)
            lost[x] |= np.bitwise_or.reduce(lost[dependents], axis=0)
        if dependents.size < 2 and not (x < n and groups.is_member[x]):
            continue  # one branch and not a member: nothing newly broken here
        while True:
            bits = np.unpackbits(failed[x], count=total).view(bool)
            members_lost = np.bincount(groups.entry_group, weights=bits[groups.entry_comp],
                                       minlength=g)
            broken = np.flatnonzero((members_lost > groups.spare) & ~bits[group_nodes])
            if broken.size == 0:
                break
            failed[x] |= np.bitwise_or.reduce(failed[n + broken], axis=0)
            lost[x] |= np.bitwise_or.reduce(lost[n + broken], axis=0)
    counts = tier_counts(lost, model.customers)
    pairs = [_worst_pair(j, groups, lost, n, model.customers) for j in range(g)]
    return counts[:n], counts[n:], pairs


def _order_with_soft_edges(prop: DependencyGraph, groups, n: int) -> np.ndarray:
    """Topological order of the propagation graph plus group -> member edges."""
    src = np.repeat(np.arange(prop.n), np.diff(prop._dep_ptr))
    dst = prop._deps.astype(np.int64)
    full = DependencyGraph(prop.ids, np.concatenate([src, n + groups.entry_group]),
                           np.concatenate([dst, groups.entry_comp]))
    return full.order


def _worst_pair(j: int, groups, lost: np.ndarray, n: int, customers):
    members = list(groups.members[j])
    behind = lost[n + j] if groups.spare[j] < 2 else np.zeros_like(lost[0])
    if len(members) > 8:  # keep it bounded: the eight heaviest alone
        alone = tier_counts(lost[members], customers) @ customers.tier_weight
        members = [members[i] for i in np.argsort(-alone, kind="stable")[:8]]
    best = None
    for a, b in itertools.combinations(members, 2):
        row = (lost[a] | lost[b] | behind)[None, :]
        counts = tier_counts(row, customers)[0]
        weight = float(counts @ customers.tier_weight)
        if best is None or weight > best[0]:
            best = (weight, (a, b), counts)
    return best[1], best[2]
