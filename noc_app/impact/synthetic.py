"""Seeded synthetic topologies at any scale, for the bench and scale tests.

Shape, loosely like a real estate: low indices are shared infrastructure
(sites, databases, clusters), high indices are services and edges; each edge
points from a component to a lower-index one (so the graph is a DAG by
construction), biased towards infrastructure; customers use the upper part.
This gives the realistic worst case for incremental updates: failing
infrastructure has a downstream cone of most of the graph.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from noc_app.domain import Criticality
from noc_app.impact.customers import BusinessHours
from noc_app.impact.model import ImpactModel

TIER_MIX = {"enterprise": 0.04, "business": 0.16, "partner": 0.05, "standard": 0.75}

SCHEDULES = (
    BusinessHours("UTC"),
    BusinessHours("Europe/London"),
    BusinessHours("Europe/Berlin", dt.time(8), dt.time(17)),
    BusinessHours("America/New_York"),
    BusinessHours("America/Los_Angeles", dt.time(7), dt.time(16)),
    BusinessHours("Asia/Tokyo"),
    BusinessHours("Australia/Sydney", dt.time(22), dt.time(6)),  # night shift
    BusinessHours("UTC", dt.time(0), dt.time(0), (0, 1, 2, 3, 4, 5, 6)),  # 24/7 operations
)


def _unique_pairs(rng: np.random.Generator, count: int, draw, base: int) -> np.ndarray:
    """Draw (a, b) pairs until ``count`` distinct ones exist; returns keys a*base+b."""
    keys = np.zeros(0, dtype=np.int64)
    while keys.size < count:
        a, b = draw(int((count - keys.size) * 1.2) + 16)
        keys = np.unique(np.concatenate([keys, a.astype(np.int64) * base + b]))
    return rng.permutation(keys)[:count]


def synthetic_model(n_components: int = 5_000, n_edges: int = 20_000,
                    n_customers: int = 50_000, n_rows: int = 500_000,
                    seed: int = 0, group_share: float = 0.0) -> ImpactModel:
    return ImpactModel.from_arrays(**synthetic_arrays(
        n_components, n_edges, n_customers, n_rows, seed, group_share))


def synthetic_arrays(n_components: int, n_edges: int, n_customers: int, n_rows: int,
                     seed: int = 0, group_share: float = 0.0) -> dict:
    """Keyword arguments for ``ImpactModel.from_arrays``.

    ``group_share`` of the edges become members of redundancy groups: a
    dependent's chosen edges are cut into pairs (need 1) and triples (need 1
    or 2); a lone leftover stays a plain edge.
    """
    rng = np.random.default_rng(seed)
    n = n_components
    if n_edges > n * (n - 1) // 2:
        raise ValueError("more edges than a DAG on these components can hold")

    def draw_edge(size: int) -> tuple[np.ndarray, np.ndarray]:
        dependent = rng.integers(1, n, size)
        # Squaring a uniform draw leans dependencies towards low (infrastructure) indices.
        dependency = (dependent * rng.random(size) ** 2).astype(np.int64)
        return dependent, dependency

    edges = _unique_pairs(rng, n_edges, draw_edge, n)
    edges, groups = _group_some(rng, edges, n, group_share)
    top = max(1, int(n * 0.6))

    def draw_usage(size: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.integers(0, n_customers, size), n - 1 - rng.integers(0, top, size)

    rows = _unique_pairs(rng, n_rows, draw_usage, n)
    tiers = rng.choice(list(TIER_MIX), size=n_customers, p=list(TIER_MIX.values()))
    criticalities = list(Criticality)
    return dict(
        component_ids=[f"c{i}" for i in range(n)], dependents=edges // n,
        dependencies=edges % n, customer_ids=[f"k{i}" for i in range(n_customers)],
        customer_tiers=tiers.tolist(), usage_customer=rows // n, usage_component=rows % n,
        usage_criticality=rng.integers(0, 4, rows.size),
        component_criticality=[criticalities[i] for i in rng.integers(0, 4, n)],
        partner=tiers == "partner",
        schedules=SCHEDULES, schedule_of=rng.integers(0, len(SCHEDULES), n_customers),
        groups=groups)


def _group_some(rng: np.random.Generator, edges: np.ndarray, n: int, share: float
                ) -> tuple[np.ndarray, list[tuple[int, list[int], int]]]:
    """(plain edge keys, groups) with about ``share`` of the edges moved into groups."""
    if share <= 0 or edges.size == 0:
        return edges, []
    # A lone chosen edge of a dependent stays plain, so choose more than the share
    # until the groups hold it.
    draw = rng.random(edges.size)
    probability = share
    while True:
        plain, groups = _cut_groups(rng, edges, draw < probability, n)
        if plain.size <= edges.size * (1 - share) or probability >= 1:
            return plain, groups
        probability = min(1.0, probability * 1.15)


def _cut_groups(rng, edges: np.ndarray, chosen: np.ndarray, n: int):
    picked = np.sort(edges[chosen])  # sorted keys: one dependent's edges are adjacent
    dependents, dependencies = picked // n, picked % n
    groups: list[tuple[int, list[int], int]] = []
    grouped = np.zeros(picked.size, dtype=bool)
    starts = np.flatnonzero(np.r_[True, dependents[1:] != dependents[:-1]])
    ends = np.r_[starts[1:], picked.size]
    for lo, hi in zip(starts.tolist(), ends.tolist()):
        at = lo
        while hi - at >= 2:
            size = 3 if hi - at >= 3 and rng.random() < 0.3 else 2
            members = dependencies[at:at + size].tolist()
            need = 1 if size == 2 else int(rng.integers(1, 3))
            groups.append((int(dependents[lo]), members, need))
            grouped[at:at + size] = True
            at += size
    return np.concatenate([edges[~chosen], picked[~grouped]]), groups
