"""The throwaway PostgreSQL server and the shared database fixtures.

Other suites (storage on both backends, incidents with the database dying
mid-edit) rely on these behaviours, so they are pinned down here.
"""

from __future__ import annotations

import os
import time

import pytest
import sqlalchemy as sa

from pgserver import PgServer, PgServerError, find_pg_binaries, pg_unavailable_reason

def _scalar(url: str, query: str):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(query)).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_server_accepts_psycopg_and_sqlalchemy(pg_server: PgServer):
    import psycopg

    assert pg_server.running
    assert pg_server.url.startswith(f"postgresql+psycopg://postgres@127.0.0.1:{pg_server.port}/")
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
    assert _scalar(pg_server.url, "select 1") == 1


@pytest.mark.postgres
def test_server_is_configured_for_throwaway_use(pg_server: PgServer):
    import psycopg

    with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
        show = {name: conn.execute(f"show {name}").fetchone()[0]
                for name in ("listen_addresses", "fsync", "synchronous_commit",
                             "full_page_writes", "server_version_num")}
    assert show["listen_addresses"] == "127.0.0.1"
    assert (show["fsync"], show["synchronous_commit"], show["full_page_writes"]) == ("off", "off", "off")
    # DROP DATABASE ... WITH (FORCE), used by the fixtures, needs 13+.
    assert int(show["server_version_num"]) >= 130000
    # The unix socket lives in the server's own temp dir, not /var/run.
    assert any(p.name.startswith(".s.PGSQL.") for p in pg_server.socket_dir.iterdir())


@pytest.mark.postgres
def test_create_database_gives_independent_databases(pg_server: PgServer):
    suffix = os.urandom(4).hex()
    url_a = pg_server.create_database(f"indep_a_{suffix}")
    url_b = pg_server.create_database(f"indep_b_{suffix}")
    assert url_a != url_b
    engine_a, engine_b = sa.create_engine(url_a), sa.create_engine(url_b)
    try:
        with engine_a.begin() as conn:
            conn.execute(sa.text("create table only_in_a (x int)"))
            conn.execute(sa.text("insert into only_in_a values (42)"))
        with engine_b.connect() as conn:
            exists = conn.execute(sa.text("select to_regclass('only_in_a')")).scalar_one()
            assert exists is None
        with engine_a.connect() as conn:
            assert conn.execute(sa.text("select x from only_in_a")).scalar_one() == 42
    finally:
        engine_a.dispose()
        engine_b.dispose()
        pg_server.drop_database(f"indep_a_{suffix}")
        pg_server.drop_database(f"indep_b_{suffix}")


@pytest.mark.postgres
def test_create_database_rejects_bad_names(pg_server: PgServer):
    with pytest.raises(ValueError):
        pg_server.create_database('x"; drop database postgres; --')


@pytest.mark.postgres
def test_pg_url_fixture_gives_fresh_empty_database(pg_url: str, pg_server: PgServer):
    assert pg_url.startswith(f"postgresql+psycopg://postgres@127.0.0.1:{pg_server.port}/t")
    tables = _scalar(pg_url, "select count(*) from pg_tables where schemaname = 'public'")
    assert tables == 0


@pytest.mark.postgres
def test_stop_start_keeps_data_and_connecting_while_stopped_fails_fast(pg_url: str, pg_server: PgServer):
    import psycopg

    engine = sa.create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("create table survivor (note text)"))
            conn.execute(sa.text("insert into survivor values ('still here')"))
        port, data_dir = pg_server.port, pg_server.data_dir

        pg_server.stop()
        assert not pg_server.running

        # The incident tests pull the database out from under the app; a
        # connection attempt must then fail promptly, not hang.
        started = time.monotonic()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(pg_server.conninfo(), connect_timeout=3)
        with pytest.raises(sa.exc.OperationalError):
            with engine.connect() as conn:   # pooled connection is dead too
                conn.execute(sa.text("select 1"))
        assert time.monotonic() - started < 5

        pg_server.start()
        assert (pg_server.port, pg_server.data_dir) == (port, data_dir)
        engine.dispose()   # drop connections that belonged to the old server
        with engine.connect() as conn:
            assert conn.execute(sa.text("select note from survivor")).scalar_one() == "still here"
    finally:
        engine.dispose()
        if not pg_server.running:
            pg_server.start()


@pytest.mark.postgres
def test_restart_keeps_the_same_url(pg_server: PgServer):
    url = pg_server.url
    assert pg_server.restart() == url
    assert _scalar(url, "select 1") == 1


def test_db_url_fixture_runs_on_both_backends(db_url: str):
    # Parametrised in conftest: sqlite -> a fresh file, postgresql -> pg_url.
    assert db_url.split(":", 1)[0] in ("sqlite", "postgresql+psycopg")
    assert _scalar(db_url, "select 1") == 1


def test_session_uses_a_temporary_data_dir():
    data_dir = os.environ.get("NOC_DATA_DIR", "")
    assert data_dir and os.path.isdir(data_dir)
    assert "noc-test-data-" in data_dir
    assert "NOC_DB_URL" not in os.environ
    assert os.environ.get("QT_QPA_PLATFORM")


# -- without a server ------------------------------------------------------

def test_bad_noc_pg_bin_is_reported_not_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("NOC_PG_BIN", str(tmp_path))
    reason = pg_unavailable_reason()
    assert reason is not None and "NOC_PG_BIN" in reason
    with pytest.raises(PgServerError, match="NOC_PG_BIN"):
        find_pg_binaries()


def test_noc_pg_bin_accepts_the_bin_dir_or_initdb_itself(monkeypatch):
    try:
        found = find_pg_binaries()
    except PgServerError as exc:
        pytest.skip(str(exc))
    monkeypatch.setenv("NOC_PG_BIN", str(found.bin_dir))
    assert find_pg_binaries() == found
    monkeypatch.setenv("NOC_PG_BIN", str(found.initdb))
    assert find_pg_binaries() == found


def test_missing_binaries_are_explained(monkeypatch, tmp_path):
    import pgserver

    monkeypatch.delenv("NOC_PG_BIN", raising=False)
    monkeypatch.setattr(pgserver, "_candidate_dirs", lambda: [tmp_path])
    reason = pg_unavailable_reason()
    assert reason is not None and "initdb" in reason and str(tmp_path) in reason
