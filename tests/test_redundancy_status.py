"""Redundancy groups end to end: topology file -> sync -> real polls -> ``status``/``spof`` CLI,
on SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import json

from fleet_topology import quiet_fleet
from noc_app.polling.service import poll_once
from noc_app.storage.db import make_engine, session_factory
from noc_app.storage.readers import read_topology
from noc_app.workspace import open_workspace

TOPOLOGY = """
[defaults]
interval = "1s"
timeout = "1s"
retries = 0

[[redundancy]]
id = "db-pair"
any_of = ["db-main", "db-replica"]

[[component]]
id = "db-main"
name = "Primary database"
criticality = "critical"
  [[component.check]]
  url = "{url}/db-main/actuator/health"
[[component]]
id = "db-replica"
name = "Replica database"
  [[component.check]]
  url = "{url}/db-replica/actuator/health"
[[component]]
id = "lb-a"
name = "LB A"
  [[component.check]]
  url = "{url}/lb-a/health"
  format = "plain"
[[component]]
id = "lb-b"
name = "LB B"
  [[component.check]]
  url = "{url}/lb-b/health"
  format = "plain"
[[component]]
id = "api"
name = "Public API"
depends_on = ["db-pair", {{ any_of = ["lb-a", "lb-b"], need = 1 }}]
  [[component.check]]
  url = "{url}/api/health"
  format = "plain"

[[customer]]
id = "acme"
name = "ACME"
tier = "enterprise"
uses = ["api"]
[[customer]]
id = "bob"
name = "Bob"
tier = "standard"
uses = ["api"]
"""


def cli(capsys, *args: str) -> dict:
    """The command as a user runs it, in-process (a subprocess per call would cost seconds)."""
    from noc_app.cli import build_parser

    parsed = build_parser().parse_args(list(args))
    capsys.readouterr()
    assert parsed.run(parsed) == 0
    return json.loads(capsys.readouterr().out)


def test_pair_loses_one_then_both_then_recovers(tmp_path, db_url, capsys):
    run_cli = functools.partial(cli, capsys)
    fleet = quiet_fleet()
    path = tmp_path / "t.toml"
    path.write_text(TOPOLOGY.format(url=fleet.base_url))

    def poll(**states):
        for cid, state in states.items():
            fleet.set_override(cid, state)
        workspace = open_workspace(path, db_url)
        try:
            poll_once(workspace)
        finally:
            workspace.close()
        return run_cli("status", "--db", db_url, "--json")

    try:
        # The groups survive the trip through the database.
        poll()
        engine = make_engine(db_url)
        with session_factory(engine)() as session:
            api = read_topology(session).component("api")
        engine.dispose()
        assert api.hard_depends_on == ()
        assert [(g.id, g.members, g.need) for g in api.redundancy] == [
            ("db-pair", ("db-main", "db-replica"), 1), (None, ("lb-a", "lb-b"), 1)]

        doc = poll(**{"db-main": "down"})
        by_id = {c["id"]: c for c in doc["components"]}
        assert by_id["api"]["status"] == "OK"
        assert by_id["api"]["redundancy"] == "degraded" and by_id["api"]["lost"] == ["db-main"]
        assert doc["impacted_customers"] == [] and doc["probable_causes"] == ["db-main"]
        assert doc["suggested_priority"]["priority"] in ("P4", "P5")

        doc = poll(**{"db-replica": "down"})
        by_id = {c["id"]: c for c in doc["components"]}
        assert by_id["api"]["status"] == "IMPACTED" and by_id["api"]["redundancy"] == "failed"
        assert sorted(doc["probable_causes"]) == ["db-main", "db-replica"]
        assert {c["id"] for c in doc["impacted_customers"]} == {"acme", "bob"}

        doc = poll(**{"db-replica": "ok"})
        by_id = {c["id"]: c for c in doc["components"]}
        assert by_id["api"]["status"] == "OK" and by_id["api"]["redundancy"] == "degraded"
        assert doc["impacted_customers"] == []

        spof = run_cli("spof", "--db", db_url, "--json")
        assert [c["id"] for c in spof["components"]] == ["api"]
        assert {r["id"] for r in spof["redundant"]} == {"db-main", "db-replica", "lb-a", "lb-b"}
        assert {g["id"] for g in spof["groups"]} == {"db-pair", "any 1 of lb-a / lb-b"}
    finally:
        fleet.stop()


def test_edges_written_before_migration_0010_stay_plain_dependencies(db_url):
    from sqlalchemy import text

    from noc_app.storage import migrate

    engine = make_engine(db_url)
    try:
        before = migrate.ScriptDirectory.from_config(migrate.alembic_config()).get_revision("0010").down_revision
        migrate.upgrade(engine, before)  # the schema as it was, without groups
        with engine.begin() as connection:
            for cid in ("db", "api"):
                connection.execute(text("INSERT INTO components (id, name, group_name, kind, criticality, "
                                        "description, created_at, updated_at) VALUES (:id, :id, '', "
                                        "'service', 'medium', '', :now, :now)"),
                                   {"id": cid, "now": "2026-11-23 10:00:00+00:00"})
            connection.execute(text("INSERT INTO component_dependencies (component_id, depends_on_id) "
                                    "VALUES ('api', 'db')"))
        migrate.upgrade(engine)
        with session_factory(engine)() as session:
            api = read_topology(session).component("api")
        assert api.depends_on == api.hard_depends_on == ("db",) and api.redundancy == ()
    finally:
        engine.dispose()
