"""``status --json`` and ``spof`` on real poll results stored in a real database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fleet_topology import quiet_fleet, write_topology
from noc_app.polling.service import poll_once
from noc_app.workspace import open_workspace

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


@pytest.fixture
def outage_db(tmp_path, db_url):
    """The demo outage in miniature: db-main down, api failing as its symptom, search fine."""
    fleet = quiet_fleet()
    try:
        fleet.set_override("db-main", "down")
        fleet.set_override("api", "down")
        workspace = open_workspace(write_topology(tmp_path / "t.toml", fleet.base_url), db_url)
        poll_once(workspace)
        workspace.close()
    finally:
        fleet.stop()
    return db_url


def test_status_json_names_the_cause_and_the_hurt_customers(outage_db):
    proc = run_cli("status", "--db", outage_db, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    by_id = {c["id"]: c for c in doc["components"]}
    assert doc["probable_causes"] == ["db-main"]
    assert by_id["db-main"] == {"id": "db-main", "status": "DOWN", "own_status": "DOWN", "probable_cause": True}
    assert by_id["api"]["status"] == "DOWN" and by_id["api"]["probable_cause"] is False
    assert by_id["search"]["status"] == "OK"
    [acme] = doc["impacted_customers"]
    assert acme["id"] == "acme" and acme["tier"] == "enterprise" and acme["components"] == ["api"]
    assert isinstance(acme["in_business_hours"], bool)
    assert doc["at"].endswith("+00:00")


def test_status_human_and_spof(outage_db):
    proc = run_cli("status", "--db", outage_db)
    assert proc.returncode == 0 and "db-main" in proc.stdout and "probable cause" in proc.stdout
    spof = run_cli("spof", "--db", outage_db, "--json")
    assert spof.returncode == 0, spof.stderr
    assert "db-main" in spof.stdout and "api" in spof.stdout
