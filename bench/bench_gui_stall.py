"""GUI-thread stalls while the embedded app polls, writes and redraws (issue 5).

Starts the demo fleet (fast failure script, so states change), opens the
workstation exactly as ``main.py --demo`` does (in-process poller, batched
database writes, all views), and runs a 10 ms QTimer on the GUI thread that
measures its own lateness for ``--seconds``; every few seconds it switches
tab so each view repaints. Prints the worst and p99 lateness. Not a test.

    PYTHONPATH=. QT_QPA_PLATFORM=offscreen python bench/bench_gui_stall.py --seconds 40
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--speed", type=float, default=10.0, help="failure script speed (10 = a 36 s cycle)")
    parser.add_argument("--no-freeze", action="store_true", help="don't gc.freeze() after start-up as main.py does")
    args = parser.parse_args()

    os.environ["NOC_DATA_DIR"] = tempfile.mkdtemp(prefix="noc-stall-")
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from noc_app.demo import DEMO_SCRIPT_PATH, DEMO_TOPOLOGY_PATH
    from noc_app.demo.fleet import DemoFleet
    from noc_app.demo.script import load_script
    from noc_app.live import StatusBoard
    from noc_app.paths import data_dir
    from noc_app.polling.service import PollingService
    from noc_app.workspace import open_workspace
    from widgets.board_store import BoardStore
    from widgets.live_feed import LiveFeed
    from widgets.workstation import build_workstation

    app = QApplication(sys.argv[:1])
    fleet = DemoFleet(load_script(DEMO_SCRIPT_PATH), port=47800, speed=args.speed).start()
    workspace = open_workspace(DEMO_TOPOLOGY_PATH, f"sqlite:///{data_dir() / 'demo.db'}")
    store = BoardStore(StatusBoard(workspace.topology))
    feed = LiveFeed()
    feed.updated.connect(store.apply)
    settings = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    window = build_workstation(store, workspace.sessions, "bench", settings=settings)
    window.resize(1920, 1080)
    window.show()
    service = PollingService(workspace)
    machines = service.scheduler.machines
    service.listeners.append(lambda r, o: feed.push(r, o, machines[r.check_key].since))
    service.start()

    lateness: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    stalls: list[tuple[float, float, str]] = []

    def watchdog() -> None:
        now = clock.elapsed()
        late = max(0.0, now - last[0] - 10)
        lateness.append(late)
        if late > 50:
            stalls.append((now / 1000, late, window.tabs.tabText(window.tabs.currentIndex())))
        last[0] = now

    timer = QTimer(interval=10, timeout=watchdog)
    timer.start()
    tabs = QTimer(interval=3000, timeout=lambda: window.tabs.setCurrentIndex(
        (window.tabs.currentIndex() + 1) % window.tabs.count()))
    tabs.start()
    if not args.no_freeze:
        from main import FREEZE_AFTER_MS

        QTimer.singleShot(FREEZE_AFTER_MS, gc.freeze)
    QTimer.singleShot(int(args.seconds * 1000), app.quit)
    started = time.monotonic()
    app.exec()
    service.stop()
    fleet.stop()
    workspace.close()

    warm = lateness[200:] or lateness  # skip the first 2 s (window creation)
    ordered = sorted(warm)
    p99 = ordered[int(len(ordered) * 0.99) - 1] if ordered else 0.0
    print(f"bench_gui_stall {time.strftime('%Y-%m-%d')} load {os.getloadavg()[0]:.2f} "
          f"ran {time.monotonic() - started:.0f}s, {service.recorder.written} results written")
    print(f"GUI-thread lateness of a 10 ms timer: p99 {p99:.0f} ms, worst {max(warm, default=0):.0f} ms "
          f"(target: never over 50 ms)")
    for at, late, tab in stalls:
        print(f"  stall {late:.0f} ms at {at:.1f} s (tab: {tab})")
    frozen = gc.get_freeze_count()
    full_gc_ms = timed_ms(gc.collect)
    gc.unfreeze()
    print(f"a full garbage collection now: {full_gc_ms:.1f} ms with {frozen} objects frozen, "
          f"{timed_ms(gc.collect):.1f} ms with none frozen ({len(gc.get_objects())} tracked)")
    return 0


def timed_ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    sys.exit(main())
