"""Open what every command works on: a topology, a database at the right schema, synced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from noc_app.storage.db import make_engine, resolve_db_url, session_factory, transaction

# Imported where used: the commands that only need ``prepare_database`` on a current
# database (export, status, statuspage, bundle...) would otherwise pay Alembic
# (~0.25 s), the topology loader (pydantic, ~0.15 s) and the sync at every start.
if TYPE_CHECKING:
    from noc_app.storage.sync import SyncReport
    from noc_app.topology import Topology


class SchemaOutdatedError(RuntimeError):
    """A shared database whose schema is behind this version of the app."""


@dataclass
class Workspace:
    topology: Topology
    engine: Engine
    sessions: sessionmaker[Session]
    db_url: str
    sync_report: SyncReport

    def close(self) -> None:
        self.engine.dispose()


def prepare_database(engine: Engine) -> None:
    """Bring an embedded or empty database to the current schema.

    A shared PostgreSQL that already has an older schema is not migrated
    behind the operators' backs: that is what ``db upgrade`` is for.
    """
    from noc_app.storage.schema_version import is_current

    if is_current(engine):  # one SELECT, no Alembic: what nearly every start finds
        return
    from noc_app.storage.fresh_schema import create_if_empty

    if create_if_empty(engine):  # a new database: today's tables at once, no migrations to replay
        return
    from noc_app.storage import migrate

    current = migrate.current_revision(engine)
    head = migrate.head_revision()
    if current == head:
        return
    migrate.refuse_newer(current)  # "run db upgrade" would not help: the app is the older one
    if engine.dialect.name == "sqlite" or current is None:
        migrate.upgrade(engine)
        return
    raise SchemaOutdatedError(
        f"database schema is at {current}, this version needs {head}; "
        "run: python main.py db upgrade --db URL"
    )


def open_workspace(config: str | Path | Topology, db_url: str | None = None, sync: bool = True) -> Workspace:
    """Load (or take) the topology, prepare the database and sync the topology into it.

    ``sync=False``: the caller knows it was just synced (``poll --processes``
    syncs once in the supervisor; 10,000 checks cost each child ~2 s of CPU).
    """
    from noc_app.storage.sync import SyncReport
    from noc_app.topology import Topology, load_topology

    # The file is validated first: a bad file must not touch the database.
    topology = config if isinstance(config, Topology) else load_topology(config)
    url = resolve_db_url(db_url)
    engine = make_engine(url)
    try:
        prepare_database(engine)
        sessions = session_factory(engine)
        report = _sync_with_retry(sessions, topology) if sync else SyncReport()
    except BaseException:
        engine.dispose()
        raise
    return Workspace(topology, engine, sessions, url, report)


def open_shared_workspace(db_url: str | None = None, config: str | Path | Topology | None = None) -> Workspace:
    """A desktop on a database that pollers fill: nothing is synced, nothing is polled here.

    The topology comes from ``config`` when given (for display only), else
    from the database, which the pollers keep in step with their file.
    """
    from noc_app.storage.readers import read_topology
    from noc_app.storage.sync import SyncReport
    from noc_app.topology import load_topology

    topology = load_topology(config) if isinstance(config, (str, Path)) else config
    url = resolve_db_url(db_url)
    engine = make_engine(url)
    try:
        prepare_database(engine)
        sessions = session_factory(engine)
        if topology is None:
            with sessions() as session:
                topology = read_topology(session, source=engine.url.render_as_string())
        if not topology.components:
            raise EmptyDatabaseError(
                "the database holds no topology yet; start a poller with "
                "`python main.py poll --config FILE --db URL`, or give --config FILE"
            )
    except BaseException:
        engine.dispose()
        raise
    return Workspace(topology, engine, sessions, url, SyncReport())


class EmptyDatabaseError(RuntimeError):
    """A shared database with nothing to show yet."""


def _sync_with_retry(sessions: sessionmaker[Session], topology: Topology) -> SyncReport:
    # Two pollers started together on an empty database both insert the same
    # rows; the loser's transaction fails on a key and simply tries again,
    # then finds everything in place.
    from sqlalchemy.exc import IntegrityError

    from noc_app.storage.sync import sync_topology

    for attempt in range(3):
        try:
            with transaction(sessions) as session:
                return sync_topology(session, topology)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
