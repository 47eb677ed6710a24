"""Declarative base, constraint naming convention and column types shared by all models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Float, MetaData, SmallInteger
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Named constraints make migrations reproducible on every backend (SQLite
# batch mode needs names to drop or alter a constraint).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no zone, so values are
    normalised to UTC on the way in and marked UTC on the way out. A naive
    datetime is refused: guessing its zone is how timelines get shifted.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give it a timezone (UTC)")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class UtcEpochDateTime(UtcDateTime):
    """A :class:`UtcDateTime` kept as epoch seconds in a REAL column on SQLite.

    For the big time-keyed tables (minute rollups: 43 M rows per 1,000
    checks): ISO text costs 26 bytes a value, while SQLite writes a whole
    number held in a REAL column as a 4-6 byte integer and reads it back as
    a float. Fractions of a second still round-trip. PostgreSQL keeps
    ``timestamptz``. Python sees aware UTC datetimes either way; SQL that
    wants epoch seconds reads the SQLite column as is (no ``julianday``).
    """

    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Float())
        return super().load_dialect_impl(dialect)

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> Any:
        value = super().process_bind_param(value, dialect)
        if value is not None and dialect.name == "sqlite":
            return value.timestamp()
        return value

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is not None and dialect.name == "sqlite":
            return dt.datetime.fromtimestamp(value, dt.timezone.utc)
        return super().process_result_value(value, dialect)


class RollupResolution(TypeDecorator[str]):
    """A rollup's resolution, ``"minute"`` or ``"hour"``, stored as its width in seconds.

    A SMALLINT (60 or 3600) is 1-2 bytes on SQLite and 2 on PostgreSQL where
    the text took 5-7, in every row and index entry; the code keeps the words.
    """

    impl = SmallInteger()
    cache_ok = True

    SECONDS = {"minute": 60, "hour": 3600}
    NAMES = {s: name for name, s in SECONDS.items()}

    def process_bind_param(self, value: str | None, dialect: Any) -> int | None:
        if value is None:
            return None
        if value not in self.SECONDS:
            raise ValueError(f"unknown rollup resolution {value!r}: use one of {', '.join(self.SECONDS)}")
        return self.SECONDS[value]

    def process_result_value(self, value: int | None, dialect: Any) -> str | None:
        return None if value is None else self.NAMES[value]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UtcDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
