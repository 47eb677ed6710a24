"""What the screens show, Qt-free: the live status board built from check outcomes."""

from noc_app.live.board import CheckView, ComponentView, StatusBoard, check_view

__all__ = ["CheckView", "ComponentView", "StatusBoard", "check_view"]
