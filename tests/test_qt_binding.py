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
    from PySide6.QtCore import QThreadPool

    label = QLabel("x")
    qtbot.addWidget(label)
    image = QImage(16, 16, QImage.Format.Format_RGB32)
    # None's count is global (Python 3.11 has no immortal objects): a worker thread of an earlier
    # test winding down moves it by a few hundred. The bad binding takes one per void call,
    # 5 a round here: 10,000 over the loop, far beyond that noise.
    QThreadPool.globalInstance().waitForDone(5000)
    rounds = 2000
    before = sys.getrefcount(None)
    for i in range(rounds):
        label.setText(str(i))
        label.update()
        painter = QPainter(image)
        painter.drawRect(1, 1, 4, 4)
        painter.end()
    assert sys.getrefcount(None) - before > -rounds
