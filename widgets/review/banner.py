"""Every replayed view under a band that says "REPLAY — <time>", so nobody takes it for live."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

#: The Okabe–Ito blue: calm, not a status colour (no status is blue but MAINTENANCE, which
#: is never a whole band), and white text on it reads at a glance.
REPLAY_BG = "#0b3d63"


def replay_text(at: dt.datetime) -> str:
    local = at.astimezone()
    utc = at.astimezone(dt.timezone.utc)
    return (f"REPLAY — {utc:%Y-%m-%d %H:%M:%S} UTC ({local:%H:%M:%S} local) · "
            "the state as it was then, not live")


class ReplayFrame(QWidget):
    def __init__(self, view: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.band = QLabel(objectName="replayBand")
        font = QFont(self.band.font())
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.35)
        self.band.setFont(font)
        self.band.setMargin(8)
        # A style sheet, not a palette: the window's dark style sheet would paint over a palette.
        self.band.setStyleSheet(f"QLabel#replayBand {{ background: {REPLAY_BG}; color: #ffffff; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.band)
        layout.addWidget(view, 1)

    def set_moment(self, at: dt.datetime) -> None:
        self.band.setText(replay_text(at))
