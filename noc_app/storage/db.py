"""Engines and sessions for the embedded SQLite default and a shared PostgreSQL."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from contextlib import contextmanager
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from noc_app.paths import default_db_url
from noc_app.storage.failures import note_sqlite_file
from noc_app.storage.sqlite_files import prepare_sqlite_file
from noc_app.storage.text_fit import refuse_text_that_does_not_fit
from noc_app.url_secrets import redact_secrets

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
        parsed.port  # noqa: B018 - a port that is not a number fails here, not at connect
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUrlError(_unparsable(url, exc)) from None
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
            event.listen(engine, "handle_error", note_sqlite_file)
        else:
            engine = create_engine(
                parsed, pool_pre_ping=True, connect_args={"connect_timeout": 5}, **kwargs
            )
    except NoSuchModuleError as exc:
        raise DatabaseUrlError(f"no driver for {parsed.drivername}: {exc}") from None
    return engine


def _unparsable(url: str, exc: Exception) -> str:
    shown = redact_secrets(url)
    port = re.search(r"@[^/@:]*:([^/?]*)", url)
    if isinstance(exc, ValueError) and port and not port.group(1).isdigit():
        return (f'"{shown}" has a port that is not a number ("{port.group(1)}"); '
                "write e.g. postgresql+psycopg://USER@HOST:5432/DB")
    return (f'"{shown}" is not a database URL; use sqlite:///PATH or '
            "postgresql+psycopg://USER@HOST:PORT/DB")


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
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    _use_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _use_wal(cursor) -> None:
    """WAL mode, which the file keeps once set: asked first, set only when it is not.

    Setting it takes a lock the busy timeout does not wait for: a second
    process opening a new file while the first creates its schema got
    "database is locked" at once. So it is retried within the busy timeout.
    """
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
        return
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # Text longer than its column is refused before the flush, alike on SQLite and PostgreSQL.
    return refuse_text_that_does_not_fit(sessionmaker(engine, expire_on_commit=False))


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with factory() as session, session.begin():
        yield session
