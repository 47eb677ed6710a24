"""Which public components exist and which internal components each stands for.

From the topology file (``[[status_page.component]]``) or, without the file,
from the database that ``sync_topology`` filled. Declaring none means one
public component per group, named after the group. ``members`` are internal
ids: they decide a public status and must never be written to a page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.storage import models as db

if TYPE_CHECKING:  # only a type here: importing noc_app.topology loads the file loader and its schema
    from noc_app.topology.model import Topology

DEFAULT_GROUP_NAME = "Services"  # the public name for components without a group


@dataclass(frozen=True)
class PublicComponent:
    id: str
    name: str
    description: str
    position: int
    members: tuple[str, ...]  # internal component ids: never published


@dataclass(frozen=True)
class PageConfig:
    name: str = "Status"
    url: str | None = None
    time_zone: str = "UTC"
    components: tuple[PublicComponent, ...] = ()

    @property
    def page_id(self) -> str:
        return slug(self.name) or "status"

    def by_id(self) -> dict[str, PublicComponent]:
        return self._by_id

    @cached_property
    def _by_id(self) -> dict[str, PublicComponent]:  # computed once: resolve() runs per update
        return {c.id: c for c in self.components}

    def resolve(self, service_group: str | None, ids) -> tuple[str, ...]:
        """The public ids an update names: its own list, else its legacy ``service_group``."""
        known = self.by_id()
        if ids:
            return tuple(i for i in dict.fromkeys(ids) if i in known)
        if not service_group:
            return ()
        for c in self.components:
            if service_group in (c.id, c.name) or slug(service_group) == c.id:
                return (c.id,)
        return ()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def from_topology(topology: Topology) -> PageConfig:
    page = topology.status_page
    live = [(c.id, c.group) for c in topology.components]
    if page is None:
        return PageConfig(components=per_group(live))
    publics = tuple(PublicComponent(c.id, c.name, c.description, i, c.components)
                    for i, c in enumerate(page.components)) or per_group(live)
    return PageConfig(page.name, page.url, page.time_zone, publics)


def from_database(session: Session) -> PageConfig:
    return _config(_config_rows(session))


class PageConfigCache:
    """``from_database`` for a publisher that reads it on every rewrite.

    The rows are read each time (plain Core rows: a few ms for 1,000
    components), but while they are the same the very same ``PageConfig``
    comes back, so everything keyed on it (the uptime tracker, the incident
    cache) sees "unchanged" at a glance.
    """

    def __init__(self) -> None:
        self._rows = None
        self._config: PageConfig | None = None

    def read(self, session: Session) -> PageConfig:
        rows = _config_rows(session)
        if self._config is None or rows != self._rows:
            self._rows, self._config = rows, _config(rows)
        return self._config


# Built once: a --watch rewrite runs them every time, and making a statement costs more than
# running it from SQLAlchemy's compiled cache.
_SETTINGS = select(db.StatusPageSettings.name, db.StatusPageSettings.url, db.StatusPageSettings.time_zone
                   ).where(db.StatusPageSettings.id == 1)
_PUBLICS = (select(db.PublicComponent.id, db.PublicComponent.name, db.PublicComponent.description,
                   db.PublicComponent.position).where(db.PublicComponent.retired_at.is_(None))
            .order_by(db.PublicComponent.position, db.PublicComponent.id))
_MEMBERS = (select(db.PublicComponentMember.public_id, db.PublicComponentMember.component_id)  # live ones only
            .join(db.Component, db.Component.id == db.PublicComponentMember.component_id)
            .where(db.Component.retired_at.is_(None)).order_by(db.PublicComponentMember.component_id))
_LIVE = select(db.Component.id, db.Component.group_name).where(db.Component.retired_at.is_(None)
                                                               ).order_by(db.Component.id)


def _config_rows(session: Session) -> tuple:
    run = session.connection().execute  # Core rows: no ORM objects for what is only compared and copied
    settings = run(_SETTINGS).first()
    publics = run(_PUBLICS).all()
    # the default page, one public component per group, needs every live component instead
    members, live = (run(_MEMBERS).all(), ()) if publics else ((), run(_LIVE).all())
    return (tuple(settings) if settings is not None else None, tuple(map(tuple, publics)),
            tuple(map(tuple, members)), tuple(map(tuple, live)))


def _config(rows: tuple) -> PageConfig:
    settings, publics, member_rows, live = rows
    members: dict[str, list[str]] = defaultdict(list)
    for public_id, component_id in member_rows:
        members[public_id].append(component_id)
    components = tuple(PublicComponent(pid, name, description, position, tuple(members[pid]))
                       for pid, name, description, position in publics) or per_group(live)
    if settings is None:
        return PageConfig(components=components)
    return PageConfig(*settings, components)


def per_group(components) -> tuple[PublicComponent, ...]:
    """The default: one public component per group, in the groups' alphabetical order."""
    groups: dict[str, list[str]] = defaultdict(list)
    for component_id, group in components:
        groups[group or DEFAULT_GROUP_NAME].append(component_id)
    out, used = [], set()
    for position, name in enumerate(sorted(groups)):
        base = slug(name) or "group"
        pid, n = base, 2
        while pid in used:  # "EU West" and "eu-west" are two groups: keep both
            pid, n = f"{base}-{n}", n + 1
        used.add(pid)
        out.append(PublicComponent(pid, name, "", position, tuple(groups[name])))
    return tuple(out)
