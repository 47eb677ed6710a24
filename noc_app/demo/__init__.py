"""The bundled demo: a believable SaaS topology and a simulated fleet of
health endpoints that fail on a script (a database outage that cascades).

No Qt here. ``noc_app.demo.fleet`` serves the endpoints; ``noc_app.demo.script``
reads the failure script; ``noc_app.demo.formats`` renders the wire formats.
"""

from noc_app.demo.paths import (
    DEMO_DATA_DIR,
    DEMO_FLEET_PORT,
    DEMO_SCRIPT_PATH,
    DEMO_TOPOLOGY_PATH,
)

__all__ = ["DEMO_DATA_DIR", "DEMO_FLEET_PORT", "DEMO_SCRIPT_PATH", "DEMO_TOPOLOGY_PATH"]
