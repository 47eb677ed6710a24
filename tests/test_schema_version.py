"""The cheap "is the database current?" check agrees with Alembic, and spares every start Alembic's import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from noc_app.storage import migrate, schema_version
from noc_app.storage.db import make_engine
from noc_app.workspace import SchemaOutdatedError, prepare_database

ROOT = Path(__file__).resolve().parents[1]


def test_the_migration_files_read_plainly_give_alembics_revisions_and_head():
    revisions, head = schema_version.script_revisions()
    assert revisions == migrate.known_revisions()
    assert head == migrate.head_revision()


def _stamp(engine, revision: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_current_only_at_the_head(db_url):
    engine = make_engine(db_url)
    try:
        assert not schema_version.is_current(engine)  # empty: no version table
        prepare_database(engine)  # migrates an empty database, as before
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert schema_version.is_current(engine)
        _stamp(engine, "9999")  # a newer app's database: not current, and still refused
        assert not schema_version.is_current(engine)
        with pytest.raises(migrate.NewerSchemaError):
            prepare_database(engine)
        _stamp(engine, migrate.head_revision())
        with engine.begin() as connection:  # two rows: Alembic's business, not this reader's
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0001')"))
        assert not schema_version.is_current(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_older_shared_database_is_still_not_migrated_behind_the_operators_back(pg_url):
    engine = make_engine(pg_url)
    try:
        migrate.upgrade(engine, "0011")
        assert not schema_version.is_current(engine)
        with pytest.raises(SchemaOutdatedError):
            prepare_database(engine)
        assert migrate.current_revision(engine) == "0011"
    finally:
        engine.dispose()


def test_a_file_this_reader_cannot_follow_sends_the_caller_to_alembic(tmp_path, monkeypatch):
    (tmp_path / "0001_a.py").write_text("revision = '0001'\ndown_revision = None\n")
    (tmp_path / "0002_b.py").write_text("revision = '0002'\ndown_revision = ('0001', '0000')\n")  # a merge
    monkeypatch.setattr(schema_version, "VERSIONS_DIR", tmp_path)
    schema_version.script_revisions.cache_clear()
    try:
        assert schema_version.script_revisions() is None
        (tmp_path / "0002_b.py").write_text("revision: str = '0002'\ndown_revision: str | None = '0001'\n")
        schema_version.script_revisions.cache_clear()
        assert schema_version.script_revisions() == (frozenset({"0001", "0002"}), "0002")
    finally:
        schema_version.script_revisions.cache_clear()


def test_preparing_a_current_database_imports_no_alembic(tmp_path):
    url = f"sqlite:///{tmp_path}/noc.db"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    code = ("import sys\n"
            "from noc_app.storage.db import make_engine\n"
            "from noc_app.workspace import prepare_database\n"
            f"prepare_database(make_engine({url!r}))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'pydantic')))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
