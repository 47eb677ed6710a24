"""Why a database write failed, in words a person acts on ("disk full: /data/noc.db ...").

``OperationalError`` says nothing to the operator watching a poller's log.
SQLite's result code (``sqlite_errorcode``, not the message text, which
varies by version) tells a full disk from a lock or a read-only file; for
PostgreSQL the server's SQLSTATE tells a full disk on the server from an
unreachable server.

A full SQLite disk can be the write-ahead log's own doing: it grows until
a checkpoint (by default at 4 MiB, more than a small disk holds) and is
never shrunk. ``relieve_full_disk`` copies it into the database and
truncates it to zero bytes, so writes can resume without anyone freeing
space by hand.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from noc_app.url_secrets import mask_urls

# SQLite primary result codes (sqlite3.h); extended codes carry them in the low byte.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26
PG_DISK_FULL = "53100"


@dataclass(frozen=True)
class WriteFailure:
    reason: str  # one phrase: what happened to which file or server
    disk_full: bool = False


def describe_write_failure(exc: BaseException, engine: Engine | None = None) -> WriteFailure:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, sqlite3.Error):
        return _sqlite(orig, _sqlite_file(engine))
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == PG_DISK_FULL:
        return WriteFailure("disk full on the database server; free space there", disk_full=True)
    first_line = (str(orig).strip().splitlines() or [""])[0]
    if type(exc).__name__ == "OperationalError":
        return WriteFailure(mask_urls(f"database unreachable ({first_line})" if first_line
                                      else "database unreachable"))
    return WriteFailure(mask_urls(f"{type(orig).__name__}: {first_line}"))


def _sqlite(orig: sqlite3.Error, path: str) -> WriteFailure:
    code = (getattr(orig, "sqlite_errorcode", None) or 0) & 0xFF
    if code == SQLITE_FULL:
        return WriteFailure(f"disk full: {path} (no space left on its filesystem; free some space)",
                            disk_full=True)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return WriteFailure(f"database locked: {path} is held by another process")
    if code == SQLITE_READONLY:
        return WriteFailure(f"read-only: {path} cannot be written (check its permissions and its folder's)")
    if code == SQLITE_IOERR:
        return WriteFailure(f"I/O error writing {path} (is the disk failing or gone?)")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return WriteFailure(f"not a usable database: {path} is damaged or not a Vigil database")
    if code == SQLITE_CANTOPEN:
        return WriteFailure(f"cannot open {path} (does its folder still exist?)")
    return WriteFailure(f"SQLite error on {path}: {str(orig).strip()}")


def _sqlite_file(engine: Engine | None) -> str:
    return (engine.url.database if engine is not None else None) or "the SQLite database"


def relieve_full_disk(engine: Engine) -> bool:
    """SQLite: fold the write-ahead log into the database and truncate it; True if it worked.

    Best effort: on a disk too full even for that, the next retry tries again.
    """
    if engine.dialect.name != "sqlite":
        return False
    try:
        with engine.connect() as connection:
            busy, _, _ = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
            return busy == 0
    except SQLAlchemyError:
        return False
