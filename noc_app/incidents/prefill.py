"""What a new incident dialog starts with, from the impact engine over the live database.

Opened from an alert (or from nothing picked): the whole current outage.
Opened from components: only the outage around them (their dependencies
and dependents); a picked component the checks still see as healthy is
taken as DEGRADED, because an operator reporting it (a customer called)
is evidence too.  The reasons say so, so nobody mistakes it for a check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from noc_app.domain import Status
from noc_app.impact import ImpactEngine, ImpactModel, suggest_priority
from noc_app.incidents.errors import ValidationError
from noc_app.incidents.values import ComponentRole, check_aware
from noc_app.storage.readers import component_statuses, read_topology
from noc_app.topology.model import Topology

_FAILING = (Status.DOWN, Status.DEGRADED)


@dataclass(frozen=True)
class AffectedComponent:
    id: str
    name: str
    role: str  # cause | symptom | affected
    status: str  # own status as the checks (or the operator) see it


@dataclass(frozen=True)
class AffectedCustomer:
    id: str
    name: str
    tier: str
    partner: bool
    severity: str  # DOWN | DEGRADED
    in_business_hours: bool


@dataclass(frozen=True)
class SuggestedPriority:
    priority: str
    impact: str  # high | medium | low
    urgency: str
    reasons: tuple[str, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {"priority": self.priority, "impact": self.impact, "urgency": self.urgency,
                "reasons": list(self.reasons), "summary": self.summary}


@dataclass(frozen=True)
class Prefill:
    components: tuple[AffectedComponent, ...]
    customers: tuple[AffectedCustomer, ...]
    probable_causes: tuple[str, ...]
    suggestion: SuggestedPriority
    at: dt.datetime

    @property
    def component_roles(self) -> dict[str, str]:
        """What ``IncidentService.open_incident(component_ids=...)`` takes."""
        return {c.id: c.role for c in self.components}

    @property
    def customer_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.customers)


def prefill_from_impact(source: Session | sessionmaker[Session], component_ids: Iterable[str] | None,
                        at: dt.datetime) -> Prefill:
    at = check_aware(at, "at", required=True)
    if isinstance(source, Session):
        topology, statuses = read_topology(source), component_statuses(source, at)
    else:
        with source() as session:
            topology, statuses = read_topology(session), component_statuses(session, at)
    return _prefill(topology, statuses, None if component_ids is None else list(component_ids), at)


def _related(topology: Topology, picked: set[str]) -> set[str]:
    """``picked`` plus everything they depend on and everything depending on them."""
    depends = {c.id: set(c.depends_on) for c in topology.components}
    dependents: dict[str, set[str]] = {cid: set() for cid in depends}
    for cid, deps in depends.items():
        for d in deps:
            dependents.setdefault(d, set()).add(cid)
    out: set[str] = set()
    for edges in (depends, dependents):
        stack = list(picked)
        while stack:
            cid = stack.pop()
            for nxt in edges.get(cid, ()):
                if nxt not in out and nxt not in picked:
                    out.add(nxt)
                    stack.append(nxt)
    return out | picked


def _prefill(topology: Topology, statuses: dict[str, Status], picked: list[str] | None,
             at: dt.datetime) -> Prefill:
    known = {c.id for c in topology.components}
    reported: list[str] = []
    if picked is not None:
        unknown = [cid for cid in picked if cid not in known]
        if unknown:
            raise ValidationError(f"unknown components: {', '.join(unknown)}", "component_ids")
        scope = _related(topology, set(picked))
        statuses = {cid: s for cid, s in statuses.items() if cid in scope}
        for cid in picked:
            if statuses.get(cid) not in _FAILING:
                statuses[cid] = Status.DEGRADED
                reported.append(cid)
    model = ImpactModel.from_topology(topology)
    result = ImpactEngine(model, statuses, strict=False).result()
    names = {c.id: c.name for c in topology.components}
    components = []
    chosen = list(result.failing) + [cid for cid in (picked or ()) if cid not in result.failing]
    for cid in chosen:
        if result.is_probable_cause(cid):
            role = ComponentRole.CAUSE
        elif result.own_status(cid) in _FAILING:
            role = ComponentRole.SYMPTOM
        else:
            role = ComponentRole.AFFECTED
        components.append(AffectedComponent(cid, names[cid], role.value, result.own_status(cid).value))
    customers = tuple(AffectedCustomer(ci.id, ci.name, ci.tier, ci.partner, ci.severity.value,
                                       ci.in_business_hours)
                      for ci in result.customer_impacts(at))
    raw = suggest_priority(result, at)
    reasons = tuple(raw.reasons) + tuple(
        f"{names[cid]} reported by the operator; its checks do not show it failing"
        for cid in reported)
    suggestion = SuggestedPriority(raw.priority, raw.impact.value.lower(), raw.urgency.value.lower(),
                                   reasons, raw.summary)
    return Prefill(tuple(components), customers, tuple(result.probable_causes), suggestion, at)
