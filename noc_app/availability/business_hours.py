"""A customer's business hours over a period, as spans in UTC epoch seconds.

Built day by day in the customer's own timezone, so a working day stays
09:00-18:00 local across a daylight-saving change (a UTC-based window would
slide by an hour). A shift that crosses midnight belongs to the day it
starts on, as in ``noc_app.impact.customers.BusinessHours``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from noc_app.availability.intervals import Spans, intersect
from noc_app.impact.customers import BusinessHours


def business_spans(hours: BusinessHours, start: float, end: float) -> Spans:
    zone = ZoneInfo(hours.timezone)
    first = dt.datetime.fromtimestamp(start, zone).date() - dt.timedelta(days=1)
    last = dt.datetime.fromtimestamp(end, zone).date()
    starts, ends = [], []
    day = first
    while day <= last:
        if day.weekday() in hours.days:
            opens = dt.datetime.combine(day, hours.start, zone)
            if hours.start == hours.end:
                closes = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
                opens = dt.datetime.combine(day, dt.time(0), zone)
            elif hours.end > hours.start:
                closes = dt.datetime.combine(day, hours.end, zone)
            else:
                closes = dt.datetime.combine(day + dt.timedelta(days=1), hours.end, zone)
            starts.append(opens.timestamp())
            ends.append(closes.timestamp())
        day += dt.timedelta(days=1)
    return intersect(Spans.of(starts, ends), Spans.of([start], [end]))


def describe(hours: BusinessHours) -> str:
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    days = ", ".join(names[d] for d in hours.days)
    span = ("all day" if hours.start == hours.end
            else f"{hours.start.strftime('%H:%M')}-{hours.end.strftime('%H:%M')}")
    return f"{days} {span} {hours.timezone}"
