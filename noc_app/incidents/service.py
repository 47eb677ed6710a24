"""``IncidentService``: the single write path of the incident workflow.

Header edits carry ``expected_version`` (optimistic locking, see
``core.ServiceBase._update``); timeline additions (notes, participants,
restore steps, notifications, pages) never conflict and take no version.
Every operation returns an ``IncidentChange`` the GUI can broadcast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from noc_app.incidents.channels import ChannelConfig
from noc_app.incidents.core import Link, ServiceBase
from noc_app.incidents.declare import declare, propose
from noc_app.incidents.errors import NotFoundError, ValidationError
from noc_app.incidents.escalation import EscalationMixin
from noc_app.incidents.investigate import InvestigateMixin
from noc_app.incidents.notify import NotifyMixin
from noc_app.incidents.prefill import SuggestedPriority
from noc_app.postmortem.record import POSTMORTEM_FIELDS, PostmortemMixin, checked_fields, key_moment_ids
from noc_app.incidents.values import (
    TITLE_MAX, ComponentRole, DetectionMeans, IncidentChange, IncidentSnapshot, Level,
    RestorePath, StatusPageState, TimelineEntry, as_enum, check_aware, check_id, check_priority,
    check_text, later_stage, priority_for,
)
from noc_app.live.change_hints import notify_changes
from noc_app.statuspage.config import from_database as page_config_from_database
from noc_app.statuspage.vocabulary import IncidentStatus
from noc_app.storage import models as db
from noc_app.storage.base import utcnow


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()  # "leave this field as it is" in ``record``

MONITORING_AUTHOR = "monitoring"  # author of automatic check_transition events


def _roles(components: Mapping[str, str] | Iterable[str] | Iterable[Sequence[str]]) -> dict[str, str]:
    """Component ids with roles, from ids (role "affected"), a mapping or (id, role) pairs."""
    items = components.items() if isinstance(components, Mapping) else (
        (c, ComponentRole.AFFECTED.value) if isinstance(c, str) else tuple(c) for c in components)
    return {check_id(cid, "component id"): as_enum(ComponentRole, role, "component role").value
            for cid, role in items}


def _suggested(value: SuggestedPriority | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    data = value.to_dict() if isinstance(value, SuggestedPriority) else dict(value)
    data["priority"] = check_priority(data.get("priority"), "suggested priority")
    return data


def _components_link() -> Link:
    def read(session: Session, incident: db.Incident) -> dict[str, str]:
        return {row.component_id: row.role for row in session.scalars(
            select(db.IncidentComponent).where(db.IncidentComponent.incident_id == incident.id))}

    def write(session: Session, incident: db.Incident, value: dict[str, str]) -> None:
        session.execute(delete(db.IncidentComponent).where(
            db.IncidentComponent.incident_id == incident.id))
        session.add_all(db.IncidentComponent(incident_id=incident.id, component_id=cid, role=role)
                        for cid, role in value.items())
    return Link(read, write)


def _customers_link() -> Link:
    def read(session: Session, incident: db.Incident) -> tuple[str, ...]:
        return tuple(sorted(session.scalars(select(db.IncidentCustomer.customer_id).where(
            db.IncidentCustomer.incident_id == incident.id))))

    def write(session: Session, incident: db.Incident, value: tuple[str, ...]) -> None:
        session.execute(delete(db.IncidentCustomer).where(
            db.IncidentCustomer.incident_id == incident.id))
        session.add_all(db.IncidentCustomer(incident_id=incident.id, customer_id=cid) for cid in value)
    return Link(read, write)


class IncidentService(NotifyMixin, EscalationMixin, InvestigateMixin, PostmortemMixin, ServiceBase):
    def __init__(self, sessions: sessionmaker[Session], author: str, *,
                 channels: ChannelConfig | None = None, clock=utcnow) -> None:
        super().__init__(sessions, author, clock=clock)
        self.channels = channels or ChannelConfig()

    # -- reading ---------------------------------------------------------------
    def get(self, incident_id: int) -> IncidentSnapshot:
        with self._tx() as session:
            i = self._incident(session, incident_id)
            participants = {p.person_id: p.role for p in session.scalars(
                select(db.IncidentParticipant).where(db.IncidentParticipant.incident_id == i.id))}
            return IncidentSnapshot(
                id=i.id, version=i.version, title=i.title, stage=i.stage, detected_at=i.detected_at,
                first_recorded_at=i.first_recorded_at, detection_means=i.detection_means,
                manifestation=i.manifestation, impact=i.impact, urgency=i.urgency,
                priority=i.priority, suggested_priority=i.suggested_priority,
                priority_override_reason=i.priority_override_reason,
                incident_manager_id=i.incident_manager_id, restore_path=i.restore_path,
                restore_summary=i.restore_summary, root_cause=i.root_cause,
                next_update_due_at=i.next_update_due_at, restored_at=i.restored_at,
                closed_at=i.closed_at, postmortem_owner_id=i.postmortem_owner_id,
                postmortem_due_at=i.postmortem_due_at,
                components=_components_link().read(session, i),
                customers=_customers_link().read(session, i), participants=participants,
                key_moments=key_moment_ids(session, i.id),
                **{name: getattr(i, name) for name in POSTMORTEM_FIELDS})

    def timeline(self, incident_id: int) -> list[TimelineEntry]:
        with self._tx() as session:
            self._incident(session, incident_id)
            events = session.scalars(select(db.TimelineEvent)
                                     .where(db.TimelineEvent.incident_id == incident_id)
                                     .order_by(db.TimelineEvent.at, db.TimelineEvent.id)).all()
            return [self._entry(e) for e in events]

    # -- detect / record -----------------------------------------------------------
    def open_incident(self, title: str, detection_means: DetectionMeans | str,
                      manifestation: str = "", component_ids=(), customer_ids: Iterable[str] = (),
                      detected_at: dt.datetime | None = None,
                      suggested: SuggestedPriority | Mapping[str, Any] | None = None,
                      first_recorded_at: dt.datetime | None = None) -> IncidentChange:
        title = check_text(title, "title", required=True, max_len=TITLE_MAX)
        means = as_enum(DetectionMeans, detection_means, "detection_means")
        manifestation = check_text(manifestation, "manifestation")
        roles = _roles(component_ids)
        customers = tuple(sorted({check_id(c, "customer id") for c in customer_ids}))
        detected_at = check_aware(detected_at, "detected_at")
        recorded_at = check_aware(first_recorded_at, "first_recorded_at") or self._now()
        suggestion = _suggested(suggested)
        with self._tx() as session:
            self._require_all(session, db.Component, roles, "component")
            self._require_all(session, db.Customer, customers, "customer")
            incident = db.Incident(
                title=title, stage="record", detection_means=means.value, manifestation=manifestation,
                detected_at=detected_at, first_recorded_at=recorded_at,
                suggested_priority=suggestion["priority"] if suggestion else None)
            session.add(incident)
            session.flush()
            _components_link().write(session, incident, roles)
            _customers_link().write(session, incident, customers)
            summary = f"opened: {title} (detected by {means.value.replace('_', ' ')})"
            if suggestion:
                summary += f"; suggested {suggestion['priority']}"
            self._append(session, incident.id, "opened", summary, {
                "title": title, "detection_means": means.value, "manifestation": manifestation,
                "components": roles, "customers": list(customers), "suggested": suggestion,
                "detected_at": detected_at.isoformat() if detected_at else None})
            session.flush()
            return IncidentChange(incident.id, incident.version, ("opened", "timeline"))

    def record(self, incident_id: int, expected_version: int, *, title: str = UNCHANGED,
               detection_means: DetectionMeans | str = UNCHANGED, manifestation: str = UNCHANGED,
               detected_at: dt.datetime | None = UNCHANGED,
               first_recorded_at: dt.datetime = UNCHANGED) -> IncidentChange:
        values: dict[str, Any] = {}
        if title is not UNCHANGED:
            values["title"] = check_text(title, "title", required=True, max_len=TITLE_MAX)
        if detection_means is not UNCHANGED:
            values["detection_means"] = as_enum(DetectionMeans, detection_means, "detection_means").value
        if manifestation is not UNCHANGED:
            values["manifestation"] = check_text(manifestation, "manifestation")
        if detected_at is not UNCHANGED:
            values["detected_at"] = check_aware(detected_at, "detected_at")
        if first_recorded_at is not UNCHANGED:
            values["first_recorded_at"] = check_aware(first_recorded_at, "first_recorded_at",
                                                      required=True)

        def events(incident, changed):
            shown = {k: (v.isoformat() if isinstance(v, dt.datetime) else v)
                     for k, v in values.items() if k in changed}
            return [("recorded", "recorded: " + ", ".join(changed), shown)] if changed else []
        return self._update(incident_id, expected_version, values, events)

    def set_affected(self, incident_id: int, expected_version: int, *, component_ids=None,
                     customer_ids: Iterable[str] | None = None) -> IncidentChange:
        links = {}
        with self._tx() as session:
            if component_ids is not None:
                roles = _roles(component_ids)
                self._require_all(session, db.Component, roles, "component")
                links["components"] = (_components_link(), roles)
            if customer_ids is not None:
                customers = tuple(sorted({check_id(c, "customer id") for c in customer_ids}))
                self._require_all(session, db.Customer, customers, "customer")
                links["customers"] = (_customers_link(), customers)

        def events(incident, changed):
            data = {name: (dict(v) if isinstance(v, dict) else list(v))
                    for name, (_, v) in links.items() if name in changed}
            return [("affected_changed", "affected " + " and ".join(changed) + " updated", data)]
        return self._update(incident_id, expected_version, {}, events, links=links)

    # -- classify / people -----------------------------------------------------------
    def classify(self, incident_id: int, impact: Level | str, urgency: Level | str,
                 expected_version: int, override_reason: str | None = None,
                 priority: str | None = None) -> IncidentChange:
        """Impact x urgency -> priority (ITIL); a priority other than the suggestion needs a reason."""
        impact_l, urgency_l = as_enum(Level, impact, "impact"), as_enum(Level, urgency, "urgency")
        matrix = priority_for(impact_l, urgency_l)
        chosen = check_priority(priority) if priority is not None else matrix
        reason = check_text(override_reason, "override_reason") or None
        if chosen != matrix and not (reason and reason.strip()):
            raise ValidationError(f"priority {chosen} differs from the matrix ({matrix} for impact "
                                  f"{impact_l.value} x urgency {urgency_l.value}): give a reason",
                                  "override_reason")
        with self._tx() as session:
            suggested = self._incident(session, incident_id).suggested_priority
        overridden = suggested is not None and chosen != suggested
        if overridden and not (reason and reason.strip()):
            raise ValidationError(f"priority {chosen} overrides the suggested {suggested}: "
                                  "give a reason", "override_reason")
        values = {"impact": impact_l.value, "urgency": urgency_l.value, "priority": chosen,
                  "priority_override_reason": reason if (overridden or chosen != matrix) else None}

        def events(incident, changed):
            incident.stage = later_stage(incident.stage, "classify")
            out = [("classified", f"classified {chosen} (impact {impact_l.value} x urgency "
                    f"{urgency_l.value})", {**values, "matrix": matrix, "suggested": suggested})]
            if values["priority_override_reason"]:
                out.append(("priority_overridden",
                            f"priority {chosen} instead of {suggested or matrix}: {reason}",
                            {"priority": chosen, "suggested": suggested, "matrix": matrix,
                             "reason": reason}))
            return out
        return self._update(incident_id, expected_version, values, events)

    def assign_manager(self, incident_id: int, person_id: str, expected_version: int) -> IncidentChange:
        check_id(person_id, "person_id")
        with self._tx() as session:
            name = self._require(session, db.Person, person_id, "person").name
        return self._update(incident_id, expected_version, {"incident_manager_id": person_id},
                            lambda incident, changed: [("manager_assigned",
                                                        f"incident manager: {name}",
                                                        {"person_id": person_id})])

    def add_participant(self, incident_id: int, person_id: str,
                        role: str = "participant") -> IncidentChange:
        role = check_text(role, "role", required=True, max_len=40)
        check_id(person_id, "person_id")
        with self._tx() as session:
            incident = self._incident(session, incident_id)
            person = self._require(session, db.Person, person_id, "person")
            row = session.get(db.IncidentParticipant, (incident_id, person_id))
            if row is not None and row.role == role:
                return IncidentChange(incident_id, incident.version, ())
            if row is None:
                session.add(db.IncidentParticipant(incident_id=incident_id, person_id=person_id,
                                                   role=role))
            else:
                row.role = role
            self._append(session, incident_id, "participant_added",
                         f"{person.name} joined as {role}", {"person_id": person_id, "role": role})
            version = incident.version
        return IncidentChange(incident_id, version, ("participants", "timeline"))

    def add_note(self, incident_id: int, text: str, client_ref: str | None = None) -> IncidentChange:
        return self._timeline_only(incident_id, "note", check_text(text, "note", required=True),
                                   client_ref=_ref(client_ref))

    # -- restore -------------------------------------------------------------------------
    def add_restore_step(self, incident_id: int, text: str, client_ref: str | None = None) -> IncidentChange:
        return self._timeline_only(incident_id, "restore_step",
                                   check_text(text, "restore step", required=True), client_ref=_ref(client_ref))

    def restore(self, incident_id: int, path: RestorePath | str, summary: str,
                expected_version: int, restored_at: dt.datetime | None = None) -> IncidentChange:
        path_e = as_enum(RestorePath, path, "path")
        summary = check_text(summary, "summary", required=True)
        at = check_aware(restored_at, "restored_at") or self._now()
        values = {"restore_path": path_e.value, "restore_summary": summary, "restored_at": at}

        def events(incident, changed):
            incident.stage = later_stage(incident.stage, "restore")
            return [("restored", f"service restored by {path_e.value}: {summary}",
                     {"path": path_e.value, "summary": summary, "restored_at": at.isoformat()})]
        return self._update(incident_id, expected_version, values, events)

    def status_page_update(self, service_group: str | None, state: StatusPageState | str, message: str,
                           incident_id: int | None = None, at: dt.datetime | None = None, *,
                           components: Sequence[str] = (), incident_status: IncidentStatus | str | None = None,
                           title: str | None = None) -> IncidentChange | None:
        """Post a public status update.

        ``components`` are public component ids (``[[status_page.component]]``,
        or one per group); ``incident_status`` is the Statuspage incident status
        (investigating, identified, monitoring, resolved, postmortem; default
        investigating, or resolved when ``state`` is operational); ``title`` is
        the public incident name (internal titles never reach the page).
        ``service_group`` is the pre-0009 way to name one public component.
        """
        if service_group is not None:
            service_group = check_text(service_group, "service_group", max_len=100)
        state_e = as_enum(StatusPageState, state, "state")
        message = check_text(message, "message", required=True)
        at = check_aware(at, "at") or self._now()
        if incident_status is None:
            incident_status = (IncidentStatus.RESOLVED if state_e == StatusPageState.OPERATIONAL
                               else IncidentStatus.INVESTIGATING)
        status_e = as_enum(IncidentStatus, incident_status, "incident_status")
        title = check_text(title, "title", max_len=TITLE_MAX).strip() or None if title else None
        with self._tx() as session:
            page = page_config_from_database(session)
            wanted = tuple(dict.fromkeys(check_text(c, "component", required=True, max_len=100)
                                         for c in components))
            unknown = [c for c in wanted if c not in page.by_id()]
            if unknown:
                known = ", ".join(c.id for c in page.components) or "none"
                raise ValidationError(f"components: {', '.join(unknown)} not a public component "
                                      f"(public components: {known})", "components")
            public = wanted or page.resolve(service_group, ())
            if not public:
                raise ValidationError("say which public components this update is about", "components")
            group = check_text(service_group or ",".join(public), "service_group", required=True)[:100]
            version = self._incident(session, incident_id).version if incident_id is not None else None
            session.add(db.StatusPageEntry(service_group=group, state=state_e.value, message=message,
                                           at=at, incident_id=incident_id, author=self.author,
                                           incident_status=status_e.value, components=list(public),
                                           title=title))
            if incident_id is not None:
                names = ", ".join(page.by_id()[c].name for c in public)
                self._append(session, incident_id, "status_page_update",
                             f"status page {names}: {status_e.value}, {state_e.value.replace('_', ' ')} — {message}",
                             {"service_group": group, "state": state_e.value, "message": message,
                              "components": list(public), "incident_status": status_e.value, "title": title})
            notify_changes(session)  # a --watch publisher rewrites the page at commit
        return None if incident_id is None else IncidentChange(incident_id, version,
                                                               ("status_page", "timeline"))

    def declare(self, **kwargs) -> IncidentChange:
        """Record, classify, assign and post the status page in one action (``declare.py``)."""
        return declare(self, **kwargs)

    def proposal(self, prefill, operator_id: str | None = None):
        """What Declare proposes for this prefill (``declare.propose``)."""
        with self._tx() as session:
            return propose(session, prefill, operator_id if operator_id is not None else self.author)

    # -- close ------------------------------------------------------------------------------
    def close(self, incident_id: int, root_cause: str, follow_ups: Iterable[Any],
              postmortem_owner_id: str | None, postmortem_due_at: dt.datetime | None,
              expected_version: int, **postmortem: str) -> IncidentChange:
        """Close with the root cause and follow-ups; ``postmortem`` texts (summary, ...) may ride along."""
        root_cause = check_text(root_cause, "root_cause")
        texts = checked_fields(postmortem)
        if not root_cause.strip():
            raise ValidationError("an incident cannot be closed without a root cause", "root_cause")
        actions = [self._follow_up(item) for item in follow_ups]
        due = check_aware(postmortem_due_at, "postmortem_due_at")
        now = self._now()
        with self._tx() as session:
            if self._incident(session, incident_id).closed_at is not None:
                raise ValidationError(f"incident {incident_id} is already closed", "closed_at")
            owners = {check_id(o, "owner") for o in {a[1] for a in actions if a[1]} | ({postmortem_owner_id} - {None})}
            self._require_all(session, db.Person, owners, "person")
        values = {"root_cause": root_cause, "postmortem_owner_id": postmortem_owner_id,
                  "postmortem_due_at": due, "closed_at": now, **texts}

        def add_actions(session: Session, incident: db.Incident) -> None:
            incident.stage = "closed"
            incident.next_update_due_at = None  # nothing more is promised to customers
            session.add_all(db.FollowUpAction(incident_id=incident.id, description=d, owner_id=o,
                                              due_at=at) for d, o, at in actions)

        def events(incident, changed):
            out = [("root_cause", f"root cause: {root_cause}", {"root_cause": root_cause})]
            out += [("follow_up_added", f"follow-up: {d}" + (f" (owner {o})" if o else ""),
                     {"description": d, "owner_id": o, "due_at": at.isoformat() if at else None})
                    for d, o, at in actions]
            written = [n for n in texts if n in changed]
            if written:
                out.append(("postmortem_updated", "post-mortem: " + ", ".join(
                    POSTMORTEM_FIELDS[n].lower() for n in written) + " written",
                    {n: texts[n] for n in written}))
            out.append(("closed", "incident closed", {
                "postmortem_owner_id": postmortem_owner_id,
                "postmortem_due_at": due.isoformat() if due else None}))
            return out
        return self._update(incident_id, expected_version, values, events, after=add_actions)

    @staticmethod
    def _follow_up(item: Any) -> tuple[str, str | None, dt.datetime | None]:
        if isinstance(item, Mapping):
            item = (item.get("description"), item.get("owner_id"), item.get("due_at"))
        try:
            description, owner, due = item
        except (TypeError, ValueError):
            raise ValidationError("a follow-up is (description, owner_id, due_at)", "follow_ups") from None
        return (check_text(description, "follow-up description", required=True),
                owner or None, check_aware(due, "follow-up due_at"))

    # -- automatic events ---------------------------------------------------------------------
    def record_check_transitions(self, incident_id: int,
                                 since: dt.datetime | None = None) -> IncidentChange:
        """Copy the confirmed state changes of the incident's components into its timeline.

        Idempotent: each transition is copied once (its id is kept in the event data).
        """
        since = check_aware(since, "since")
        with self._tx() as session:
            incident = self._incident(session, incident_id, lock=True)
            if since is None:
                since = (incident.detected_at or incident.first_recorded_at) - dt.timedelta(hours=1)
            components = list(_components_link().read(session, incident))
            done = {(e.data or {}).get("transition_id") for e in session.scalars(
                select(db.TimelineEvent).where(db.TimelineEvent.incident_id == incident_id,
                                               db.TimelineEvent.kind == "check_transition"))}
            rows = session.scalars(select(db.StateTransition).where(
                db.StateTransition.component_id.in_(components), db.StateTransition.at >= since)
                .order_by(db.StateTransition.at, db.StateTransition.id)).all() if components else []
            added = 0
            for t in rows:
                if t.id in done:
                    continue
                reason = f" ({t.reason})" if t.reason else ""
                self._append(session, incident_id, "check_transition",
                             f"{t.check_key}: {t.from_status} → {t.to_status}{reason}",
                             {"transition_id": t.id, "check_key": t.check_key,
                              "component_id": t.component_id, "from": t.from_status,
                              "to": t.to_status}, at=t.at, author=MONITORING_AUTHOR)
                added += 1
            version = incident.version
        return IncidentChange(incident_id, version, ("timeline",) if added else ())

    @staticmethod
    def _require_all(session: Session, model, ids: Iterable[str], what: str) -> None:
        ids = {check_id(i, what) for i in ids}
        if not ids:
            return
        pk = model.__mapper__.primary_key[0]
        found = set(session.scalars(select(pk).where(pk.in_(ids))))
        missing = sorted(ids - found)
        if missing:
            raise NotFoundError(f"unknown {what}{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")


def _ref(client_ref: str | None) -> str | None:
    if client_ref is not None and not (0 < len(client_ref) <= 64):
        raise ValidationError("client_ref must be 1 to 64 characters", "client_ref")
    return client_ref
