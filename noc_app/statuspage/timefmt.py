"""Times as the page prints them: ISO 8601 with the page zone's offset, and words for people."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache


@lru_cache(maxsize=32)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def iso(value: dt.datetime | None, tz: str) -> str | None:
    """``2026-11-23T06:30:00.000+01:00`` (Statuspage writes milliseconds and the offset)."""
    return None if value is None else value.astimezone(zone(tz)).isoformat(timespec="milliseconds")


def human(value: dt.datetime, tz: str) -> str:
    """``23 Nov 2026, 06:30 CET`` — the zone's abbreviation, so nobody guesses."""
    local = value.astimezone(zone(tz))
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def short(value: dt.datetime, tz: str) -> str:
    local = value.astimezone(zone(tz))
    return f"{local.day} {local:%b, %H:%M}"
