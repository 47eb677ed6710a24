"""Why a database write failed, in words a person acts on ("disk full: /data/noc.db ...").

``OperationalError`` says nothing to the operator watching a poller's log.
SQLite's result code (``sqlite_errorcode``, not the message text, which
varies by version) tells a full disk from a lock or a read-only file; for
PostgreSQL the server's SQLSTATE tells a full disk on the server from an
unreachable server.

A full SQLite disk can be the write-ahead log's own doing: it grows until
a checkpoint (by default at 4 MiB, more than a small disk holds) and is
never shrunk. ``WalSizeGuard`` keeps it to a fraction of the free space;
``relieve_full_disk`` copies it into the database and truncates it to zero
bytes when a write failed for lack of space (which works when the pages it
holds are already in the database file).
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from noc_app.storage.db import SQLITE_BUSY_TIMEOUT_MS
from noc_app.url_secrets import mask_urls

# SQLite primary result codes (sqlite3.h); extended codes carry them in the low byte.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26
PG_DISK_FULL = "53100"
CHECKPOINT_WAIT_MS = 200


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
            # TRUNCATE waits for readers through the busy handler: briefly, so
            # the writer thread is never held up for the full busy timeout.
            connection.execute(text(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}"))
            try:
                busy, _, _ = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
            finally:
                connection.execute(text(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"))
            return busy == 0
    except SQLAlchemyError:
        return False


WAL_MAX_BYTES = 4 * 1024 * 1024  # SQLite's own auto-checkpoint point (1000 pages of 4 KiB)
WAL_CHECK_FROM_BYTES = 128 * 1024  # below this the log is never worth a look


class WalSizeGuard:
    """Keep a SQLite write-ahead log to a quarter of the space it could still take.

    SQLite checkpoints at 4 MiB of log and never shrinks the file. On a disk
    with less room than that the log alone fills it, and then nothing can be
    checkpointed (the database file has no room to take the pages) until a
    person frees space. Called after each write; a look at the file size
    costs a ``stat``; a checkpoint with truncation happens only when the log
    outgrows min(4 MiB, (free + log) / 4).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        usable = database and database != ":memory:" and not database.startswith("file:")
        self._wal = Path(database + "-wal") if usable else None

    def after_write(self) -> None:
        if self._wal is None:
            return
        try:
            size = self._wal.stat().st_size
            if size < WAL_CHECK_FROM_BYTES:
                return
            free = shutil.disk_usage(self._wal.parent).free
        except OSError:
            return
        if size > min(WAL_MAX_BYTES, (free + size) // 4):
            relieve_full_disk(self._engine)
