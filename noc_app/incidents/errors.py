"""Errors the incident dialogs show to an operator (each message is one clear sentence)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class IncidentError(Exception):
    """Base class: everything the service refuses on purpose."""


class ValidationError(IncidentError, ValueError):
    """Input refused before anything was written; ``field`` names what to fix."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFoundError(IncidentError, LookupError):
    """An incident, person, template, page... that does not exist."""


class TemplateError(ValidationError):
    """A message template that cannot be rendered (unknown placeholder, stray brace)."""


class DatabaseUnavailableError(IncidentError, ConnectionError):
    """The database could not be reached; nothing was written.

    The dialog keeps its draft and queues the operation in the outbox
    (``noc_app.incidents.drafts.Outbox``) to replay on reconnect.
    """


@dataclass(frozen=True)
class FieldConflict:
    """One field both operators changed: what is stored now and what you tried to save."""

    field: str
    theirs: Any
    yours: Any


class ConflictError(IncidentError):
    """A save from a stale copy of the incident; nothing was written.

    ``conflicts`` holds only the fields whose stored value differs from the
    one being saved. The dialog keeps its own base copy, so it can merge
    (``merge_text(base, theirs, yours)``) and retry with ``current_version``.
    """

    def __init__(self, incident_id: int, expected_version: int, current_version: int,
                 conflicts: tuple[FieldConflict, ...]):
        names = ", ".join(c.field for c in conflicts) or "no field"
        super().__init__(
            f"incident {incident_id} was changed by someone else (version {current_version}, "
            f"you edited version {expected_version}); conflicting: {names}")
        self.incident_id = incident_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.conflicts = conflicts

    def conflict(self, field: str) -> FieldConflict | None:
        return next((c for c in self.conflicts if c.field == field), None)
