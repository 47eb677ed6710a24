"""Text that does not fit its column is refused the same way on every backend.

SQLite stores 301 characters in a VARCHAR(300) and a NUL anywhere; PostgreSQL
refuses both with a DataError. The forms and the incident service check their
fields first, with the field's name; this is the net under them: before every
ORM flush, each text about to be written is measured against its column, so
whatever path a value takes, SQLite and PostgreSQL give the same one line.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Mapper, Session, sessionmaker


class TextDoesNotFitError(ValueError):
    """A text longer than its column, or holding a NUL; nothing was written."""

    def __init__(self, message: str, table: str, column: str):
        super().__init__(message)
        self.table = table
        self.column = column


_COLUMNS: dict[Mapper, tuple[tuple[str, str, str, int | None], ...]] = {}


def _text_columns(mapper: Mapper) -> tuple[tuple[str, str, str, int | None], ...]:
    """(attribute, table, column, length or None) of each text column of ``mapper``, computed once."""
    found = _COLUMNS.get(mapper)
    if found is None:
        found = tuple(
            (attr.key, column.table.name, column.name, getattr(column.type, "length", None))
            for attr in mapper.column_attrs
            for column in attr.columns[:1]
            if isinstance(column.type, String)
        )
        _COLUMNS[mapper] = found
    return found


def check_fits(table: str, column: str, value: Any, length: int | None) -> None:
    if not isinstance(value, str):
        return
    if "\x00" in value:
        raise TextDoesNotFitError(f"{column}: contains a NUL character, which cannot be stored", table, column)
    if length is not None and len(value) > length:
        raise TextDoesNotFitError(f"{column}: {len(value):,} characters, at most {length}", table, column)


def _before_flush(session: Session, _context, _instances) -> None:
    for obj in session.new:
        state = inspect(obj)
        for key, table, column, length in _text_columns(state.mapper):
            if key in state.dict:
                check_fits(table, column, state.dict[key], length)
    for obj in session.dirty:
        # Only what is being changed: a row stored long ago (SQLite kept it) stays editable.
        state = inspect(obj)
        for key, table, column, length in _text_columns(state.mapper):
            if key in state.dict and state.attrs[key].history.added:
                check_fits(table, column, state.dict[key], length)


def refuse_text_that_does_not_fit(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    event.listen(factory, "before_flush", _before_flush)
    return factory
