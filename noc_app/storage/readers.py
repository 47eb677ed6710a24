"""Read the live topology and current statuses back out of the database.

Desktops in shared mode and the ``status`` command have no topology file:
the database is the source of truth, so they rebuild a ``Topology`` from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.domain import CheckKind, Criticality, HealthFormat, Status, worst
from noc_app.storage import models as db
from noc_app.topology.model import (
    CheckSpec, ComponentSpec, CustomerSpec, JsonExpectation, MaintenanceSpec, RedundancyGroup,
    Topology, Usage,
)


def read_topology(session: Session, source: str = "database") -> Topology:
    """Live (non-retired) components with their checks and dependencies, customers with their map rows.

    Checks are rebuilt from their stored specs, so a desktop knows which
    components are measured (it never polls them itself in shared mode).
    Rows are read as plain tuples (named like the models' attributes), not ORM
    objects: ~11,000 of those for 1,000 components and 2,000 customers cost
    more than the rest of an availability report's accounting.
    """
    components = session.execute(
        _plain(db.Component).where(db.Component.retired_at.is_(None)).order_by(db.Component.id)
    ).all()
    live = {c.id for c in components}
    depends: dict[str, list[str]] = defaultdict(list)
    members: dict[tuple[str, int], list[str]] = defaultdict(list)
    for edge in session.execute(_plain(db.ComponentDependency).order_by(
            db.ComponentDependency.component_id, db.ComponentDependency.depends_on_id)):
        if edge.component_id in live and edge.depends_on_id in live:
            if edge.group_position is None:
                depends[edge.component_id].append(edge.depends_on_id)
            else:
                members[(edge.component_id, edge.group_position)].append(edge.depends_on_id)
    redundancy: dict[str, list[RedundancyGroup]] = defaultdict(list)
    for row in session.execute(_plain(db.ComponentRedundancyGroup).order_by(
            db.ComponentRedundancyGroup.component_id, db.ComponentRedundancyGroup.position)):
        group_members = members.get((row.component_id, row.position), [])
        # A group whose members were retired down to one is no group any more:
        # what is left of it is a plain dependency (and none left, no edge).
        if len(group_members) >= 2:
            need = min(row.need, len(group_members))
            redundancy[row.component_id].append(
                RedundancyGroup(tuple(group_members), need, row.name))
        else:
            depends[row.component_id].extend(group_members)
    uses: dict[str, list[Usage]] = defaultdict(list)
    for row in session.execute(_plain(db.CustomerComponent).order_by(
            db.CustomerComponent.customer_id, db.CustomerComponent.component_id)):
        if row.component_id in live:
            uses[row.customer_id].append(Usage(row.component_id, Criticality(row.criticality)))
    checks: dict[str, list[CheckSpec]] = defaultdict(list)
    for check in session.execute(
        _plain(db.Check).where(db.Check.retired_at.is_(None)).order_by(db.Check.key)
    ):
        checks[check.component_id].append(check_from_config(check.config))
    customers = session.execute(
        _plain(db.Customer).where(db.Customer.retired_at.is_(None)).order_by(db.Customer.id)
    ).all()
    windows = session.execute(_plain(db.MaintenanceWindow)).all()
    window_components: dict[str, list[str]] = defaultdict(list)
    for link in session.execute(_plain(db.MaintenanceComponent)):
        window_components[link.window_id].append(link.component_id)
    tiers = session.execute(_plain(db.Tier)).all()
    return Topology(
        source=source,
        tier_weights={t.name: t.weight for t in tiers},
        sla_by_tier={t.name: t.sla for t in tiers if t.sla is not None},
        components=tuple(
            ComponentSpec(id=c.id, name=c.name, group=c.group_name, team=c.team_id, kind=c.kind,
                          criticality=Criticality(c.criticality), description=c.description,
                          depends_on=(*depends[c.id],
                                      *(m for g in redundancy[c.id] for m in g.members)),
                          checks=tuple(checks[c.id]), redundancy=tuple(redundancy[c.id]))
            for c in components
        ),
        customers=tuple(
            CustomerSpec(id=c.id, name=c.name, tier=c.tier, timezone=c.timezone,
                         business_hours=(c.business_start, c.business_end),
                         business_days=tuple(int(d) for d in c.business_days.split(",") if d),
                         account_manager=c.account_manager, partner=c.partner, email=c.email,
                         uses=tuple(uses[c.id]), sla=c.sla)
            for c in customers
        ),
        maintenance=tuple(
            MaintenanceSpec(w.id, tuple(sorted(window_components[w.id])), w.starts_at, w.ends_at, w.reason)
            for w in windows
        ),
    )


def _plain(model):
    """``select(model)`` as rows of its table's columns: same attribute names, no identity map, no instances."""
    return select(model.__table__)


def check_from_config(config: dict) -> CheckSpec:
    """The inverse of ``sync.check_config``: a stored check spec back as a ``CheckSpec``."""
    values = dict(config)
    values["kind"] = CheckKind(values["kind"])
    values["format"] = HealthFormat(values["format"])
    values["expect_status"] = tuple(values.get("expect_status") or (200,))
    values["headers_env"] = tuple(tuple(pair) for pair in values.get("headers_env") or ())
    if values.get("json"):
        values["json"] = JsonExpectation(**values["json"])
    known = {f.name for f in dataclasses.fields(CheckSpec)}
    return CheckSpec(**{k: v for k, v in values.items() if k in known})


def component_statuses(session: Session, now: dt.datetime | None = None) -> dict[str, Status]:
    """Each live component's own status: the worst confirmed state of its live checks.

    A component inside a maintenance window shows MAINTENANCE. Components
    without checks are left out (the status engine derives them).
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    rows = session.execute(
        select(db.Check.component_id, db.CheckState.status)
        .join(db.CheckState, db.CheckState.check_key == db.Check.key)
        .join(db.Component, db.Component.id == db.Check.component_id)
        .where(db.Check.retired_at.is_(None), db.Component.retired_at.is_(None))
    ).all()
    by_component: dict[str, list[Status]] = defaultdict(list)
    for component_id, status in rows:
        by_component[component_id].append(Status(status))
    statuses = {cid: worst(values) for cid, values in by_component.items()}
    in_window = session.scalars(
        select(db.MaintenanceComponent.component_id)
        .join(db.MaintenanceWindow, db.MaintenanceWindow.id == db.MaintenanceComponent.window_id)
        .where(db.MaintenanceWindow.starts_at <= now, db.MaintenanceWindow.ends_at > now)
    ).all()
    for component_id in in_window:
        if component_id in statuses:
            statuses[component_id] = Status.MAINTENANCE
    return statuses
