"""Issue 10 items 12/13 in the GUI: the embedded poller stops on SIGTERM without losing results.

The real app (``main.py --config``, offscreen Qt) polls a real fleet into its
default SQLite file; SIGTERM must close it like its window, waiting for the
checks in flight and writing every answered request before exiting 0.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select

from noc_app.storage import models as db

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from fast_fleet import FleetProcess  # noqa: E402


def stored_samples(path: Path) -> int:
    if not path.exists():
        return 0
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as c:
            return c.execute(select(func.count()).select_from(db.CheckSample)).scalar_one()
    except Exception:  # noqa: BLE001 - schema not there yet
        return 0
    finally:
        engine.dispose()


def test_sigterm_to_the_gui_writes_every_answered_request(tmp_path):
    endpoints = 60
    with FleetProcess(ports=1, delay_ms=300) as fleet:
        lines = ["[defaults]", 'interval = "1s"', 'timeout = "3s"', "retries = 0"]
        for i in range(endpoints):
            lines += ["[[component]]", f'id = "e{i}"', f'name = "E{i}"',
                      "  [[component.check]]", f'  url = "{fleet.url(i)}"', '  format = "plain"']
        config = tmp_path / "fleet.toml"
        config.write_text("\n".join(lines) + "\n")
        data = tmp_path / "data"
        env = {**os.environ, "NOC_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
        app = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--config", str(config)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while stored_samples(data / "noc.db") < 2 * endpoints:
                assert app.poll() is None, app.communicate()
                assert time.monotonic() < deadline, "the GUI stored no results"
                time.sleep(0.2)
            app.send_signal(signal.SIGTERM)
            out, err = app.communicate(timeout=60)
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()
        answered = fleet.stats()["served"]["200"]
    assert app.returncode == 0, err
    assert stored_samples(data / "noc.db") == answered
