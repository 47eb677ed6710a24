"""Engines and sessions for the embedded SQLite default and a shared PostgreSQL."""

from __future__ import annotations

import os
from contextlib import contextmanager
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from noc_app.paths import default_db_url
from noc_app.storage.sqlite_files import prepare_sqlite_file

SQLITE_BUSY_TIMEOUT_MS = 5000


class DatabaseUrlError(ValueError):
    """A database URL that cannot be used; the message says how to fix it."""


def resolve_db_url(explicit: str | None = None) -> str:
    """``--db`` wins, then ``NOC_DB_URL``, then the per-user SQLite file."""
    return explicit or os.environ.get("NOC_DB_URL") or default_db_url()


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = resolve_db_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            f'"{url}" is not a database URL; use sqlite:///PATH or '
            "postgresql+psycopg://USER@HOST:PORT/DB"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername != "postgresql+psycopg":
        # psycopg 3 is the driver we ship; psycopg2 URLs would fail on import.
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(f'unsupported database "{backend}"; use sqlite or postgresql')
    try:
        if backend == "sqlite":
            _ensure_sqlite_directory(parsed.database)
            engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(
                parsed, pool_pre_ping=True, connect_args={"connect_timeout": 5}, **kwargs
            )
    except NoSuchModuleError as exc:
        raise DatabaseUrlError(f"no driver for {parsed.drivername}: {exc}") from None
    return engine


def _ensure_sqlite_directory(database: str | None) -> None:
    # SQLite creates the file but not its folder; a fresh --db path should just work.
    # Both are made private (0700 / 0600) before SQLite sees them.
    try:
        prepare_sqlite_file(database)
    except OSError as exc:
        raise DatabaseUrlError(f"cannot create {database} or its folder: {exc.strerror}") from None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the wall read while the poller writes; busy_timeout makes a
    # writer wait for the lock instead of failing; SQLite leaves foreign keys
    # off unless asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with factory() as session, session.begin():
        yield session
