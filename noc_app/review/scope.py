"""What a bundle covers: the time window and the dependency neighbourhood of an incident."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

MARGIN = dt.timedelta(hours=1)  # before impact started and after the incident closed
LOOKBACK = dt.timedelta(hours=1)  # how far before the incident opened impact can have started
CHANGE_LOOKBACK = dt.timedelta(hours=24)  # "changes in the last 24 h", as the Investigate stage lists them


def impact_started(opened_at: dt.datetime, detected_at: dt.datetime | None,
                   first_failures: Iterable[dt.datetime]) -> dt.datetime:
    """The earlier of the first confirmed DOWN/DEGRADED transition of the incident's components in
    the hour before it opened, and its ``detected_at`` (DESIGN.md's ``impact_started_at``; the
    review window shows ``noc_app.postmortem.metrics``' figure, computed the same way)."""
    candidates = [detected_at or opened_at]
    candidates += [at for at in first_failures if opened_at - LOOKBACK <= at <= opened_at]
    return min(candidates)


def window(started: dt.datetime, closed_at: dt.datetime | None, restored_at: dt.datetime | None,
           now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[impact started − 1 h, closed + 1 h]; an open incident's window ends now."""
    end = closed_at or restored_at
    end = now if end is None else min(end + MARGIN, now)
    return started - MARGIN, max(end, started)


def neighbourhood(seeds: Iterable[str], edges: Iterable[tuple[str, str]]) -> set[str]:
    """The seeds, everything they depend on and everything depending on them (transitively).

    That is every component whose state can explain or be explained by the
    incident's: the causes upstream, the symptoms and impacted downstream.
    """
    up: dict[str, list[str]] = defaultdict(list)
    down: dict[str, list[str]] = defaultdict(list)
    for user, dependency in edges:
        up[user].append(dependency)
        down[dependency].append(user)
    seeds = set(seeds)
    found = set(seeds)
    for graph in (up, down):
        stack = list(seeds)
        seen = set(seeds)
        while stack:
            for nxt in graph[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        found |= seen
    return found


def neighbourhood_topology(topology, ids):
    """``topology`` cut down to the components ``ids`` (closed under dependencies, as
    ``neighbourhood`` returns them), the customers using them and their maintenance."""
    import dataclasses

    keep = set(ids)
    components = tuple(dataclasses.replace(c, depends_on=tuple(d for d in c.depends_on if d in keep),
                                           redundancy=tuple(g for g in c.redundancy if set(g.members) <= keep))
                       for c in topology.components if c.id in keep)
    customers = tuple(dataclasses.replace(c, uses=uses) for c in topology.customers
                      if (uses := tuple(u for u in c.uses if u.component_id in keep)))
    maintenance = tuple(dataclasses.replace(w, components=tuple(x for x in w.components if x in keep))
                        for w in topology.maintenance if keep & set(w.components))
    return dataclasses.replace(topology, components=components, customers=customers, maintenance=maintenance)
