"""``--screenshot DIR``: once data has loaded, save a PNG of each view and quit."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from widgets.main_window import MainWindow


def schedule_screenshots(app: QApplication, window: MainWindow, directory: str,
                         ready: Callable[[], bool], max_wait_s: float = 30.0) -> None:
    """Every tab shown in turn and grabbed as the whole window (what a person sees)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max_wait_s

    def attempt() -> None:
        if not ready() and time.monotonic() < deadline:
            return
        timer.stop()
        saved = 0
        for name, widget in window.views.items():
            if window.tabs.indexOf(widget) < 0:
                continue
            window.tabs.setCurrentWidget(widget)
            app.processEvents()
            window.grab().save(str(out / f"{name}.png"))
            saved += 1
        print(f"saved {saved} screenshot(s) to {out}")
        app.quit()

    timer = QTimer(app, interval=250, timeout=attempt)
    timer.start()
