"""A public component's state over time, member by member, as the report's public rows count it.

The report measures a public component as the highest state of everything
its members rely on (``accounting.compute_availability``). The status page
needs those very seconds and, at each moment, how many members are DOWN
(all of them: a major outage). So each member becomes one step function,
the highest state of what it relies on (itself, its dependencies, its
redundancy groups); sweeping the members together (``sweep.counted_pieces``)
gives the report's columns exactly and the members' counts besides. The
members' own states (``own_steps``) say when all of them were DOWN
themselves, as the page's live rollup has it.
"""

from __future__ import annotations

from noc_app.availability.accounting import _group_steps, _Reach, component_steps
from noc_app.availability.history import CheckHistory
from noc_app.availability.steps import Steps, highest
from noc_app.impact.model import ImpactModel
from noc_app.topology.model import Topology


class PublicMembers:
    """The topology's reachability, built once and reused for every period measured on it."""

    def __init__(self, topology: Topology):
        self.topology = topology
        self.model = ImpactModel.from_topology(topology)
        self.reach = _Reach(self.model)
        self.index = self.model.graph.index
        self._closures: dict[str, tuple[int, ...]] = {}

    def things(self, history: CheckHistory, start: float, end: float) -> dict[int, Steps]:
        """Every measured component and redundancy group over [start, end), by graph index, as the report has them."""
        steps = component_steps(self.topology, history, start, end)
        things = {self.index[cid]: s for cid, s in steps.items() if s is not None}
        things.update(_group_steps(self.model, self.reach, steps, start, end))
        return things

    def own_steps(self, things: dict[int, Steps], members: tuple[str, ...]) -> list[Steps]:
        """Per member (known, with checks), its own state: what the page's live rollup looks at."""
        return [things[self.index[m]] for m in members if m in self.index and self.index[m] in things]

    def member_steps(self, things: dict[int, Steps], members: tuple[str, ...]) -> list[Steps]:
        """Per member (known, measured), the highest state of what it relies on."""
        out = []
        for m in members:
            if m not in self.index:
                continue
            if m not in self._closures:
                self._closures[m] = self.reach.closure((m,))
            parts = [things[i] for i in self._closures[m] if i in things]
            if parts:
                out.append(highest(parts))
        return out
