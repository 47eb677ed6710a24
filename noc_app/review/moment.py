"""``--at TIME``: a moment of the bundle's window, from what a reviewer types."""

from __future__ import annotations

import datetime as dt

from noc_app.durations import parse_duration
from noc_app.review.format import BundleError

UTC = dt.timezone.utc


def parse_moment(text: str, start: dt.datetime, end: dt.datetime, impact_started: dt.datetime) -> dt.datetime:
    """ISO 8601 (no offset = UTC), or an offset from impact start: ``+25m``, ``-10m``, ``+1h30m``…

    A moment outside the window is refused with the window it must fall in.
    """
    value = text.strip()
    try:
        if value[:1] in "+-":
            sign = -1 if value[0] == "-" else 1
            seconds = sum(parse_duration(part + unit) for part, unit in _parts(value[1:]))
            moment = impact_started + dt.timedelta(seconds=sign * seconds)
        else:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, IndexError):
        raise BundleError(f'--at "{text}": not a time; write ISO 8601 (2026-11-23T15:04:00Z) or an offset '
                          'from impact start ("+25m", "-10m", "+1h30m")') from None
    if not start <= moment <= end:
        raise BundleError(f'--at "{text}": {moment.isoformat()} is outside the bundle\'s window '
                          f"{start.isoformat()} … {end.isoformat()}")
    return moment.astimezone(UTC)


def _parts(text: str) -> list[tuple[str, str]]:
    """"1h30m" -> [("1", "h"), ("30", "m")]; raises ValueError on anything else."""
    parts, number = [], ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit() or ch == ".":
            number += ch
            i += 1
            continue
        unit = "ms" if text.startswith("ms", i) else ch
        if not number or unit not in ("ms", "s", "m", "h", "d"):
            raise ValueError(text)
        parts.append((number, unit))
        number = ""
        i += len(unit)
    if number or not parts:
        raise ValueError(text)
    return parts
