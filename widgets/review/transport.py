"""The replay's transport: a time slider over the window, play at 1×/10×/60×, a clock."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

SPEEDS = (1, 10, 60)
TICK_MS = 100  # ten moves a second while playing: smooth, and well inside a replay's cost


class Transport(QWidget):
    moved = Signal(object)  # dt.datetime: the cursor's new moment

    def __init__(self, start: dt.datetime, end: dt.datetime, parent: QWidget | None = None):
        super().__init__(parent)
        self.start, self.end = start, end
        self.speed = 1
        self._cursor = 0.0  # seconds from start
        self.play = QPushButton("▶ Play", objectName="play")
        self.play.setCheckable(True)
        self.play.setToolTip("Play the incident forward (Space)")
        self.play.setShortcut(Qt.Key.Key_Space)
        self.play.toggled.connect(self._toggled)
        self.speeds = QButtonGroup(self)
        speed_row = []
        for speed in SPEEDS:
            button = QPushButton(f"{speed}×", objectName=f"speed{speed}")
            button.setCheckable(True)
            button.setChecked(speed == 1)
            button.setToolTip(f"play at {speed} seconds of incident per second")
            self.speeds.addButton(button, speed)
            speed_row.append(button)
        self.speeds.idClicked.connect(self.set_speed)
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="timeSlider")
        self.slider.setRange(0, max(1, int((end - start).total_seconds())))
        self.slider.setSingleStep(10)
        self.slider.setPageStep(300)
        self.slider.valueChanged.connect(self._slid)
        self.clock = QLabel(objectName="replayClock")
        font = self.clock.font()
        font.setBold(True)
        self.clock.setFont(font)
        self.clock.setMinimumWidth(self.clock.fontMetrics().horizontalAdvance("00:00:00 UTC  +00h00m") + 16)
        layout = QHBoxLayout(self)
        layout.addWidget(self.play)
        for button in speed_row:
            layout.addWidget(button)
        layout.addWidget(QLabel(f"{start.astimezone(dt.timezone.utc):%H:%M}"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(QLabel(f"{end.astimezone(dt.timezone.utc):%H:%M}"))
        layout.addWidget(self.clock)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    @property
    def moment(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self._cursor)

    def set_moment(self, at: dt.datetime) -> None:
        """Jump there (clamped to the window) and tell the views."""
        seconds = min(max((at - self.start).total_seconds(), 0.0), float(self.slider.maximum()))
        self._cursor = seconds
        self.slider.blockSignals(True)
        self.slider.setValue(int(seconds))
        self.slider.blockSignals(False)
        self._announce()

    def set_speed(self, speed: int) -> None:
        self.speed = speed
        button = self.speeds.button(speed)
        if button is not None and not button.isChecked():
            button.setChecked(True)

    def _slid(self, value: int) -> None:
        self._cursor = float(value)
        self._announce()

    def _announce(self) -> None:
        at = self.moment
        self.clock.setText(f"{at.astimezone(dt.timezone.utc):%H:%M:%S} UTC")
        self.moved.emit(at)

    def _toggled(self, playing: bool) -> None:
        self.play.setText("⏸ Pause" if playing else "▶ Play")
        if playing:
            if self._cursor >= self.slider.maximum():
                self._cursor = 0.0  # at the end: play again from the start
            self._timer.start()
        else:
            self._timer.stop()

    def _tick(self) -> None:
        self._cursor = min(self._cursor + self.speed * TICK_MS / 1000, float(self.slider.maximum()))
        self.slider.blockSignals(True)
        self.slider.setValue(int(self._cursor))
        self.slider.blockSignals(False)
        self._announce()
        if self._cursor >= self.slider.maximum():
            self.play.setChecked(False)
