"""``report availability | daily | customer-success | spof``: the availability/SLA and the meetings' reports.

Bad input (an unknown customer or group, --from after --to, a bad date or
week, an --out that cannot be written) is one line and exit 2.
"""

from __future__ import annotations

import argparse

from noc_app.cli.errors import EXIT_USAGE, CliError
from noc_app.reports import FORMATS


class OneLineParser(argparse.ArgumentParser):
    """argparse prints its usage block on a bad option; a report's bad input is one line."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"error: {self.prog.removeprefix('main.py ')}: {message}; see --help\n")


def add_parser(subparsers) -> None:
    report = subparsers.add_parser("report", help="availability/SLA and the ops meetings' reports")
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT", required=True, parser_class=OneLineParser)
    availability = kinds.add_parser("availability", help="time-weighted availability and SLA standing")
    availability.add_argument("--from", dest="date_from", metavar="D", required=True, help="first day, YYYY-MM-DD")
    availability.add_argument("--to", dest="date_to", metavar="D", required=True, help="last day (included)")
    scope = availability.add_mutually_exclusive_group()
    scope.add_argument("--customer", metavar="ID", help="one customer and what it relies on")
    scope.add_argument("--group", metavar="NAME", help="one component group and the customers relying on it")
    availability.add_argument("--business-hours", action="store_true",
                              help="count only business hours, in each customer's timezone")
    daily = kinds.add_parser("daily", help="Daily Operations Sync: open incidents, outages, what is coming")
    daily.add_argument("--date", metavar="D", help="as of the end of this day (default: now)")
    success = kinds.add_parser("customer-success", help="weekly review per customer, red and orange flags")
    success.add_argument("--week", metavar="W", required=True, help="ISO week, e.g. 2026-W48")
    spof = kinds.add_parser("spof", help="quarterly SPOF analysis")
    for parser in (availability, daily, success, spof):
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="html", help="default html")
        parser.add_argument("--out", metavar="FILE", required=True, help="file to write")
        parser.add_argument("--db", metavar="URL", help="database URL (default: NOC_DB_URL or the per-user SQLite file)")
        parser.add_argument("--config", metavar="FILE", help="topology file (default: the one stored in the database)")
        parser.add_argument("--tz", metavar="ZONE", help="the reader's timezone (default: this computer's)")
        parser.set_defaults(run=run, short_lived=True)  # over in a second or two: no cyclic GC (cli/short_lived.py)


def run(args: argparse.Namespace) -> int:
    from noc_app.availability import ScopeError
    from noc_app.meetings import ReportRequest, produce
    from noc_app.reader_time import ReaderInputError
    from noc_app.reports import ReportOutputError

    request = ReportRequest(
        kind=args.report_kind, out=args.out, fmt=args.fmt, db_url=args.db, config=args.config, tz=args.tz,
        date_from=getattr(args, "date_from", None), date_to=getattr(args, "date_to", None),
        customer=getattr(args, "customer", None), group=getattr(args, "group", None),
        business_hours=getattr(args, "business_hours", False), date=getattr(args, "date", None),
        week=getattr(args, "week", None))
    try:
        path = produce(request)
    except (ScopeError, ReaderInputError, ReportOutputError) as exc:
        raise CliError(f"error: report {args.report_kind}: {exc}", EXIT_USAGE) from None
    print(f"wrote {path}")
    return 0
