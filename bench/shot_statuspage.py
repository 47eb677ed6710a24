"""Screenshots of the public status page in headless Chromium (phone 390 px and desktop 1280 px).

    PYTHONPATH=. python bench/shot_statuspage.py OUT_DIR

Builds the demo topology's page over 90 days of scripted history (a dozen
incidents, one still open, a maintenance window coming) with the real
``statuspage`` command, then shoots index.html, history.html and one
incident page at both widths.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.statuspage_data import fill  # noqa: E402
from noc_app.topology import load_topology  # noqa: E402
from noc_app.workspace import open_workspace  # noqa: E402

UTC = dt.timezone.utc


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    now = dt.datetime.now(UTC)
    text = (ROOT / "data/demo/topology.toml").read_text()
    start = (now + dt.timedelta(days=2)).replace(hour=1, minute=0, second=0, microsecond=0)
    text += (f'\n[[maintenance]]\nid = "mw-shot"\ncomponents = ["billing"]\nstart = {start:%Y-%m-%dT%H:%M:%SZ}\n'
             f'end = {start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M:%SZ}\nreason = "internal"\n')
    (tmp / "t.toml").write_text(text)
    url = f"sqlite:///{tmp}/noc.db"
    workspace = open_workspace(load_topology(tmp / "t.toml"), url)
    fill(workspace.sessions, now, incidents=12, outage_every_days=40, seed=3)
    workspace.close()
    site = tmp / "site"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "statuspage", "--out", str(site), "--db", url], check=True)
    incident = sorted((site / "incidents").glob("*.html"))[-1]
    for name, page in (("index", site / "index.html"), ("history", site / "history.html"), ("incident", incident)):
        for label, width, height in (("phone", 390, 2400 if name == "index" else 1100), ("desktop", 1280, 1500)):
            shot = out / f"statuspage-{name}-{label}.png"
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--screenshot={shot}", f"--window-size={width},{height}", page.as_uri()],
                           check=True, capture_output=True, timeout=60)
            print(shot)
    print(site)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "statuspage-shots"))
