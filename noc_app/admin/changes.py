"""Production change records: list, add, edit, delete, and the CSV import.

The import is the CLI's own parser and upsert (``noc_app.cli.changes_command``),
so a file accepted by ``main.py changes import`` is accepted here, with the
same one-line errors and the same all-or-nothing rule.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from noc_app.admin.common import (
    replace_component_links,
    check_aware, check_components, check_id, check_line, check_new_id, check_text,
    require, writing,
)
from noc_app.cli.changes_command import ChangesFileError, import_changes, parse_changes_csv
from noc_app.storage import models as db
from noc_app.storage.base import utcnow
from noc_app.storage.db import transaction

AUTHOR_MAX = 200


@dataclass(frozen=True)
class Change:
    id: str
    at: dt.datetime
    summary: str
    author: str = ""
    components: tuple[str, ...] = ()
    source: str = "manual"  # topology | csv | manual (set by whoever created it)


@dataclass(frozen=True)
class ImportResult:
    ok: bool
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[str, ...] = field(default_factory=tuple)  # one line each; nothing written if any

    def summary(self) -> str:
        if not self.ok:
            n = len(self.errors)
            return f"{n} bad row{'s' if n != 1 else ''}; nothing imported — " + self.errors[0]
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


class ChangesAdmin:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def list(self, component_ids: Iterable[str] = (), hours: float | None = None,
             now: dt.datetime | None = None, limit: int = 1000) -> list[Change]:
        """Newest first; only those touching ``component_ids`` / within the last ``hours``."""
        wanted = set(component_ids)
        with transaction(self.sessions) as session:
            query = select(db.ChangeRecord).order_by(db.ChangeRecord.at.desc(), db.ChangeRecord.id)
            if hours is not None:
                now = check_aware(now, "now") if now is not None else utcnow()
                query = query.where(db.ChangeRecord.at >= now - dt.timedelta(hours=hours),
                                    db.ChangeRecord.at <= now)
            if wanted:
                query = query.where(db.ChangeRecord.id.in_(
                    select(db.ChangeComponent.change_id)
                    .where(db.ChangeComponent.component_id.in_(wanted))))
            rows = list(session.scalars(query.limit(limit)))
            links = _links(session, [r.id for r in rows])
            return [_change(r, links.get(r.id, ())) for r in rows]

    def get(self, change_id: str) -> Change:
        with transaction(self.sessions) as session:
            row = require(session.get(db.ChangeRecord, change_id), f"change {change_id!r}")
            return _change(row, _links(session, [change_id]).get(change_id, ()))

    def create(self, change: Change) -> Change:
        with writing(self.sessions, f"change {change.id!r}") as session:
            change_id = check_new_id(session, db.ChangeRecord, change.id, "change")
            values = _validated(session, change)
            session.add(db.ChangeRecord(id=change_id, source="manual", **values))
            session.flush()
            replace_component_links(session, db.ChangeComponent, "change_id", change_id, change.components)
        return self.get(change_id)

    def update(self, change: Change) -> Change:
        change_id = check_id(change.id)
        with writing(self.sessions, f"change {change_id!r}") as session:
            row = require(session.get(db.ChangeRecord, change_id), f"change {change_id!r}")
            for name, value in _validated(session, change).items():
                setattr(row, name, value)
            replace_component_links(session, db.ChangeComponent, "change_id", change_id, change.components)
        return self.get(change_id)

    def delete(self, change_id: str) -> None:
        # Nothing references a change: investigations read them live, incidents copy what matters.
        with transaction(self.sessions) as session:
            session.delete(require(session.get(db.ChangeRecord, change_id), f"change {change_id!r}"))

    def import_csv(self, path: str | Path) -> ImportResult:
        """All or nothing, idempotent: exactly what ``main.py changes import FILE`` does."""
        path = Path(path)
        if not path.is_file():
            return ImportResult(False, errors=(f"{path}: no such file",))
        with transaction(self.sessions) as session:
            known = set(session.scalars(select(db.Component.id)))
            try:
                rows, errors = parse_changes_csv(path, known)
            except UnicodeDecodeError as exc:
                return ImportResult(False, errors=(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})",))
            except csv.Error as exc:
                return ImportResult(False, errors=(f"{path}: {exc}",))
            except ChangesFileError as exc:
                return ImportResult(False, errors=(str(exc),))
            if errors:
                return ImportResult(False, errors=tuple(errors))
            counts = import_changes(session, rows)
        return ImportResult(True, counts["added"], counts["updated"], counts["unchanged"])


def _validated(session: Session, change: Change) -> dict:
    """Column values of ``change``, checked in form order (the first bad field is reported)."""
    at = check_aware(change.at, "at")
    summary = check_text(change.summary, "summary", required=True)
    author = check_line(change.author, "author", max_len=AUTHOR_MAX)
    check_components(session, change.components)
    return {"at": at, "summary": summary, "author": author}


def _links(session: Session, ids: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    if ids:
        for cid, comp in session.execute(
                select(db.ChangeComponent.change_id, db.ChangeComponent.component_id)
                .where(db.ChangeComponent.change_id.in_(ids))
                .order_by(db.ChangeComponent.component_id)):
            out.setdefault(cid, []).append(comp)
    return {k: tuple(v) for k, v in out.items()}


def _change(row: db.ChangeRecord, components: tuple[str, ...]) -> Change:
    return Change(row.id, row.at, row.summary, row.author or "", components, row.source)


__all__ = ["Change", "ChangesAdmin", "ImportResult"]
