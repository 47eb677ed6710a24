"""People, teams and escalation policies.

Deleting is refused while anything still points at the record — an open or
closed incident, a page in its history, an escalation level, a notification
list — because the database would otherwise quietly null (or cascade away)
those references and the incident history would lose who did what.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from noc_app.admin.common import (
    replace_component_links,
    ValidationError, check_components, check_email, check_id, check_ids_exist, check_line,
    check_new_id, refuse_in_use, require, writing,
)
from noc_app.storage import models as db
from noc_app.storage.db import transaction

NAME_MAX = 200
PHONE_MAX = 60


@dataclass(frozen=True)
class TeamInfo:
    id: str
    name: str
    escalation_policy_id: str | None = None


@dataclass(frozen=True)
class PersonInfo:
    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    team_id: str | None = None


@dataclass(frozen=True)
class Level:
    delay_s: float  # after the previous level was paged without acknowledgement
    people: tuple[str, ...]  # person ids, in calling order


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    levels: tuple[Level, ...] = ()
    components: tuple[str, ...] = ()


class PeopleAdmin:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    # -- people ------------------------------------------------------------------
    def people(self) -> list[PersonInfo]:
        with transaction(self.sessions) as session:
            return [_person(p) for p in session.scalars(select(db.Person).order_by(db.Person.name, db.Person.id))]

    def get_person(self, person_id: str) -> PersonInfo:
        with transaction(self.sessions) as session:
            return _person(require(session.get(db.Person, person_id), f"person {person_id!r}"))

    def create_person(self, person: PersonInfo) -> PersonInfo:
        with writing(self.sessions, f"person {person.id!r}") as session:
            person_id = check_new_id(session, db.Person, person.id, "person")
            session.add(db.Person(id=person_id, **_person_values(session, person)))
        return self.get_person(person_id)

    def update_person(self, person: PersonInfo) -> PersonInfo:
        person_id = check_id(person.id)
        with writing(self.sessions, f"person {person_id!r}") as session:
            row = require(session.get(db.Person, person_id), f"person {person_id!r}")
            for name, value in _person_values(session, person).items():
                setattr(row, name, value)
        return self.get_person(person_id)

    def delete_person(self, person_id: str) -> None:
        with transaction(self.sessions) as session:
            row = require(session.get(db.Person, person_id), f"person {person_id!r}")
            refuse_in_use(f"person {person_id!r}", _person_uses(session, person_id))
            session.delete(row)

    # -- teams -------------------------------------------------------------------
    def teams(self) -> list[TeamInfo]:
        with transaction(self.sessions) as session:
            return [TeamInfo(t.id, t.name, t.escalation_policy_id)
                    for t in session.scalars(select(db.Team).order_by(db.Team.name, db.Team.id))]

    def get_team(self, team_id: str) -> TeamInfo:
        with transaction(self.sessions) as session:
            t = require(session.get(db.Team, team_id), f"team {team_id!r}")
            return TeamInfo(t.id, t.name, t.escalation_policy_id)

    def create_team(self, team: TeamInfo) -> TeamInfo:
        with writing(self.sessions, f"team {team.id!r}") as session:
            team_id = check_new_id(session, db.Team, team.id, "team")
            session.add(db.Team(id=team_id, **_team_values(session, team)))
        return self.get_team(team_id)

    def update_team(self, team: TeamInfo) -> TeamInfo:
        team_id = check_id(team.id)
        with writing(self.sessions, f"team {team_id!r}") as session:
            row = require(session.get(db.Team, team_id), f"team {team_id!r}")
            for name, value in _team_values(session, team).items():
                setattr(row, name, value)
        return self.get_team(team_id)

    def delete_team(self, team_id: str) -> None:
        with transaction(self.sessions) as session:
            row = require(session.get(db.Team, team_id), f"team {team_id!r}")
            uses = [f"person {p}" for p in session.scalars(select(db.Person.id).where(db.Person.team_id == team_id))]
            uses += [f"component {c}" for c in session.scalars(
                select(db.Component.id).where(db.Component.team_id == team_id))]
            refuse_in_use(f"team {team_id!r}", uses)
            session.delete(row)

    # -- escalation policies -----------------------------------------------------
    def policies(self) -> list[Policy]:
        with transaction(self.sessions) as session:
            return [_policy(session, p) for p in session.scalars(
                select(db.EscalationPolicy).order_by(db.EscalationPolicy.name, db.EscalationPolicy.id))]

    def get_policy(self, policy_id: str) -> Policy:
        with transaction(self.sessions) as session:
            return _policy(session, require(session.get(db.EscalationPolicy, policy_id),
                                            f"escalation policy {policy_id!r}"))

    def create_policy(self, policy: Policy) -> Policy:
        with writing(self.sessions, f"escalation policy {policy.id!r}") as session:
            policy_id = check_new_id(session, db.EscalationPolicy, policy.id, "escalation policy")
            name = _policy_checked(session, policy)
            session.add(db.EscalationPolicy(id=policy_id, name=name))
            session.flush()
            _set_policy_rows(session, policy_id, policy)
        return self.get_policy(policy_id)

    def update_policy(self, policy: Policy) -> Policy:
        policy_id = check_id(policy.id)
        with writing(self.sessions, f"escalation policy {policy_id!r}") as session:
            row = require(session.get(db.EscalationPolicy, policy_id), f"escalation policy {policy_id!r}")
            row.name = _policy_checked(session, policy)
            _set_policy_rows(session, policy_id, policy)
        return self.get_policy(policy_id)

    def delete_policy(self, policy_id: str) -> None:
        with transaction(self.sessions) as session:
            row = require(session.get(db.EscalationPolicy, policy_id), f"escalation policy {policy_id!r}")
            uses = [f"team {t}" for t in session.scalars(
                select(db.Team.id).where(db.Team.escalation_policy_id == policy_id))]
            pages = session.scalars(select(db.EscalationPage.incident_id)
                                    .where(db.EscalationPage.policy_id == policy_id).distinct())
            uses += [f"the pages of incident #{i}" for i in pages]
            refuse_in_use(f"escalation policy {policy_id!r}", uses)
            session.delete(row)


def _person_values(session: Session, person: PersonInfo) -> dict:
    name = check_line(person.name, "name", max_len=NAME_MAX, required=True)
    email = check_email(person.email) if (person.email or "").strip() else None
    phone = check_line((person.phone or "").strip(), "phone", max_len=PHONE_MAX) or None
    team_id = (person.team_id or "").strip() or None
    if team_id:
        check_ids_exist(session, db.Team, [team_id], "team", "team")
    return {"name": name, "email": email, "phone": phone, "team_id": team_id}


def _team_values(session: Session, team: TeamInfo) -> dict:
    name = check_line(team.name, "name", max_len=NAME_MAX, required=True)
    policy_id = (team.escalation_policy_id or "").strip() or None
    if policy_id:
        check_ids_exist(session, db.EscalationPolicy, [policy_id], "escalation policy", "escalation policy")
    return {"name": name, "escalation_policy_id": policy_id}


def _policy_checked(session: Session, policy: Policy) -> str:
    name = check_line(policy.name, "name", max_len=NAME_MAX, required=True)
    if not policy.levels:
        raise ValidationError("levels: add at least one level (who is paged first)", "levels")
    for n, level in enumerate(policy.levels, 1):
        field = f"level {n}"
        delay = level.delay_s
        if not isinstance(delay, (int, float)) or isinstance(delay, bool) or not math.isfinite(delay) \
                or delay < 0:
            raise ValidationError(f"{field}: delay must be zero or more seconds, got {delay!r}", "levels")
        if not level.people:
            raise ValidationError(f"{field}: name at least one person to page", "levels")
        for person_id in level.people:
            check_id(person_id, field)
        check_ids_exist(session, db.Person, level.people, field, "person")
    check_components(session, policy.components)
    return name


def _set_policy_rows(session: Session, policy_id: str, policy: Policy) -> None:
    # Old rungs go first (and are flushed) so new ones can reuse their positions.
    session.execute(delete(db.EscalationLevel).where(db.EscalationLevel.policy_id == policy_id))
    session.flush()
    session.add_all(db.EscalationLevel(policy_id=policy_id, position=i, delay_s=float(level.delay_s),
                                       people=list(dict.fromkeys(level.people)))
                    for i, level in enumerate(policy.levels))
    replace_component_links(session, db.EscalationPolicyComponent, "policy_id", policy_id, policy.components)


def _person_uses(session: Session, person_id: str) -> list[str]:
    inc = db.Incident
    uses = [f"incident #{i} (incident manager)" for i in session.scalars(
        select(inc.id).where(inc.incident_manager_id == person_id))]
    uses += [f"incident #{i} (post-mortem owner)" for i in session.scalars(
        select(inc.id).where(inc.postmortem_owner_id == person_id))]
    uses += [f"incident #{i} (war room)" for i in session.scalars(
        select(db.IncidentParticipant.incident_id).where(db.IncidentParticipant.person_id == person_id))]
    uses += [f"incident #{i} (pages)" for i in session.scalars(
        select(db.EscalationPage.incident_id).where(db.EscalationPage.person_id == person_id).distinct())]
    uses += [f"incident #{i} (follow-up owner)" for i in session.scalars(
        select(db.FollowUpAction.incident_id).where(db.FollowUpAction.owner_id == person_id).distinct())]
    # People inside JSON lists: read and compare in Python, the same on both backends.
    for level in session.scalars(select(db.EscalationLevel)):
        if person_id in (level.people or []):
            uses.append(f"escalation policy {level.policy_id} level {level.position + 1}")
    for nl in session.scalars(select(db.NotificationList)):
        if person_id in (nl.people or []):
            uses.append(f"notification list {nl.id}")
    uses += [f"customer {c} (account manager)" for c in session.scalars(
        select(db.Customer.id).where(db.Customer.account_manager == person_id))]
    return list(dict.fromkeys(uses))


def _person(p: db.Person) -> PersonInfo:
    return PersonInfo(p.id, p.name, p.email, p.phone, p.team_id)


def _policy(session: Session, p: db.EscalationPolicy) -> Policy:
    levels = session.scalars(select(db.EscalationLevel).where(db.EscalationLevel.policy_id == p.id)
                             .order_by(db.EscalationLevel.position))
    components = session.scalars(select(db.EscalationPolicyComponent.component_id)
                                 .where(db.EscalationPolicyComponent.policy_id == p.id)
                                 .order_by(db.EscalationPolicyComponent.component_id))
    return Policy(p.id, p.name, tuple(Level(lv.delay_s, tuple(lv.people or ())) for lv in levels),
                  tuple(components))
