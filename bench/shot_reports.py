"""Regenerate the report screenshots in docs/screenshots (README, "Reports").

    PYTHONPATH=. python bench/shot_reports.py

Plays the scripted day of tests/availability_scenario.py into a temporary
SQLite file, writes the reports with the real command (reader in Paris), and
photographs them: HTML in headless Chromium, PDF pages with pdftoppm.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from availability_scenario import add_operations, build  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="report-shots-"))
    url = f"sqlite:///{folder / 'shots.db'}"
    workspace = build(url)
    add_operations(workspace)
    workspace.close()
    reports = {
        "availability": (["availability", "--from", "2026-11-02", "--to", "2026-11-02"], "html"),
        "daily": (["daily", "--date", "2026-11-02"], "html"),
        "customer-success": (["customer-success", "--week", "2026-W45"], "pdf"),
        "spof": (["spof"], "pdf"),
    }
    for name, (args, fmt) in reports.items():
        out = folder / f"{name}.{fmt}"
        subprocess.run([sys.executable, "main.py", "report", *args, "--db", url, "--tz", "Europe/Paris",
                        "--format", fmt, "--out", str(out)], cwd=ROOT, check=True)
        target = SHOTS / f"report-{name}-{fmt}.png"
        if fmt == "html":
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            "--window-size=1200,1700", f"--screenshot={target}", out.as_uri()], check=True,
                           capture_output=True)
        else:
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(out),
                            str(target.with_suffix(""))], check=True)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
