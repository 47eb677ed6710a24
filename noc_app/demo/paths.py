"""Where the bundled demo data lives.

The files sit in ``data/demo`` at the repository root (not inside the package)
because they are data a user may read and copy as a starting point for their
own topology, and the generator script next to them rewrites the topology.
"""

from __future__ import annotations

from pathlib import Path

DEMO_DATA_DIR: Path = Path(__file__).resolve().parents[2] / "data" / "demo"
DEMO_TOPOLOGY_PATH: Path = DEMO_DATA_DIR / "topology.toml"
DEMO_SCRIPT_PATH: Path = DEMO_DATA_DIR / "failure_script.toml"

#: Where the demo topology expects the simulated fleet (one port for every component).
DEMO_FLEET_PORT: int = 47800
