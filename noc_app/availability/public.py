"""Public components: what the status page shows, each a set of internal components.

Declared in the topology's ``[[status_page.component]]`` tables once the
status page (issue 12, the other half) lands; until then, and for any
topology that declares none, one public component per component group — the
same default the status page uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from noc_app.topology.model import Topology


@dataclass(frozen=True)
class PublicComponent:
    id: str
    name: str
    components: tuple[str, ...]


def public_components(topology: Topology) -> tuple[PublicComponent, ...]:
    # MERGE POINT (status page branch): when the topology carries declared
    # status-page components, return those here instead of the group default.
    declared = getattr(getattr(topology, "status_page", None), "components", None)
    if declared:
        return tuple(PublicComponent(p.id, p.name, tuple(p.components)) for p in declared)
    groups: dict[str, list[str]] = {}
    for c in topology.components:
        groups.setdefault(c.group or "Other", []).append(c.id)
    return tuple(PublicComponent(_slug(name), name, tuple(ids)) for name, ids in groups.items())


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "other"
