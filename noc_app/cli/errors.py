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
    """(one line, exit code) for an exception that reached the command line.

    Whatever the line says, a password in a database URL is masked in it.
    """
    from noc_app.url_secrets import redact_secrets

    message, code = _explain(exc)
    return redact_secrets(message), code


def _explain(exc: BaseException) -> tuple[str, int]:
    # Imported only when something failed: every command's start (and the review
    # window's first paint) would otherwise pay for SQLAlchemy, Alembic and pydantic.
    from noc_app.reports.output import ReportOutputError
    from noc_app.storage.db import SQLITE_BUSY_TIMEOUT_MS, DatabaseUrlError
    from noc_app.storage.failures import explain_failure
    from noc_app.storage.migrate import NewerSchemaError
    from noc_app.storage.text_fit import TextDoesNotFitError
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
    if isinstance(exc, (EmptyDatabaseError, NewerSchemaError)):
        return f"error: {exc}", EXIT_USAGE
    if isinstance(exc, TextDoesNotFitError):
        return f"error: cannot store {exc.table}.{exc}", EXIT_USAGE
    if isinstance(exc, SchemaOutdatedError):
        return f"error: {exc}", EXIT_FAILURE
    failure = explain_failure(exc, SQLITE_BUSY_TIMEOUT_MS / 1000)
    if failure is not None:
        return f"error: {failure.message}", EXIT_USAGE if failure.bad_input else EXIT_FAILURE
    if isinstance(exc, OSError):
        return f"error: {exc.strerror or exc} ({getattr(exc, 'filename', '') or ''})".replace(" ()", ""), EXIT_FAILURE
    return f"error: {type(exc).__name__}: {exc}", EXIT_FAILURE


def print_error(message: str) -> None:
    print(message, file=sys.stderr)
