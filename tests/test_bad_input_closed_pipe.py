"""Output into a closed pipe (``spof --json | head``) is not an error: quiet, exit 0 (issue 10, item 8)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bad_input import ROOT

TOPOLOGY = ('[[component]]\nid = "api"\nname = "API"\n'
            '  [[component.check]]\n  kind = "tcp"\n  url = "tcp://127.0.0.1:9"\n  interval = "1s"\n')


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """Run the real CLI with its stdout a pipe that nobody reads any more (the reader has exited)."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # before the command has printed anything (it is still importing)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, "", err)


@pytest.fixture
def synced(tmp_path):
    config = tmp_path / "t.toml"
    config.write_text(TOPOLOGY)
    return str(config), f"sqlite:///{tmp_path}/noc.db"


@pytest.mark.parametrize("command", [
    ("spof", "--json"), ("status",), ("poll", "--once", "--json"),
    ("poll", "--json"),  # the daemon stops too: its reader has gone
])
def test_a_closed_pipe_is_not_an_error(synced, command):
    config, db_url = synced
    proc = run_into_closed_pipe(*command, "--config", config, "--db", db_url)
    assert (proc.returncode, proc.stderr) == (0, "")
