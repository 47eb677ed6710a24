"""Escalate: who to page for an incident, the pages sent, acknowledgements, what is due next.

Targets come from the escalation policies linked to the affected components
and from the policies of the components' teams.  Levels are numbered by
their stored ``position`` (0 = first rung).  A policy stops escalating for
an incident as soon as anyone paged under it acknowledges; otherwise the
next level is due ``delay_s`` (that level's delay) after the previous level
was paged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from noc_app.incidents.errors import NotFoundError, ValidationError
from noc_app.incidents.values import IncidentChange, check_aware
from noc_app.storage import models as db


@dataclass(frozen=True)
class LevelTarget:
    level: int
    delay_s: float
    people: tuple[tuple[str, str], ...]  # (person id, name), in calling order


@dataclass(frozen=True)
class EscalationTarget:
    policy_id: str
    policy_name: str
    via: tuple[str, ...]  # "component:api", "team:platform"
    levels: tuple[LevelTarget, ...]


@dataclass(frozen=True)
class PageInfo:
    id: int
    incident_id: int
    policy_id: str | None
    level: int
    person_id: str
    paged_at: dt.datetime
    acknowledged_at: dt.datetime | None


@dataclass(frozen=True)
class DueEscalation:
    incident_id: int
    policy_id: str
    level: int  # the level to page now
    due_at: dt.datetime
    people: tuple[str, ...]


class EscalationMixin:
    def escalation_targets(self, incident_id: int) -> list[EscalationTarget]:
        with self._tx() as session:
            self._incident(session, incident_id)
            components = session.execute(
                select(db.Component.id, db.Component.team_id)
                .join(db.IncidentComponent, db.IncidentComponent.component_id == db.Component.id)
                .where(db.IncidentComponent.incident_id == incident_id)).all()
            via: dict[str, list[str]] = {}
            ids = [cid for cid, _ in components]
            for policy_id, cid in session.execute(
                    select(db.EscalationPolicyComponent.policy_id,
                           db.EscalationPolicyComponent.component_id)
                    .where(db.EscalationPolicyComponent.component_id.in_(ids))
                    .order_by(db.EscalationPolicyComponent.component_id)):
                via.setdefault(policy_id, []).append(f"component:{cid}")
            teams = sorted({team for _, team in components if team})
            for team in session.scalars(select(db.Team).where(db.Team.id.in_(teams)).order_by(db.Team.id)):
                if team.escalation_policy_id:
                    via.setdefault(team.escalation_policy_id, []).append(f"team:{team.id}")
            names = dict(session.execute(select(db.Person.id, db.Person.name)).all())
            out = []
            for policy in session.scalars(select(db.EscalationPolicy).where(
                    db.EscalationPolicy.id.in_(list(via))).order_by(db.EscalationPolicy.id)):
                levels = tuple(LevelTarget(lv.position, lv.delay_s,
                                           tuple((p, names.get(p, p)) for p in lv.people or []))
                               for lv in policy.levels)
                out.append(EscalationTarget(policy.id, policy.name, tuple(via[policy.id]), levels))
            return out

    def page_level(self, incident_id: int, policy_id: str, level: int,
                   at: dt.datetime | None = None) -> IncidentChange:
        """Record that the people of one level were paged (the phone call is outside the app)."""
        at = check_aware(at, "at") or self._now()
        with self._tx() as session:
            incident = self._incident(session, incident_id)
            policy = self._require(session, db.EscalationPolicy, policy_id, "escalation policy")
            rung = session.get(db.EscalationLevel, (policy_id, level))
            if rung is None:
                raise ValidationError(f"escalation policy {policy_id!r} has no level {level}", "level")
            if not rung.people:
                raise ValidationError(f"level {level} of {policy_id!r} names nobody", "level")
            for person_id in rung.people:
                session.add(db.EscalationPage(incident_id=incident_id, policy_id=policy_id,
                                              level=level, person_id=person_id, paged_at=at))
            self._append(session, incident_id, "escalated",
                         f"paged {policy.name} level {level}: {', '.join(rung.people)}",
                         {"policy_id": policy_id, "level": level, "people": list(rung.people)}, at=at)
            version = incident.version
        return IncidentChange(incident_id, version, ("pages", "timeline"))

    def acknowledge(self, page_id: int, at: dt.datetime | None = None) -> IncidentChange:
        at = check_aware(at, "at") or self._now()
        with self._tx() as session:
            page = session.get(db.EscalationPage, page_id)
            if page is None:
                raise NotFoundError(f"page {page_id} does not exist")
            incident = self._incident(session, page.incident_id)
            if page.acknowledged_at is None:
                page.acknowledged_at = at
                self._append(session, page.incident_id, "acknowledged",
                             f"{page.person_id} acknowledged the page (level {page.level})",
                             {"page_id": page.id, "person_id": page.person_id,
                              "policy_id": page.policy_id, "level": page.level}, at=at)
            version = incident.version
        return IncidentChange(page.incident_id, version, ("pages", "timeline"))

    def pages(self, incident_id: int) -> list[PageInfo]:
        """Who was paged for an incident, when, and whether they acknowledged."""
        with self._tx() as session:
            return [PageInfo(p.id, p.incident_id, p.policy_id, p.level, p.person_id, p.paged_at,
                             p.acknowledged_at)
                    for p in session.scalars(select(db.EscalationPage).where(
                        db.EscalationPage.incident_id == incident_id)
                        .order_by(db.EscalationPage.paged_at, db.EscalationPage.id))]

    def due_escalations(self, now: dt.datetime | None = None) -> list[DueEscalation]:
        now = check_aware(now, "now") or self._now()
        with self._tx() as session:
            rows = session.execute(
                select(db.EscalationPage)
                .join(db.Incident, db.Incident.id == db.EscalationPage.incident_id)
                .where(db.Incident.closed_at.is_(None), db.EscalationPage.policy_id.is_not(None))
                .order_by(db.EscalationPage.incident_id, db.EscalationPage.policy_id)).scalars().all()
            by_key: dict[tuple[int, str], list[db.EscalationPage]] = {}
            for page in rows:
                by_key.setdefault((page.incident_id, page.policy_id), []).append(page)
            levels: dict[str, dict[int, db.EscalationLevel]] = {}
            for lv in session.scalars(select(db.EscalationLevel)):
                levels.setdefault(lv.policy_id, {})[lv.position] = lv
            out = []
            for (incident_id, policy_id), pages in by_key.items():
                if any(p.acknowledged_at is not None for p in pages):
                    continue
                top = max(p.level for p in pages)
                rungs = levels.get(policy_id, {})
                nxt = min((pos for pos in rungs if pos > top), default=None)
                if nxt is None:
                    continue
                last_paged = max(p.paged_at for p in pages if p.level == top)
                due_at = last_paged + dt.timedelta(seconds=rungs[nxt].delay_s)
                if due_at <= now:
                    out.append(DueEscalation(incident_id, policy_id, nxt, due_at,
                                             tuple(rungs[nxt].people or [])))
            return sorted(out, key=lambda d: (d.due_at, d.incident_id, d.policy_id))
