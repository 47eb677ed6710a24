"""``changes import``: big files on PostgreSQL, empty files (issue 10, item 7). Real CLI, real databases."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from bad_input import one_line_error, run_cli

ROWS = 66_000  # more than PostgreSQL's 65,535 bind parameters in one statement


def write_changes(path, n: int) -> None:
    lines = ["id,at,author,summary,components"]
    lines += [f"chg-{i},2026-11-23T04:10:00+00:00,kim,deploy {i},{'api' if i % 7 == 0 else ''}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_more_than_65535_rows_import_on_postgresql(tmp_path, pg_url):
    topology = tmp_path / "t.toml"
    topology.write_text('[[component]]\nid = "api"\nname = "API"\n')
    assert run_cli("poll", "--once", "--config", str(topology), "--db", pg_url).returncode == 0
    path = tmp_path / "changes.csv"
    write_changes(path, ROWS)
    first = run_cli("changes", "import", str(path), "--db", pg_url, timeout=300)
    assert first.returncode == 0, first.stderr
    assert f"{ROWS} changes: {ROWS} added, 0 updated, 0 unchanged" in first.stdout
    again = run_cli("changes", "import", str(path), "--db", pg_url, timeout=300)
    assert f"0 added, 0 updated, {ROWS} unchanged" in again.stdout, again.stderr
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM change_components")).scalar() == len(range(0, ROWS, 7))
    engine.dispose()


def test_an_empty_file_is_one_line_not_a_bad_row(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_text("")
    line = one_line_error(run_cli("changes", "import", str(path), "--db", f"sqlite:///{tmp_path}/n.db"), 2)
    assert line == (f"error: {path}: the file is empty; write a header row "
                    "id,at,author,summary,components and then one change per line")


def test_a_header_alone_imports_nothing_and_says_so(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_text("id,at,author,summary,components\n")
    proc = run_cli("changes", "import", str(path), "--db", f"sqlite:///{tmp_path}/n.db")
    assert proc.returncode == 0 and proc.stdout.strip() == f"{path}: no changes after the header row; nothing to import"
