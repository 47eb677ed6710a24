"""What the screens show, Qt-free: the live status board built from check outcomes.

Names load on first use (``noc_app/lazy_exports.py``): the report chart needs
only ``noc_app.live.history``, not the board with the impact engine and the
checks (requests, urllib3: ~0.15 s).
"""

from __future__ import annotations

from noc_app.lazy_exports import lazy_exports

_EXPORTS = dict.fromkeys(("CheckView", "ComponentView", "StatusBoard", "check_view"), "board")

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
