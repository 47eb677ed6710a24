"""Nothing lost at stop (issue 10 items 12-13): the real ``poll`` command, SIGTERM, answered vs stored.

    python bench/bench_stop.py [--endpoints 5000] [--seconds 25] [--delay-ms 50] [--workers 64]

Starts ``bench/fast_fleet.py`` (every answer held ``--delay-ms``, so checks are
in flight at any moment), writes a topology of N HTTP checks at a 10 s
interval, runs ``main.py poll`` on a fresh SQLite file for ``--seconds``,
sends SIGTERM, and prints: requests the fleet answered, rows stored
(``check_samples``), the difference, how long the stop took and the exit
code. Before the fix the stop wrote only what was queued and dropped the
results of checks still running.

PostgreSQL down at stop (the spool path) is tested, not benched: see
``tests/test_poller_stop.py``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, func, select  # noqa: E402

from fast_fleet import FleetProcess  # noqa: E402
from noc_app.storage import models as db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoints", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--workers", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-stop-") as tmp, \
            FleetProcess(ports=4, delay_ms=args.delay_ms) as fleet:
        tmp_path = Path(tmp)
        lines = ["[defaults]", 'interval = "10s"', 'timeout = "5s"', "retries = 0"]
        for i in range(args.endpoints):
            lines += ["[[component]]", f'id = "e{i}"', f'name = "E{i}"',
                      "  [[component.check]]", f'  url = "{fleet.url(i)}"', '  format = "plain"']
        config = tmp_path / "fleet.toml"
        config.write_text("\n".join(lines) + "\n")
        url = f"sqlite:///{tmp_path}/noc.db"
        env = {**os.environ, "NOC_DATA_DIR": str(tmp_path / "data")}
        poller = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config),
                                   "--db", url, "--workers", str(args.workers)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        first = poller_started = time.monotonic()
        while fleet.stats()["served"]["200"] == 0:
            time.sleep(0.1)
            first = time.monotonic()
        time.sleep(args.seconds)
        sent = time.monotonic()
        poller.send_signal(signal.SIGTERM)
        _, err = poller.communicate(timeout=120)
        stop_s = time.monotonic() - sent
        answered = fleet.stats()["served"]["200"]
        engine = create_engine(url)
        with engine.connect() as c:
            stored = c.execute(select(func.count()).select_from(db.CheckSample)).scalar_one()
        engine.dispose()
    print(f"endpoints {args.endpoints}, interval 10 s, answers held {args.delay_ms:.0f} ms, "
          f"{args.workers} workers, {args.seconds:.0f} s of polling after the first answer "
          f"(start-up {first - poller_started:.1f} s)")
    print(f"fleet answered {answered} requests; stored {stored} rows; lost {answered - stored}; "
          f"stop took {stop_s:.2f} s; exit {poller.returncode}{'; ' + err.strip() if err.strip() else ''}")



if __name__ == "__main__":
    main()
