"""Database URLs and databases the app cannot use: one line, the right exit code (issue 10, items 4-6).

Through the real command line; real SQLite files and the throwaway PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import event, text

from bad_input import one_line_error, run_cli
from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.polling.recorder import ResultRecorder
from noc_app.polling.state import Outcome
from noc_app.storage.db import make_engine, session_factory
from noc_app.url_secrets import redact_secrets
from noc_app.workspace import open_workspace
from noc_app.topology import parse_topology

SECRET = "Zq9-unique-Secret"
CSV = "id,at,author,summary,components\nc1,2026-11-23T04:10:00+00:00,kim,deploy,\n"


# -- item 4: passwords never echoed; a malformed URL is one line, exit 2 ----------------------

@pytest.mark.parametrize("url", [
    f"alice:{SECRET}@host/noc",
    f"postgresql+psycopg://alice:{SECRET}@host:notaport/noc",
    f"postgresql://alice:{SECRET}@db:5432:99/noc",
])
def test_a_malformed_url_is_one_line_without_the_password(url):
    proc = run_cli("status", "--db", url)
    line = one_line_error(proc, 2)
    assert SECRET not in proc.stderr + proc.stdout
    assert line.startswith("error: database: ") and "alice:***@" in line
    if "notaport" in url:
        assert 'has a port that is not a number ("notaport")' in line


def test_an_unreachable_server_does_not_echo_the_password():
    proc = run_cli("status", "--db", f"postgresql+psycopg://alice:{SECRET}@127.0.0.1:1/noc")
    line = one_line_error(proc, 1)
    assert "database unreachable" in line and SECRET not in proc.stderr + proc.stdout


def test_db_current_masks_the_password(pg_url):
    url = pg_url.replace("://", f"://{pg_url.split('://')[1].split('@')[0].split(':')[0]}:{SECRET}@", 1) \
        if "@" in pg_url else pg_url
    proc = run_cli("db", "current", "--db", url)
    assert SECRET not in proc.stdout + proc.stderr


def test_redaction_keeps_everything_but_the_password():
    assert redact_secrets('"postgresql://bob:p@ss:w@rd@db:5432/x" refused') == '"postgresql://bob:***@db:5432/x" refused'
    assert redact_secrets("use postgresql+psycopg://USER@HOST:PORT/DB") == "use postgresql+psycopg://USER@HOST:PORT/DB"
    assert redact_secrets("mail ops@acme.example at 12:30") == "mail ops@acme.example at 12:30"


# -- item 5: a database written by a newer version ---------------------------------------------

NEWER = "this database was written by a newer Vigil (revision 9999); upgrade the app"


def stamp_newer(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()


def test_a_newer_database_says_upgrade_the_app(tmp_path, db_url):
    assert run_cli("db", "upgrade", "--db", db_url).returncode == 0
    stamp_newer(db_url)
    topology = tmp_path / "t.toml"
    topology.write_text('[[component]]\nid = "api"\nname = "API"\n')
    for args in (("status",), ("db", "upgrade"), ("poll", "--once", "--config", str(topology))):
        line = one_line_error(run_cli(*args, "--db", db_url), 2)
        assert NEWER in line, (args, line)
    assert "written by a newer Vigil" in run_cli("db", "current", "--db", db_url).stdout


def test_a_development_revision_is_not_called_newer(tmp_path):
    url = f"sqlite:///{tmp_path}/dev.db"
    assert run_cli("db", "upgrade", "--db", url).returncode == 0
    engine = make_engine(url)
    try:
        with engine.begin() as connection:  # 0006-0008 were development ids, renumbered before release
            connection.execute(text("UPDATE alembic_version SET version_num = '0007'"))
    finally:
        engine.dispose()
    line = one_line_error(run_cli("status", "--db", url), 2)
    assert "schema revision 0007, which no release of Vigil has" in line and "newer" not in line


# -- item 6: SQLite failures explained for a file ----------------------------------------------

def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 10)
    line = one_line_error(run_cli("status", "--db", f"sqlite:///{path}"), 2)
    assert line == (f"error: {path} is not a SQLite database (another kind of file?); give --db the right "
                    "file, or move this one away to start a new database")


def test_a_read_only_database_file(tmp_path):
    path = tmp_path / "noc.db"
    assert run_cli("db", "upgrade", "--db", f"sqlite:///{path}").returncode == 0
    changes = tmp_path / "changes.csv"
    changes.write_text(CSV)
    line = one_line_error(run_cli("changes", "import", str(changes),
                                  "--db", f"sqlite:///file:{path}?mode=ro&uri=true"), 1)
    assert line.startswith(f"error: database file {path} is read-only for this user")
    assert "server runs" not in line


def test_a_database_file_locked_by_another_process(tmp_path):
    path = tmp_path / "noc.db"
    assert run_cli("db", "upgrade", "--db", f"sqlite:///{path}").returncode == 0
    changes = tmp_path / "changes.csv"
    changes.write_text(CSV)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock past the busy timeout
        line = one_line_error(run_cli("changes", "import", str(changes), "--db", f"sqlite:///{path}"), 1)
    finally:
        holder.close()
    assert line.startswith(f"error: database file {path} is locked by another process")
    assert "server runs" not in line


def test_the_poller_says_the_disk_is_full_in_words(tmp_path):
    path = tmp_path / "noc.db"
    workspace = open_workspace(parse_topology(
        '[[component]]\nid = "api"\nname = "API"\n  [[component.check]]\n  url = "http://127.0.0.1:9/"\n'),
        f"sqlite:///{path}")
    workspace.close()
    engine = make_engine(f"sqlite:///{path}")
    # SQLite's own "database or disk is full" (SQLITE_FULL), without filling a real disk
    event.listen(engine, "connect", lambda conn, _: conn.execute(
        "PRAGMA max_page_count = " + str(conn.execute("PRAGMA page_count").fetchone()[0])))
    warnings: list[str] = []
    recorder = ResultRecorder(session_factory(engine), on_error=warnings.append)
    at = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)
    for i in range(3000):
        recorder.submit(CheckResult("api#0", "api", Status.DOWN, None, None,
                                    "connection refused " + "x" * 400, at=at + dt.timedelta(seconds=i)),
                        Outcome(Status.DOWN, None, False, False, 3))
    try:
        assert recorder.flush() is False
    finally:
        engine.dispose()
    # The recorder's words (noc_app/storage/write_failures.py): what, which file, what to do.
    assert warnings == [f"could not write check results: disk full: {path} (no space left on its "
                        "filesystem; free some space); 3000 kept in memory, retrying"]
    assert not any("OperationalError" in w for w in warnings)


def test_poller_warnings_and_command_line_errors_say_the_same_sentence(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from noc_app.storage.db import make_engine
    from noc_app.storage.failures import explain_failure
    from noc_app.storage.write_failures import describe_write_failure

    path = tmp_path / "noc.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
        with pytest.raises(SQLAlchemyError) as failed, engine.begin() as connection:
            connection.execute(text("PRAGMA query_only = ON"))  # SQLITE_READONLY, even for root
            connection.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        engine.dispose()
    cli = explain_failure(failed.value)
    poller = describe_write_failure(failed.value, engine)
    assert poller.reason == cli.message
    assert cli.message.startswith(f"database file {path} is read-only for this user")
