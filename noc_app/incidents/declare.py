"""Declare: from an alert to a recorded, classified, assigned incident with the status page posted.

At 2 a.m. speed matters more than craft, so the engine proposes everything
it knows (``propose``) and one action (``declare``) carries it out. Each step
is still its own timeline event, in the practice's order — record, classify,
assign the incident manager, post the status page (it is updated first) —
so the review and the how-soon metrics see them as separate moments. The
customer notice is *not* sent here: the operator previews it, then sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.incidents.errors import ValidationError
from noc_app.incidents.prefill import Prefill
from noc_app.incidents.values import (IncidentChange, Level, StatusPageState, as_enum, check_priority, check_text,
                                      priority_for)
from noc_app.statuspage.config import from_database as page_config_from_database
from noc_app.storage import models as db


@dataclass(frozen=True)
class Proposal:
    """What Declare will do unless the operator changes it first."""

    impact: str
    urgency: str
    priority: str
    manager_id: str | None
    manager_why: str
    customer_template_id: str | None
    status_groups: tuple[str, ...]  # the service groups the status page shows
    status_state: str
    status_message: str


_STATE_FOR_IMPACT = {"high": StatusPageState.MAJOR_OUTAGE, "medium": StatusPageState.PARTIAL_OUTAGE,
                     "low": StatusPageState.DEGRADED}


def propose(session: Session, prefill: Prefill, operator_id: str | None) -> Proposal:
    suggestion = prefill.suggestion
    manager_id, why = _on_call_manager(session, prefill, operator_id)
    groups = _groups(session, prefill.component_roles)
    state = _STATE_FOR_IMPACT.get(suggestion.impact, StatusPageState.PARTIAL_OUTAGE)
    return Proposal(suggestion.impact, suggestion.urgency, suggestion.priority, manager_id, why,
                    _initial_template(session), groups, state.value, public_message(groups, state))


def public_message(groups: Iterable[str], state: StatusPageState | str) -> str:
    """A first status-page line that names only public service groups, never an internal component."""
    where = ", ".join(groups) or "some of our services"
    state = StatusPageState(state)
    if state is StatusPageState.DEGRADED:
        what = f"We are investigating slower responses or errors affecting {where}."
    else:
        what = f"We are investigating a problem affecting {where}. Some customers cannot use it right now."
    return what + " We will post an update within the hour."


def _first_person(session: Session, policy_ids: list[str]) -> tuple[str, str] | None:
    for policy_id in policy_ids:
        levels = session.scalars(select(db.EscalationLevel).where(db.EscalationLevel.policy_id == policy_id)
                                 .order_by(db.EscalationLevel.position)).all()
        for level in levels:
            for person_id in level.people or []:
                if session.get(db.Person, person_id) is not None:
                    return person_id, policy_id
    return None


def _on_call_manager(session: Session, prefill: Prefill, operator_id: str | None) -> tuple[str | None, str]:
    """The first person of the cause's escalation policy (its own, else its team's), else the operator."""
    roles = prefill.component_roles
    ranked = [cid for cid, role in roles.items() if role == "cause"] or list(roles)
    for cid in ranked:
        component = session.get(db.Component, cid)
        if component is None:
            continue
        policies = list(session.scalars(select(db.EscalationPolicyComponent.policy_id).where(
            db.EscalationPolicyComponent.component_id == cid).order_by(db.EscalationPolicyComponent.policy_id)))
        if component.team_id:
            team = session.get(db.Team, component.team_id)
            if team is not None and team.escalation_policy_id:
                policies.append(team.escalation_policy_id)
        found = _first_person(session, policies)
        if found:
            return found[0], f"on call for {component.name} (escalation policy {found[1]})"
    if operator_id and session.get(db.Person, operator_id) is not None:
        return operator_id, "you: no escalation policy names someone on call for the cause"
    return None, "nobody on call found for the cause; pick the incident manager"


def _groups(session: Session, roles: Mapping[str, str]) -> tuple[str, ...]:
    """The public components (names) the status page shows for these internal components.

    ``[[status_page.component]]`` when declared, else one per group, named after it.
    """
    if not roles:
        return ()
    page = page_config_from_database(session)
    return tuple(c.name for c in page.components if set(c.members) & set(roles))


def _initial_template(session: Session) -> str | None:
    return session.scalars(select(db.MessageTemplate.id).where(
        db.MessageTemplate.audience == "customers", db.MessageTemplate.kind == "initial")
        .order_by(db.MessageTemplate.id).limit(1)).first()


def declare(service, *, title: str, detection_means: str, manifestation: str = "",
            component_ids=(), customer_ids: Iterable[str] = (), detected_at=None, first_recorded_at=None,
            suggested=None, impact: str, urgency: str, priority: str | None = None,
            override_reason: str | None = None, manager_id: str | None = None,
            status_groups: Iterable[str] = (), status_state: str = "partial_outage",
            status_message: str = "") -> IncidentChange:
    """Record, classify, assign, post the status page: four timeline events, one action.

    Validation happens before anything is written where it can (the
    classification and the status-page text), so a refused Declare leaves
    no half-declared incident behind.
    """
    matrix = priority_for(as_enum(Level, impact, "impact"), as_enum(Level, urgency, "urgency"))
    chosen = check_priority(priority) if priority else matrix
    wanted = (suggested or {}).get("priority") if isinstance(suggested, Mapping) else getattr(
        suggested, "priority", None)
    if (chosen != matrix or (wanted and chosen != wanted)) and not (override_reason or "").strip():
        raise ValidationError(f"priority {chosen} differs from the {'suggestion' if wanted else 'matrix'}: "
                              "give a reason", "override_reason")
    groups = [check_text(g, "service_group", required=True, max_len=100) for g in status_groups]
    public: tuple[str, ...] = ()
    if groups:
        as_enum(StatusPageState, status_state, "state")
        check_text(status_message, "message", required=True)
        with service.reading() as session:
            page = page_config_from_database(session)
        public = tuple(dict.fromkeys(p for g in groups for p in page.resolve(g, ())))
        unknown = [g for g in groups if not page.resolve(g, ())]
        if unknown:
            raise ValidationError(f"status page: {', '.join(unknown)} is not a public component "
                                  f"(public components: {', '.join(c.name for c in page.components)})",
                                  "status_groups")

    change = service.open_incident(title, detection_means, manifestation, component_ids, customer_ids,
                                   detected_at=detected_at, suggested=suggested,
                                   first_recorded_at=first_recorded_at)
    incident_id = change.incident_id
    changes = list(change.kinds_of_change)
    change = service.classify(incident_id, impact, urgency, change.version,
                              override_reason=override_reason or None,
                              priority=chosen if chosen != matrix else None)
    changes += change.kinds_of_change
    if manager_id:
        change = service.assign_manager(incident_id, manager_id, change.version)
        changes += change.kinds_of_change
    if public:  # one update naming every public component: one Statuspage incident update
        service.status_page_update(", ".join(groups)[:100], status_state, status_message,
                                   incident_id=incident_id, components=public)
        changes += ["status_page"]
    version = service.get(incident_id).version
    return IncidentChange(incident_id, version, tuple(dict.fromkeys(changes)))
