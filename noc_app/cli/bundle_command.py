"""``bundle INCIDENT_ID --out FILE`` and the parser entry of ``review FILE``.

``bundle`` is headless (no Qt): it runs on a server next to the database.
``review`` opens a window, so ``main.py`` runs it (the one place that joins
the Qt layer to the core); its arguments and every check that can be made
without Qt — the file is a sound bundle, ``--at`` is inside its window —
live here, so bad input is refused before any window opens.
"""

from __future__ import annotations

import argparse
import datetime as dt

from noc_app.cli.errors import EXIT_USAGE, CliError


def add_parser(subparsers) -> None:
    bundle = subparsers.add_parser(
        "bundle", help="one incident and everything to replay it, in one file for offline review")
    bundle.add_argument("incident_id", metavar="INCIDENT_ID", help="the incident's number (#12 → 12)")
    bundle.add_argument("--out", metavar="FILE", required=True, help="the bundle file to write")
    bundle.add_argument("--db", metavar="URL",
                        help="database URL (default: NOC_DB_URL or the per-user SQLite file)")
    # Over in a second or two: no cyclic GC from the imports on (cli/short_lived.py); write_bundle
    # pauses the collector for its read on its own too, for the app's in-process bundles.
    bundle.set_defaults(run=run_bundle, short_lived=True)
    review = subparsers.add_parser(
        "review", help="read-only review of a bundle: timeline, metrics, time-travel replay")
    review.add_argument("file", metavar="FILE", help="a bundle written by `bundle`")
    review.add_argument("--at", metavar="TIME",
                        help="start at this moment: ISO 8601, or an offset from impact start (+25m)")
    review.add_argument("--screenshot", metavar="DIR",
                        help="with --at: save a PNG of each replayed view at that moment, then exit")
    review.set_defaults(gui_command="review")


def incident_number(text: str) -> int:
    value = text.strip().lstrip("#")
    if not value.isdigit():
        raise CliError(f'error: INCIDENT_ID "{text}" is not an incident number; e.g. `bundle 12 --out FILE`',
                       EXIT_USAGE)
    return int(value)


def run_bundle(args: argparse.Namespace) -> int:
    from noc_app.review import BundleError, write_bundle
    from noc_app.review.writer import check_writable
    from noc_app.storage.db import make_engine, session_factory
    from noc_app.workspace import prepare_database

    incident_id = incident_number(args.incident_id)
    try:
        check_writable(args.out)
    except BundleError as exc:
        raise CliError(f"error: {exc}", EXIT_USAGE) from None
    engine = make_engine(args.db)
    try:
        prepare_database(engine)
        try:
            info = write_bundle(session_factory(engine), incident_id, args.out)
        except BundleError as exc:
            raise CliError(f"error: {exc}", EXIT_USAGE) from None
    finally:
        engine.dispose()
    samples = info.counts.get("series", 0)
    print(f"wrote {info.path}: incident {incident_id}, {info.window_start:%Y-%m-%d %H:%M} … "
          f"{info.window_end:%H:%M} UTC, {info.counts.get('timeline', 0)} timeline events, "
          f"{info.counts.get('transitions', 0)} transitions, {samples} checks with samples, "
          f"{info.bytes / 1e6:.1f} MB, sha256 {info.sha256[:16]}…")
    return 0


def open_for_review(args: argparse.Namespace):
    """(bundle, moment or None), or a one-line refusal (exit 2) before any window opens."""
    from noc_app.review import BundleError, open_bundle
    from noc_app.review.moment import parse_moment
    from noc_app.review.reader import parse_time

    if args.screenshot and not args.at:
        raise CliError("error: --screenshot needs --at TIME (the moment to save)", EXIT_USAGE)
    try:
        bundle = open_bundle(args.file)
    except BundleError as exc:
        raise CliError(f"error: {exc}", EXIT_USAGE) from None
    try:
        moment = None
        if args.at:
            started = parse_time(bundle.incident.get("bundle_impact_started_at")) or bundle.window_start
            moment = parse_moment(args.at, bundle.window_start, bundle.window_end, started)
    except BundleError as exc:
        bundle.close()
        raise CliError(f"error: {exc}", EXIT_USAGE) from None
    return bundle, moment


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
