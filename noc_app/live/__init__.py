"""What the screens show, Qt-free: the live status board built from check outcomes."""

from __future__ import annotations

__all__ = ["CheckView", "ComponentView", "StatusBoard", "check_view"]


def __getattr__(name: str):
    # Loaded on first use: the headless poller imports ``live.change_hints`` only,
    # and the board pulls in the impact model (and numpy) it never needs.
    if name in __all__:
        from noc_app.live import board

        return getattr(board, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
