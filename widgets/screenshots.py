"""``--screenshot DIR``: once data has loaded, save a PNG of each view and quit."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


def schedule_screenshots(app: QApplication, views: dict[str, QWidget], directory: str,
                         ready: Callable[[], bool], max_wait_s: float = 30.0) -> None:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max_wait_s

    def attempt() -> None:
        if not ready() and time.monotonic() < deadline:
            return
        timer.stop()
        for name, view in views.items():
            view.grab().save(str(out / f"{name}.png"))
        print(f"saved {len(views)} screenshot(s) to {out}")
        app.quit()

    timer = QTimer(app, interval=250, timeout=attempt)
    timer.start()
