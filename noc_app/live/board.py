"""The live status board: per-check outcomes in, per-component views out.

This is the model object the Qt views take (napari-style: widgets observe a
plain core object). It folds check outcomes into each component's own
status, runs the impact engine incrementally, and answers "what changed"
with the ids a view must repaint — so a state change costs a few component
rows, not a full recomputation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from noc_app.domain import Criticality, Status, worst
from noc_app.impact import ImpactEngine, ImpactModel, ImpactResult
from noc_app.topology.model import ComponentSpec, Topology

if TYPE_CHECKING:  # annotations only: both import noc_app.checks, hence requests (60 ms), which a
    from noc_app.checks.result import CheckResult  # review window showing a bundle never uses
    from noc_app.polling.state import Outcome

FULL_RECOMPUTE_OVER = 48  # own-status changes in one batch beyond which the engine recomputes


@dataclass(frozen=True)
class CheckView:
    """One check's latest outcome: plain values, safe to send across threads."""

    check_key: str
    component_id: str
    status: Status  # confirmed
    raw_status: Status  # this run's result
    since: dt.datetime | None  # when the confirmed status began
    latency_ms: float | None
    error: str | None
    flapping: bool
    at: dt.datetime
    changed: bool  # this run confirmed a transition


def check_view(result: CheckResult, outcome: Outcome, since: dt.datetime | None) -> CheckView:
    return CheckView(
        check_key=result.check_key, component_id=result.component_id, status=outcome.status,
        raw_status=result.status, since=since, latency_ms=result.latency_ms, error=result.error,
        flapping=outcome.flapping, at=result.at, changed=outcome.transition is not None,
    )


@dataclass(frozen=True)
class ComponentView:
    id: str
    name: str
    group: str
    kind: str
    criticality: Criticality
    has_checks: bool
    own_status: Status  # from its checks (UNKNOWN until they report; OK when it has none)
    status: Status  # effective: IMPACTED when fine itself but a dependency fails
    probable_cause: bool
    since: dt.datetime | None  # when the own status began
    latency_ms: float | None  # slowest latest check
    reason: str  # the failing checks' short reasons
    flapping: bool
    checks: tuple[CheckView, ...]
    # AT RISK: a redundancy group it depends on lost members (``lost``) but still
    # has what it needs, so it is fine for customers; never set with IMPACTED.
    at_risk: bool = False
    lost: tuple[str, ...] = ()

    @property
    def is_symptom(self) -> bool:
        return self.own_status.is_failing and not self.probable_cause


class StatusBoard:
    def __init__(self, topology: Topology, model: ImpactModel | None = None):
        """``model``: an ``ImpactModel`` already built from ``topology`` (a replay has one), to share."""
        self.topology = topology
        self._specs: dict[str, ComponentSpec] = {c.id: c for c in topology.components}
        self._checks: dict[str, dict[str, CheckView]] = {c.id: {} for c in topology.components}
        self._own: dict[str, Status] = {
            c.id: (Status.UNKNOWN if c.checks else Status.OK) for c in topology.components
        }
        self.model = model or ImpactModel.from_topology(topology)
        self.engine = ImpactEngine(self.model, self._own, strict=False)
        self._result: ImpactResult | None = None
        self.last_data_at: dt.datetime | None = None

    # --- feeding -------------------------------------------------------
    def apply_check(self, view: CheckView) -> set[str]:
        """Fold one outcome in; returns the component ids whose view changed."""
        checks = self._checks.get(view.component_id)
        if checks is None:
            return set()  # a component no longer in the topology
        checks[view.check_key] = view
        self.last_data_at = view.at if self.last_data_at is None else max(self.last_data_at, view.at)
        own = worst(c.status for c in checks.values())
        changed = {view.component_id}
        if own != self._own[view.component_id]:
            self._own[view.component_id] = own
            changed.update(self.engine.set_status(view.component_id, own))
            self._result = None
        return changed

    def apply_checks(self, views: Iterable[CheckView]) -> set[str]:
        changed: set[str] = set()
        for view in views:
            changed |= self.apply_check(view)
        return changed

    def replace_checks(self, views: Iterable[CheckView], statuses: Mapping[str, Status],
                       at: dt.datetime | None = None) -> set[str]:
        """A replay moment: check views and the own statuses they make, folded in at once.

        Unlike ``apply_check`` the impact engine moves once for the whole batch,
        so a jump across an incident (hundreds of checks changing) costs one update.
        """
        changed: set[str] = set()
        for view in views:
            checks = self._checks.get(view.component_id)
            if checks is not None:
                checks[view.check_key] = view
                changed.add(view.component_id)
        self._result = None
        return changed | self.set_own_statuses(statuses, at)

    def set_own_statuses(self, statuses: Mapping[str, Status], at: dt.datetime | None = None) -> set[str]:
        """Shared mode: own statuses read from the database instead of check outcomes."""
        updates = {cid: s for cid, s in statuses.items() if cid in self._own and self._own[cid] != s}
        if at is not None:
            self.last_data_at = at
        if not updates:
            return set()
        self._own.update(updates)
        self._result = None
        if len(updates) > FULL_RECOMPUTE_OVER:
            # Many at once (a resync, a replay jump): one recomputation beats moving counts per change.
            before = self.engine.result()
            after = self.engine.compute(self._own, strict=False)
            moved = (before.effective != after.effective) | (before.probable_cause_mask != after.probable_cause_mask)
            return set(updates) | {self.model.component_ids[i] for i in moved.nonzero()[0]}
        return set(updates) | set(self.engine.set_statuses(updates))

    # --- reading -------------------------------------------------------
    @property
    def result(self) -> ImpactResult:
        if self._result is None:
            self._result = self.engine.result()
        return self._result

    def component_ids(self) -> list[str]:
        return list(self._specs)

    def component(self, component_id: str) -> ComponentView:
        spec = self._specs[component_id]
        checks = self._checks[component_id]
        own = self._own[component_id]
        result = self.result
        matching = [c for c in checks.values() if c.status == own]
        latencies = [c.latency_ms for c in checks.values() if c.latency_ms is not None]
        return ComponentView(
            id=spec.id, name=spec.name, group=spec.group, kind=spec.kind,
            criticality=spec.criticality, has_checks=bool(spec.checks), own_status=own,
            status=result.status(component_id), probable_cause=result.is_probable_cause(component_id),
            since=min((c.since for c in matching if c.since), default=None),
            latency_ms=max(latencies, default=None),
            reason="; ".join(f"{c.error}" for c in matching if c.error and own != Status.OK),
            flapping=any(c.flapping for c in checks.values()),
            checks=tuple(checks.values()),
            at_risk=result.is_at_risk(component_id),
            lost=result.lost_members(component_id) if result.redundancy_lost[
                self.model.graph.index[component_id]] else (),
        )

    def components(self) -> list[ComponentView]:
        return [self.component(cid) for cid in self._specs]

    def at_risk_count(self) -> int:
        """Components shown AT RISK (counted as OK in ``counts``: they are fine for customers)."""
        return int(self.result.at_risk_mask.sum())

    def counts(self) -> dict[Status, int]:
        totals: dict[Status, int] = {}
        for cid in self._specs:
            status = self.result.status(cid)
            totals[status] = totals.get(status, 0) + 1
        return totals
