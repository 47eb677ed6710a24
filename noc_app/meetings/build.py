"""Open the database, read what a report needs, and build its document and JSON."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from pathlib import Path

from noc_app.meetings.request import Period, ReportRequest, check_input
from noc_app.reader_time import ReaderClock
from noc_app.reports import write_report


def produce(request: ReportRequest) -> Path:
    """Check, read, build, write; returns the path written."""
    clock, period = check_input(request)
    now = request.now or dt.datetime.now(dt.timezone.utc)
    document, data = build_report(request, clock, period, now)
    return write_report(document, request.fmt, request.out, json_data=data)


@contextmanager
def opened(request: ReportRequest):
    """(session, topology): the topology from --config, else the one stored in the database."""
    from noc_app.storage.db import make_engine, session_factory
    from noc_app.storage.readers import read_topology
    from noc_app.workspace import prepare_database

    topology = None
    if request.config:  # a bad file fails first
        from noc_app.topology import load_topology

        topology = load_topology(request.config)
    engine = make_engine(request.db_url)
    try:
        prepare_database(engine)
        with session_factory(engine)() as session:
            yield session, topology or read_topology(session)
    finally:
        engine.dispose()


def build_report(request: ReportRequest, clock: ReaderClock, period: Period | None, now: dt.datetime):
    with opened(request) as (session, topology):
        if request.kind == "availability":
            from noc_app.availability import compute_availability, read_history
            from noc_app.availability.document import availability_document, availability_json
            from noc_app.availability.public import public_components

            result = compute_availability(
                topology, read_history(session, period.start, min(period.end, now)), period.start, period.end,
                now=now, customer=request.customer, group=request.group, business_hours=request.business_hours,
                public=public_components(topology, None if request.config else session))
            from noc_app.availability.document import PDF_ROW_LIMIT

            limit = PDF_ROW_LIMIT if request.fmt == "pdf" else None
            return availability_document(result, clock, now, row_limit=limit), availability_json(result, now)
        if request.kind == "daily":
            from noc_app.meetings.daily import daily_document, read_daily

            as_of = min(period.end, now) if period else now
            daily = read_daily(session, topology, as_of)
            return daily_document(daily, clock, now), daily.to_dict()
        if request.kind == "customer-success":
            from noc_app.meetings.customer_success import customer_success_document, read_customer_success

            review = read_customer_success(session, topology, period.start, period.end, now, request.week, clock)
            return customer_success_document(review, clock, now), review.to_dict()
        from noc_app.meetings.spof import spof_report

        return spof_report(topology, clock, now)
