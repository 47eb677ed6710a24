"""Guard against Qt binding releases that corrupt Python's reference counts.

PySide6 6.12.0 on Python 3.11 decremented None's reference count on every
void call (setText, update, QPainter.setPen, ...) and aborted the process
after a few thousand repaints: a wall that dies within minutes.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel


def test_void_calls_keep_none_alive(qtbot):
    label = QLabel("x")
    qtbot.addWidget(label)
    image = QImage(16, 16, QImage.Format.Format_RGB32)
    before = sys.getrefcount(None)
    for i in range(200):
        label.setText(str(i))
        label.update()
        painter = QPainter(image)
        painter.drawRect(1, 1, 4, 4)
        painter.end()
    assert sys.getrefcount(None) - before > -50
