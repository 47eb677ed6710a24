"""How soon? The practice's questions answered from an incident's own record.

``compute_metrics`` is a pure function over plain inputs (the incident's
header facts, its timeline, the confirmed check transitions of its
components and the notifications sent), so the live database, an offline
review bundle and the tests all get the same figures.  The definitions are
in ``definitions.py``; ``reader.load_metric_inputs`` gathers the inputs
from a SQLAlchemy session.

Everything is measured from the moment the incident was *detected*
(``detected_at``; its first-recorded time when nobody set one), except
``detect_s`` (from impact started) and ``inform_resolution_s`` (from
restored).  A stage recorded before its starting moment counts as 0 s: a
duration is never negative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from noc_app.domain import DEFAULT_TIER_WEIGHTS, Status
from noc_app.postmortem.definitions import (  # noqa: F401 - re-exported for callers
    CONTRACT_KEYS, DEFINITIONS, DURATION_KEYS, EXTRA_DEFINITIONS, Definition,
)

#: How far back a confirmed failure may start the impact (DESIGN.md).
IMPACT_LOOKBACK = dt.timedelta(hours=1)
CUSTOMERS = "customers"
FAILING = frozenset(s.value for s in Status if s.is_failing)


# -- inputs ------------------------------------------------------------------------

@dataclass(frozen=True)
class IncidentFacts:
    """The header fields the metrics read."""

    id: int
    first_recorded_at: dt.datetime
    detected_at: dt.datetime | None = None
    restored_at: dt.datetime | None = None
    restore_path: str | None = None  # resolve | workaround | failover
    closed_at: dt.datetime | None = None
    components: Mapping[str, str] = field(default_factory=dict)  # component id -> role
    customer_tiers: Mapping[str, str] = field(default_factory=dict)  # customer id -> tier
    tier_weights: Mapping[str, float] = field(default_factory=dict)  # tier -> weight


@dataclass(frozen=True)
class Event:
    """A timeline event as the metrics need it (``TimelineEntry`` fits too)."""

    at: dt.datetime
    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    """A confirmed state change of one check of a component."""

    component_id: str
    at: dt.datetime
    from_status: str
    to_status: str
    check_key: str = ""


@dataclass(frozen=True)
class Notice:
    """One notification row (one recipient) as recorded when it was sent."""

    at: dt.datetime
    audience: str  # internal | customers | partners
    ok: bool
    template_kind: str | None = None  # initial | update | resolved (None: template gone)
    template_id: str | None = None


@dataclass(frozen=True)
class MetricInputs:
    incident: IncidentFacts
    events: Sequence[Any] = ()  # Event or TimelineEntry: .at, .kind, .data
    transitions: Sequence[Transition] = ()
    notices: Sequence[Notice] = ()


# -- results -----------------------------------------------------------------------

@dataclass(frozen=True)
class Promise:
    """A customer update's "next update by" commitment and what became of it."""

    made_at: dt.datetime
    due_at: dt.datetime
    next_update_at: dt.datetime | None  # the next customer update, if one was delivered
    status: str  # kept | late | missed | pending
    late_s: float | None  # how late the next update came (or, missed: by now)

    def to_json(self) -> dict[str, Any]:
        return {"made_at": iso(self.made_at), "due_at": iso(self.due_at),
                "next_update_at": iso(self.next_update_at), "status": self.status,
                "kept": self.status == "kept", "late_s": self.late_s}


@dataclass(frozen=True)
class HowSoon:
    """Every how-soon figure of one incident; ``None`` figures have a reason."""

    impact_started_at: dt.datetime | None
    detect_s: float | None
    know_extent_s: float | None
    know_impact_s: float | None
    start_handling_s: float | None
    inform_customers_s: float | None
    workaround_s: float | None
    resolve_s: float | None
    inform_resolution_s: float | None
    reasons: tuple[tuple[str, str], ...]  # (figure name, why it is null)
    moments: tuple[tuple[str, dt.datetime | None], ...]  # the stage moments measured
    customer_impact_minutes: tuple[tuple[str, float], ...]  # (tier, minutes), by tier name
    customer_impact_weighted_minutes: float
    impact_ongoing: bool  # not restored yet: impact minutes counted to ``as_of``
    updates_sent: int
    promises: tuple[Promise, ...]
    in_progress: bool  # the incident is not closed
    as_of: dt.datetime

    def value(self, name: str) -> Any:
        return getattr(self, name)

    def why(self, name: str) -> str | None:
        return dict(self.reasons).get(name)

    def moment(self, name: str) -> dt.datetime | None:
        return dict(self.moments).get(name)

    @property
    def promises_kept(self) -> int:
        return sum(p.status == "kept" for p in self.promises)

    def to_json(self) -> dict[str, Any]:
        """The ``metrics`` object of the JSON export (DESIGN.md keys, then added ones)."""
        reasons = dict(self.reasons)
        out: dict[str, Any] = {}
        for name in CONTRACT_KEYS:
            value = getattr(self, name)
            out[name] = iso(value) if isinstance(value, dt.datetime) else value
        for name in CONTRACT_KEYS:
            out[f"{name}_why"] = reasons.get(name)
        out["moments"] = {k: iso(v) for k, v in self.moments}
        out["customer_impact_minutes"] = dict(self.customer_impact_minutes)
        out["customer_impact_weighted_minutes"] = self.customer_impact_weighted_minutes
        out["impact_ongoing"] = self.impact_ongoing
        out["updates_sent"] = self.updates_sent
        out["promises_kept"] = self.promises_kept
        out["promises_total"] = len(self.promises)
        out["in_progress"] = self.in_progress
        out["as_of"] = iso(self.as_of)
        return out


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.timezone.utc).isoformat() if value is not None else None


# -- the computation ---------------------------------------------------------------

def _utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:  # stored naive means UTC (SQLite); never shift it
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _seconds(start: dt.datetime, end: dt.datetime) -> float:
    return round(max(0.0, (end - start).total_seconds()), 3)


def _first(events: Iterable[Any], kind: str, accept=lambda data: True) -> dt.datetime | None:
    times = [_utc(e.at) for e in events if e.kind == kind and accept(e.data or {})]
    return min(times, default=None)


def _impact_started(facts: IncidentFacts, transitions: Iterable[Transition],
                    detected: dt.datetime) -> dt.datetime:
    opened = _utc(facts.first_recorded_at)
    linked = set(facts.components)
    failures = [_utc(t.at) for t in transitions
                if t.component_id in linked and t.to_status in FAILING
                and opened - IMPACT_LOOKBACK <= _utc(t.at) <= opened]
    return min([detected, *failures])


def _customer_notices(notices: Iterable[Notice]) -> list[Notice]:
    return sorted((n for n in notices if n.audience == CUSTOMERS and n.ok), key=lambda n: n.at)


def _promises(events: Iterable[Any], delivered: list[Notice], as_of: dt.datetime) -> tuple[Promise, ...]:
    sends = sorted((e for e in events if e.kind == "notification_sent"
                    and (e.data or {}).get("audience") == CUSTOMERS
                    and (e.data or {}).get("next_update_due_at")), key=lambda e: _utc(e.at))
    out = []
    for event in sends:
        made, due = _utc(event.at), _utc(event.data["next_update_due_at"])
        following = next((_utc(n.at) for n in delivered if _utc(n.at) > made), None)
        if following is not None:
            late = _seconds(due, following)
            out.append(Promise(made, due, following, "kept" if following <= due else "late",
                               late if following > due else 0.0))
        elif as_of > due:
            out.append(Promise(made, due, None, "missed", _seconds(due, as_of)))
        else:
            out.append(Promise(made, due, None, "pending", None))
    return tuple(out)


def compute_metrics(inputs: MetricInputs, now: dt.datetime | None = None) -> HowSoon:
    """All how-soon figures of one incident, ``now`` being the moment of the report."""
    facts = inputs.incident
    events = list(inputs.events)
    as_of = _utc(now) or dt.datetime.now(dt.timezone.utc)
    detected = _utc(facts.detected_at) or _utc(facts.first_recorded_at)
    restored = _utc(facts.restored_at) or _first(events, "restored")
    impact_started = _impact_started(facts, inputs.transitions, detected)
    delivered = _customer_notices(inputs.notices)
    attempted = any(n.audience == CUSTOMERS for n in inputs.notices)

    moments = {
        "detected_at": detected,
        "classified_at": _first(events, "classified"),
        "customers_set_at": min(
            [t for t in (_first(events, "opened", lambda d: bool(d.get("customers"))),
                         _first(events, "affected_changed", lambda d: bool(d.get("customers"))))
             if t is not None], default=None),
        "handling_started_at": min(
            [t for t in (_first(events, "manager_assigned"), _first(events, "acknowledged"))
             if t is not None], default=None),
        "customers_informed_at": delivered[0].at if delivered else None,
        "restored_at": restored,
        "resolution_announced_at": min(
            (n.at for n in delivered if n.template_kind == "resolved"), default=None),
    }
    moments = {k: _utc(v) for k, v in moments.items()}
    reasons: dict[str, str] = {}

    def since(start: dt.datetime | None, moment: str, name: str, why: str) -> float | None:
        end = moments[moment]
        if start is None or end is None:
            reasons[name] = why
            return None
        return _seconds(start, end)

    not_restored = "not restored yet"
    figures = {
        "detect_s": _seconds(impact_started, detected),
        "know_extent_s": since(detected, "classified_at", "know_extent_s",
                               "never classified (impact × urgency not set)"),
        "know_impact_s": since(detected, "customers_set_at", "know_impact_s",
                               "no affected customers set on the incident"),
        "start_handling_s": since(detected, "handling_started_at", "start_handling_s",
                                  "no incident manager assigned and no page acknowledged"),
        "inform_customers_s": since(detected, "customers_informed_at", "inform_customers_s",
                                    "customer notices were attempted but none was delivered"
                                    if attempted else "no customer notice sent"),
        "resolve_s": since(detected, "restored_at", "resolve_s", not_restored),
    }
    if restored is None:
        figures["workaround_s"] = None
        reasons["workaround_s"] = not_restored
    elif facts.restore_path in ("workaround", "failover"):
        figures["workaround_s"] = _seconds(detected, restored)
    else:
        figures["workaround_s"] = None
        reasons["workaround_s"] = f"restored by {facts.restore_path or 'resolve'}, not by a workaround or failover"
    if restored is None:
        figures["inform_resolution_s"] = None
        reasons["inform_resolution_s"] = not_restored
    else:
        figures["inform_resolution_s"] = since(restored, "resolution_announced_at",
                                               "inform_resolution_s",
                                               'no "resolved" notice sent to customers')

    impact_end = restored or as_of
    window_min = _seconds(impact_started, impact_end) / 60.0
    per_tier: dict[str, float] = {}
    for tier in facts.customer_tiers.values():
        per_tier[tier] = per_tier.get(tier, 0.0) + window_min
    weights = {**DEFAULT_TIER_WEIGHTS, **dict(facts.tier_weights)}
    weighted = sum(minutes * weights.get(tier, 1.0) for tier, minutes in per_tier.items())
    sends = {(n.at, n.template_id) for n in delivered}

    return HowSoon(
        impact_started_at=impact_started, **figures,
        reasons=tuple((k, reasons[k]) for k in CONTRACT_KEYS if k in reasons),
        moments=tuple(moments.items()),
        customer_impact_minutes=tuple(sorted((t, round(m, 3)) for t, m in per_tier.items())),
        customer_impact_weighted_minutes=round(weighted, 3),
        impact_ongoing=restored is None,
        updates_sent=len(sends),
        promises=_promises(events, delivered, as_of),
        in_progress=facts.closed_at is None,
        as_of=as_of,
    )
