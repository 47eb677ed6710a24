"""``python main.py changes import FILE.csv``: all or nothing, one line per bad row, idempotent."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from noc_app.cli import changes_command
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.workspace import open_workspace

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
GOOD = (
    "id,at,author,summary,components\n"
    "chg-201,2026-11-23T10:00:00+01:00,carol,\"Deploy api v2.3, \"\"hotfix\"\"\",api;web\n"
    "chg-202,2026-11-23T11:30:00Z,dave,Rotate DB credentials 🔑,db-main\n"
    "chg-203,2026-11-23T12:00:00-05:00,,DNS TTL lowered,\n"
)


def main(argv: list[str]) -> int:
    """Like ``main.main`` for this one command (the lead registers it in ``noc_app.cli``)."""
    parser = argparse.ArgumentParser(prog="main.py")
    changes_command.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.run(args)


@pytest.fixture
def db_with_topology(db_url):
    open_workspace(TOPOLOGY, db_url).close()
    return db_url


def changes(db_url):
    workspace = open_workspace(TOPOLOGY, db_url)
    try:
        with transaction(workspace.sessions) as s:
            rows = {c.id: (c.at, c.author, c.summary, c.source) for c in s.scalars(
                select(db.ChangeRecord).where(db.ChangeRecord.source == "csv"))}
            links = sorted(s.execute(select(db.ChangeComponent.change_id, db.ChangeComponent.component_id)
                                     .where(db.ChangeComponent.change_id.in_(list(rows)))).all())
        return rows, links
    finally:
        workspace.close()


def test_import_is_idempotent(db_with_topology, tmp_path, capsys):
    path = tmp_path / "changes.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["changes", "import", str(path), "--db", db_with_topology]) == 0
    assert "3 added" in capsys.readouterr().out
    rows, links = changes(db_with_topology)
    assert rows["chg-201"] == (dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc), "carol",
                               'Deploy api v2.3, "hotfix"', "csv")
    assert rows["chg-202"][2] == "Rotate DB credentials 🔑"
    assert links == [("chg-201", "api"), ("chg-201", "web"), ("chg-202", "db-main")]
    assert main(["changes", "import", str(path), "--db", db_with_topology]) == 0
    assert "0 added, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert changes(db_with_topology) == (rows, links)
    path.write_text(GOOD.replace("api;web", "api"), encoding="utf-8")
    assert main(["changes", "import", str(path), "--db", db_with_topology]) == 0
    assert "1 updated" in capsys.readouterr().out
    assert changes(db_with_topology)[1] == [("chg-201", "api"), ("chg-202", "db-main")]


def test_bad_rows_are_each_reported_and_nothing_is_written(tmp_path, capsys):
    db_url = f"sqlite:///{tmp_path}/noc.db"
    open_workspace(TOPOLOGY, db_url).close()
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + (
        "chg-301,2026-11-23T10:00:00,eve,naive time,api\n"
        "chg-302,yesterday,eve,not a date,api\n"
        "chg-303,2026-11-23T10:00:00Z,eve,unknown component,api;mainframe\n"
        "chg-201,2026-11-23T10:00:00Z,eve,duplicate id,api\n"
        "chg-304,2026-11-23T10:00:00Z,eve,   ,api\n"
        "chg-305,2026-11-23T10:00:00Z\n"), encoding="utf-8")
    assert main(["changes", "import", str(path), "--db", db_url]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{path}:5: column at: '2026-11-23T10:00:00' has no UTC offset (e.g. 2026-11-23T04:10:00+00:00)",
        f"{path}:6: column at: 'yesterday' is not an ISO 8601 date and time with offset",
        f"{path}:7: column components: unknown component: mainframe",
        f"{path}:8: column id: 'chg-201' already on line 2",
        f"{path}:9: column summary: empty",
        f"{path}:10: expected 5 columns, got 2",
        "error: 6 bad rows; nothing imported",
    ]
    assert changes(db_url) == ({}, [])


def test_missing_file_and_header(tmp_path, capsys):
    db_url = f"sqlite:///{tmp_path}/noc.db"
    assert main(["changes", "import", str(tmp_path / "nope.csv"), "--db", db_url]) == 2
    assert "no such file" in capsys.readouterr().err
    path = tmp_path / "h.csv"
    path.write_text("id,when,summary\n", encoding="utf-8")
    assert main(["changes", "import", str(path), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "missing columns at, author, components" in err and "bad row" not in err
