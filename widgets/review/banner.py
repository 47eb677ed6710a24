"""Every replayed view under a band that says "REPLAY — <time>", so nobody takes it for live."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

#: The Okabe–Ito blue: calm, not a status colour (no status is blue but MAINTENANCE, which
#: is never a whole band), and white text on it reads at a glance.
REPLAY_BG = "#0b3d63"
MARGIN = 8


def replay_text(at: dt.datetime) -> str:
    local = at.astimezone()
    utc = at.astimezone(dt.timezone.utc)
    return (f"REPLAY — {utc:%Y-%m-%d %H:%M:%S} UTC ({local:%H:%M:%S} local) · "
            "the state as it was then, not live")


class ReplayBand(QWidget):
    """The band itself: painted, with a size that never depends on its text.

    Not a QLabel: a label's new text asks its layout to be redone (its size hint
    moved), that request climbs to the tab widget, and a QTabWidget answers a
    layout request by repainting all of itself — the whole dependency map and
    impact table on every frame of a slider drag, for a few changed digits.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("replayBand")
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.35)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it fills itself: nothing under it repaints
        self._text = ""

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - the QLabel spelling, for callers and tests
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # Wide enough for the whole text at any moment (the format's length is fixed): "not live"
        # must never be elided, so the views' pane is never made narrower than the band.
        sample = replay_text(dt.datetime(2026, 12, 28, 23, 58, 58, tzinfo=dt.timezone.utc))
        text = self.fontMetrics().boundingRect(QRect(0, 0, 10_000, 1_000), 0, sample)  # as a QLabel measures it
        return QSize(self.fontMetrics().horizontalAdvance(sample) + 2 * MARGIN, text.height() + 2 * MARGIN)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(REPLAY_BG))
        painter.setPen(QColor("#ffffff"))
        area = self.rect().adjusted(MARGIN, 0, -MARGIN, 0)
        text = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, area.width())
        painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        painter.end()


class ReplayFrame(QWidget):
    def __init__(self, view: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.band = ReplayBand()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.band)
        layout.addWidget(view, 1)

    def set_moment(self, at: dt.datetime) -> None:
        self.band.setText(replay_text(at))
