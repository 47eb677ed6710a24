"""A failed database write in the poller: the reason in words, and room made on a full disk.

The words are the product's one vocabulary for database failures
(``storage/failures.py``, the same sentences the command line prints), so
an operator reads "disk full: /data/noc.db ..." in a poller's log and on
the console alike.

A full SQLite disk can be the write-ahead log's own doing: it grows until
a checkpoint (by default at 4 MiB, more than a small disk holds) and is
never shrunk. ``WalSizeGuard`` keeps it to a fraction of the free space;
``relieve_full_disk`` copies it into the database and truncates it to zero
bytes when a write failed for lack of space (which works when the pages it
holds are already in the database file).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from noc_app.storage.db import SQLITE_BUSY_TIMEOUT_MS
from noc_app.storage.failures import describe_failure, explain_failure

CHECKPOINT_WAIT_MS = 200


@dataclass(frozen=True)
class WriteFailure:
    reason: str  # one phrase: what happened to which file or server
    disk_full: bool = False


def describe_write_failure(exc: BaseException, engine: Engine | None = None) -> WriteFailure:
    database_file = engine.url.database if engine is not None and engine.dialect.name == "sqlite" else None
    found = explain_failure(exc, SQLITE_BUSY_TIMEOUT_MS / 1000, database_file or "the SQLite database")
    if found is not None:
        return WriteFailure(found.message, disk_full=found.disk_full)
    return WriteFailure(describe_failure(exc))


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
