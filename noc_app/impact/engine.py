"""The status engine: own statuses in, rollup + probable causes + impact out.

State kept per component: its own status and how many of its (transitive)
dependencies are DOWN and how many are DEGRADED.  Those counts make every
derived fact local:

* effective status: own if failing (DOWN/DEGRADED) or MAINTENANCE, else
  IMPACTED when a dependency fails, else own;
* probable cause: failing with zero failing dependencies (otherwise: symptom);
* severity reaching users: the worst of own and dependencies, none while in
  MAINTENANCE (planned downtime is announced, not an incident).

Per customer the engine keeps how many of its used components hurt it, and
how many hurt it at DOWN severity; a customer is impacted when the first
count is non-zero.

A change of one component's own status moves the counts only inside its
downstream cone (one precomputed bit row), then customer counts move only for
map rows of components whose severity changed.  ``compute`` builds the same
state from scratch; the property tests hold the two to equality.

Redundancy groups (``groups.py``) are virtual nodes of the propagation
graph, after the real components: a group's "own status" is derived from its
members (DOWN or DEGRADED once fewer than ``need`` are healthy) and moves
the counts of its cone like a real failure would.  A group's members may sit
downstream of other groups, so after the real changes the group statuses
are re-evaluated until none moves (at most one round per level of group
nesting); full and incremental runs reach the same fixed point.  A
component whose groups lost members but still have enough is flagged
``redundancy_lost`` (AT RISK on the wall) and hurts nobody.

Why an UNKNOWN component with a failing dependency shows IMPACTED: the
dependency failure is a fact while its own check is not, and the wall should
steer people to the cause; its own UNKNOWN stays visible as ``own_status``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from noc_app.domain import Status
from noc_app.impact import codes as c
from noc_app.impact.model import ImpactModel
from noc_app.impact.result import ImpactResult


class ImpactEngine:
    """Mutable engine over one ``ImpactModel``; hands out immutable ``ImpactResult``s."""

    def __init__(self, model: ImpactModel, statuses: Mapping[str, Status | str] | None = None,
                 *, strict: bool = True) -> None:
        self.model = model
        self.compute(statuses or {}, strict=strict)

    # -- full computation -----------------------------------------------
    def compute(self, statuses: Mapping[str, Status | str], *, strict: bool = True) -> ImpactResult:
        """Reset to ``statuses`` (components not named are OK) and recompute everything.

        ``strict=False`` skips ids the model does not know (a database may hold
        rows for components since removed from the topology).
        """
        graph = self.model.graph
        own = np.zeros(graph.n, dtype=np.int8)
        groups = self.model.groups
        self._group_code = np.zeros(len(groups) if groups else 0, dtype=np.int8)
        for cid, status in statuses.items():
            i = graph.index.get(cid)
            if i is None:
                if strict:
                    raise KeyError(f"unknown component {cid!r}")
                continue
            own[i] = c.own_status_code(status)
        return self.compute_codes(own)

    def compute_codes(self, own: np.ndarray) -> ImpactResult:
        """``compute`` from own statuses already as status codes, one per component in model order.

        For callers that keep statuses as arrays (the review replay): no per-component lookups.
        """
        own = np.asarray(own, dtype=np.int8).copy()
        self._own = own
        self._down_up = self._count_dependents_of(self._sources(c.DOWN))
        self._degraded_up = self._count_dependents_of(self._sources(c.DEGRADED))
        self._settle_groups()
        self._derive()
        self._customer_hurt, self._customer_down = self._customer_counts()
        return self.result()

    def _sources(self, code: int) -> np.ndarray:
        """Nodes of the propagation graph (components, then groups) whose own code is ``code``."""
        return np.concatenate([self._own == code, self._group_code == code])

    def _count_dependents_of(self, sources: np.ndarray) -> np.ndarray:
        """Per node: how many ``sources`` it (strictly, transitively) hard-depends on."""
        graph = self.model.propagation
        counts = np.zeros(graph.n, dtype=np.int32)
        src = np.flatnonzero(sources)
        for lo in range(0, src.size, 512):  # bounded temporary: 512 x n bytes
            chunk = np.unpackbits(graph.downstream_bits[src[lo:lo + 512]], axis=1, count=graph.n)
            counts += chunk.sum(axis=0, dtype=np.int32)
        return counts - sources  # a component is in its own cone; it is not its own dependency

    def _customer_counts(self) -> tuple[np.ndarray, np.ndarray]:
        usage, k = self.model.usage, len(self.model.customers)
        result = []
        for hurting in (self._severity > c.SEVERITY_NONE, self._severity == c.SEVERITY_DOWN):
            rows, _ = usage.rows_of_components(np.flatnonzero(hurting))
            result.append(np.bincount(usage.customer_by_comp[rows], minlength=k).astype(np.int32))
        return result[0], result[1]

    # -- incremental -----------------------------------------------------
    def set_status(self, component_id: str, status: Status | str) -> tuple[str, ...]:
        """Change one component's own status; returns the ids whose shown state changed."""
        return self.set_statuses({component_id: status})

    def set_statuses(self, changes: Mapping[str, Status | str]) -> tuple[str, ...]:
        """Apply several own-status changes at once.

        Returns the components whose effective status, probable-cause flag or
        lost redundancy members changed (what a view has to repaint), in model order.
        """
        graph = self.model.graph
        updates = [(graph.index[cid], c.own_status_code(s)) for cid, s in changes.items()]
        old_effective, old_cause = self._effective, self._probable_cause
        old_severity, old_lost = self._severity, self._redundancy_lost
        old_members_lost = self._group_lost
        touched = False
        for i, new in updates:
            old = int(self._own[i])
            if old == new:
                continue
            touched = True
            self._own[i] = new
            self._move_cone(i, old, new)
        if not touched:
            return ()
        self._settle_groups()
        self._derive()
        self._apply_customer_delta(old_severity, self._severity)
        changed = ((old_effective != self._effective) | (old_cause != self._probable_cause)
                   | (old_lost != self._redundancy_lost))
        groups = self.model.groups
        if groups is not None:
            moved = old_members_lost != self._group_lost  # which members are lost, per entry
            if moved.any():
                per_group = np.bincount(groups.entry_group, weights=moved, minlength=len(groups)) > 0
                changed |= groups.per_component(per_group)
        return tuple(graph.ids[i] for i in np.flatnonzero(changed))

    def _move_cone(self, node: int, old: int, new: int) -> None:
        """Node ``node`` of the propagation graph went from code ``old`` to ``new``."""
        if _failure_class(old) == _failure_class(new):
            return
        cone = self.model.propagation.downstream_mask(node).astype(np.int32)
        cone[node] = 0
        for counts, code in ((self._down_up, c.DOWN), (self._degraded_up, c.DEGRADED)):
            counts += cone * ((new == code) - (old == code))

    def _move_cones(self, nodes: np.ndarray, old: np.ndarray, new: np.ndarray) -> None:
        """``_move_cone`` for many nodes at once (one unpack, one weighted sum per count)."""
        if nodes.size == 1:
            self._move_cone(int(nodes[0]), int(old[0]), int(new[0]))
            return
        graph = self.model.propagation
        for lo in range(0, nodes.size, 256):  # bounded temporary: 256 x n bytes
            part = slice(lo, lo + 256)
            cones = np.unpackbits(graph.downstream_bits[nodes[part]], axis=1, count=graph.n)
            cones[np.arange(cones.shape[0]), nodes[part]] = 0
            for counts, code in ((self._down_up, c.DOWN), (self._degraded_up, c.DEGRADED)):
                gained, lost = new[part] == code, old[part] == code
                if gained.any():
                    counts += cones[gained].sum(axis=0, dtype=np.int32)
                if lost.any():
                    counts -= cones[lost].sum(axis=0, dtype=np.int32)

    def _settle_groups(self) -> None:
        """Re-evaluate group statuses until none moves (see the module docstring)."""
        groups = self.model.groups
        if groups is None:
            self._group_lost = np.zeros(0, dtype=bool)
            return
        n = self.model.graph.n
        while True:
            codes, lost = groups.evaluate(self._own, self._upstream_severity())
            moved = np.flatnonzero(codes != self._group_code)
            if moved.size == 0:
                break
            self._move_cones(n + moved, self._group_code[moved], codes[moved])
            self._group_code = codes
        self._group_lost = lost

    def _upstream_severity(self) -> np.ndarray:
        n = self.model.graph.n
        return np.where(self._down_up[:n] > 0, c.SEVERITY_DOWN,
                        np.where(self._degraded_up[:n] > 0, c.SEVERITY_DEGRADED, c.SEVERITY_NONE))

    def _apply_customer_delta(self, old: np.ndarray, new: np.ndarray) -> None:
        changed = np.flatnonzero(old != new)
        if changed.size == 0:
            return
        usage = self.model.usage
        rows, comps = usage.rows_of_components(changed)
        customers = usage.customer_by_comp[rows]
        for counts, level_reached in ((self._customer_hurt, c.SEVERITY_DEGRADED),
                                      (self._customer_down, c.SEVERITY_DOWN)):
            delta = (new >= level_reached).astype(np.int32) - (old >= level_reached)
            row_delta = delta[comps]
            moving = row_delta != 0
            np.add.at(counts, customers[moving], row_delta[moving])

    # -- derived per-component facts --------------------------------------
    def _derive(self) -> None:
        own = self._own
        n = own.size
        failing = own >= c.DEGRADED
        maintenance = own == c.MAINTENANCE
        upstream = self._upstream_severity()
        effective = own.copy()
        effective[~failing & ~maintenance & (upstream > 0)] = c.IMPACTED
        own_severity = np.where(own == c.DOWN, c.SEVERITY_DOWN,
                                np.where(own == c.DEGRADED, c.SEVERITY_DEGRADED, c.SEVERITY_NONE))
        severity = np.maximum(own_severity, upstream).astype(np.int8)
        severity[maintenance] = c.SEVERITY_NONE
        # New arrays each time (never in place): results already handed out share them.
        self._effective = effective
        self._severity = severity
        self._probable_cause = failing & (self._down_up[:n] + self._degraded_up[:n] == 0)
        groups = self.model.groups
        if groups is None:
            self._redundancy_lost = np.zeros(n, dtype=bool)
            self._group_failed_of = self._redundancy_lost
        else:
            lost_any = np.bincount(groups.entry_group, weights=self._group_lost,
                                   minlength=len(groups)) > 0
            self._redundancy_lost = groups.per_component(lost_any)
            self._group_failed_of = groups.per_component(self._group_code != c.OK)

    # -- output ----------------------------------------------------------
    def result(self) -> ImpactResult:
        """An immutable snapshot of the current state."""
        n = self.model.graph.n
        return ImpactResult(
            self.model, own=self._own.copy(), effective=self._effective,
            severity=self._severity, probable_cause=self._probable_cause,
            customer_hurt=self._customer_hurt.copy(), customer_down=self._customer_down.copy(),
            down_upstream=self._down_up[:n].copy(), degraded_upstream=self._degraded_up[:n].copy(),
            redundancy_lost=self._redundancy_lost, group_code=self._group_code.copy(),
            group_lost=self._group_lost)

    def own_status(self, component_id: str) -> Status:
        return c.STATUS_BY_CODE[self._own[self.model.graph.index[component_id]]]


def _failure_class(code: int) -> int:
    return code if code in (c.DOWN, c.DEGRADED) else c.OK
