"""The post-mortem's chart, drawn offscreen by the component detail view's own chart code.

For each component of the request (cause first) the detail view draws its
latency and availability charts, ranged to the incident window with the
moments that matter (impact started, detected, restored) as labelled lines;
the plots are grabbed and stacked into one PNG for the report.
"""

from __future__ import annotations

import os

import numpy as np

from noc_app.postmortem.chart import ChartRequest

WIDTH = 820  # about the size the report shows it (660 px in HTML, A4 text width in PDF): legible text
LATENCY_H = 230
AVAILABILITY_H = 125
TITLE_H = 30
MARK_COLOUR = "#F0F0F0"


def ensure_application():
    """Widgets need a QApplication; headless commands get the offscreen platform."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None and not isinstance(app, QApplication):
        return None  # a QGuiApplication (a PDF written first in this process): no widgets possible
    if app is None:
        if not (os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY")
                or os.environ.get("WAYLAND_DISPLAY")):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication(["vigil-noc-report"])
    return app


def _availability_title(history, start: float, end: float) -> str:
    inside = (history.avail_t >= start - history.avail_bucket_s) & (history.avail_t <= end)
    if not inside.any():
        return "Availability: no data in this window"
    pct = history.availability[inside]
    return f"{float(np.mean(pct)):.2f} % available over this window · worst bucket {float(np.min(pct)):.0f} %"


def render_chart(request: ChartRequest) -> bytes | None:
    """PNG bytes of every component's charts, stacked, with a title line each."""
    if ensure_application() is None:
        return None
    import pyqtgraph as pg
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from widgets.views.component_detail import BACKGROUND, FOREGROUND, ComponentDetailView

    view = ComponentDetailView(factory=None)
    view.resize(WIDTH + 600, LATENCY_H + AVAILABILITY_H + 120)  # never shown: grabbed offscreen
    start, end = request.start.timestamp(), request.end.timestamp()
    block = TITLE_H + LATENCY_H + AVAILABILITY_H
    image = QImage(WIDTH, block * len(request.histories), QImage.Format.Format_RGB32)
    image.fill(QColor(BACKGROUND))
    painter = QPainter(image)
    title_font = QFont("DejaVu Sans")
    title_font.setPixelSize(17)
    title_font.setBold(True)
    try:
        for index, (history, role) in enumerate(zip(request.histories, request.roles)):
            view.draw_history(history)
            lines = []
            for plot in (view.latency_plot, view.availability_plot):
                plot.setXRange(start, end, padding=0)
                for number, (at, label) in enumerate(request.marks):
                    # Labels stepped down the chart: two moments a minute apart stay readable.
                    line = pg.InfiniteLine(at.timestamp(), angle=90, movable=False,
                                           pen=pg.mkPen(MARK_COLOUR, width=1, style=Qt.PenStyle.DashLine),
                                           label=label if plot is view.latency_plot else None,
                                           labelOpts={"color": MARK_COLOUR, "position": 0.62 - 0.14 * number,
                                                      "anchors": [(0, 0.5), (0, 0.5)],
                                                      "fill": pg.mkBrush(BACKGROUND)})
                    plot.addItem(line, ignoreBounds=True)
                    lines.append((plot, line))
            view.availability_plot.setTitle(_availability_title(history, start, end), color=FOREGROUND)
            for plot, height in ((view.latency_plot, LATENCY_H), (view.availability_plot, AVAILABILITY_H)):
                plot.resize(WIDTH, height)
            QApplication.processEvents()
            top = index * block
            painter.setPen(QColor(FOREGROUND))
            painter.setFont(title_font)
            painter.drawText(QRect(12, top, WIDTH - 24, TITLE_H), Qt.AlignmentFlag.AlignVCenter,
                             f"{history.name}  ·  {history.component_id}  ·  {role}")
            painter.drawPixmap(0, top + TITLE_H, view.latency_plot.grab().scaled(
                WIDTH, LATENCY_H, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation))
            painter.drawPixmap(0, top + TITLE_H + LATENCY_H, view.availability_plot.grab().scaled(
                WIDTH, AVAILABILITY_H, Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            for plot, line in lines:
                plot.removeItem(line)
    finally:
        painter.end()
        view.close_loader()
        view.deleteLater()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())
