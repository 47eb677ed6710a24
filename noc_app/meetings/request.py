"""One report request, as the command line and the GUI's Reports dialog both build it.

``check_input`` refuses bad input in one line before the database is opened;
``build.produce`` does the rest. The CLI runs it directly, the GUI in a worker thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from noc_app.reader_time import ReaderClock, ReaderInputError, parse_date, parse_week
from noc_app.reports import FORMATS, ReportOutputError
from noc_app.reports.output import _check_writable

KINDS = ("availability", "daily", "customer-success", "spof")


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    out: str
    fmt: str = "html"
    db_url: str | None = None
    config: str | None = None
    tz: str | None = None
    date_from: str | None = None  # availability
    date_to: str | None = None
    customer: str | None = None
    group: str | None = None
    business_hours: bool = False
    date: str | None = None  # daily
    week: str | None = None  # customer-success
    now: dt.datetime | None = None  # tests pin the clock


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime


def check_input(request: ReportRequest) -> tuple[ReaderClock, Period | None]:
    """Everything that can be checked before the database is opened; raises with one line."""
    if request.kind not in KINDS:
        raise ReaderInputError(f'unknown report "{request.kind}"; use one of {", ".join(KINDS)}')
    if request.fmt not in FORMATS:
        raise ReportOutputError(f'--format: unknown format "{request.fmt}"; use one of {", ".join(FORMATS)}')
    clock = ReaderClock.named(request.tz)
    _check_writable(Path(request.out))
    period = None
    if request.kind == "availability":
        if not request.date_from or not request.date_to:
            raise ReaderInputError("availability needs --from D and --to D (YYYY-MM-DD)")
        first, last = parse_date(request.date_from, "--from"), parse_date(request.date_to, "--to")
        if first > last:
            raise ReaderInputError(f"--from {first} is after --to {last}; swap them")
        if request.customer and request.group:
            raise ReaderInputError("give --customer or --group, not both")
        period = Period(clock.day_start(first), clock.day_start(last + dt.timedelta(days=1)))
    elif request.kind == "daily" and request.date:
        day = parse_date(request.date, "--date")
        period = Period(clock.day_start(day), clock.day_start(day + dt.timedelta(days=1)))
    elif request.kind == "customer-success":
        if not request.week:
            raise ReaderInputError("customer-success needs --week W (ISO week, e.g. 2026-W48)")
        monday = parse_week(request.week)
        period = Period(clock.day_start(monday), clock.day_start(monday + dt.timedelta(days=7)))
    return clock, period
