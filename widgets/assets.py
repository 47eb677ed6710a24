"""Qt objects made from the files in ``resources/``: stylesheets, icons, the alert sound.

The files are read on every call (they are small): a theme switch picks up an
edited stylesheet without a restart.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QIcon, QImageReader, QPixmap

import resources


def stylesheet(name: str) -> str:
    return resources.stylesheet(name)


def icon(name: str, size: int = 64) -> QIcon:
    """``icons/<name>.svg`` rendered at ``size`` px (Qt's SVG image plugin); a null icon if it cannot."""
    buffer = QBuffer()
    buffer.setData(QByteArray(resources.read_bytes(f"icons/{name}.svg")))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, QByteArray(b"svg"))
    reader.setScaledSize(QSize(size, size))  # drawn at the size, not scaled up from 64 px
    return QIcon(QPixmap.fromImage(reader.read()))


def alert_sound() -> str:
    """Path of the alert chime (``sounds/alert.wav``)."""
    return str(resources.file_path("sounds/alert.wav"))
