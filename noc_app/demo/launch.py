"""Start the demo fleet for ``--demo``, or reuse one that already serves the port."""

from __future__ import annotations

from noc_app.demo import DEMO_FLEET_PORT, DEMO_SCRIPT_PATH
from noc_app.demo.fleet import DemoFleet, is_demo_fleet
from noc_app.demo.script import load_script


def start_or_reuse_fleet(port: int = DEMO_FLEET_PORT, speed: float = 1.0) -> DemoFleet | None:
    """A started fleet we own, or None when a ``demo-fleet`` already serves ``port``.

    Raises OSError with a clear message when something else holds the port.
    """
    base_url = f"http://127.0.0.1:{port}"
    # A generous probe timeout: a busy machine must not make us mistake our own fleet for a stranger.
    if is_demo_fleet(base_url, timeout=2.0):
        return None
    try:
        return DemoFleet(load_script(DEMO_SCRIPT_PATH), port=port, speed=speed).start()
    except OSError:
        raise OSError(
            f"port {port} on 127.0.0.1 is taken by another program, so the demo fleet cannot start; "
            "stop that program and try again"
        ) from None
