"""Time-travel replay: the state of every check, component and customer at any moment.

Event-sourced: the state at ``T`` is the state at the window start with every
recorded transition up to ``T`` applied, in order. Snapshots of the per-check
arrays every ``SNAPSHOT_EVERY`` transitions only make it fast — a moment costs
one binary search, one array copy and at most ``SNAPSHOT_EVERY`` transitions
applied, whatever the window's length. What components and customers show
(IMPACTED, probable cause, who is hurt) is the live impact engine's answer for
those own statuses, so a replay shows exactly what the wall computed.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from noc_app.domain import SEVERITY_ORDER, Status
from noc_app.impact import ImpactEngine, ImpactModel, ImpactResult
from noc_app.impact import codes
from noc_app.topology.model import MaintenanceSpec, Topology

SNAPSHOT_EVERY = 256
#: Many own-status changes at once (a jump across the window): recomputing from scratch
#: is cheaper than moving the engine's counts once per change.
FULL_RECOMPUTE_OVER = 48
RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}  # 0 = worst: a component shows its worst check
OK_RANK = RANK[Status.OK]
UNKNOWN_RANK = RANK[Status.UNKNOWN]
UTC = dt.timezone.utc
_CODE_OF_RANK = np.array([codes.own_status_code(s) if s is not Status.IMPACTED else codes.OK
                          for s in SEVERITY_ORDER], dtype=np.int8)
_OK_CODE = codes.own_status_code(Status.OK)
_MAINTENANCE_CODE = codes.own_status_code(Status.MAINTENANCE)


@dataclass(frozen=True)
class CheckAt:
    key: str
    component_id: str
    status: Status
    since: dt.datetime | None
    reason: str | None
    flapping: bool


@dataclass(frozen=True)
class ReplayState:
    """What was true at ``at``. ``own`` names every component that has checks."""

    at: dt.datetime
    own: dict[str, Status]
    applied: int  # transitions applied so far (0 .. len)
    check_rank: np.ndarray
    check_since: np.ndarray  # epoch seconds, NaN when unknown
    check_last: np.ndarray  # index of the transition that set it, -1 for the initial state
    codes: np.ndarray  # the impact engine's own-status codes per component, in model order
    replay: Replay = field(repr=False, compare=False)

    @cached_property
    def result(self) -> ImpactResult:
        """The impact engine's answer at ``at``, computed when first asked: the review window's
        boards run their own engines, so a slider drag never pays for this one."""
        return self.replay._impact(self.codes, self.own)

    def status(self, component_id: str) -> Status:
        """Effective status (IMPACTED included), as the wall showed it."""
        return self.result.status(component_id)


class Replay:
    def __init__(self, topology: Topology, initial: Iterable[tuple[str, str, dt.datetime | None, str | None]],
                 transitions: Sequence[tuple], *, start: dt.datetime, end: dt.datetime,
                 snapshot_every: int = SNAPSHOT_EVERY):
        self.topology = topology
        self.start, self.end = start, end
        self.model = ImpactModel.from_topology(topology)
        order = {cid: i for i, cid in enumerate(self.model.component_ids)}
        checks = sorted(((c.key, c.component_id) for c in topology.checks), key=lambda kc: (order[kc[1]], kc[0]))
        self.check_keys = [k for k, _ in checks]
        self.check_component = [c for _, c in checks]
        self._index = {k: i for i, k in enumerate(self.check_keys)}
        comp_of_check = np.array([order[c] for c in self.check_component], dtype=np.int64)
        # Checks are grouped by component: a component's worst check is one reduceat.
        self._group_starts = np.flatnonzero(np.r_[True, comp_of_check[1:] != comp_of_check[:-1]]) \
            if len(checks) else np.zeros(0, dtype=np.int64)
        self._group_index = comp_of_check[self._group_starts]
        self._group_ids = [self.model.component_ids[i] for i in self._group_index.tolist()]
        self._maintenance: list[MaintenanceSpec] = list(topology.maintenance)

        n = len(checks)
        rank0 = np.full(n, UNKNOWN_RANK, dtype=np.int8)
        since0 = np.full(n, np.nan)
        self._initial_reason: dict[int, str | None] = {}
        for key, status, since, reason in initial:
            i = self._index.get(key)
            if i is None:
                continue
            rank0[i] = RANK[Status(status)]
            since0[i] = since.timestamp() if since else np.nan
            self._initial_reason[i] = reason
        kept = [t for t in transitions if t[1] in self._index]
        self.transitions = kept
        self._t_at = np.array([t[3].timestamp() for t in kept], dtype=np.float64)
        self._t_at_list = self._t_at.tolist()
        self._t_check = [self._index[t[1]] for t in kept]
        self._t_rank = [RANK[Status(t[5])] for t in kept]
        self._every = max(1, snapshot_every)
        self._snapshots = self._build_snapshots(rank0, since0)
        self._engine = ImpactEngine(self.model, {}, strict=False)
        self._engine_codes = np.full(len(self.model.component_ids), _OK_CODE, dtype=np.int8)
        self._result = self._engine.result()

    # -- building ---------------------------------------------------------
    def _build_snapshots(self, rank: np.ndarray, since: np.ndarray) -> list[tuple[np.ndarray, ...]]:
        last = np.full(rank.shape, -1, dtype=np.int32)
        snapshots = [(rank.copy(), since.copy(), last.copy())]
        for j in range(len(self.transitions)):
            c = self._t_check[j]
            rank[c], since[c], last[c] = self._t_rank[j], self._t_at_list[j], j
            if (j + 1) % self._every == 0:
                snapshots.append((rank.copy(), since.copy(), last.copy()))
        return snapshots

    # -- reading ----------------------------------------------------------
    def state_at(self, at: dt.datetime) -> ReplayState:
        t = at.timestamp()
        applied = bisect.bisect_right(self._t_at_list, t)
        snap = min(applied // self._every, len(self._snapshots) - 1)
        rank, since, last = (a.copy() for a in self._snapshots[snap])
        for j in range(snap * self._every, applied):
            c = self._t_check[j]
            rank[c], since[c], last[c] = self._t_rank[j], self._t_at_list[j], j
        codes, own = self._own_statuses(rank, at)
        return ReplayState(at, own, applied, rank, since, last, codes, self)

    def _own_statuses(self, rank: np.ndarray, at: dt.datetime) -> tuple[np.ndarray, dict[str, Status]]:
        """(impact-engine codes per component in model order, own status of each component with checks)."""
        codes = np.full(len(self.model.component_ids), _OK_CODE, dtype=np.int8)
        if rank.size == 0:
            return codes, {}
        worst = np.minimum.reduceat(rank, self._group_starts)
        codes[self._group_index] = _CODE_OF_RANK[worst]
        own = dict(zip(self._group_ids, map(SEVERITY_ORDER.__getitem__, worst.tolist())))
        for window in self._maintenance:
            if window.starts_at <= at < window.ends_at:
                for cid in window.components:
                    if cid in own:
                        own[cid] = Status.MAINTENANCE
                        codes[self.model.graph.index[cid]] = _MAINTENANCE_CODE
        return codes, own

    def _impact(self, codes: np.ndarray, own: dict[str, Status]) -> ImpactResult:
        """The impact engine's answer for these own statuses: moved incrementally for a few
        changes (a slider step), recomputed from the code array for many (a jump). Correct
        whatever the order moments are asked in: the engine moves from where it last was."""
        moved = np.flatnonzero(codes != self._engine_codes)
        if moved.size > FULL_RECOMPUTE_OVER:
            self._result = self._engine.compute_codes(codes)
        elif moved.size:
            ids = self.model.component_ids
            self._engine.set_statuses({ids[i]: own.get(ids[i], Status.OK) for i in moved.tolist()})
            self._result = self._engine.result()
        self._engine_codes = codes
        return self._result

    def check_at(self, state: ReplayState, key: str) -> CheckAt:
        i = self._index[key]
        j = int(state.check_last[i])
        since = state.check_since[i]
        status = SEVERITY_ORDER[int(state.check_rank[i])]
        reason = self.transitions[j][6] if j >= 0 else self._initial_reason.get(i)
        flapping = bool(self.transitions[j][7]) if j >= 0 else False
        return CheckAt(key, self.check_component[i], status,
                       None if np.isnan(since) else dt.datetime.fromtimestamp(since, UTC),
                       reason if status != Status.OK else None, flapping)

    def changed_checks(self, before: ReplayState | None, after: ReplayState) -> list[str]:
        """Checks whose state differs between two moments (all of them without ``before``)."""
        if before is None:
            return list(self.check_keys)
        moved = np.flatnonzero(before.check_last != after.check_last)
        return [self.check_keys[i] for i in moved.tolist()]

    def transition_times(self) -> list[dt.datetime]:
        return [t[3] for t in self.transitions]


def replay_of(bundle) -> Replay:
    """The replay of a verified ``noc_app.review.reader.Bundle``."""
    return Replay(bundle.topology, bundle.initial_states(), bundle.transitions(),
                  start=bundle.window_start, end=bundle.window_end)
