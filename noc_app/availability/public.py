"""Public components: what the status page shows, each a set of internal components.

The status page's own configuration decides them (``noc_app.statuspage.config``):
the topology's ``[[status_page.component]]`` tables, those stored in the
database, or one per component group — so the report and the page name the
same public components with the same ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from noc_app.statuspage.config import from_database, from_topology
from noc_app.topology.model import Topology


@dataclass(frozen=True)
class PublicComponent:
    id: str
    name: str
    components: tuple[str, ...]


def public_components(topology: Topology, session: Session | None = None) -> tuple[PublicComponent, ...]:
    """From the topology file when it declares a status page (or no database is at hand), else the database."""
    if getattr(topology, "status_page", None) is not None or session is None:
        page = from_topology(topology)
    else:
        page = from_database(session)
    known = {c.id for c in topology.components}
    return tuple(PublicComponent(p.id, p.name, tuple(m for m in p.members if m in known)) for p in page.components)
