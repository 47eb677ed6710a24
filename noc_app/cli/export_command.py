"""``export INCIDENT_ID --format html|md|json|pdf --out FILE [--audience internal|customer]``.

The post-mortem report with the how-soon metrics (see ``noc_app/postmortem``).
Bad input (an id that is not a number or names no incident, an ``--out``
that cannot be written) is one line and exit 2; an open incident exports
fine, marked "in progress".
"""

from __future__ import annotations

import argparse

from noc_app.cli.errors import EXIT_USAGE, CliError


def add_parser(subparsers) -> None:
    from noc_app.postmortem import AUDIENCES, EXPORT_FORMATS

    parser = subparsers.add_parser("export", help="post-mortem report of one incident, with its how-soon metrics")
    parser.add_argument("incident_id", metavar="INCIDENT_ID", help="the incident number (as on the board)")
    parser.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="html, md, json or pdf")
    parser.add_argument("--out", required=True, metavar="FILE", help="file to write (replaced atomically)")
    parser.add_argument("--audience", default="internal", choices=AUDIENCES,
                        help="internal (default): everything; customer: the edited version for "
                             "affected customers, with no internal detail")
    parser.add_argument("--db", metavar="URL", help="database URL (default: NOC_DB_URL or the per-user SQLite file)")
    parser.set_defaults(run=run, short_lived=True)  # over in a second: no cyclic GC (cli/short_lived.py)


def incident_number(text: str) -> int:
    if not text.strip().isdigit():
        raise CliError(f"error: INCIDENT_ID {text!r} is not an incident number; give the number "
                       "shown on the incidents board, e.g. 12", EXIT_USAGE)
    return int(text)


def run(args: argparse.Namespace) -> int:
    from noc_app.incidents.errors import NotFoundError
    from noc_app.postmortem.export import export_incident
    from noc_app.storage.db import make_engine, resolve_db_url, session_factory
    from noc_app.workspace import prepare_database

    incident_id = incident_number(args.incident_id)
    engine = make_engine(args.db)
    try:
        prepare_database(engine)
        try:
            result = export_incident(session_factory(engine), incident_id, args.format, args.out,
                                     args.audience)
        except NotFoundError:
            raise CliError(f"error: incident {incident_id} does not exist in {_where(resolve_db_url(args.db))}; "
                           "check the number on the incidents board or pass --db", EXIT_USAGE) from None
    finally:
        engine.dispose()
    state = " (in progress: the incident is still open)" if result.in_progress else ""
    print(f"wrote {result.path} ({result.audience} {result.fmt}, incident {incident_id}){state}")
    return 0


def _where(url: str) -> str:
    """The database named for a person, without any password in it."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for the message
        return "the database"
