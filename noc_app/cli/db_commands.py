"""``db upgrade`` and ``db current``: the schema, managed by Alembic."""

from __future__ import annotations

import argparse



def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("db", help="database schema: upgrade, current")
    parser.add_argument("action", choices=["upgrade", "current"])
    parser.add_argument("--db", help="database URL (default: NOC_DB_URL or the per-user SQLite file)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: building the parser (every command's start) must not load Alembic.
    from noc_app.storage import migrate
    from noc_app.storage.db import make_engine, resolve_db_url

    engine = make_engine(args.db)
    where = _display_url(resolve_db_url(args.db))
    if args.action == "current":
        current = migrate.current_revision(engine)
        unknown = current is not None and current not in migrate.known_revisions()
        print(f"{where}: schema {current or 'empty'} (head {migrate.head_revision()})"
              + (f"; {migrate.NewerSchemaError(current)}" if unknown else ""))
        return 0
    before, after = migrate.upgrade(engine)
    if before == after:
        print(f"{where}: schema already at {after}; nothing to do")
    else:
        print(f"{where}: schema upgraded {before or 'empty'} -> {after}")
    return 0


def _display_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    from noc_app.url_secrets import redact_secrets

    return redact_secrets(make_url(url).render_as_string(hide_password=True))
