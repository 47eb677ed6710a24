"""Vigil NOC entry point: the one place that wires the app.

Headless commands (poll, db, demo-fleet, ...) are dispatched to
``noc_app.cli``; the GUI is assembled here, the only place that joins the
Qt layer (``widgets``) to the core (``noc_app``).

Where the GUI's live data comes from:
- embedded (``--demo``, or ``--config FILE`` on a SQLite database): the app
  polls the endpoints itself, in worker threads;
- shared (a PostgreSQL ``--db``/``NOC_DB_URL``, or no ``--config``): only
  headless pollers poll; this desktop reads the database and wakes on its
  change hints (LISTEN/NOTIFY, SQLite's data_version).
"""

from __future__ import annotations

import gc
import os
import sys

from noc_app.cli import build_parser
from noc_app.cli.closed_pipe import silence_stdout
from noc_app.cli.errors import EXIT_USAGE, CliError, explain, print_error
from noc_app.cli.short_lived import short_lived

FREEZE_AFTER_MS = 5000  # start-up done, first data shown


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _install_pdf_renderer()
    try:
        run = getattr(args, "run", None)
        if getattr(args, "gui_command", None) == "review":
            return run_review(args)
        if not run:
            return run_gui(args)
        with short_lived(args, whole_process=argv is None):  # one-shot commands: no cyclic GC (cli/short_lived.py)
            return run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        silence_stdout()  # the reader (head, less) has gone: not an error
        return 0
    except Exception as exc:  # noqa: BLE001 - the command line shows one line, never a traceback
        message, code = explain(exc)
        print_error(message)
        return code


def _install_pdf_renderer() -> None:
    """Reports' PDF is drawn by Qt; the core asks for it through a hook (Qt is imported only when used)."""
    from noc_app.reports import pdf_hook

    def write_pdf(html, path, title, footer):
        from widgets.reports.pdf import write_pdf as qt_write_pdf

        qt_write_pdf(html, path, title, footer)

    pdf_hook.install(write_pdf)
    _install_postmortem_chart()


def _install_postmortem_chart() -> None:
    """The post-mortem's chart is drawn with QPainter on a QImage (QtGui only, imported when used; any thread)."""
    from noc_app.postmortem import chart

    def draw_chart(request):
        from widgets.postmortem.chart_image import render_chart

        return render_chart(request)

    chart.install(draw_chart)


def run_gui(args) -> int:
    from noc_app.paths import data_dir
    from noc_app.storage.db import resolve_db_url
    from noc_app.topology import load_topology
    from noc_app.workspace import open_shared_workspace, open_workspace

    config, db_url = args.config, args.db
    if args.demo:
        from noc_app.demo import DEMO_TOPOLOGY_PATH

        config = config or DEMO_TOPOLOGY_PATH
        # The demo gets its own database so it never retires a real topology's components.
        db_url = db_url or f"sqlite:///{data_dir() / 'demo.db'}"
    topology = load_topology(config) if config else None  # a bad file is refused before anything starts
    embedded = topology is not None and resolve_db_url(db_url).startswith("sqlite")
    _check_display()

    fleet = None
    if args.demo and embedded:
        from noc_app.demo.launch import start_or_reuse_fleet

        fleet = start_or_reuse_fleet()
    try:
        workspace = open_workspace(topology, db_url) if embedded else open_shared_workspace(db_url, topology)
        try:
            return _run_window(workspace, args, embedded)
        finally:
            workspace.close()
    finally:
        if fleet is not None:
            fleet.stop()


def run_review(args) -> int:
    """``review FILE [--at TIME] [--screenshot DIR]``: the read-only review window on a bundle."""
    from noc_app.cli.bundle_command import open_for_review
    from noc_app.review.material import load_review

    bundle, moment = open_for_review(args)  # a bad file or --at is refused before any window
    material = load_review(bundle)
    try:
        _check_display()
        from PySide6.QtWidgets import QApplication

        from widgets.review import ReviewWindow
        from widgets.screenshots import schedule_screenshots

        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setApplicationName("Vigil NOC review")
        window = ReviewWindow(material, at=moment)
        window.resize(1600, 1000)
        window.show()
        if args.screenshot:
            schedule_screenshots(app, window, window.pages(), args.screenshot, ready=lambda: True)
        return app.exec()
    finally:
        material.close()


def _check_display() -> None:
    """Without a screen, or without the libraries of its platform plugin, Qt aborts the
    process; say what to do instead."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise CliError(
            "error: no display found (DISPLAY is not set); run on a desktop session, or headless with "
            "QT_QPA_PLATFORM=offscreen and --screenshot DIR",
            EXIT_USAGE,
        )
    # A platform plugin whose system libraries are missing makes Qt abort the process
    # (SIGABRT, exit 134) with a message naming no package: say which ones to install.
    from widgets.platform_check import platform_problem

    problem = platform_problem(os.environ)
    if problem:
        raise CliError(problem, EXIT_USAGE)


def _run_window(workspace, args, embedded: bool) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from noc_app.live import StatusBoard
    from widgets.board_store import BoardStore
    from widgets.screenshots import schedule_screenshots

    from widgets.assets import icon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Vigil NOC")
    app.setWindowIcon(icon("vigil"))  # resources/icons/vigil.svg
    store = BoardStore(StatusBoard(workspace.topology))
    window, pages = (_build_wall if args.wall else _build_workstation)(store, workspace, args)
    stop_source = (_start_poller if embedded else _start_database_feed)(store, workspace, window)
    # Once start-up is over, what exists (Qt wrappers, topology, board state,
    # ~175,000 objects) lives until exit. A full garbage collection walked it
    # all, a 120 ms stall on the GUI thread now and then; frozen, it is left
    # out and a full collection takes well under a millisecond.
    QTimer.singleShot(FREEZE_AFTER_MS, gc.freeze)
    keep_alive = _quit_on_sigterm(app)  # noqa: F841 - the timer must live as long as the loop
    code = 0
    try:
        if args.screenshot:
            schedule_screenshots(app, window, pages, args.screenshot, ready=lambda: _all_reported(store.board))
        code = app.exec()
    finally:
        report = stop_source()
    # The embedded poller writes what it measured before exiting, or keeps it for the next start.
    summary = report.summary() if report is not None else ""
    if summary:
        print_error(summary)
    return code or (1 if report is not None and report.kept else 0)


def _quit_on_sigterm(app):
    """SIGTERM (a logout, systemd, kill) closes the app the same way as its window: nothing lost.

    Python runs signal handlers only between bytecodes, and Qt's event loop
    is C++: a timer hands control back to Python every 200 ms so the handler
    gets to run.
    """
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    timer = QTimer()
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return timer


def _start_poller(store, workspace, window):
    """Embedded: poll in worker threads; outcomes reach the GUI thread through a queued signal."""
    from noc_app.polling.service import PollingService
    from widgets.live_feed import LiveFeed

    feed = LiveFeed()
    feed.updated.connect(store.apply)
    feed.problem.connect(window.show_problem)
    service = PollingService(workspace, on_error=feed.problem.emit)
    machines = service.scheduler.machines
    service.listeners.append(lambda r, o: feed.push(r, o, machines[r.check_key].since))
    service.start()
    return service.stop  # returns a StopReport: written, or kept for replay


def _start_database_feed(store, workspace, window):
    """Shared: read what the pollers wrote, woken by the database's change hints."""
    from widgets.db_feed import DatabaseFeed, apply_snapshot

    feed = DatabaseFeed(workspace.engine, workspace.sessions, parent=window)
    feed.snapshot.connect(lambda snapshot: apply_snapshot(store, snapshot))
    feed.problem.connect(window.show_problem)
    feed.recovered.connect(lambda: window.show_problem(""))
    feed.start()

    def stop():
        feed.stop()
        return None  # nothing of ours to write: the pollers own the results

    return stop


def _build_workstation(store, workspace, args):
    from PySide6.QtCore import QSettings

    from noc_app.incidents import ChannelConfig
    from noc_app.paths import data_dir
    from widgets.workstation import build_workstation

    # Layout and theme live beside the database and drafts, in the per-user data dir.
    settings = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    window = build_workstation(store, workspace.sessions, title=f"Vigil NOC — {workspace.topology.source}",
                               settings=settings, channels=ChannelConfig.from_env(os.environ))
    from widgets.reports.dialog import install_reports_menu

    install_reports_menu(window, workspace.db_url, workspace.topology)
    window.resize(1400, 900)
    window.show()
    if not args.screenshot:
        window.incidents.offer_recovery()
    pages = [(name, lambda w=widget: window.tabs.setCurrentWidget(w))
             for name, widget in window.views.items() if window.tabs.indexOf(widget) >= 0]
    return window, pages


def _build_wall(store, workspace, args):
    from noc_app.incidents import IncidentService
    from widgets.incidents import IncidentsBoard, IncidentWorker
    from widgets.views import CustomerImpactView, DependencyMapView
    from widgets.wall import ComponentWall, WallWindow

    # The wall only reads incidents; its worker never queues writes.
    incidents = IncidentWorker(IncidentService(workspace.sessions, author="wall"))
    views = {"components": ComponentWall(store), "impact": CustomerImpactView(store),
             "map": DependencyMapView(store), "incidents": IncidentsBoard(incidents)}
    try:
        window = WallWindow(store, views, screen_index=args.screen, view_name=args.view)
    except ValueError as exc:
        raise CliError(f"error: --view: {exc}", EXIT_USAGE) from None
    window.show_wall()

    def show(index: int) -> None:
        window.stack.setCurrentIndex(index)
        window.tick()

    pages = [(f"wall-{name}", lambda i=i: show(i)) for i, name in enumerate(views)]
    return window, pages


def _all_reported(board) -> bool:
    from noc_app.domain import Status

    return all(view.own_status != Status.UNKNOWN for view in board.components())


if __name__ == "__main__":
    sys.exit(main())
