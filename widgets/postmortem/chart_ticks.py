"""Where the report chart's axis ticks go, and what they say (plain Python, no Qt).

Values: "nice" steps (1, 2, 2.5, 5 × 10ⁿ) with at least ``min_gap_px`` between
labels. Times: whole minutes or hours of the exporting machine's local
clock (the report's timeline prints that clock beside UTC), a date where a
day begins.
"""

from __future__ import annotations

import datetime as dt
import math

NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
TIME_STEPS_S = (60, 120, 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)


def value_ticks(low: float, high: float, length_px: float, min_gap_px: float = 32.0) -> list[float]:
    """Tick values in [low, high], no two closer than ``min_gap_px`` on an axis ``length_px`` long."""
    if not high > low or length_px <= 0:
        return [low]
    most = max(1, int(length_px // min_gap_px))
    raw = (high - low) / most
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(n * magnitude for n in NICE_STEPS if n * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def value_label(value: float) -> str:
    return f"{value:g}"


def time_ticks(start: float, end: float, length_px: float, min_gap_px: float = 80.0,
               tz: dt.tzinfo | None = None) -> list[tuple[float, str]]:
    """(epoch seconds, label) at whole local minutes/hours between ``start`` and ``end``."""
    if not end > start or length_px <= 0:
        return []
    most = max(1, int(length_px // min_gap_px))
    step = next((s for s in TIME_STEPS_S if (end - start) / s <= most), TIME_STEPS_S[-1])
    zone = tz or dt.datetime.fromtimestamp(start).astimezone().tzinfo
    offset = dt.datetime.fromtimestamp(start, zone).utcoffset().total_seconds()
    # Aligned on the local clock: 15-minute ticks at :00, :15...; 6-hour ticks at 00:00, 06:00...
    at = math.ceil((start + offset) / step) * step - offset
    ticks = []
    while at <= end:
        local = dt.datetime.fromtimestamp(at, zone)
        day_starts = local.hour == 0 and local.minute == 0
        ticks.append((at, local.strftime("%d %b" if day_starts else "%H:%M")))
        at += step
    return ticks


def zone_name(moment: float, tz: dt.tzinfo | None = None) -> str:
    """The clock the time axis is in, e.g. "UTC" or "CET"."""
    local = dt.datetime.fromtimestamp(moment, tz) if tz else dt.datetime.fromtimestamp(moment).astimezone()
    return local.tzname() or "local time"
