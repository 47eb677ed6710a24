"""The report chart (QPainter on a QImage): what it draws where, on any thread, with QtGui only."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from noc_app.live.history import CheckHistory, History
from noc_app.postmortem.chart import ChartRequest
from widgets.postmortem import chart_image as ci
from widgets.postmortem.chart_ticks import time_ticks, value_ticks
from widgets.views.chart_style import AVAILABLE, BACKGROUND, SERIES_COLOURS, UNAVAILABLE

ROOT = Path(__file__).resolve().parents[1]
UTC = dt.timezone.utc
START = dt.datetime(2026, 11, 23, 14, 38, tzinfo=UTC)
END = START + dt.timedelta(minutes=127)
DOWN_FROM, DOWN_TO = START + dt.timedelta(minutes=15), START + dt.timedelta(minutes=112)


def _history(component_id: str, checks: int = 1, degraded_ms: float | None = 800.0) -> History:
    """One sample a minute; DOWN (no latency, 0 % available) between DOWN_FROM and DOWN_TO."""
    t = np.arange(START.timestamp(), END.timestamp(), 60.0)
    down = (t >= DOWN_FROM.timestamp()) & (t < DOWN_TO.timestamp())
    series = []
    for n in range(checks):
        avg = np.where(down, np.nan, 40.0 + 10 * n + 5 * np.sin(t / 300))
        series.append(CheckHistory(f"{component_id}#{n}", f"https://{component_id}.example/health", degraded_ms,
                                   60.0, t, avg - 5, avg, avg + 20, t, np.ones_like(t),
                                   down.astype(float), ("samples",)))
    return History(component_id, component_id.upper(), "window", START, END, tuple(series),
                   avail_bucket_s=60.0, avail_t=t, availability=np.where(down, 0.0, 100.0))


def _request(*histories: History) -> ChartRequest:
    return ChartRequest(START, END, histories, tuple("cause" if i == 0 else "affected" for i in range(len(histories))),
                        ((DOWN_FROM, "impact started"), (DOWN_FROM + dt.timedelta(minutes=2), "detected"),
                         (DOWN_TO, "restored")))


def _image(png: bytes) -> QImage:
    image = QImage()
    assert image.loadFromData(png, "PNG")
    return image


def _colour_at(image: QImage, x: float, y: float) -> str:
    return QColor(image.pixel(int(x), int(y))).name()


def _near(colour: str, palette) -> bool:
    """Within antialiasing of one of ``palette`` (a line's edge pixels are blends)."""
    c = QColor(colour)
    return any(abs(c.red() - p.red()) + abs(c.green() - p.green()) + abs(c.blue() - p.blue()) < 120
               for p in map(QColor, palette))


def test_bars_lines_and_blocks_are_where_the_data_says(qapp):
    request = _request(_history("db-main", checks=2), _history("api", degraded_ms=None))
    image = _image(ci.render_chart(request))
    block = ci.TITLE_H + ci.LATENCY_H + ci.AVAILABILITY_H
    assert (image.width(), image.height()) == (ci.WIDTH, 2 * block)
    drawer = ci._Block(None, request, request.histories[0], "cause", 0)
    bars = drawer.availability
    middle_y = bars.center().y()
    # The outage is red, before and after it green, in both components' availability charts.
    for top in (0, block):
        y = middle_y + top
        assert _colour_at(image, drawer.x((DOWN_FROM.timestamp() + DOWN_TO.timestamp()) / 2), y) == UNAVAILABLE.lower()
        assert _colour_at(image, drawer.x(START.timestamp() + 300), y) == AVAILABLE.lower()
        assert _colour_at(image, drawer.x(END.timestamp() - 300), y) == AVAILABLE.lower()
    # The latency chart has a line in each series' colour; during the outage no line is drawn through the gap.
    colours = {QColor(image.pixel(x, y)).name() for x in range(int(drawer.latency.left()), int(drawer.latency.right()))
               for y in range(int(drawer.latency.top()), int(drawer.latency.bottom()))}
    assert {SERIES_COLOURS[0].lower(), SERIES_COLOURS[1].lower()} <= colours
    gap_x = int(drawer.x(DOWN_FROM.timestamp() + 1800))
    column = {_colour_at(image, gap_x, y) for y in range(int(drawer.latency.top()) + 40, int(drawer.latency.bottom()) - 2)}
    assert BACKGROUND.lower() in column and not any(_near(c, SERIES_COLOURS[:2]) for c in column), column


def test_odd_histories_are_drawn_without_error(qapp):
    empty = History("x", "X", "window", START, END, (), avail_bucket_s=60.0)
    raw = _history("raw")
    raw = History(raw.component_id, raw.name, "window", START, END,
                  tuple(CheckHistory(c.check_key, c.target, None, 0.0, c.t, c.latency_avg, c.latency_avg,
                                     c.latency_avg, c.avail_t, c.avail_count, c.avail_failures, c.sources,
                                     tls_verified=False) for c in raw.checks),
                  avail_bucket_s=60.0, avail_t=raw.avail_t, availability=raw.availability)
    all_nan = _history("down")
    all_nan.checks[0].latency_avg[:] = np.nan
    image = _image(ci.render_chart(_request(empty, raw, all_nan)))
    assert image.height() == 3 * (ci.TITLE_H + ci.LATENCY_H + ci.AVAILABILITY_H)
    assert ci.availability_title(empty, START.timestamp(), END.timestamp()) == "Availability: no data in this window"


def test_drawn_on_a_worker_thread_it_is_the_same_picture(qapp):
    request = _request(_history("db-main", checks=2))
    here = ci.render_chart(request)
    there = []
    worker = threading.Thread(target=lambda: there.append(ci.render_chart(request)))
    worker.start()
    worker.join(30)
    assert there and _image(there[0]) == _image(here)


def test_the_renderer_loads_no_widgets_and_no_pyqtgraph():
    code = ("import sys\n"
            "from widgets.postmortem.chart_image import render_chart, ensure_application\n"
            "ensure_application()\n"
            "print(sorted(m for m in sys.modules if m in ('pyqtgraph', 'PySide6.QtWidgets')))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("span_min, step_min", [(127, 15), (30, 5), (6 * 60, 60), (3, 1)])
def test_time_ticks_fall_on_whole_local_minutes(span_min, step_min):
    start = START.timestamp()
    ticks = time_ticks(start, start + span_min * 60, 700, tz=UTC)
    assert ticks and all(at % (step_min * 60) == 0 for at, _ in ticks)
    assert ticks[0][0] >= start and all(len(label) == 5 for _, label in ticks)


def test_value_ticks_are_round_and_not_crowded():
    assert value_ticks(0, 972, 190) == [0, 200, 400, 600, 800]
    assert value_ticks(0, 100, 100, min_gap_px=24) == [0, 25, 50, 75, 100]
    assert value_ticks(0, 1.08, 190)[:3] == [0, 0.25, 0.5]
