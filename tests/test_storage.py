"""Storage on SQLite and a real PostgreSQL: migrations, sync, UTC, append-only, locking."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from noc_app.storage import migrate
from noc_app.storage import models as db
from noc_app.storage.db import make_engine, session_factory, transaction
from noc_app.storage.sync import sync_topology
from noc_app.topology import load_topology

SMALL = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    return session_factory(engine)


def test_upgrade_twice_changes_nothing_the_second_time(db_url):
    engine = make_engine(db_url)
    assert migrate.upgrade(engine) == (None, migrate.head_revision())
    with engine.connect() as conn:
        tables = set(engine.dialect.get_table_names(conn))
    assert migrate.upgrade(engine) == (migrate.head_revision(), migrate.head_revision())
    with engine.connect() as conn:
        assert set(engine.dialect.get_table_names(conn)) == tables
    engine.dispose()


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.Base.metadata)
    assert diff == []


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/p.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    engine.dispose()


def test_sync_is_idempotent_and_complete(sessions):
    topology = load_topology(SMALL)
    with transaction(sessions) as s:
        first = sync_topology(s, topology)
    assert first.added["components"] == 6 and first.added["customers"] == 3
    with transaction(sessions) as s:
        second = sync_topology(s, topology)
    assert not second.changed, second.summary()
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(db.Check)) == 6
        assert s.scalar(select(func.count()).select_from(db.CheckState)) == 6
        assert s.scalar(select(func.count()).select_from(db.CustomerComponent)) == 5
        edges = set(s.execute(select(db.ComponentDependency.component_id,
                                     db.ComponentDependency.depends_on_id)).all())
        assert ("api", "db-main") in edges and len(edges) == 3
        api_check = s.get(db.Check, "api#0")
        assert api_check.config["json"] == {"path": "status", "equals": "pass"}
        assert s.get(db.Customer, "channelco").business_start == dt.time(22, 0)
        levels = s.scalars(select(db.EscalationLevel).order_by(db.EscalationLevel.position)).all()
        assert [lv.people for lv in levels] == [["alice"], ["bob"]]


def test_removed_component_is_retired_with_history_kept(sessions):
    topology = load_topology(SMALL)
    with transaction(sessions) as s:
        sync_topology(s, topology)
        s.add(db.StateTransition(check_key="web#0", component_id="web", at=dt.datetime.now(UTC),
                                 from_status="OK", to_status="DOWN"))
    without_web = dataclasses.replace(
        topology, components=tuple(c for c in topology.components if c.id != "web"),
        customers=tuple(dataclasses.replace(c, uses=tuple(u for u in c.uses if u.component_id != "web"))
                        for c in topology.customers),
    )
    with transaction(sessions) as s:
        report = sync_topology(s, without_web)
    assert report.retired["components"] == 1 and report.retired["checks"] == 1
    with sessions() as s:
        web = s.get(db.Component, "web")
        assert web is not None and web.retired_at is not None
        assert s.scalar(select(func.count()).select_from(db.StateTransition)) == 1
    with transaction(sessions) as s:  # back in the file: back in service
        sync_topology(s, topology)
    with sessions() as s:
        assert s.get(db.Component, "web").retired_at is None


def test_timestamps_are_utc_aware_both_ways(sessions):
    paris = dt.timezone(dt.timedelta(hours=1))
    local = dt.datetime(2026, 11, 23, 10, 30, tzinfo=paris)
    with transaction(sessions) as s:
        s.add(db.ChangeRecord(id="chg-1", summary="x", at=local))
    with sessions() as s:
        stored = s.get(db.ChangeRecord, "chg-1").at
    assert stored.tzinfo is not None and stored.utcoffset() == dt.timedelta(0)
    assert stored == local  # same instant
    with pytest.raises(StatementError, match="naive datetime"):
        with transaction(sessions) as s:
            s.add(db.ChangeRecord(id="chg-2", summary="x", at=dt.datetime(2026, 1, 1)))


def test_timeline_is_append_only_in_the_database(sessions):
    with transaction(sessions) as s:
        incident = db.Incident(title="DB outage")
        s.add(incident)
        s.flush()
        s.add(db.TimelineEvent(incident_id=incident.id, author="alice", kind="note",
                               summary="Robert'); DROP TABLE incidents;-- 🔥"))
    with pytest.raises(DBAPIError, match="append-only"):
        with transaction(sessions) as s:
            s.execute(update(db.TimelineEvent).values(summary="rewritten"))
    with pytest.raises(DBAPIError, match="append-only"):
        with transaction(sessions) as s:
            s.execute(text("DELETE FROM timeline_events"))
    with sessions() as s:
        assert s.scalar(select(db.TimelineEvent.summary)) == "Robert'); DROP TABLE incidents;-- 🔥"


def test_stale_incident_save_is_refused_not_overwritten(sessions):
    with transaction(sessions) as s:
        s.add(db.Incident(id=1, title="API errors"))
    first, second = sessions(), sessions()
    a = first.get(db.Incident, 1)
    b = second.get(db.Incident, 1)
    a.manifestation = "operator A's text"
    first.commit()
    b.manifestation = "operator B's text"
    with pytest.raises(StaleDataError):
        second.commit()
    second.rollback()
    first.close()
    second.close()
    with sessions() as s:
        row = s.get(db.Incident, 1)
        assert row.manifestation == "operator A's text" and row.version == 2


def test_topology_read_back_from_the_database_equals_the_file(sessions):
    from noc_app.storage.readers import read_topology

    topology = load_topology(SMALL)
    with transaction(sessions) as s:
        sync_topology(s, topology)
    with sessions() as s:
        back = read_topology(s)
    by_id = {c.id: c for c in back.components}
    for component in topology.components:
        stored = by_id[component.id]
        assert stored.checks == component.checks
        assert set(stored.depends_on) == set(component.depends_on)
        assert stored.criticality == component.criticality
    assert {c.id: c.uses for c in back.customers} == {
        c.id: tuple(sorted(c.uses, key=lambda u: u.component_id)) for c in topology.customers}
    assert back.tier_weights == topology.tier_weights


def test_sqlite_file_in_a_new_folder_is_created(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/new/deeper/noc.db")
    migrate.upgrade(engine)
    assert (tmp_path / "new" / "deeper" / "noc.db").exists()
    engine.dispose()
