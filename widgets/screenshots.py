"""``--screenshot DIR``: once data has loaded, save a PNG of each view and quit."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

Page = tuple[str, Callable[[], None]]  # name, a function that brings that view to the front


def schedule_screenshots(app: QApplication, window: QWidget, pages: Sequence[Page], directory: str,
                         ready: Callable[[], bool], max_wait_s: float = 30.0) -> None:
    """Each page shown in turn and the whole window grabbed (what a person sees)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max_wait_s

    def attempt() -> None:
        if not ready() and time.monotonic() < deadline:
            return
        timer.stop()
        for name, bring_to_front in pages:
            bring_to_front()
            for _ in range(3):  # let coalesced repaints and layouts settle
                app.processEvents()
                time.sleep(0.05)
            window.grab().save(str(out / f"{name}.png"))
        print(f"saved {len(pages)} screenshot(s) to {out}")
        app.quit()

    timer = QTimer(app)
    timer.setInterval(250)
    timer.timeout.connect(attempt)
    timer.start()
