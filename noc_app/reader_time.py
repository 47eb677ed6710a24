"""Times as the reader reads them: their own timezone, with UTC beside; dates and ISO weeks they type.

Reports are read in a war room in one zone and by an account manager in
another; "14:00" alone is a guess, so every time carries both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


class ReaderInputError(ValueError):
    """A date, week or zone the reader typed that cannot be used (bad input: exit 2)."""


def local_zone() -> dt.tzinfo:
    return dt.datetime.now().astimezone().tzinfo or dt.timezone.utc


@dataclass(frozen=True)
class ReaderClock:
    zone: dt.tzinfo

    @classmethod
    def named(cls, name: str | None) -> ReaderClock:
        if not name:
            return cls(local_zone())
        try:
            return cls(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise ReaderInputError(f'--tz: unknown timezone "{name}"; use an IANA name like "Europe/Paris" or "UTC"') from None

    @property
    def is_utc(self) -> bool:
        return dt.datetime(2026, 1, 1, tzinfo=self.zone).utcoffset() == dt.timedelta(0) and \
            dt.datetime(2026, 7, 1, tzinfo=self.zone).utcoffset() == dt.timedelta(0)

    def when(self, at: dt.datetime | None) -> str:
        """``2026-11-02 09:30 EST (14:30 UTC)``; the UTC date is added when it differs."""
        if at is None:
            return "—"
        local = at.astimezone(self.zone)
        utc = at.astimezone(dt.timezone.utc)
        text = f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()
        if self.is_utc:
            return f"{utc:%Y-%m-%d %H:%M} UTC"
        beside = f"{utc:%H:%M}" if utc.date() == local.date() else f"{utc:%Y-%m-%d %H:%M}"
        return f"{text} ({beside} UTC)"

    def day_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), self.zone).astimezone(dt.timezone.utc)

    def today(self) -> dt.date:
        return dt.datetime.now(self.zone).date()


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ReaderInputError(f'{option}: "{text}" is not a date; write YYYY-MM-DD, e.g. 2026-11-02') from None


def parse_week(text: str, option: str = "--week") -> dt.date:
    """``2026-W48`` -> the Monday of that ISO week."""
    match = _WEEK_RE.match(text.strip()) if isinstance(text, str) else None
    if match:
        try:
            return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            pass
    raise ReaderInputError(f'{option}: "{text}" is not an ISO week; write YYYY-Www, e.g. 2026-W48')


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds / 60:.1f}"


def duration(seconds: float | None) -> str:
    """``1 h 05 min``, ``12 min 30 s``, ``45 s``."""
    if seconds is None:
        return "—"
    s = int(round(seconds))
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    if s >= 60:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s} s"
