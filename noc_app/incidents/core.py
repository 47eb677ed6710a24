"""What every incident operation shares: one transaction, the version check, timeline appends.

Each public operation is one short transaction (Anki-style): it either
writes everything it means to (header fields, link rows, timeline events)
or nothing.  Network I/O (SMTP, webhooks) never happens inside one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from noc_app.incidents.errors import (
    ConflictError, DatabaseUnavailableError, FieldConflict, NotFoundError, ValidationError,
)
from noc_app.incidents.values import IncidentChange, TimelineEntry, check_id, check_text
from noc_app.storage import models as db
from noc_app.storage.base import utcnow
from noc_app.storage.text_fit import TextDoesNotFitError

#: SQLite reports these as OperationalError too; they mean "cannot reach the file now".
_SQLITE_UNAVAILABLE = ("unable to open", "database is locked", "disk i/o", "readonly database")


def _unavailable(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        module = type(exc.orig).__module__ if exc.orig is not None else ""
        if module.startswith("sqlite3"):
            return any(s in str(exc.orig).lower() for s in _SQLITE_UNAVAILABLE)
        return True  # psycopg: connection refused/reset, server shutting down...
    return False


@dataclass(frozen=True)
class Link:
    """A pseudo-field stored outside the incident row (affected components, customers).

    ``read`` gives its current value for the conflict check; ``write`` replaces it.
    """

    read: Callable[[Session, db.Incident], Any]
    write: Callable[[Session, db.Incident, Any], None]


class ServiceBase:
    def __init__(self, sessions: sessionmaker[Session], author: str, *,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.sessions = sessions
        self.author = check_text(author, "author", required=True, max_len=200)
        self.clock = clock

    # -- plumbing ------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction; a lost database becomes ``DatabaseUnavailableError``."""
        try:
            with self.sessions() as session, session.begin():
                yield session
        except TextDoesNotFitError as exc:  # a text no field check caught: the same line on every backend
            raise ValidationError(str(exc), exc.column) from None
        except (OperationalError, InterfaceError, DBAPIError) as exc:
            if _unavailable(exc):
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
                raise DatabaseUnavailableError(
                    f"database unreachable, nothing was saved ({reason})") from exc
            raise

    def reading(self):
        """A transaction for read-only look-ups outside the service (the dialogs' readers).

        The same session factory and the same ``DatabaseUnavailableError`` as
        every write, so callers need not know the plumbing.
        """
        return self._tx()

    def _now(self, at: dt.datetime | None = None) -> dt.datetime:
        return at if at is not None else self.clock()

    @staticmethod
    def _incident(session: Session, incident_id: int, *, lock: bool = False) -> db.Incident:
        query = select(db.Incident).where(db.Incident.id == incident_id)
        if lock:
            query = query.with_for_update()  # PostgreSQL; SQLite serialises writers anyway
        incident = session.scalars(query).one_or_none()
        if incident is None:
            raise NotFoundError(f"incident {incident_id} does not exist")
        return incident

    @staticmethod
    def _require(session: Session, model, key, what: str):
        if isinstance(key, str):
            check_id(key, what)  # a NUL or 1 MB "id" must not reach PostgreSQL's parser
        row = session.get(model, key)
        if row is None:
            raise NotFoundError(f"{what} {key!r} does not exist")
        return row

    def _append(self, session: Session, incident_id: int, kind: str, summary: str,
                data: Mapping[str, Any] | None = None, *, at: dt.datetime | None = None,
                author: str | None = None) -> db.TimelineEvent:
        event = db.TimelineEvent(incident_id=incident_id, at=self._now(at),
                                 author=author or self.author, kind=kind, summary=summary,
                                 data=dict(data) if data else None)
        session.add(event)
        return event

    def _timeline_only(self, incident_id: int, kind: str, summary: str,
                       data: Mapping[str, Any] | None = None,
                       client_ref: str | None = None) -> IncidentChange:
        """Append one event with no version check: additions never conflict.

        With ``client_ref`` (a key the workstation chose) a replay of the same
        addition — the outbox retrying after a lost reply — adds nothing.
        """
        with self._tx() as session:
            incident = self._incident(session, incident_id)
            if client_ref is not None and session.scalar(
                    select(db.TimelineEvent.id).where(db.TimelineEvent.incident_id == incident_id,
                                                      db.TimelineEvent.client_ref == client_ref)):
                return IncidentChange(incident_id, incident.version, ())
            event = self._append(session, incident_id, kind, summary, data)
            event.client_ref = client_ref
            version = incident.version
        return IncidentChange(incident_id, version, ("timeline",))

    # -- versioned header edits ------------------------------------------------
    def _update(self, incident_id: int, expected_version: int, values: Mapping[str, Any],
                events: Callable[[db.Incident, list[str]], list[tuple[str, str, dict | None]]],
                *, links: Mapping[str, tuple[Link, Any]] | None = None,
                after: Callable[[Session, db.Incident], None] | None = None) -> IncidentChange:
        """Apply ``values`` (and ``links``) if the caller saw ``expected_version``.

        A stale version raises ``ConflictError`` with theirs/yours for every
        field whose stored value differs from the one being saved; when none
        differs the edit is already there (e.g. an outbox replay after a
        commit whose reply was lost) and nothing is written.
        """
        if not isinstance(expected_version, int) or isinstance(expected_version, bool):
            raise ValidationError("expected_version must be the incident version you edited",
                                  "expected_version")
        links = links or {}
        try:
            with self._tx() as session:
                incident = self._incident(session, incident_id)
                diffs = self._diffs(session, incident, values, links)
                if incident.version != expected_version:
                    if diffs:
                        raise ConflictError(incident_id, expected_version, incident.version,
                                            tuple(diffs))
                    return IncidentChange(incident_id, incident.version, ())
                changed = [d.field for d in diffs]
                if not changed and after is None:
                    return IncidentChange(incident_id, incident.version, ())
                for name, value in values.items():
                    if getattr(incident, name) != value:
                        setattr(incident, name, value)
                for name, (link, value) in links.items():
                    if name in changed:
                        link.write(session, incident, value)
                if after is not None:
                    after(session, incident)
                if not session.is_modified(incident):
                    # Link rows changed only: touch the row so the version moves
                    # and other copies of the header learn they are stale.
                    incident.updated_at = self._now()
                for kind, summary, data in events(incident, changed):
                    self._append(session, incident_id, kind, summary, data)
                session.flush()
                version = incident.version
        except StaleDataError:
            # Someone committed between our read and our UPDATE (the version
            # column is in its WHERE clause): report it like any stale save.
            return self._raise_conflict(incident_id, expected_version, values, links)
        return IncidentChange(incident_id, version, (*changed, "timeline"))

    def _diffs(self, session: Session, incident: db.Incident, values: Mapping[str, Any],
               links: Mapping[str, tuple[Link, Any]]) -> list[FieldConflict]:
        diffs = [FieldConflict(name, getattr(incident, name), value)
                 for name, value in values.items() if getattr(incident, name) != value]
        for name, (link, value) in links.items():
            current = link.read(session, incident)
            if current != value:
                diffs.append(FieldConflict(name, current, value))
        return diffs

    def _raise_conflict(self, incident_id, expected_version, values, links) -> IncidentChange:
        with self._tx() as session:
            incident = self._incident(session, incident_id)
            diffs = self._diffs(session, incident, values, links)
            current = incident.version
        if not diffs:
            return IncidentChange(incident_id, current, ())
        raise ConflictError(incident_id, expected_version, current, tuple(diffs))

    @staticmethod
    def _entry(event: db.TimelineEvent) -> TimelineEntry:
        return TimelineEntry(id=event.id, incident_id=event.incident_id, at=event.at,
                             author=event.author, kind=event.kind, summary=event.summary,
                             data=dict(event.data or {}))
