"""``poll``: the headless poller (no Qt), once or as a daemon."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from pathlib import Path

from noc_app.cli.errors import EXIT_USAGE, CliError


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("poll", help="headless poller: run the checks, record results")
    parser.add_argument("--config", metavar="FILE", required=True, help="topology file (TOML)")
    parser.add_argument("--db", metavar="URL", help="database URL")
    parser.add_argument("--once", action="store_true", help="run every check once and exit")
    parser.add_argument("--json", action="store_true", help="one JSON object per check result")
    parser.add_argument("--workers", type=int, default=16, help="concurrent checks (default 16)")
    parser.add_argument("--lease", type=float, default=15.0, metavar="SECONDS",
                        help="check lease length; a dead poller's checks move after this (default 15)")
    parser.add_argument("--processes", type=int, default=1, metavar="N",
                        help="run N poller processes sharing the checks (one per core; default 1)")
    parser.add_argument("--stats", metavar="FILE",
                        help="at exit, write JSON: checks run, scheduling lag p50/p99, CPU, memory")
    # Set by the --processes supervisor on its children: how many share the checks from the start.
    parser.add_argument("--share-with", type=int, default=1, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from noc_app.polling.leases import LeaseManager
    from noc_app.polling.service import PollingService, poll_once
    from noc_app.workspace import open_workspace

    if args.workers < 1:
        raise CliError("error: --workers must be at least 1", EXIT_USAGE)
    if args.lease < 1:
        raise CliError("error: --lease must be at least 1 second", EXIT_USAGE)
    if args.processes < 1:
        raise CliError("error: --processes must be at least 1", EXIT_USAGE)
    if args.processes > 1:
        if args.once:
            raise CliError("error: --once runs in one process; drop --processes", EXIT_USAGE)
        return _run_processes(args)
    started = time.monotonic()
    workspace = open_workspace(args.config, args.db)
    try:
        if args.once:
            for result in poll_once(workspace, args.workers):
                _print_result(result, args.json)
            return 0
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        service = PollingService(
            workspace, workers=args.workers,
            on_error=lambda message: print(f"warning: {message}", file=sys.stderr, flush=True),
            leases=LeaseManager(workspace.sessions, lease_s=args.lease, expected_pollers=args.share_with),
        )
        service.listeners.append(lambda result, outcome: _print_result(result, args.json, outcome))
        service.start()
        if not args.json:
            print(f"polling {len(workspace.topology.checks)} checks into {workspace.engine.url.render_as_string()}; "
                  "Ctrl-C stops", flush=True)
        stop.wait()
        service.stop()
        if args.stats:
            from noc_app.polling import run_stats

            run_stats.write(args.stats, run_stats.this_process(
                service.scheduler.stats, service.recorder.written, time.monotonic() - started))
        return 0
    finally:
        workspace.close()


def _run_processes(args: argparse.Namespace) -> int:
    """``--processes N``: validate and prepare the database once, then N children share the checks."""
    from noc_app.polling import run_stats
    from noc_app.polling.processes import child_command, supervise
    from noc_app.workspace import open_workspace

    workspace = open_workspace(args.config, args.db)  # bad input fails here, once; schema + sync done
    try:
        if workspace.engine.dialect.name == "sqlite" and workspace.engine.url.database in (None, "", ":memory:"):
            raise CliError("error: --processes needs a database file or server the processes share; "
                           "give --db sqlite:///PATH or a PostgreSQL URL", EXIT_USAGE)
        count = len(workspace.topology.checks)
        url = workspace.engine.url.render_as_string()
    finally:
        workspace.close()
    commands = []
    for i in range(args.processes):
        poll_args = ["--config", str(args.config), "--workers", str(args.workers), "--lease", str(args.lease),
                     "--share-with", str(args.processes)]
        if args.db:
            poll_args += ["--db", args.db]
        if args.json:
            poll_args.append("--json")
        if args.stats:
            poll_args += ["--stats", f"{args.stats}.{i}"]
        commands.append(child_command(poll_args))
    if not args.json:
        print(f"polling {count} checks into {url} with {args.processes} processes; Ctrl-C stops", flush=True)
    worst, _pids = supervise(commands, warn=lambda m: print(f"warning: {m}", file=sys.stderr, flush=True))
    if args.stats:
        parts = [run_stats.read(f"{args.stats}.{i}") for i in range(args.processes)]
        run_stats.write(args.stats, run_stats.merge(p for p in parts if p))
        for i in range(args.processes):
            Path(f"{args.stats}.{i}").unlink(missing_ok=True)
    return worst


_print_lock = threading.Lock()


def _print_result(result, as_json: bool, outcome=None) -> None:
    if as_json:
        line = json.dumps(result.to_json_dict(), ensure_ascii=False)
    else:
        if outcome is not None and outcome.transition is None:
            return  # the daemon's human output shows changes only
        latency = "-" if result.latency_ms is None else f"{result.latency_ms:.0f} ms"
        reason = f"  {result.error}" if result.error else ""
        line = f"{result.at:%H:%M:%S} {result.check_key:<24} {result.status.value:<9} {latency:>8}{reason}"
    with _print_lock:
        print(line, flush=True)
