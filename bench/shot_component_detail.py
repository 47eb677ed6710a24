"""Screenshots of the component detail view with real rows (for review and the README).

    PYTHONPATH=. python bench/shot_component_detail.py [OUT_DIR]   # default /tmp/detail-shots

Seeds a temp SQLite database through the recorder (raw samples with a DOWN
outage, a week of minute rollups with a slow spell and a spike, a change and
a KB article), then saves the view at 1920x1080 for each span.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _guard_pyside_refcounts() -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void
    method call (None is not immortal before 3.12), and the process aborts
    with "none_dealloc" after a few thousand calls. Give None/True/False a
    huge refcount, as 3.12 does, until the dependency is pinned."""
    import ctypes
    import sys as _sys
    if _sys.version_info < (3, 12):
        for obj in (None, True, False):
            ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


_guard_pyside_refcounts()
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from PySide6.QtWidgets import QApplication  # noqa: E402

from history_data import seed_history, write_history_topology  # noqa: E402
from noc_app.workspace import open_workspace  # noqa: E402
from widgets.theme import DARK_STYLESHEET  # noqa: E402
from widgets.views.component_detail import ComponentDetailView  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/detail-shots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workspace(write_history_topology(Path(tmp) / "t.toml", now), f"sqlite:///{tmp}/d.db")
        seed_history(ws.sessions, now, sample_hours=1.0, sample_s=10.0, rollup_days=7.0)
        view = ComponentDetailView(ws.sessions, clock=lambda: now)
        app.setStyleSheet(DARK_STYLESHEET)  # as the main window does; the view adds its own
        view.resize(1920, 1080)
        view.show()
        for span in ("1h", "24h", "7d"):
            shown = []
            view.historyShown.connect(shown.append)
            view.show_component("api") if span == "1h" else view.set_span(span)
            while not shown:
                app.processEvents()
            view.historyShown.disconnect()
            for _ in range(5):
                app.processEvents()
            path = out / f"component-detail-{span}.png"
            view.grab().save(str(path))
            print(f"saved {path}")
        view.close()
        ws.close()


if __name__ == "__main__":
    main()
