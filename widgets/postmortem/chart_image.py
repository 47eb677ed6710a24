"""The post-mortem's chart: QPainter on a QImage, with QtGui only.

For each component of the request (cause first): a title line, then the
latency chart (each check's average line over its min–max band, the
"degraded above" threshold, a legend) and the availability chart (every
bucket a full-height bar, available green under unavailable red, the
window's availability as its title), both over the incident window with
the moments that matter (impact started, detected, restored) as labelled
dashed lines. The colours and the drawing rules are the component detail
view's (``widgets/views/chart_style.py``).

Why not that view's own pyqtgraph code, as before: in a fresh ``export``
process it cost ~0.6 s of CPU (importing pyqtgraph ~0.3 s, QtWidgets and a
QApplication, building the view, grabbing its widgets), more than half of
the 1 s the HTML export may take; this costs ~0.1 s. And a QImage may be
painted on any thread while widgets may not, so "Export…" in the GUI draws
the chart in its worker instead of on the GUI thread.
"""

from __future__ import annotations

import threading

import numpy as np

from noc_app.postmortem.chart import ChartRequest
from widgets.postmortem.chart_ticks import time_ticks, value_label, value_ticks, zone_name
from widgets.views.chart_style import (AVAILABLE, AXIS, BACKGROUND, ENVELOPE_ALPHA, FOREGROUND, GRID_ALPHA,
                                       SERIES_COLOURS, THRESHOLD, TLS_OFF, UNAVAILABLE)

WIDTH = 820  # about the size the report shows it (660 px in HTML, A4 text width in PDF): legible text
TITLE_H = 32
LATENCY_H = 232
AVAILABILITY_H = 150
LEFT = 74  # the value axis: the same on both charts, so their time axes line up
RIGHT = 14
AXIS_H = 26  # time labels under a chart
MARK_COLOUR = "#F0F0F0"
LEGEND_TOP = 6  # px from the latency chart's top
LEGEND_ROW = 18
FONT = "DejaVu Sans"


def ensure_application():
    """A QGuiApplication for fonts (headless commands: offscreen); None on a thread that cannot make one."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None and threading.current_thread() is threading.main_thread():
        from widgets.reports.pdf import ensure_gui_application

        app = ensure_gui_application()
    return app


def render_chart(request: ChartRequest) -> bytes | None:
    """PNG bytes of every component's charts, stacked, with a title line each. Any thread."""
    if ensure_application() is None:
        return None
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage, QPainter

    block = TITLE_H + LATENCY_H + AVAILABILITY_H
    image = QImage(WIDTH, block * len(request.histories), QImage.Format.Format_RGB32)
    image.fill(QColor(BACKGROUND))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        for index, (history, role) in enumerate(zip(request.histories, request.roles)):
            _Block(painter, request, history, role, index * block).draw()
    finally:
        painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def availability_title(history, start: float, end: float) -> str:
    inside = (history.avail_t >= start - history.avail_bucket_s) & (history.avail_t <= end)
    if not inside.any():
        return "Availability: no data in this window"
    pct = history.availability[inside]
    return f"{float(np.mean(pct)):.2f} % available over this window · worst bucket {float(np.min(pct)):.0f} %"


class _Block:
    """One component: title, latency chart, availability chart."""

    def __init__(self, painter, request: ChartRequest, history, role: str, top: int):
        from PySide6.QtCore import QRectF

        self.p = painter
        self.request = request
        self.history = history
        self.role = role
        self.top = top
        self.x0, self.x1 = request.start.timestamp(), request.end.timestamp()
        latency_top = top + TITLE_H + 6
        self.latency = QRectF(LEFT, latency_top, WIDTH - LEFT - RIGHT, LATENCY_H - AXIS_H - 6)
        availability_top = top + TITLE_H + LATENCY_H + 24  # room for its title line
        self.availability = QRectF(LEFT, availability_top, WIDTH - LEFT - RIGHT, AVAILABILITY_H - AXIS_H - 24)

    # --- helpers ----------------------------------------------------------------
    def x(self, t):
        """Epoch seconds (scalar or array) to image x."""
        plot = self.latency
        return plot.left() + (t - self.x0) / (self.x1 - self.x0) * plot.width()

    @staticmethod
    def y(rect, value, low: float, high: float):
        return rect.bottom() - (value - low) / (high - low) * rect.height()

    def font(self, px: int, bold: bool = False):
        from PySide6.QtGui import QFont

        font = QFont(FONT)
        font.setPixelSize(px)
        font.setBold(bold)
        return font

    def pen(self, colour: str, width: float = 1.0, dashed: bool = False, alpha: int = 255):
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QColor, QPen

        c = QColor(colour)
        c.setAlpha(alpha)
        pen = QPen(c, width)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen

    # --- drawing ----------------------------------------------------------------
    def draw(self) -> None:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QColor

        p = self.p
        h = self.history
        p.setPen(QColor(FOREGROUND))
        p.setFont(self.font(17, bold=True))
        p.drawText(QRectF(12, self.top, WIDTH - 24, TITLE_H), Qt.AlignmentFlag.AlignVCenter,
                   f"{h.name}  ·  {h.component_id}  ·  {self.role}")
        high = self._latency_range()
        lat_ticks = value_ticks(0.0, high, self.latency.height())
        self._frame(self.latency, "Latency (ms)", lat_ticks, 0.0, high)
        self._latency_series(high)
        self._threshold(high)
        self._marks(self.latency, labelled=True)
        self._legend()
        p.setPen(QColor(FOREGROUND))
        p.setFont(self.font(14))
        p.drawText(QRectF(LEFT, self.availability.top() - 24, self.availability.width(), 22),
                   Qt.AlignmentFlag.AlignCenter, availability_title(h, self.x0, self.x1))
        avail_ticks = value_ticks(0.0, 100.0, self.availability.height(), min_gap_px=24) or [0.0, 100.0]
        self._frame(self.availability, "Availability (%)", avail_ticks, 0.0, 100.0, grid=False)
        self._bars()
        self._marks(self.availability, labelled=False)

    def _latency_range(self) -> float:
        """The value at the chart's top: the data stays below the legend, which would hide it."""
        top = 0.0
        shown = [check for check in self.history.checks if len(check.t)]
        for check in shown:
            top = max(top, float(np.nanmax(check.latency_max, initial=0.0)))
        legend = LEGEND_TOP + LEGEND_ROW * len(shown) + 6 + 6 if shown else 0
        return max(top, self.history.degraded_ms or 0.0, 1.0) * 1.05 / (1 - legend / self.latency.height())

    def _frame(self, rect, label: str, ticks: list[float], low: float, high: float, grid: bool = True) -> None:
        """Value axis with its label, horizontal grid lines, the time axis under the chart."""
        from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
        from PySide6.QtGui import QColor

        p = self.p
        small = self.font(13)
        p.setFont(small)
        for value in ticks:
            y = round(self.y(rect, value, low, high)) + 0.5
            if grid and value > low:
                p.setPen(self.pen(FOREGROUND, alpha=int(255 * GRID_ALPHA)))
                p.drawLine(QLineF(rect.left(), y, rect.right(), y))
            p.setPen(QColor(FOREGROUND))
            p.drawText(QRectF(0, y - 9, LEFT - 8, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       value_label(value))
        p.save()
        p.setFont(self.font(12))
        p.translate(QPointF(13, rect.center().y()))
        p.rotate(-90)
        p.drawText(QRectF(-rect.height() / 2 - 20, -8, rect.height() + 40, 16), Qt.AlignmentFlag.AlignCenter, label)
        p.restore()
        p.setPen(self.pen(AXIS))
        p.drawLine(QLineF(rect.left() - 0.5, rect.top(), rect.left() - 0.5, rect.bottom() + 0.5))
        p.drawLine(QLineF(rect.left() - 0.5, rect.bottom() + 0.5, rect.right(), rect.bottom() + 0.5))
        p.setFont(small)
        for at, text in time_ticks(self.x0, self.x1, rect.width()):
            x = round(self.x(at)) + 0.5
            if x + 30 > WIDTH:
                continue  # its label would be cut by the image's edge
            p.setPen(self.pen(AXIS))
            p.drawLine(QLineF(x, rect.bottom() + 0.5, x, rect.bottom() + 5))
            p.setPen(QColor(FOREGROUND))
            p.drawText(QRectF(x - 40, rect.bottom() + 5, 80, AXIS_H - 6), Qt.AlignmentFlag.AlignCenter, text)
        p.setFont(self.font(11))
        p.setPen(QColor("#a8acb3"))
        p.drawText(QRectF(4, rect.bottom() + 5, LEFT - 12, AXIS_H - 6),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, zone_name(self.x0))

    def _latency_series(self, high: float) -> None:
        from PySide6.QtGui import QColor

        p = self.p
        p.save()
        p.setClipRect(self.latency)
        for index, check in enumerate(c for c in self.history.checks if len(c.t)):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            # Points sit in the middle of their bucket, so lines and bars line up.
            xs = self.x(check.t + check.bucket_s / 2)
            if check.bucket_s:  # a band only where a point stands for several results
                band = QColor(colour)
                band.setAlpha(ENVELOPE_ALPHA)
                p.setPen(self.pen(colour, alpha=0))
                p.setBrush(band)
                for run in _finite_runs(check.latency_min, check.latency_max):
                    top = self.y(self.latency, check.latency_max[run], 0.0, high)
                    bottom = self.y(self.latency, check.latency_min[run], 0.0, high)
                    p.drawPolygon(_polygon(np.r_[xs[run], xs[run][::-1]], np.r_[top, bottom[::-1]]))
            p.setPen(self.pen(colour, 1.3))
            for run in _finite_runs(check.latency_avg):
                p.drawPolyline(_polygon(xs[run], self.y(self.latency, check.latency_avg[run], 0.0, high)))
        p.restore()

    def _threshold(self, high: float) -> None:
        from PySide6.QtCore import QLineF, QRectF, Qt
        from PySide6.QtGui import QColor

        threshold = self.history.degraded_ms
        if threshold is None:
            return
        p = self.p
        y = round(self.y(self.latency, threshold, 0.0, high)) + 0.5
        p.setPen(self.pen(THRESHOLD, dashed=True))
        p.drawLine(QLineF(self.latency.left(), y, self.latency.right(), y))
        p.setPen(QColor(THRESHOLD))
        p.setFont(self.font(12))
        p.drawText(QRectF(self.latency.left(), y - 18, self.latency.width() - 4, 16),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, f"degraded above {threshold:g} ms")

    def _marks(self, rect, labelled: bool) -> None:
        """The moments as dashed lines; on the latency chart with their names, stepped down so
        two moments a minute apart stay readable."""
        from PySide6.QtCore import QLineF, QRectF, Qt
        from PySide6.QtGui import QColor, QFontMetricsF

        p = self.p
        font = self.font(13)
        metrics = QFontMetricsF(font)
        for number, (at, label) in enumerate(self.request.marks):
            t = at.timestamp()
            if not self.x0 <= t <= self.x1:
                continue
            x = round(self.x(t)) + 0.5
            p.setPen(self.pen(MARK_COLOUR, dashed=True))
            p.drawLine(QLineF(x, rect.top(), x, rect.bottom()))
            if not labelled:
                continue
            width = metrics.horizontalAdvance(label) + 8
            y = rect.bottom() - (0.62 - 0.14 * number) * rect.height()
            left = x + 3 if x + 3 + width <= rect.right() else x - 3 - width  # near the right edge: on the left
            box = QRectF(left, y - 9, width, 18)
            p.fillRect(box, QColor(BACKGROUND))
            p.setPen(QColor(MARK_COLOUR))
            p.setFont(font)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    def _legend(self) -> None:
        from PySide6.QtCore import QLineF, QRectF, Qt
        from PySide6.QtGui import QColor, QFontMetricsF

        names = [(f"{c.check_key}  {c.target}" + ("" if c.tls_verified else f"  {TLS_OFF}"),
                  SERIES_COLOURS[i % len(SERIES_COLOURS)])
                 for i, c in enumerate(c for c in self.history.checks if len(c.t))]
        if not names:
            return
        p = self.p
        font = self.font(12)
        metrics = QFontMetricsF(font)
        row = LEGEND_ROW
        width = min(max(metrics.horizontalAdvance(n) for n, _ in names) + 40, self.latency.width() - 20)
        box = QRectF(self.latency.left() + 10, self.latency.top() + LEGEND_TOP, width, row * len(names) + 6)
        fill = QColor(BACKGROUND)
        fill.setAlpha(200)
        p.fillRect(box, fill)
        p.setPen(self.pen(AXIS))
        p.drawRect(box)
        p.setFont(font)
        for i, (name, colour) in enumerate(names):
            y = box.top() + 3 + i * row + row / 2
            p.setPen(self.pen(colour, 2))
            p.drawLine(QLineF(box.left() + 8, y, box.left() + 26, y))
            p.setPen(QColor(FOREGROUND))
            p.drawText(QRectF(box.left() + 32, y - row / 2, box.width() - 36, row),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       metrics.elidedText(name, Qt.TextElideMode.ElideRight, box.width() - 36))

    def _bars(self) -> None:
        """Every bucket a full-height bar split into available and not, so a total outage is a
        solid red bar rather than a missing one."""
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QColor, QPainter

        h = self.history
        if not len(h.avail_t):
            return
        rect = self.availability
        # Gaps between bars only while bars are wide; 168 of them would shimmer.
        width = h.avail_bucket_s * (0.85 if len(h.avail_t) <= 100 else 1.0)
        left = self.x(h.avail_t + (h.avail_bucket_s - width) / 2)
        right = self.x(h.avail_t + (h.avail_bucket_s + width) / 2)
        split = self.y(rect, h.availability, 0.0, 100.0)
        p = self.p
        p.save()
        p.setClipRect(rect)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # crisp bar edges
        p.setPen(Qt.PenStyle.NoPen)
        for colour, tops, bottoms in ((AVAILABLE, split, np.full_like(split, rect.bottom())),
                                      (UNAVAILABLE, np.full_like(split, rect.top()), split)):
            p.setBrush(QColor(colour))
            p.drawRects([QRectF(x0, y0, x1 - x0, y1 - y0)
                         for x0, x1, y0, y1 in zip(left.tolist(), right.tolist(), tops.tolist(), bottoms.tolist())
                         if y1 - y0 > 0.01])
        p.restore()


def _finite_runs(*series: np.ndarray) -> list[slice]:
    """Slices of consecutive points where every series is finite (an outage splits a line)."""
    finite = np.ones(len(series[0]), dtype=bool)
    for values in series:
        finite &= np.isfinite(values)
    edges = np.flatnonzero(np.diff(np.r_[False, finite, False].astype(np.int8)))
    return [slice(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def _polygon(xs: np.ndarray, ys: np.ndarray):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPolygonF

    return QPolygonF([QPointF(x, y) for x, y in zip(xs.tolist(), ys.tolist())])
