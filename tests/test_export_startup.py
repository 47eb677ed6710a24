"""``python main.py export`` loads only what it uses (issue #11: HTML <= 1 s, PDF <= 3 s from a fresh process).

What a fresh process imported is the cheap, stable proxy for its start-up
time: Alembic on a current database, the whole incidents package, the
topology loader (pydantic), pyqtgraph and QtWidgets for the chart each cost
0.1-0.8 s of a 1 s budget (bench/bench_export.py measures the seconds).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from noc_app.workspace import open_workspace
from postmortem_incident import TOPOLOGY, prepare, run_script
from smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[1]
NEVER = ("alembic", "pydantic", "pyqtgraph", "PySide6.QtWidgets", "requests", "noc_app.incidents.escalation",
         "noc_app.incidents.notify", "noc_app.impact.engine", "noc_app.topology.loader", "pygments")
QT = ("PySide6.QtGui",)


@pytest.fixture(scope="module")
def sqlite_incident(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('export')}/noc.db"
    with SmtpServer() as smtp:
        workspace = open_workspace(TOPOLOGY, url)
        prepare(workspace.sessions)
        iid = run_script(workspace.sessions, smtp.port)
        workspace.close()
    return url, iid


def loaded_by_export(url: str, iid: int, fmt: str, out: Path) -> list[str]:
    """The modules of NEVER + QT (and the PostgreSQL dialect) a fresh ``main.py export`` imported."""
    watched = NEVER + QT + ("sqlalchemy.dialects.postgresql",)
    # As the program runs (main() reading sys.argv): the short-lived path, without the cyclic GC.
    code = ("import gc, json, sys\n"
            "import main\n"
            f"sys.argv = ['main.py', 'export', '{iid}', '--format', '{fmt}', '--out', {str(out)!r}, '--db', {url!r}]\n"
            "code = main.main()\n"
            "assert not gc.isenabled()\n"
            f"print(json.dumps([code, sorted(m for m in sys.modules if m in {watched!r})]))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    code, modules = json.loads(proc.stdout.splitlines()[-1])
    assert code == 0 and out.exists()
    return modules


@pytest.mark.parametrize("fmt, qt", [("json", []), ("html", ["PySide6.QtGui"]), ("pdf", ["PySide6.QtGui"])])
def test_export_imports_only_what_it_uses(sqlite_incident, tmp_path, fmt, qt):
    url, iid = sqlite_incident
    out = tmp_path / f"r.{fmt}"
    assert loaded_by_export(url, iid, fmt, out) == qt
    data = out.read_bytes()
    if fmt == "pdf":  # written whole although the process ends with the collector off
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    elif fmt == "html":
        assert data.count(b"data:image/png;base64,") == 1 and data.rstrip().endswith(b"</html>")
    else:
        assert json.loads(data)["incident"]["id"] == iid


def test_a_command_called_in_process_keeps_the_collector(sqlite_incident, tmp_path):
    import gc

    import main

    url, iid = sqlite_incident
    assert main.main(["export", str(iid), "--format", "json", "--out", str(tmp_path / "r.json"), "--db", url]) == 0
    assert gc.isenabled()
