"""``statuspage``: write the public status page (HTML, Atom/RSS, Statuspage v2 JSON) into a directory."""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import threading
from pathlib import Path

from noc_app.cli.errors import EXIT_USAGE, CliError


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "statuspage", help="static public status page plus Statuspage-v2 JSON under api/v2/")
    parser.add_argument("--out", metavar="DIR", required=True, help="directory to write (created if missing)")
    parser.add_argument("--db", metavar="URL", help="database URL (default: NOC_DB_URL or the per-user SQLite file)")
    parser.add_argument("--config", metavar="FILE",
                        help="topology file for [status_page]; by default the one stored in the database")
    parser.add_argument("--watch", action="store_true",
                        help="keep running: rewrite within seconds of every change (at most once a second)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from noc_app.statuspage.files import OutputError, check_writable
    from noc_app.statuspage.publisher import StatusPagePublisher
    from noc_app.storage.db import make_engine, session_factory
    from noc_app.workspace import prepare_database

    page = None
    if args.config:  # the file loader and its schema are only imported when a file is given
        from noc_app.statuspage import config as page_config
        from noc_app.topology import load_topology

        page = page_config.from_topology(load_topology(args.config))
    out = Path(args.out)
    try:
        check_writable(out)
    except OutputError as exc:
        raise CliError(f"error: {exc}", EXIT_USAGE) from None
    engine = make_engine(args.db)
    try:
        prepare_database(engine)
        publisher = StatusPagePublisher(session_factory(engine), out, page)
        # What start-up made (modules, mappers, the schema) lives as long as the process: keep
        # the cyclic collector from walking it again and again while the page is built (the
        # build makes ~100,000 objects; measured ~0.1 s of CPU). Refcounting still frees.
        gc.freeze()
        if not args.watch:
            _report(publisher.publish(), out)
            gc.freeze()  # the process ends here: nothing left for the exit's collections to walk (~0.3 s)
            return 0
        return _watch(publisher, engine, out)
    finally:
        engine.dispose()


def _report(result, out: Path) -> None:
    s = result.page.status
    print(f"status page in {out}: {s.indicator} ({s.description}); {len(result.written)} files written "
          f"in {result.seconds:.2f} s (CPU {result.cpu_seconds:.2f} s)", flush=True)


def _watch(publisher, engine, out: Path) -> int:
    from noc_app.statuspage.watch import change_hints, watch

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"watching {engine.url.render_as_string()} for changes; writing {out}; Ctrl-C stops", flush=True)
    frozen = []

    def published(result) -> None:
        if not frozen:  # the first full page's caches stay: a full collection walking them
            gc.freeze()  # inside a rewrite cost ~110 ms of CPU
            frozen.append(True)
        if result.written:
            _report(result, out)

    watch(publisher, change_hints(engine), stop, on_published=published,
          on_problem=lambda line: print(f"warning: {line}", file=sys.stderr, flush=True))
    return 0
