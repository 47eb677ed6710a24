"""Vocabulary of the incident workflow and the checks every input goes through.

Plain values only: the GUI gets these frozen dataclasses through signals,
and the outbox stores operation arguments as JSON, so nothing here holds a
session or an ORM row.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from noc_app.domain import ITIL_MATRIX, DetectionMeans, Level  # noqa: F401 - DetectionMeans re-exported
from noc_app.incidents.errors import ValidationError


class RestorePath(str, enum.Enum):
    RESOLVE = "resolve"
    WORKAROUND = "workaround"
    FAILOVER = "failover"


class Audience(str, enum.Enum):
    INTERNAL = "internal"
    CUSTOMERS = "customers"
    PARTNERS = "partners"
    ACCOUNT_MANAGERS = "account_managers"  # one brief per manager, listing their affected accounts


class ComponentRole(str, enum.Enum):
    CAUSE = "cause"
    SYMPTOM = "symptom"
    AFFECTED = "affected"


class StatusPageState(str, enum.Enum):
    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    MAINTENANCE = "maintenance"


PRIORITIES = ("P1", "P2", "P3", "P4", "P5")

#: Stages in the order the practice runs them; an incident only moves forward.
STAGES = ("record", "classify", "notify", "escalate", "investigate", "restore", "closed")

TITLE_MAX = 300  # incidents.title is VARCHAR(300): refuse early with a clear message


def priority_for(impact: Level | str, urgency: Level | str) -> str:
    return ITIL_MATRIX[as_enum(Level, impact, "impact"), as_enum(Level, urgency, "urgency")]


def later_stage(current: str | None, new: str) -> str:
    order = {s: i for i, s in enumerate(STAGES)}
    return new if order.get(new, 0) > order.get(current or "record", 0) else (current or "record")


# -- validation --------------------------------------------------------------

def as_enum(kind: type[enum.Enum], value: Any, name: str):
    """``value`` as a member of ``kind`` (by value, case-insensitively), or a clear refusal."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        wanted = value.strip().lower()
        for member in kind:
            if member.value.lower() == wanted:
                return member
    allowed = ", ".join(m.value for m in kind)
    raise ValidationError(f"{name}: {value!r} is not one of {allowed}", name)


def check_priority(value: str, name: str = "priority") -> str:
    if isinstance(value, str) and value.strip().upper() in PRIORITIES:
        return value.strip().upper()
    raise ValidationError(f"{name}: {value!r} is not one of {', '.join(PRIORITIES)}", name)


def check_text(value: Any, name: str, *, required: bool = False, max_len: int | None = None) -> str:
    """Free text is kept exactly as typed (no trimming), whatever its size or content.

    The only refusals are ones the database would make less clearly: a NUL
    character (PostgreSQL text cannot hold one) and a bounded column's length.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{name}: expected text, got {type(value).__name__}", name)
    if required and not value.strip():
        raise ValidationError(f"{name} must not be empty", name)
    if "\x00" in value:
        raise ValidationError(f"{name} contains a NUL character, which cannot be stored", name)
    if max_len is not None and len(value) > max_len:
        raise ValidationError(f"{name} is {len(value)} characters long; at most {max_len}", name)
    return value


def check_aware(value: dt.datetime | None, name: str, *, required: bool = False) -> dt.datetime | None:
    """A timezone-aware datetime (as UTC); a naive one would shift the timeline."""
    if value is None:
        if required:
            raise ValidationError(f"{name} is required", name)
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{name}: {value!r} is not an ISO 8601 date and time", name) from None
    if not isinstance(value, dt.datetime):
        raise ValidationError(f"{name}: expected a date and time, got {type(value).__name__}", name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{name} needs a timezone (got {value.isoformat()})", name)
    return value.astimezone(dt.timezone.utc)


ID_MAX = 100  # every id column is VARCHAR(100)


def check_id(value: Any, name: str) -> str:
    """An id to look up: bounded and NUL-free, so SQLite and PostgreSQL answer alike ("unknown")."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name} must be a non-empty id", name)
    if len(value) > ID_MAX:
        raise ValidationError(f"{name} is {len(value):,} characters long; an id has at most {ID_MAX}", name)
    if "\x00" in value:
        raise ValidationError(f"{name} contains a NUL character, which no id has", name)
    return value


# -- results handed to the GUI -------------------------------------------------

@dataclass(frozen=True)
class IncidentChange:
    """What one operation changed: the GUI broadcasts it, dialogs refresh ``version``."""

    incident_id: int
    version: int
    kinds_of_change: tuple[str, ...]


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    incident_id: int
    at: dt.datetime
    author: str
    kind: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentDue:
    """An open incident whose next customer update is due (or overdue)."""

    incident_id: int
    title: str
    priority: str | None
    next_update_due_at: dt.datetime
    overdue_by: dt.timedelta  # negative: still ahead (when asked with ``within``)


@dataclass(frozen=True)
class IncidentSnapshot:
    """The header as the dialog edits it; keep it as the merge base for conflicts."""

    id: int
    version: int
    title: str
    stage: str
    detected_at: dt.datetime | None
    first_recorded_at: dt.datetime
    detection_means: str | None
    manifestation: str
    impact: str | None
    urgency: str | None
    priority: str | None
    suggested_priority: str | None
    priority_override_reason: str | None
    incident_manager_id: str | None
    restore_path: str | None
    restore_summary: str
    root_cause: str
    next_update_due_at: dt.datetime | None
    restored_at: dt.datetime | None
    closed_at: dt.datetime | None
    postmortem_owner_id: str | None
    postmortem_due_at: dt.datetime | None
    components: dict[str, str]  # component id -> role
    customers: tuple[str, ...]
    participants: dict[str, str]  # person id -> role
    # The post-mortem record (see noc_app/postmortem/record.py).
    summary: str = ""
    triggered_by: str = ""
    went_well: str = ""
    went_wrong: str = ""
    got_lucky: str = ""
    lessons_learned: str = ""
    customer_summary: str = ""
    customer_prevention: str = ""
    key_moments: tuple[int, ...] = ()  # starred timeline event ids
