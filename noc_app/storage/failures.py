"""Database failures in words: what happened, to which database, and what to do.

A SQLite file that is locked, read-only, on a full disk or not a database at
all is not "a server that does not run": each gets its own sentence naming
the file. SQLite's result code tells them apart (not the message text, which
varies by version); for PostgreSQL the server's SQLSTATE tells a full disk on
the server from an unreachable server. The one vocabulary of the product:
the command line's one-line errors and the poller's write warnings
(``write_failures``) both say these sentences.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from noc_app.url_secrets import mask_urls

# Set on a SQLAlchemy error by the engine's handle_error hook (storage/db.py):
# the error itself does not say which file it was about.
FILE_ATTRIBUTE = "noc_sqlite_file"
PG_DISK_FULL = "53100"  # SQLSTATE disk_full


@dataclass(frozen=True)
class Failure:
    message: str  # one line, no "error:" prefix
    bad_input: bool = False  # the user pointed at the wrong thing (exit 2), not a run-time failure
    disk_full: bool = False  # space must be freed (the poller then also folds its write-ahead log)


def note_sqlite_file(context) -> None:
    """``handle_error`` hook of SQLite engines: remember which file the error is about."""
    error = context.sqlalchemy_exception
    if error is not None:
        setattr(error, FILE_ATTRIBUTE, sqlite_path(context.engine.url.database))


def sqlite_path(database: str | None) -> str:
    """The file behind a SQLite URL's database part (``file:PATH?mode=ro`` URIs included)."""
    if not database:
        return "the in-memory database"
    if database.startswith("file:"):
        database = database[len("file:"):].split("?", 1)[0]
    return database


def _driver_error(exc: BaseException) -> BaseException:
    return exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc


def _reason(exc: BaseException) -> str:
    orig = _driver_error(exc)
    lines = str(orig).strip().splitlines()
    return mask_urls(lines[0]) if lines else type(orig).__name__


def _sqlite_failure(exc: BaseException, busy_timeout_s: float, database_file: str | None) -> Failure | None:
    code = getattr(_driver_error(exc), "sqlite_errorname", None)
    if code is None:
        return None
    path = getattr(exc, FILE_ATTRIBUTE, None) or database_file or "the database file"
    reason = _reason(exc)
    if code in ("SQLITE_BUSY", "SQLITE_LOCKED") or code.startswith("SQLITE_BUSY_"):
        return Failure(f"database file {path} is locked by another process (a poller, another app, a "
                       f"backup) for over {busy_timeout_s:g} s; wait and retry, or stop the other writer")
    if code.startswith("SQLITE_READONLY"):
        return Failure(f"database file {path} is read-only for this user; make the file and its folder "
                       "writable, or give --db a file you can write")
    if code == "SQLITE_FULL":
        return Failure(f"disk full: {path} (no space left on its filesystem; free some space)", disk_full=True)
    if code == "SQLITE_NOTADB":
        return Failure(f"{path} is not a SQLite database (another kind of file?); give --db the right "
                       "file, or move this one away to start a new database", bad_input=True)
    if code.startswith("SQLITE_CORRUPT"):
        return Failure(f"database file {path} is damaged ({reason}); restore it from a backup")
    if code.startswith("SQLITE_CANTOPEN"):
        return Failure(f"cannot open database file {path}; check that its folder exists and that this "
                       "user may write there", bad_input=True)
    if code.startswith("SQLITE_IOERR"):
        return Failure(f"disk I/O error on database file {path} ({reason}); check the disk")
    return Failure(f"database file {path}: {reason}")


def explain_failure(exc: BaseException, busy_timeout_s: float = 5.0,
                    database_file: str | None = None) -> Failure | None:
    """The words for a database error (SQLAlchemy's, or sqlite3's own), or None when ``exc`` is not one.

    ``database_file`` names the SQLite file when the engine's error hook could not.
    """
    if isinstance(_driver_error(exc), sqlite3.Error):
        found = _sqlite_failure(exc, busy_timeout_s, database_file)
        if found is not None:
            return found
    if not isinstance(exc, SQLAlchemyError):
        return None
    if getattr(_driver_error(exc), "sqlstate", None) == PG_DISK_FULL:
        return Failure("disk full on the database server; free space there", disk_full=True)
    if isinstance(exc, OperationalError):
        return Failure(f"database unreachable ({_reason(exc)}); check --db / NOC_DB_URL and that the "
                       "server runs")
    return Failure(f"database: {type(exc).__name__}: {_reason(exc)}")


def describe_failure(exc: BaseException) -> str:
    """One line for a warning (the poller's "could not write ... : <this>")."""
    found = explain_failure(exc)
    return found.message if found else f"{type(exc).__name__}: {_reason(exc)}"
