"""Component detail (workstation): latency and availability charts, transitions, changes, KB.

Loading is always off the GUI thread: ``show_component``/span buttons post a
request to one loader thread, which keeps only the newest request (clicking
through five components loads the last one, not all five) and hands back a
plain ``History``. A result that arrives for a superseded request is dropped.
The GUI thread only pushes prepared numpy arrays into pyqtgraph items.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt, QThread, Signal
from PySide6.QtGui import QFont, QPainterPath, QPen
from PySide6.QtWidgets import (QButtonGroup, QGraphicsItem, QGraphicsPathItem, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from noc_app.live.history import SPANS, History, load_history
from widgets.theme import look
from widgets.views.chart_style import (AVAILABLE, AXIS, BACKGROUND, ENVELOPE_ALPHA, FOREGROUND, GRID_ALPHA,
                                       SERIES_COLOURS, THRESHOLD, TLS_OFF, UNAVAILABLE)



class _Loader(QThread):
    """One worker thread; a new request replaces any request not yet started."""

    loaded = Signal(int, object)  # request id, History
    failed = Signal(int, str)

    def __init__(self, factory, clock: Callable[[], dt.datetime]):
        super().__init__()
        self._factory = factory
        self._clock = clock
        self._cond = threading.Condition()
        self._pending: tuple[int, str, str] | None = None
        self._closing = False

    def request(self, request_id: int, component_id: str, span: str) -> None:
        with self._cond:
            self._pending = (request_id, component_id, span)
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify()
        self.wait(5000)

    def run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closing:
                    self._cond.wait()
                if self._closing:
                    return
                request_id, component_id, span = self._pending
                self._pending = None
            try:
                with self._factory() as session:
                    history = load_history(session, component_id, span, self._clock())
            except Exception as exc:  # noqa: BLE001 - shown in the view, the thread lives on
                self.failed.emit(request_id, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                continue
            self.loaded.emit(request_id, history)


class ComponentDetailView(QWidget):
    """``show_component(id)``; ``historyShown`` fires after a history is drawn (tests, screenshots)."""

    historyShown = Signal(object)
    loadFailed = Signal(str)

    def __init__(self, factory, parent: QWidget | None = None,
                 clock: Callable[[], dt.datetime] | None = None):
        super().__init__(parent)
        self.setObjectName("componentDetail")
        self.component_id: str | None = None
        self.span = "1h"
        self.history: History | None = None
        self._request_id = 0
        self._loader = _Loader(factory, clock or (lambda: dt.datetime.now(dt.timezone.utc)))
        self._loader.loaded.connect(self._on_loaded)
        self._loader.failed.connect(self._on_failed)
        self._loader.start()
        self._build()

    # --- public ----------------------------------------------------------------
    def show_component(self, component_id: str) -> None:
        self.component_id = component_id
        self.refresh()

    def set_span(self, span: str) -> None:
        if span not in SPANS:
            raise ValueError(span)
        self.span = span
        self._span_buttons[span].setChecked(True)
        self.refresh()

    def refresh(self) -> None:
        """Reload the current component and span (e.g. when new data arrived)."""
        if self.component_id is None:
            return
        self._request_id += 1
        self.status.setText("loading…")
        self._loader.request(self._request_id, self.component_id, self.span)

    def close_loader(self) -> None:
        self._loader.close()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.close_loader()
        super().closeEvent(event)

    # --- layout ----------------------------------------------------------------
    def _build(self) -> None:
        self.setStyleSheet(
            "QPushButton { padding: 4px 12px; background: #22262d; border: 1px solid #3a404a; }"
            "QPushButton:checked { background: #35506b; border-color: #56B4E9; font-weight: bold; }"
            "QTreeWidget { border: none; }")
        self.title = QLabel("No component selected")
        self.title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.status = QLabel("")
        self.status.setStyleSheet("color: #a8acb3;")
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.status)
        group = QButtonGroup(self)
        group.setExclusive(True)
        self._span_buttons: dict[str, QPushButton] = {}
        for span in SPANS:
            button = QPushButton(span.replace("h", " h").replace("d", " d"))
            button.setCheckable(True)
            button.setChecked(span == self.span)
            button.setMinimumWidth(80)
            button.clicked.connect(lambda _=False, s=span: self.set_span(s))
            group.addButton(button)
            top.addWidget(button)
            self._span_buttons[span] = button

        pg.setConfigOptions(antialias=False)  # crisp width-1 lines, cheaper repaints
        self.latency_plot = self._plot("Latency (ms)")
        self.latency_legend = self.latency_plot.addLegend(offset=(10, 5), labelTextColor=FOREGROUND)
        self.availability_plot = self._plot("Availability (%)")
        self.availability_plot.setXLink(self.latency_plot)
        self.availability_plot.setYRange(0, 100, padding=0.02)
        self.availability_plot.setMouseEnabled(x=True, y=False)
        self._series: list[tuple[pg.PlotDataItem, QGraphicsPathItem]] = []
        self._legend_names: list[str] = []
        self._threshold_line = pg.InfiniteLine(
            pos=0, angle=0, movable=False, pen=pg.mkPen(THRESHOLD, width=1, style=Qt.DashLine),
            label="degraded above", labelOpts={"color": THRESHOLD, "position": 0.98,
                                               "anchors": [(1, 1), (1, 1)]})
        self._threshold_line.setVisible(False)
        self.latency_plot.addItem(self._threshold_line, ignoreBounds=True)
        self._bars = (_Bars(pg.mkBrush(AVAILABLE)), _Bars(pg.mkBrush(UNAVAILABLE)))
        for bars in self._bars:
            self.availability_plot.addItem(bars)
        charts = QSplitter(Qt.Vertical)
        charts.addWidget(self.latency_plot)
        charts.addWidget(self.availability_plot)
        charts.setSizes([640, 300])

        self.transitions = self._tree(["When", "Check", "Change", "Reason"])
        self.changes = self._tree(["When", "Change", "Summary", "By"])
        self.articles = QTextBrowser()
        self.articles.setOpenExternalLinks(False)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        for heading, widget, stretch in (("Recent transitions", self.transitions, 2),
                                         ("Recent changes (72 h)", self.changes, 1),
                                         ("Knowledge base", self.articles, 2)):
            label = QLabel(heading)
            label.setStyleSheet("font-weight: bold; margin-top: 6px;")
            side_layout.addWidget(label)
            side_layout.addWidget(widget, stretch)

        body = QSplitter(Qt.Horizontal)
        body.addWidget(charts)
        body.addWidget(side)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        body.setSizes([1300, 620])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(body, 1)

    def _plot(self, label: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(background=BACKGROUND, axisItems={"bottom": pg.DateAxisItem()})
        plot.setLabel("left", label, color=FOREGROUND)
        font = QFont()
        font.setPointSize(11)
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setPen(pg.mkPen(AXIS, width=1))
            plot.getAxis(axis).setTextPen(pg.mkPen(FOREGROUND))
            plot.getAxis(axis).setTickFont(font)
        plot.getAxis("left").setWidth(70)  # equal widths keep both charts' time axes aligned
        # pyqtgraph's axis grid (showGrid) cost 13-17 ms per plot repaint here; _HGrid
        # draws the same horizontal lines at the left axis's ticks in well under 1 ms.
        plot.addItem(_HGrid(plot.getAxis("left"), _colour(FOREGROUND, int(255 * GRID_ALPHA))),
                     ignoreBounds=True)
        plot.setMenuEnabled(False)
        # Ranges are set by hand after each load: no auto-range pass over the data on every
        # item added; draw only what is in view, at most ~one point per pixel (min/max kept).
        plot.disableAutoRange()
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        return plot

    def _tree(self, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(False)
        tree.header().setSectionResizeMode(QHeaderView.ResizeToContents)
        tree.header().setStretchLastSection(True)
        return tree

    # --- results ---------------------------------------------------------------
    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._request_id:
            self.status.setText(f"could not load history: {message}")
            self.loadFailed.emit(message)

    def _on_loaded(self, request_id: int, history: History) -> None:
        if request_id != self._request_id:
            return  # superseded by a newer click
        self.draw_history(history)

    def draw_history(self, history: History) -> None:
        """Draw a loaded history (also used to render the post-mortem's chart offscreen)."""
        self.history = history
        self.title.setText(f"{history.name}  ·  {history.component_id}")
        sources = sorted({src for c in history.checks for src in c.sources})
        unverified = [c.check_key for c in history.checks if not c.tls_verified]
        self.status.setText(f"{len(history.checks)} check(s) · from {', '.join(sources) or 'no data'}"
                            + (f" · {TLS_OFF}: {', '.join(unverified)}" if unverified else ""))
        self._draw_latency(history)
        self._draw_availability(history)
        self._fill_lists(history)
        self.historyShown.emit(history)

    def _draw_latency(self, history: History) -> None:
        # Items are made once and reused (setData / setPath / setPos): removing and adding
        # items, and rebuilding the legend, cost more than the data itself.
        plot = self.latency_plot
        top = 0.0
        names = []
        shown = [check for check in history.checks if len(check.t)]
        while len(self._series) < len(shown):
            colour = SERIES_COLOURS[len(self._series) % len(SERIES_COLOURS)]
            curve = pg.PlotDataItem(pen=pg.mkPen(colour, width=1), connect="finite")
            fill = QGraphicsPathItem()
            fill.setBrush(_alpha(colour, ENVELOPE_ALPHA))
            fill.setPen(pg.mkPen(None))
            plot.addItem(fill)
            plot.addItem(curve)
            fill.setZValue(curve.zValue() - 1)
            self._series.append((curve, fill))
        for index, (curve, fill) in enumerate(self._series):
            if index >= len(shown):
                curve.setData([], [])
                curve.setVisible(False)
                fill.setVisible(False)
                continue
            check = shown[index]
            # Points sit in the middle of their bucket, so lines and bars line up.
            x = check.t + check.bucket_s / 2
            curve.setData(x, check.latency_avg, connect="finite")
            curve.setVisible(True)
            names.append(f"{check.check_key}  {check.target}"
                         + ("" if check.tls_verified else f"  {TLS_OFF}"))
            # An envelope only where points stand for several results.
            fill.setPath(_envelope_path(x, check.latency_min, check.latency_max)
                         if check.bucket_s else QPainterPath())
            fill.setVisible(bool(check.bucket_s))
            top = max(top, float(np.nanmax(check.latency_max, initial=0.0)))
        if names != self._legend_names:  # the legend's layout is rebuilt only when it changes
            self.latency_legend.clear()
            for (curve, _fill), name in zip(self._series, names):
                self.latency_legend.addItem(curve, name)
            self._legend_names = names
        threshold = history.degraded_ms
        line = self._threshold_line
        line.setVisible(threshold is not None)
        if threshold is not None:  # visible first: a hidden label ignores a new format
            line.setPos(threshold)
            label = f"degraded above {threshold:g} ms"
            if line.label.format != label:
                line.label.setFormat(label)
        _set_range(plot, (history.start.timestamp(), history.end.timestamp()),
                   (0, max(top, threshold or 0.0, 1.0) * 1.08))

    def _draw_availability(self, history: History) -> None:
        plot = self.availability_plot
        if not len(history.avail_t):
            for bars in self._bars:
                bars.set_rects([])
            _set_title(plot, "Availability: no data")
            return
        # Gaps between bars only while bars are wide; 168 of them would shimmer.
        width = history.avail_bucket_s * (0.85 if len(history.avail_t) <= 100 else 1.0)
        x = history.avail_t + history.avail_bucket_s / 2
        pct = history.availability
        # Every bucket is a full-height bar split into available and not, so a
        # total outage is a solid red bar rather than a missing one.
        left = x - width / 2
        for bars, y0, height in zip(self._bars, (np.zeros_like(pct), pct), (pct, 100.0 - pct)):
            bars.set_rects([QRectF(x0, b, width, h)
                            for x0, b, h in zip(left.tolist(), y0.tolist(), height.tolist()) if h > 0])
        total = float(np.mean(pct))
        worst = float(np.min(pct))
        _set_title(plot, f"{total:.2f} % available over {history.span} · worst bucket {worst:.0f} %")

    def _fill_lists(self, history: History) -> None:
        self.transitions.clear()
        for t in history.transitions:
            item = QTreeWidgetItem([_when(t.at), t.check_key,
                                    f"{look(t.from_status).symbol} {t.from_status.value} → "
                                    f"{look(t.to_status).symbol} {t.to_status.value}"
                                    + ("  (flapping)" if t.flapping else ""),
                                    t.reason or ""])
            item.setForeground(2, pg.mkColor(look(t.to_status).colour).lighter(130))
            self.transitions.addTopLevelItem(item)
        self.changes.clear()
        for c in history.changes:
            self.changes.addTopLevelItem(QTreeWidgetItem([_when(c.at), c.id, c.summary, c.author]))
        if not history.changes:
            self.changes.addTopLevelItem(QTreeWidgetItem(["", "", "no changes in the last 72 h", ""]))
        html = "".join(
            f"<p><b>{_escape(a.title)}</b> <span style='color:#a8acb3'>({_escape(a.id)})</span><br>"
            f"{_escape(a.solution)}</p>" for a in history.articles
        )
        self.articles.setHtml(html or "<p style='color:#a8acb3'>No linked articles.</p>")


def _set_range(plot: pg.PlotWidget, x: tuple[float, float], y: tuple[float, float]) -> None:
    """Set both ranges in one call, and not at all when unchanged (no re-layout, no re-tick)."""
    view = plot.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = view.viewRange()
    if (x0, x1, y0, y1) != (*x, *y):
        view.setRange(xRange=x, yRange=y, padding=0)


def _set_title(plot: pg.PlotWidget, text: str) -> None:
    item = plot.getPlotItem()
    if item.titleLabel.text != text or not item.titleLabel.isVisible():
        item.setTitle(text, color=FOREGROUND)


class _Bars(QGraphicsItem):
    """Axis-aligned filled rectangles in data coordinates, drawn with one ``drawRects``.

    A ``QPainterPath`` of 168 rectangles took ~17 ms to fill (each subpath is rasterised
    on its own); ``drawRects`` takes the raster engine's rectangle fill path, ~0.3 ms."""

    def __init__(self, brush) -> None:
        super().__init__()
        self._rects: list[QRectF] = []
        self._brush = brush
        self._bounds = QRectF()

    def set_rects(self, rects: list[QRectF]) -> None:
        self.prepareGeometryChange()
        self._rects = rects
        bounds = QRectF()
        for rect in rects:
            bounds = bounds.united(rect)
        self._bounds = bounds
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def paint(self, painter, option, widget=None) -> None:
        if self._rects:
            painter.setPen(Qt.NoPen)
            painter.setBrush(self._brush)
            painter.drawRects(self._rects)


class _HGrid(pg.GraphicsObject):
    """Horizontal grid lines at the left axis's tick values, across the visible x range."""

    def __init__(self, axis: pg.AxisItem, colour) -> None:
        super().__init__()
        self._axis = axis
        self._pen = QPen(colour)
        self._pen.setWidth(0)
        self._pen.setCosmetic(True)
        self.setZValue(-1000)

    def viewRangeChanged(self) -> None:  # noqa: N802 - pyqtgraph hook
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        view = self.getViewBox()
        return QRectF(view.viewRect()) if view is not None else QRectF()

    def paint(self, painter, option, widget=None) -> None:
        rect = self.boundingRect()
        low, high = sorted((rect.top(), rect.bottom()))
        if not high > low:
            return
        pixels = max(self._axis.height(), 1.0)
        levels = self._axis.tickValues(low, high, pixels)
        # A line per tick of the levels at least 30 px apart (the major level always).
        lines = [QLineF(rect.left(), y, rect.right(), y)
                 for level, (spacing, values) in enumerate(levels)
                 if level == 0 or spacing * pixels / (high - low) >= 30
                 for y in values if low <= y <= high]
        if lines:
            painter.setPen(self._pen)
            painter.drawLines(lines)


def _envelope_path(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> QPainterPath:
    """One closed polygon per run of finite points (an outage splits the band)."""
    finite = ~(np.isnan(low) | np.isnan(high))
    edges = np.flatnonzero(np.diff(np.r_[False, finite, False].astype(int)))
    xs, ys, connect = [], [], []
    for start, stop in zip(edges[::2], edges[1::2]):
        xs += [x[start:stop], x[start:stop][::-1]]
        ys += [high[start:stop], low[start:stop][::-1]]
        join = np.ones(2 * (stop - start), dtype=bool)
        join[-1] = False  # end of this polygon: do not join to the next
        connect.append(join)
    if not xs:
        return QPainterPath()
    return pg.arrayToQPath(np.concatenate(xs), np.concatenate(ys), connect=np.concatenate(connect))


def _colour(colour: str, alpha: int):
    c = pg.mkColor(colour)
    c.setAlpha(alpha)
    return c


def _alpha(colour: str, alpha: int):
    return pg.mkBrush(_colour(colour, alpha))


def _when(at: dt.datetime) -> str:
    local = at.astimezone()
    today = dt.datetime.now().astimezone().date()
    return local.strftime("%H:%M:%S" if local.date() == today else "%a %d %b %H:%M")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
