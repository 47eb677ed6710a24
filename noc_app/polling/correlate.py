"""Which checks to run early when one starts failing (or recovering).

Outages are rarely alone: when the database fails, every service that needs
it fails with it, and the check that happens to run first only sees part of
the picture. Waiting for each of the others' next scheduled run would paint
the blast radius over a whole interval (10 s at the default), with the
probable cause and the customer impact wrong until then. So the first
failing result of a check pulls its neighbours' next runs forward:

- the other checks of the same component (its TCP and TLS checks confirm
  or rule out the network);
- checks on what it depends on, nearest first (the cause is often below);
- checks on what depends on it, nearest first (the blast radius).

Walking the graph breadth-first keeps the nearest neighbours first; ``limit`` bounds the extra load one failing check can
cause (a shared database may have hundreds of dependents: the nearest ones
are worth running now, the others come on their own schedule).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from noc_app.topology.model import ComponentSpec

DEFAULT_LIMIT = 40


def related_checks(components: Iterable[ComponentSpec],
                   limit: int = DEFAULT_LIMIT) -> dict[str, tuple[str, ...]]:
    """check key -> the keys of the checks to run early when it changes, nearest first."""
    components = list(components)
    by_id = {c.id: c for c in components}
    dependents: dict[str, list[str]] = defaultdict(list)
    for component in components:
        for dependency in component.depends_on:
            dependents[dependency].append(component.id)

    related: dict[str, tuple[str, ...]] = {}
    for component in components:
        near = _checks_by_distance(component.id, by_id, dependents, limit)
        for check in component.checks:
            related[check.key] = tuple(key for key in near if key != check.key)[:limit]
    return related


def _checks_by_distance(start: str, by_id: dict[str, ComponentSpec],
                        dependents: dict[str, list[str]], limit: int) -> list[str]:
    """Check keys of ``start`` and its neighbourhood, breadth-first, up to limit + its own.

    Each direction is followed on its own: down through dependencies, up
    through dependents. Turning round would reach siblings (another service
    that shares a dependency with this one), which a failure here says
    nothing about.
    """
    own = len(by_id[start].checks)
    keys: list[str] = []
    seen = {start}
    frontier: list[tuple[str, str]] = [(start, "both")]
    while frontier and len(keys) < limit + own:
        next_frontier: list[tuple[str, str]] = []
        for component_id, direction in frontier:
            component = by_id.get(component_id)
            if component is None:
                continue
            keys.extend(check.key for check in component.checks)
            steps = []
            if direction in ("both", "down"):
                steps += [(dependency, "down") for dependency in component.depends_on]
            if direction in ("both", "up"):
                steps += [(dependent, "up") for dependent in dependents.get(component_id, ())]
            for neighbour, way in steps:
                if neighbour not in seen:
                    seen.add(neighbour)
                    next_frontier.append((neighbour, way))
        frontier = next_frontier
    return keys
