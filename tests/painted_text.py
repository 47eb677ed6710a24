"""Every piece of text a widget paints, with the pixel size it lands on the screen at.

A paint device whose engine draws nothing and records each text item: the
font QPainter used and the painter's transform (the dependency map is a scaled
scene), so "how big is this text on the wall" is read from the real paint
code, not from what a widget claims its font is.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFontInfo, QImage, QPaintDevice, QPaintEngine, QPainter


@dataclass(frozen=True)
class PaintedText:
    text: str
    px: float  # on-screen pixel height of the font (font pixel size x the painter's vertical scale)
    family: str


class _Recorder(QPaintEngine):
    def __init__(self):
        super().__init__(QPaintEngine.PaintEngineFeature.AllFeatures)
        self.texts: list[PaintedText] = []

    def begin(self, device) -> bool:
        return True

    def end(self) -> bool:
        return True

    def type(self):
        return QPaintEngine.Type.User

    def updateState(self, state) -> None:
        pass

    def drawTextItem(self, position, item) -> None:
        text = item.text()
        if not text.strip():
            return
        font = item.font()
        px = font.pixelSize() if font.pixelSize() > 0 else QFontInfo(font).pixelSize()
        scale = abs(self.painter().combinedTransform().m22())
        self.texts.append(PaintedText(text, px * scale, font.family()))

    # Shapes and images are not text: drawn nowhere.
    def drawPixmap(self, r, pixmap, source) -> None:
        pass

    def drawImage(self, r, image, source, flags=None) -> None:
        pass

    def drawTiledPixmap(self, r, pixmap, offset) -> None:
        pass

    def drawPath(self, path) -> None:
        pass

    def drawPolygon(self, *args) -> None:
        pass

    def drawRects(self, *args) -> None:
        pass

    def drawLines(self, *args) -> None:
        pass

    def drawEllipse(self, *args) -> None:
        pass

    def drawPoints(self, *args) -> None:
        pass


class TextRecorder(QPaintDevice):
    """``widget.render(recorder)`` or ``QPainter(recorder)``; then ``recorder.texts``."""

    def __init__(self, width: int, height: int):
        super().__init__()
        self._engine = _Recorder()
        self._size = (width, height)
        self._like = QImage(1, 1, QImage.Format.Format_ARGB32)  # for metrics we do not override

    @property
    def texts(self) -> list[PaintedText]:
        return self._engine.texts

    def paintEngine(self):
        return self._engine

    def metric(self, metric):
        m = QPaintDevice.PaintDeviceMetric
        if metric == m.PdmWidth:
            return self._size[0]
        if metric == m.PdmHeight:
            return self._size[1]
        if metric in (m.PdmDpiX, m.PdmDpiY, m.PdmPhysicalDpiX, m.PdmPhysicalDpiY):
            return 96
        if metric == m.PdmDepth:
            return 32
        if metric == m.PdmDevicePixelRatio:
            return 1
        if metric == m.PdmDevicePixelRatioScaled:
            return round(QPaintDevice.devicePixelRatioFScale())
        return self._like.metric(metric)


def painter_on(recorder: TextRecorder) -> QPainter:
    return QPainter(recorder)
