"""A new database gets the models' schema at once, and it is the schema the migrations build."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from noc_app.storage import migrate
from noc_app.storage import models as db
from noc_app.storage.db import make_engine, session_factory
from noc_app.storage.fresh_schema import create_if_empty
from noc_app.storage.schema_version import is_current

ROOT = Path(__file__).resolve().parents[1]


def _second_url(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/second.db"
    return request.getfixturevalue("pg_server").create_database(f"second_{tmp_path.name[-20:]}".lower())


def _schema(engine: Engine) -> dict:
    """Everything a later migration or a query could depend on, table by table."""
    inspector = inspect(engine)
    dialect = engine.dialect
    tables = {}
    for name in sorted(inspector.get_table_names()):
        # By name: a column a migration added comes last there and where the model has it here;
        # nothing reads the main database by column position.
        columns = sorted((c["name"], c["type"].compile(dialect=dialect), c["nullable"], _default(c.get("default")))
                         for c in inspector.get_columns(name))
        pk = inspector.get_pk_constraint(name)
        foreign = sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]),
                          tuple(sorted((f.get("options") or {}).items())))
                         for f in inspector.get_foreign_keys(name))
        indexes = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                         for i in inspector.get_indexes(name))
        uniques = sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(name))
        checks = sorted(_normalise(c["sqltext"]) for c in inspector.get_check_constraints(name))
        tables[name] = {"columns": columns, "pk": tuple(pk["constrained_columns"]), "foreign": foreign,
                        "indexes": indexes, "uniques": uniques, "checks": checks}
    return tables


def _beside_the_tables(engine: Engine) -> dict:
    """Triggers, functions and views: what a migration may make that the models do not describe."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(text("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                           "WHERE type IN ('trigger', 'view') ORDER BY name"))
            return {"sqlite_master": [(kind, name, table, _normalise(sql)) for kind, name, table, sql in rows]}
        triggers = connection.execute(text(
            "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal ORDER BY t.tgname")).all()
        functions = connection.execute(text(
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY p.proname")).all()
        views = connection.execute(text(
            "SELECT table_name FROM information_schema.views WHERE table_schema = 'public'")).all()
        return {"triggers": [tuple(r) for r in triggers], "functions": [(n, _normalise(d)) for n, d in functions],
                "views": [tuple(r) for r in views]}


def _default(value: str | None) -> str | None:
    # SQLite gives back the literal as written ('' or "''"); PostgreSQL adds a cast (''::text).
    return None if value is None else _normalise(value.split("::")[0])


def _normalise(sql: str) -> str:
    return " ".join(sql.replace('"', "'").split()).strip("()")


def test_a_new_database_gets_exactly_the_migrated_schema(db_url, request, tmp_path):
    migrated, fresh = make_engine(db_url), make_engine(_second_url(db_url, request, tmp_path))
    try:
        migrate.upgrade(migrated)
        assert create_if_empty(fresh)
        expected, got = _schema(migrated), _schema(fresh)
        assert sorted(got) == sorted(expected)
        for table, parts in expected.items():
            assert got[table] == parts, table
        assert _beside_the_tables(fresh) == _beside_the_tables(migrated)
        assert _beside_the_tables(fresh) != {"sqlite_master": []}  # the triggers were there to compare
        # Alembic reads the stamped database as its own: at the head, nothing to do.
        assert migrate.current_revision(fresh) == migrate.head_revision()
        assert migrate.upgrade(fresh) == (migrate.head_revision(), migrate.head_revision())
        assert is_current(fresh)
    finally:
        migrated.dispose()
        fresh.dispose()


def test_only_an_empty_database_is_created_on(db_url):
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:  # another application's table may share the database
            connection.execute(text("CREATE TABLE someone_elses (x INTEGER)"))
        assert create_if_empty(engine)
        assert not create_if_empty(engine)  # ours now: the second call leaves it alone
        migrate.downgrade(engine, "0011")
        assert not create_if_empty(engine)  # an older schema is Alembic's to upgrade
        assert migrate.current_revision(engine) == "0011"
        with engine.connect() as connection:
            assert "someone_elses" in inspect(connection).get_table_names()
    finally:
        engine.dispose()


def test_two_first_starts_at_once_create_the_schema_once(db_url):
    engines = [make_engine(db_url) for _ in range(4)]
    created: list[bool] = []
    errors: list[BaseException] = []
    go = threading.Barrier(len(engines))

    def start(engine: Engine) -> None:
        try:
            go.wait()
            created.append(create_if_empty(engine))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        assert errors == []
        assert sorted(created) == [False, False, False, True]
        with engines[0].connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        assert is_current(engines[0])
    finally:
        for engine in engines:
            engine.dispose()


def test_the_first_start_on_a_new_database_does_not_load_alembic(tmp_path):
    code = ("import sys; from noc_app.storage.db import make_engine; from noc_app.workspace import prepare_database; "
            f"prepare_database(make_engine('sqlite:///{tmp_path}/new.db')); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_timeline_of_a_new_database_is_append_only(db_url):
    engine = make_engine(db_url)
    try:
        assert create_if_empty(engine)
        with session_factory(engine).begin() as session:
            incident = db.Incident(title="DB outage")
            session.add(incident)
            session.flush()
            session.add(db.TimelineEvent(incident_id=incident.id, author="alice", kind="note", summary="first"))
        for statement in ("UPDATE timeline_events SET summary = 'rewritten'", "DELETE FROM timeline_events"):
            with pytest.raises(DBAPIError, match="append-only"):
                with engine.begin() as connection:
                    connection.execute(text(statement))
    finally:
        engine.dispose()
