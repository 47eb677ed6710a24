"""``poll``: the headless poller (no Qt), once or as a daemon."""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sys
import threading
import time

from noc_app.cli.closed_pipe import silence_stdout
from noc_app.cli.errors import EXIT_USAGE, CliError
from noc_app.url_secrets import redact_secrets


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("poll", help="headless poller: run the checks, record results")
    parser.add_argument("--config", metavar="FILE", required=True, help="topology file (TOML)")
    parser.add_argument("--db", metavar="URL", help="database URL")
    parser.add_argument("--once", action="store_true", help="run every check once and exit")
    parser.add_argument("--json", action="store_true", help="one JSON object per check result")
    parser.add_argument("--workers", type=int, default=16, help="concurrent checks (default 16)")
    parser.add_argument("--lease", type=float, default=15.0, metavar="SECONDS",
                        help="check lease length; a dead poller's checks move after this (default 15)")
    parser.add_argument("--stop-grace", type=float, default=10.0, metavar="SECONDS",
                        help="at stop, how long to retry a database that refuses the last results "
                             "before keeping them on disk for the next start (default 10)")
    parser.add_argument("--processes", type=int, default=1, metavar="N",
                        help="run N poller processes sharing the checks (one per core; default 1)")
    parser.add_argument("--stats", metavar="FILE",
                        help="at exit, write JSON: checks run, scheduling lag p50/p99, CPU, memory")
    parser.add_argument("--trace", metavar="FILE",
                        help="at exit, write JSON: per second of the run the scheduling lag, CPU per thread, "
                             "GC time and stalls, and when each sync, write, lease renewal and "
                             "retention ran (for diagnosis; with --processes N, FILE.0 .. FILE.N-1 too)")
    # Set by the --processes supervisor on its children: how many share the checks from the start.
    parser.add_argument("--share-with", type=int, default=1, help=argparse.SUPPRESS)
    # Set by the supervisor too: start (imports, topology file) at once, but touch the
    # database only once the supervisor says on stdin that it prepared and synced it.
    parser.add_argument("--await-sync", action="store_true", help=argparse.SUPPRESS)
    # ... and runs the incident automation and retention itself, once (see polling/housekeeping.py).
    parser.add_argument("--no-housekeeping", action="store_true", help=argparse.SUPPRESS)
    # Tests: fork the first round's helper process for fewer checks than it would be (round_helper.py).
    parser.add_argument("--round-helper-min", type=int, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.trace:
        from noc_app.polling import trace

        trace.install()
        trace.mark("command_started", process_age_s=_process_age_s())
    try:
        return _run(args)
    finally:
        if args.trace:
            trace.ACTIVE.write(args.trace)
            trace.uninstall()


def _process_age_s() -> float | None:
    """Seconds since this process started (interpreter start-up and imports included), from /proc."""
    try:
        with open("/proc/self/stat") as f:
            started_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
    except (OSError, IndexError, ValueError):
        return None
    return round(uptime - started_ticks / os.sysconf("SC_CLK_TCK"), 3)


def _run(args: argparse.Namespace) -> int:
    # The collector walks every object there is in each full pass; during the
    # imports that is all module code, which lives for ever: a third of the
    # imports' time went into collections that freed nothing. Imported, it
    # is frozen out of the collector's sight and collection resumes.
    gc.disable()
    try:
        from noc_app.polling import trace
        from noc_app.polling.leases import LeaseManager
        from noc_app.polling.service import PollingService, poll_once
        from noc_app.workspace import open_workspace
    finally:
        gc.freeze()
        gc.enable()
    trace.mark("imports_done")
    if args.workers < 1:
        raise CliError("error: --workers must be at least 1", EXIT_USAGE)
    if args.lease < 1:
        raise CliError("error: --lease must be at least 1 second", EXIT_USAGE)
    if args.stop_grace < 0:
        raise CliError("error: --stop-grace must be 0 seconds or more", EXIT_USAGE)
    if args.processes < 1:
        raise CliError("error: --processes must be at least 1", EXIT_USAGE)
    if args.processes > 1:
        if args.once:
            raise CliError("error: --once runs in one process; drop --processes", EXIT_USAGE)
        from noc_app.cli.poll_processes import run_processes

        return run_processes(args)
    started = time.monotonic()
    config = args.config
    if args.await_sync:
        from noc_app.polling.processes import SYNCED, receive_topology

        # The supervisor read and checked the file; it hands the result over.
        with trace.span("receive_topology"):
            config = receive_topology(sys.stdin.buffer)
        with trace.span("await_sync"):
            if config is None or sys.stdin.buffer.readline().strip().decode() != SYNCED:
                return 0  # the supervisor gave up (its error says why) or is stopping: nothing to do
    helper = None
    try:
        if not args.await_sync:
            from noc_app.topology.loader import load_topology

            with trace.span("load_topology"):
                config = load_topology(config)
            helper = _fork_round_helper(args, config.checks)
        with trace.span("open_workspace", synced=not args.await_sync):
            workspace = open_workspace(config, args.db, sync=not args.await_sync)
    except BaseException:  # a bad database, Ctrl-C before polling: the helper goes too, and is reaped
        if helper is not None:
            helper.finish()
            helper.wait(timeout=2)
        raise
    try:
        if args.once:
            for result in poll_once(workspace, args.workers, on_error=_warn):
                _print_result(result, args.json)
            return 0
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        service = PollingService(
            workspace, workers=args.workers,
            on_error=_warn,
            leases=LeaseManager(workspace.sessions, lease_s=args.lease, expected_pollers=args.share_with),
            automation_s=None if args.no_housekeeping else 5.0,
            round_helper=helper,
        )
        def show(result, outcome) -> None:
            try:
                _print_result(result, args.json, outcome)
            except BrokenPipeError:  # poll | head: the reader has what it wanted; stop quietly
                silence_stdout()
                stop.set()

        service.listeners.append(show)
        service.start()
        trace.mark("service_started", checks=len(workspace.topology.checks))
        # What start-up made (topology, state machines, imported modules) lives
        # as long as the process: keep the collector from walking it again
        # and again while the checks churn out short-lived objects.
        gc.freeze()
        if not args.json:
            try:
                print(f"polling {len(workspace.topology.checks)} checks into "
                      f"{workspace.engine.url.render_as_string()}; Ctrl-C stops", flush=True)
            except BrokenPipeError:
                silence_stdout()
                stop.set()
        # The first round makes more that lives as long as the process (each
        # check's prepared request, connection, result history): frozen too,
        # or every full collection walks it again (0.3 s each at 5,000 checks).
        while not stop.wait(0.25):
            if service.scheduler.first_round.is_set():
                gc.freeze()
                gc.set_threshold(10_000, 10, 10)
                break
        stop.wait()
        # Nothing measured is dropped: in-flight checks finish, results are
        # written (or kept in the spool when the database refuses them).
        report = service.stop(grace_s=args.stop_grace)
        if report.summary():
            print(report.summary(), file=sys.stderr, flush=True)
        if args.stats:
            from noc_app.polling import run_stats

            run_stats.write(args.stats, run_stats.this_process(
                service.scheduler.stats, service.recorder.written, time.monotonic() - started))
        return 1 if report.kept else 0
    finally:
        workspace.close()


_print_lock = threading.Lock()


def _fork_round_helper(args: argparse.Namespace, checks):
    """A second core for the first round (``polling/round_helper.py``), where it pays.

    Only a poller that is alone on its machine's cores: the children of
    ``--processes`` already use one core each. Forked before this process
    opens its database or starts a thread; started at once when no other
    poller is alive on the database (this one will hold every check).
    """
    from noc_app.polling import round_helper, trace

    minimum = round_helper.MIN_CHECKS if args.round_helper_min is None else args.round_helper_min
    if args.once or args.share_with > 1 or not round_helper.wanted(len(checks), minimum):
        return None
    with trace.span("fork_round_helper") as span:
        others = _other_pollers(args.db, args.lease)
        helper = round_helper.RoundHelper.fork(checks, args.workers)
        span.update(pid=helper and helper.pid, early=helper is not None and not others)
        if helper is not None and not others:
            try:
                helper.start_now([c.key for c in checks])
            except BaseException:  # Ctrl-C right here: the caller never sees this helper
                helper.finish()
                helper.wait(timeout=2)
                raise
    return helper


def _other_pollers(db_url: str | None, lease_s: float) -> int | None:
    """Other pollers alive on this database; None: no schema yet. (Its own connection, closed before the fork.)"""
    from noc_app.polling.leases import other_pollers
    from noc_app.storage.db import make_engine

    try:
        engine = make_engine(db_url)
    except Exception:  # noqa: BLE001 - a bad URL: open_workspace says so, in its own words
        return 1
    try:
        return other_pollers(engine, lease_s)
    finally:
        engine.dispose()


def _warn(message: str) -> None:
    print(f"warning: {redact_secrets(message)}", file=sys.stderr, flush=True)


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
