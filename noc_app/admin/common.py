"""Checks every admin form goes through, and the errors they raise.

Each check raises ``ValidationError(message, field)`` whose message is one
line that starts with the field name ("email: 'bob' has no '@'"), so a
form can show it next to itself and a test can match it.  Free text
(summaries, solutions, scripts, bodies) is never stripped or rewritten:
what the operator typed is what is stored and shown.  Only a NUL character
is refused, because PostgreSQL cannot store it in text at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from noc_app.incidents.errors import NotFoundError, ValidationError
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.storage.text_fit import TextDoesNotFitError

__all__ = ["InUseError", "NotFoundError", "ValidationError"]

# The same id rule as the topology file, so ids typed here can be used there.
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
ID_MAX = 100  # VARCHAR(100) on every id column


class InUseError(ValidationError):
    """A delete refused because other rows (or history) still point at the record."""


def check_id(value: str, field: str = "id") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"{field}: required", field)
    if len(value) > ID_MAX:
        raise ValidationError(f"{field}: longer than {ID_MAX} characters", field)
    if not _ID_RE.match(value):
        raise ValidationError(
            f"{field}: {value!r} must start with a lowercase letter or digit and use only "
            "lowercase letters, digits, '-', '_' and '.'", field)
    return value


def check_text(value: str | None, field: str, *, max_len: int | None = None,
               required: bool = False) -> str:
    """Free text, returned unchanged: no stripping, no normalising."""
    value = "" if value is None else value
    if not isinstance(value, str):
        raise ValidationError(f"{field}: expected text, got {type(value).__name__}", field)
    if required and not value.strip():
        raise ValidationError(f"{field}: required", field)
    if max_len is not None and len(value) > max_len:
        raise ValidationError(f"{field}: {len(value)} characters, at most {max_len}", field)
    if "\x00" in value:
        raise ValidationError(f"{field}: contains a NUL character, which cannot be stored", field)
    return value


def check_line(value: str | None, field: str, *, max_len: int | None, required: bool = False) -> str:
    """A one-line field (a name, an author): like ``check_text`` but no line breaks."""
    value = check_text(value, field, max_len=max_len, required=required)
    if "\n" in value or "\r" in value:
        raise ValidationError(f"{field}: must be a single line", field)
    return value


def check_aware(value: dt.datetime | None, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValidationError(f"{field}: required (a date and time)", field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field}: {value.isoformat()} has no timezone; give a UTC offset",
                              field)
    return value.astimezone(dt.timezone.utc)


def parse_when(text: str, field: str) -> dt.datetime:
    """Form text to an aware datetime; without an offset it is UTC (the form says so)."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationError(f"{field}: required (e.g. 2026-11-24 02:00)", field)
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"{field}: {raw!r} is not a date and time like 2026-11-24 02:00",
                              field) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def format_when(value: dt.datetime | None) -> str:
    """UTC, to the minute; seconds only when there are some, so an edit never rounds a time."""
    if value is None:
        return ""
    value = value.astimezone(dt.timezone.utc)
    text = value.strftime("%Y-%m-%d %H:%M")
    if value.second or value.microsecond:
        text += value.strftime(":%S") + (f".{value.microsecond:06d}" if value.microsecond else "")
    return text


def check_email(value: str, field: str = "email") -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError(f"{field}: contains a NUL character, which cannot be stored", field)
    if len(value) > 320:
        raise ValidationError(f"{field}: {len(value):,} characters, at most 320", field)
    if "@" not in value or value.startswith("@") or value.endswith("@"):
        raise ValidationError(f"{field}: {value!r} is not an e-mail address (name@domain)", field)
    if any(c.isspace() for c in value) or len(value) > 320:
        raise ValidationError(f"{field}: {value!r} is not an e-mail address (name@domain)", field)
    return value


def split_list(text: str) -> tuple[str, ...]:
    """"a, b; c" → ("a", "b", "c"): the forms' way of typing several ids or addresses."""
    return tuple(dict.fromkeys(p.strip() for p in re.split(r"[,;\s]+", text or "") if p.strip()))


def check_ids_exist(session: Session, model, ids: Iterable[str], field: str, what: str) -> tuple[str, ...]:
    ids = tuple(dict.fromkeys(ids))
    if not ids:
        return ids
    # An id no row can have (too long, a NUL) is unknown without asking: PostgreSQL would
    # refuse the query itself where SQLite answers "none", and the form must say the same.
    possible = [i for i in ids if len(i) <= ID_MAX and "\x00" not in i]
    pk = model.__mapper__.primary_key[0]
    known = set(session.scalars(select(pk).where(pk.in_(possible)))) if possible else set()
    unknown = [i if len(i) <= 60 else i[:60] + "…" for i in ids if i not in known]
    unknown = [i.replace("\x00", "\\u0000") for i in unknown]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise ValidationError(f"{field}: unknown {what}{plural} " + ", ".join(unknown), field)
    return ids


def check_components(session: Session, ids: Iterable[str], field: str = "components") -> tuple[str, ...]:
    return check_ids_exist(session, db.Component, ids, field, "component")


def list_components(sessions: sessionmaker[Session]) -> list[tuple[str, str]]:
    """(id, name) of the live components, for pickers."""
    with transaction(sessions) as session:
        return [(c.id, c.name) for c in session.scalars(
            select(db.Component).where(db.Component.retired_at.is_(None)).order_by(db.Component.id))]


def refuse_in_use(what: str, uses: list[str]) -> None:
    """Raise ``InUseError`` listing (a few of) the things that still point at ``what``."""
    if uses:
        shown = "; ".join(uses[:4]) + (f"; and {len(uses) - 4} more" if len(uses) > 4 else "")
        raise InUseError(f"cannot delete {what}: still used by {shown}", "id")


@contextmanager
def writing(sessions: sessionmaker[Session], what: str) -> Iterator[Session]:
    """A write transaction; a duplicate key from a concurrent create reads as a form error."""
    try:
        with transaction(sessions) as session:
            yield session
    except TextDoesNotFitError as exc:  # a text no field check caught: the same line on every backend
        raise ValidationError(str(exc), exc.column) from None
    except IntegrityError:
        raise ValidationError(f"id: {what} already exists (or was just changed by someone else)",
                              "id") from None


def require(row, what: str):
    if row is None:
        raise NotFoundError(f"{what} does not exist (deleted by someone else?)")
    return row


def check_new_id(session: Session, model, value: str, what: str) -> str:
    value = check_id(value)
    if session.get(model, value) is not None:
        raise ValidationError(f"id: {what} {value!r} already exists", "id")
    return value


def replace_component_links(session: Session, link_model, owner_column: str, owner_id: str,
                            components: Iterable[str]) -> None:
    """Make ``owner_id``'s rows in ``link_model`` exactly ``components`` (order kept, duplicates dropped)."""
    session.execute(delete(link_model).where(getattr(link_model, owner_column) == owner_id))
    session.flush()
    session.add_all(link_model(**{owner_column: owner_id, "component_id": c}) for c in dict.fromkeys(components))
