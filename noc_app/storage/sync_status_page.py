"""Sync the topology's ``[status_page]`` into the database (called by ``sync_topology``).

Stored so that desktops and the ``statuspage`` command without the file
know the public components. Public components that leave the file are
retired, like internal ones: past status-page updates still name them.
A file without ``[status_page]`` retires them all (the page then shows
one public component per group, see ``noc_app.statuspage.config``).
"""

from __future__ import annotations

import datetime as dt

from noc_app.storage import models as db
from noc_app.topology.model import Topology


def sync_status_page(up, topology: Topology, now: dt.datetime) -> None:
    """``up`` is sync's ``_Upserter`` (adds, updates and counts)."""
    page = topology.status_page
    settings = up.rows(db.StatusPageSettings)
    if page is not None:
        up.put(settings, db.StatusPageSettings, 1, "status page", id=1, name=page.name, url=page.url,
               time_zone=page.time_zone)
    elif 1 in settings:
        up.session.delete(settings[1])
        up.report.retired["status page"] += 1
    publics = up.rows(db.PublicComponent)
    declared = page.components if page is not None else ()
    for position, c in enumerate(declared):
        up.put(publics, db.PublicComponent, c.id, "public components", id=c.id, name=c.name,
               description=c.description, position=position, retired_at=None)
    up.retire_missing(publics, {c.id for c in declared}, now, "public components")
    up.session.flush()
    for c in declared:
        up.set_links(db.PublicComponentMember, "public_id", c.id, "component_id",
                     {x: {} for x in c.components}, "public components")
