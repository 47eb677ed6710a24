"""``changes import FILE.csv``: load production change records (all or nothing, idempotent).

Columns (header row required): ``id, at, author, summary, components``;
``at`` is ISO 8601 with an offset, ``components`` are ids separated by ``;``.
Every bad row is reported as ``FILE:LINE: column NAME: what is wrong`` and
nothing is written; importing the same file again changes nothing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from noc_app.cli.errors import EXIT_USAGE, print_error

COLUMNS = ("id", "at", "author", "summary", "components")
ID_MAX = 100  # changes.id is VARCHAR(100)
AUTHOR_MAX = 200
# PostgreSQL takes at most 65,535 bind parameters in one statement; an
# IN (...) over every imported id is sent in slices well below that.
IDS_PER_QUERY = 10_000


class ChangesFileError(ValueError):
    """The file as a whole cannot be imported (empty, no header): one line, not "1 bad row"."""


@dataclass(frozen=True)
class ChangeRow:
    line: int
    id: str
    at: dt.datetime
    author: str
    summary: str
    components: tuple[str, ...]


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("changes", help="production change records: import from CSV")
    actions = parser.add_subparsers(dest="changes_action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="import changes from a CSV file (id,at,author,summary,components)")
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument("--db", metavar="URL",
                     help="database URL (default: NOC_DB_URL or the per-user SQLite file)")
    imp.set_defaults(run=run)


def parse_changes_csv(path: str | Path, known_components: set[str] | None = None
                      ) -> tuple[list[ChangeRow], list[str]]:
    """(rows, errors); each error is one line naming the file, line and column."""
    path = Path(path)
    rows: list[ChangeRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise ChangesFileError(f"{path}: the file is empty; write a header row "
                                   f"{','.join(COLUMNS)} and then one change per line")
        names = [h.strip().lower() for h in header]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise ChangesFileError(f"{path}:{reader.line_num}: missing column{'s' if len(missing) > 1 else ''} "
                                   f"{', '.join(missing)}; expected: {','.join(COLUMNS)}")
        col = {c: names.index(c) for c in COLUMNS}
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines are harmless
            if len(record) < len(names):
                errors.append(f"{path}:{line}: expected {len(names)} columns, got {len(record)}")
                continue
            value = {c: record[i] for c, i in col.items()}
            before = len(errors)

            def bad(column: str, message: str) -> None:
                errors.append(f"{path}:{line}: column {column}: {message}")

            change_id = value["id"].strip()
            if not change_id:
                bad("id", "empty")
            elif len(change_id) > ID_MAX:
                bad("id", f"longer than {ID_MAX} characters")
            elif change_id in seen:
                bad("id", f"{change_id!r} already on line {seen[change_id]}")
            at = None
            try:
                at = dt.datetime.fromisoformat(value["at"].strip())
                if at.tzinfo is None or at.utcoffset() is None:
                    bad("at", f"{value['at'].strip()!r} has no UTC offset (e.g. 2026-11-23T04:10:00+00:00)")
            except ValueError:
                bad("at", f"{value['at'].strip()!r} is not an ISO 8601 date and time with offset")
            author = value["author"].strip()
            if len(author) > AUTHOR_MAX:
                bad("author", f"longer than {AUTHOR_MAX} characters")
            summary = value["summary"]
            if not summary.strip():
                bad("summary", "empty")
            if any("\x00" in v for v in value.values()):
                bad("summary", "contains a NUL character")
            components = tuple(dict.fromkeys(c.strip() for c in value["components"].split(";") if c.strip()))
            if known_components is not None:
                unknown = [c for c in components if c not in known_components]
                if unknown:
                    bad("components", f"unknown component{'s' if len(unknown) > 1 else ''}: "
                                      + ", ".join(unknown))
            if len(errors) == before:
                seen[change_id] = line
                rows.append(ChangeRow(line, change_id, at.astimezone(dt.timezone.utc), author,
                                      summary, components))
    return rows, errors


def import_changes(session, rows: list[ChangeRow]) -> dict[str, int]:
    """Upsert ``rows`` (and exactly their component links); counts added/updated/unchanged."""
    from sqlalchemy import delete, insert, select

    from noc_app.storage import models as db

    counts = {"added": 0, "updated": 0, "unchanged": 0}
    # Plain columns, not ORM objects: a file of 70,000 changes is compared in a second.
    existing: dict[str, tuple] = {}
    for ids in _slices([r.id for r in rows]):
        existing.update((cid, (summary, at, author)) for cid, summary, at, author in session.execute(
            select(db.ChangeRecord.id, db.ChangeRecord.summary, db.ChangeRecord.at, db.ChangeRecord.author)
            .where(db.ChangeRecord.id.in_(ids))))
    links: dict[str, set[str]] = {}
    for ids in _slices(list(existing)):
        for cid, comp in session.execute(select(db.ChangeComponent.change_id, db.ChangeComponent.component_id)
                                         .where(db.ChangeComponent.change_id.in_(ids))):
            links.setdefault(cid, set()).add(comp)
    added = [r for r in rows if r.id not in existing]
    # New records first (the links' foreign keys need them), as multi-row INSERTs.
    if added:
        session.execute(insert(db.ChangeRecord), [
            {"id": r.id, "summary": r.summary, "at": r.at, "author": r.author, "source": "csv"} for r in added])
        new_links = [{"change_id": r.id, "component_id": c} for r in added for c in r.components]
        if new_links:
            session.execute(insert(db.ChangeComponent), new_links)
    counts["added"] = len(added)
    for r in rows:
        stored = existing.get(r.id)
        if stored is None:
            continue
        if stored == (r.summary, r.at, r.author) and links.get(r.id, set()) == set(r.components):
            counts["unchanged"] += 1
            continue
        row = session.get(db.ChangeRecord, r.id)
        row.summary, row.at, row.author = r.summary, r.at, r.author
        session.execute(delete(db.ChangeComponent).where(db.ChangeComponent.change_id == r.id))
        session.add_all(db.ChangeComponent(change_id=r.id, component_id=c) for c in r.components)
        counts["updated"] += 1
    return counts


def _slices(ids: list[str]) -> list[list[str]]:
    return [ids[i:i + IDS_PER_QUERY] for i in range(0, len(ids), IDS_PER_QUERY)]


def run(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from noc_app.storage import models as db
    from noc_app.storage.db import make_engine, session_factory, transaction
    from noc_app.workspace import prepare_database

    path = Path(args.file)
    if not path.is_file():
        print_error(f"error: {path}: no such file")
        return EXIT_USAGE
    engine = make_engine(args.db)
    try:
        prepare_database(engine)
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            known = set(session.scalars(select(db.Component.id)))
            try:
                rows, errors = parse_changes_csv(path, known)
            except UnicodeDecodeError as exc:
                print_error(f"error: {path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
                return EXIT_USAGE
            except csv.Error as exc:
                print_error(f"error: {path}: {exc}")
                return EXIT_USAGE
            except ChangesFileError as exc:
                print_error(f"error: {exc}")
                return EXIT_USAGE
            if errors:
                for message in errors:
                    print_error(message)
                print_error(f"error: {len(errors)} bad row{'s' if len(errors) > 1 else ''}; nothing imported")
                return EXIT_USAGE
            if not rows:
                print(f"{path}: no changes after the header row; nothing to import")
                return 0
            counts = import_changes(session, rows)
    finally:
        engine.dispose()
    print(f"{path}: {len(rows)} changes: {counts['added']} added, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged")
    return 0
