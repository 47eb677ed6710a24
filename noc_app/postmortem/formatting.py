"""How times and durations read in the post-mortem: UTC always, the reader's local time beside it."""

from __future__ import annotations

import datetime as dt

NONE = "—"


def utc(value: dt.datetime | None) -> str:
    if value is None:
        return NONE
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def local(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> str:
    """In ``zone`` (default: this machine's timezone), with its abbreviation."""
    if value is None:
        return NONE
    shown = value.astimezone(zone) if zone is not None else value.astimezone()
    return shown.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def local_zone_name(zone: dt.tzinfo | None = None) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    shown = now.astimezone(zone) if zone is not None else now.astimezone()
    offset = shown.strftime("%z")
    return f"{shown.tzname()} (UTC{offset[:3]}:{offset[3:]})"


def local_differs_from_utc(zone: dt.tzinfo | None = None) -> bool:
    """False where local time is UTC all year: a second column would only repeat the first."""
    year = dt.datetime.now(dt.timezone.utc).year
    probes = (dt.datetime(year, 1, 15, tzinfo=dt.timezone.utc), dt.datetime(year, 7, 15, tzinfo=dt.timezone.utc))
    return any((p.astimezone(zone) if zone else p.astimezone()).utcoffset() != dt.timedelta(0) for p in probes)


def duration(seconds: float | None) -> str:
    """Seconds under 1 min, min + s under 10 min, whole minutes under 10 h, then h + min."""
    if seconds is None:
        return NONE
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 10:
        return f"{minutes} min {secs:02d} s"
    if whole < 36_000:
        return f"{round(whole / 60)} min"
    hours, minutes = divmod(round(whole / 60), 60)
    return f"{hours} h {minutes:02d} min"


def words(value: str | None) -> str:
    """An enum value as words: ``internal_monitoring`` -> ``internal monitoring``."""
    return (value or NONE).replace("_", " ")


RESTORE_WORDS = {"resolve": "resolved (fixed in place)", "workaround": "workaround",
                 "failover": "failover to standby"}
