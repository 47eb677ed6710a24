"""Shared pytest configuration for all Vigil NOC tests.

Kept small and generic: isolation of the environment (Qt platform, data dir,
database URL) and the database fixtures.  Feature-specific fixtures belong in
the test modules that use them.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

# Before anything can import Qt: without a display the default "xcb" platform
# aborts the whole process, and tests must never open real windows anyway.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Tests must never read or write the real user's files or database: point the
# per-user data dir at a session temp dir (the app honours NOC_DATA_DIR) and
# drop any NOC_DB_URL so the default SQLite file lands there too.  Done at
# import time so even module-level code in test files sees it.
_SESSION_DATA_DIR = tempfile.mkdtemp(prefix="noc-test-data-")
os.environ["NOC_DATA_DIR"] = _SESSION_DATA_DIR
os.environ.pop("NOC_DB_URL", None)

import pytest  # noqa: E402

# Test helpers in this directory import as top-level modules ("from pgserver
# import PgServer") whether or not tests/ is a package and whatever pytest's
# import mode; pytest's "prepend" mode already does this, importlib does not.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from pgserver import PgServer, PgServerError, pg_unavailable_reason  # noqa: E402


def _ci_requires_postgres() -> bool:
    """On CI a missing PostgreSQL is a failure, not a skip (CI=true/1/yes...)."""
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL test server unavailable: {reason}"
    if _ci_requires_postgres():
        pytest.fail(message + " (CI is set, so PostgreSQL tests are required)", pytrace=False)
    pytest.skip(message)


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; repeated so --strict-markers works even
    # when pytest is pointed at this directory with another config.
    config.addinivalue_line("markers", "postgres: needs the throwaway PostgreSQL server")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_SESSION_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL for the whole session, started on first use.

    Tests may stop() and start() it (the incident tests do); it keeps its data
    dir and port.  Skips (or fails, under CI) when no server can run here;
    pytest caches that outcome, so the reason is computed once per session.
    """
    reason = pg_unavailable_reason()
    if reason is not None:
        _unavailable(reason)
    server = PgServer()
    try:
        server.start()
    except PgServerError as exc:
        server.cleanup()
        _unavailable(str(exc))
    try:
        yield server
    finally:
        server.cleanup()


_db_counter = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: PgServer, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database on the session server; its SQLAlchemy URL."""
    if not pg_server.running:
        # A previous test stopped the server and did not bring it back; do
        # not let that cascade into every later test.
        pg_server.start()
    name = f"t{next(_db_counter)}_{uuid.uuid4().hex[:8]}"
    url = pg_server.create_database(name)
    yield url
    # Best effort: keeps disk use flat over a long session.  Leftover
    # connections are forced out; a stopped server is not an error here.
    if pg_server.running:
        try:
            pg_server.drop_database(name)
        except Exception:  # noqa: BLE001 - cleanup must not mask the test result
            pass


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A fresh empty database URL, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/noc.db"
    return request.getfixturevalue("pg_url")
