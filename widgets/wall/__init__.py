"""The wall: a custom-painted component wall and the unattended full-screen window.

``ComponentWall(store)`` is a view like any other; ``WallWindow`` shows views
full screen on a chosen screen, rotates them, scales text to the screen and
turns loud when data stops arriving.
"""

from widgets.wall.stale import DataAge, StaleWatch, stale_threshold_for, wall_text_px
from widgets.wall.tiles import ComponentWall, PaintedTile
from widgets.wall.window import WallWindow

__all__ = ["ComponentWall", "DataAge", "PaintedTile", "StaleWatch", "WallWindow",
           "stale_threshold_for", "wall_text_px"]
