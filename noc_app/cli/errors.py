"""Turning failures into the one line a person at a terminal needs."""

from __future__ import annotations

import sys


EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2  # bad input: config, arguments, URLs


class CliError(Exception):
    """An error to print as one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE):
        super().__init__(message)
        self.code = code


def explain(exc: BaseException) -> tuple[str, int]:
    """(one line, exit code) for an exception that reached the command line."""
    # Imported only when something failed: every command's start (and the review
    # window's first paint) would otherwise pay for SQLAlchemy, Alembic and pydantic.
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from noc_app.reports.output import ReportOutputError
    from noc_app.storage.db import DatabaseUrlError
    from noc_app.topology.errors import TopologyError
    from noc_app.workspace import EmptyDatabaseError, SchemaOutdatedError

    if isinstance(exc, CliError):
        return str(exc), exc.code
    if isinstance(exc, TopologyError):
        return f"error: {exc}", EXIT_USAGE
    if isinstance(exc, ReportOutputError):
        return f"error: {exc}", EXIT_USAGE
    if isinstance(exc, DatabaseUrlError):
        return f"error: database: {exc}", EXIT_USAGE
    if isinstance(exc, EmptyDatabaseError):
        return f"error: {exc}", EXIT_USAGE
    if isinstance(exc, SchemaOutdatedError):
        return f"error: {exc}", EXIT_FAILURE
    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        return (
            f"error: database unreachable ({reason}); check --db / NOC_DB_URL and that the server runs",
            EXIT_FAILURE,
        )
    if isinstance(exc, SQLAlchemyError):
        return f"error: database: {type(exc).__name__}: {str(exc).splitlines()[0]}", EXIT_FAILURE
    if isinstance(exc, OSError):
        return f"error: {exc.strerror or exc} ({getattr(exc, 'filename', '') or ''})".replace(" ()", ""), EXIT_FAILURE
    return f"error: {type(exc).__name__}: {exc}", EXIT_FAILURE


def print_error(message: str) -> None:
    print(message, file=sys.stderr)
