"""A quiet demo fleet on a free port and a small topology pointing at it (test helper)."""

from __future__ import annotations

from pathlib import Path

from noc_app.demo.fleet import DemoFleet
from noc_app.demo.script import parse_script

ALL_GREEN = {"name": "all green", "cycle": "1h", "step": [{"at": "0s", "note": "quiet"}]}


def quiet_fleet() -> DemoFleet:
    return DemoFleet(parse_script(ALL_GREEN), port=0).start()


def write_topology(path: Path, base_url: str, interval: str = "1s", retries: int = 1,
                   timeout: str = "1s") -> Path:
    path.write_text(f"""
[defaults]
interval = "{interval}"
timeout = "{timeout}"
retries = {retries}

[[component]]
id = "db-main"
name = "Primary database"
criticality = "critical"
  [[component.check]]
  url = "{base_url}/db-main/actuator/health"

[[component]]
id = "api"
name = "Public API"
depends_on = ["db-main"]
  [[component.check]]
  url = "{base_url}/api/health+json"
  [[component.check]]
  url = "{base_url}/api/health"
  format = "plain"

[[component]]
id = "search"
name = "Search"
  [[component.check]]
  url = "{base_url}/search/_cluster/health"

[[customer]]
id = "acme"
name = "ACME"
tier = "enterprise"
uses = ["api"]
""")
    return path
