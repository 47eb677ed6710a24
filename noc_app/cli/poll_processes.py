"""``poll --processes N``: N child pollers share the checks; the database is prepared once.

The children start at once (imports, reading the topology file) while this
process prepares the schema and syncs the topology; they touch the database
only when told it is ready. This process then runs the incident automation
and retention, once for all of them (``polling/housekeeping.py``).

The supervising itself (signals, exit codes) is ``noc_app.polling.processes``;
this is the command-line side: refuse what cannot be shared, build the
children's command lines, add up their ``--stats``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from noc_app.cli.errors import EXIT_USAGE, CliError
from noc_app.polling import run_stats, trace
from noc_app.polling.housekeeping import start_housekeeping
from noc_app.polling.processes import SYNCED, child_command, send_topology, supervise
from noc_app.storage.db import resolve_db_url
from noc_app.topology import load_topology
from noc_app.url_secrets import redact_secrets
from noc_app.workspace import open_workspace


def run_processes(args: argparse.Namespace) -> int:
    if _private_sqlite(resolve_db_url(args.db)):
        raise CliError("error: --processes needs a database the processes share; "
                       "give --db sqlite:///PATH or a PostgreSQL URL", EXIT_USAGE)
    # A bad file fails here, once, before any child starts.
    with trace.span("load_topology"):
        topology = load_topology(args.config)
    commands = []
    for i in range(args.processes):
        poll_args = ["--config", str(args.config), "--workers", str(args.workers), "--lease", str(args.lease),
                     "--stop-grace", str(args.stop_grace), "--share-with", str(args.processes), "--await-sync",
                     "--no-housekeeping"]
        if args.db:
            poll_args += ["--db", args.db]
        if args.json:
            poll_args.append("--json")
        if args.stats:
            poll_args += ["--stats", _part(args.stats, i)]
        if args.trace:
            poll_args += ["--trace", _part(args.trace, i)]
        commands.append(child_command(poll_args))
    prepared: dict = {}

    def prepare() -> None:
        # Schema and topology sync, once, while the children import and read
        # the file (on two cores that start-up no longer comes after the sync).
        # A database that refuses stops the children before they touch it.
        with trace.span("open_workspace", synced=True):
            workspace = prepared["workspace"] = open_workspace(topology, args.db)
        if not args.json:
            print(f"polling {len(topology.checks)} checks into {workspace.engine.url.render_as_string()} "
                  f"with {args.processes} processes; Ctrl-C stops", flush=True)
        # Incident automation and retention run here, once, not in every child
        # beside its checks (``polling/housekeeping.py`` says why).
        prepared["housekeeping"] = start_housekeeping(workspace.sessions, workspace.engine, on_error=warn)

    def warn(message: str) -> None:
        print(f"warning: {redact_secrets(message)}", file=sys.stderr, flush=True)

    try:
        worst, _pids = supervise(commands, warn=warn, ready=prepare, go=SYNCED, hello=send_topology(topology))
    finally:
        if "housekeeping" in prepared:
            thread, stop = prepared["housekeeping"]
            stop.set()
            thread.join(timeout=30)
        if "workspace" in prepared:
            prepared["workspace"].close()
    if args.stats:
        parts = [run_stats.read(_part(args.stats, i)) for i in range(args.processes)]
        run_stats.write(args.stats, run_stats.merge(p for p in parts if p))
        for i in range(args.processes):
            Path(_part(args.stats, i)).unlink(missing_ok=True)
    return worst


def _part(stats: str, i: int) -> str:
    return f"{stats}.{i}"


def _private_sqlite(url: str) -> bool:
    """An in-memory SQLite database, which each process would have to itself."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False  # open_workspace says what is wrong with it
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")
