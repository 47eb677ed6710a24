"""The unattended wall: frameless full screen, rotating views, a clock and a loud data age.

Nobody touches this window: everything it needs to say, it paints. Text is
sized from the screen (see ``widgets.wall.stale.wall_text_px``) and every
child inherits that font, so views scale with the screen, not the desk.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from noc_app.domain import SEVERITY_ORDER, Status
from widgets.board_store import BoardStore
from widgets.theme import AT_RISK, LOOKS
from widgets.wall.stale import DataAge, StaleWatch, stale_threshold_for, wall_text_px
from widgets.wall.tiles import timer

ALARM = QColor("#D55E00")
HEADER_BG = QColor("#22262d")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _since_process_start() -> float:
    """Seconds since this process started (Linux /proc, 10 ms resolution; else since this module loaded)."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        import time
        return time.perf_counter() - _LOADED


_LOADED = __import__("time").perf_counter()


class _FirstPaintReporter(QObject):
    """``NOC_REPORT_FIRST_PAINT=1`` (bench/bench_startup.py): print ``first-paint <s>`` once the
    shown view has been painted, and ``wall-complete <s>`` once a view that paints its first
    layout over several frames (the component wall) has all of it on screen; seconds since
    the process started, on stdout, once each."""

    def __init__(self, window: QWidget, views):
        super().__init__(window)
        self.views = list(views)
        self.first = self.complete = False
        for view in self.views:
            view.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and not (self.first and self.complete):
            QTimer.singleShot(0, lambda v=obj: self._after_paint(v))  # after the paint has completed
        return False

    def _after_paint(self, view) -> None:
        if not self.first:
            self.first = True
            print(f"first-paint {_since_process_start():.3f}", flush=True)
        done = getattr(view, "layout_complete", None)
        if not self.complete and (done is None or done()):
            self.complete = True
            print(f"wall-complete {_since_process_start():.3f}", flush=True)


class WallHeader(QWidget):
    """Clock, view name, totals and data age; one full-width alarm when data is stale."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view_label = ""
        self.totals: list[tuple[Status, int]] = []
        self.data_age = DataAge(None, False, "waiting for data…")
        self.last_data_local = ""
        self.clock = ""
        self.blink = False
        self._update_height()

    @property
    def is_loud(self) -> bool:
        return self.data_age.stale

    def set_state(self, *, view_label: str, totals, data_age: DataAge, clock: str, last_data_local: str) -> None:
        was_loud = self.is_loud
        self.view_label, self.totals, self.data_age = view_label, totals, data_age
        self.clock, self.last_data_local = clock, last_data_local
        self.blink = not self.blink if data_age.stale else False
        if was_loud != self.is_loud:
            self._update_height()
        self.update()

    def _update_height(self) -> None:
        px = QFontMetrics(self.font()).height()
        # Stale data takes a band three times as tall: it must be seen from the door.
        self.setFixedHeight(round(px * (3.6 if self.is_loud else 1.7)))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        self._update_height()

    def _font(self, scale: float, bold: bool = True) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(1, round(font.pixelSize() * scale if font.pixelSize() > 0
                                       else QFontMetrics(font).height() * 0.8 * scale)))
        font.setBold(bold)
        return font

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        r = self.rect()
        pad = QFontMetrics(self.font()).height() // 2
        inner = r.adjusted(pad, 0, -pad, 0)
        middle = Qt.AlignmentFlag.AlignVCenter
        clock_font = self._font(1.3)
        if self.is_loud:
            # Inverts every second (1 Hz, far below flash-risk rates): movement is what
            # catches an eye that has learnt to ignore a static screen.
            bg, fg = (QColor("#FFFFFF"), QColor("#000000")) if self.blink else (ALARM, QColor("#FFFFFF"))
            p.fillRect(r, bg)
            p.setPen(fg)
            p.setFont(clock_font)
            p.drawText(inner, Qt.AlignmentFlag.AlignRight | middle, self.clock)
            clock_w = QFontMetrics(clock_font).horizontalAdvance(self.clock) + pad * 2
            big = self._font(2.2)
            p.setFont(big)
            text = f"⚠ {self.data_age.text}"
            p.drawText(inner.adjusted(0, 0, -clock_w, -r.height() // 3), Qt.AlignmentFlag.AlignLeft | middle, text)
            small = self._font(1.0)
            p.setFont(small)
            since = f" (last data {self.last_data_local})" if self.last_data_local else ""
            p.drawText(inner.adjusted(0, r.height() * 2 // 3, -clock_w, 0), Qt.AlignmentFlag.AlignLeft | middle,
                       f"THIS WALL IS NOT LIVE{since}: the statuses below are old")
            p.end()
            return
        p.fillRect(r, HEADER_BG)
        p.setFont(clock_font)
        p.setPen(QColor("#FFFFFF"))
        p.drawText(inner, Qt.AlignmentFlag.AlignRight | middle, self.clock)
        x_right = inner.right() - QFontMetrics(clock_font).horizontalAdvance(self.clock) - pad * 2
        regular = self._font(1.0, bold=False)
        p.setFont(regular)
        p.setPen(QColor("#c8d0d8"))
        age_w = QFontMetrics(regular).horizontalAdvance(self.data_age.text)
        p.drawText(QRect(x_right - age_w, r.top(), age_w, r.height()), middle, self.data_age.text)
        x_right -= age_w + pad * 2
        title = self._font(1.3)
        p.setFont(title)
        p.setPen(QColor("#FFFFFF"))
        p.drawText(inner, Qt.AlignmentFlag.AlignLeft | middle, self.view_label)
        x = inner.left() + QFontMetrics(title).horizontalAdvance(self.view_label) + pad * 3
        chip = self._font(1.1)
        p.setFont(chip)
        fm = QFontMetrics(chip)
        for status, n in self.totals:
            look = LOOKS.get(status) or status  # a StatusLook (AT RISK) is not a status
            text = f"{look.symbol} {n} {look.word}"
            w = fm.horizontalAdvance(text) + pad * 2
            if x + w > x_right:
                break
            box = QRect(x, r.top() + pad // 2, w, r.height() - pad)
            p.fillRect(box, QColor(look.colour))
            p.setPen(QColor(look.text_colour))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            x += w + pad
        p.end()


class WallWindow(QWidget):
    def __init__(self, store: BoardStore, views: dict[str, QWidget], screen_index: int | None = None,
                 view_name: str | None = None, rotate_s: float = 20, *, stale_after_s: float | None = None,
                 notice_s: float = 60, clock: Callable[[], dt.datetime] = _utc_now):
        if not views:
            raise ValueError("the wall needs at least one view")
        if view_name is not None and view_name not in views:
            raise ValueError(f"unknown view {view_name!r}; known views: {', '.join(views)}")
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.store = store
        self.clock = clock
        self.view_names = list(views)
        self.pinned = view_name

        self.target_screen, notice = self._pick_screen(screen_index)
        self.base_px = 0
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#101318"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#e8e8e8"))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        self.setCursor(Qt.CursorShape.BlankCursor)  # nobody points at a wall

        self.header = WallHeader(self)
        self.notice = QLabel(notice or "", self)
        # Palette, not a style sheet: a style sheet would cut this label off the wall's font.
        notice_palette = self.notice.palette()
        notice_palette.setColor(QPalette.ColorRole.Window, QColor("#F0E442"))
        notice_palette.setColor(QPalette.ColorRole.WindowText, QColor("#000000"))
        self.notice.setPalette(notice_palette)
        self.notice.setAutoFillBackground(True)
        self.notice.setVisible(bool(notice))
        self.stack = QStackedWidget(self)
        for view in views.values():
            self.stack.addWidget(view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.notice)
        layout.addWidget(self.stack, 1)
        self.set_wall_geometry(self.target_screen.geometry())
        if view_name is not None:
            self.stack.setCurrentIndex(self.view_names.index(view_name))

        if stale_after_s is None:
            intervals = [c.interval_s for c in store.board.topology.checks]
            stale_after_s = stale_threshold_for(min(intervals, default=None))
        self.watch = StaleWatch(stale_after_s, clock())
        self._notice_timer = timer(self, int(notice_s * 1000), self.notice.hide, single=True)
        if notice:
            self._notice_timer.start()
        self._rotator = timer(self, int(rotate_s * 1000), self.next_view)
        if view_name is None and len(views) > 1:
            self._rotator.start()
        self._ticker = timer(self, 1000, self.tick)
        self._ticker.start()
        self._totals_soon = timer(self, 250, self.tick, single=True)
        store.componentsChanged.connect(self._soon)
        self.tick()
        if os.environ.get("NOC_REPORT_FIRST_PAINT") == "1":
            self._paint_reporter = _FirstPaintReporter(self, views.values())

    # --- public API ------------------------------------------------------
    @property
    def current_view_name(self) -> str:
        return self.view_names[self.stack.currentIndex()]

    @property
    def rotating(self) -> bool:
        return self._rotator.isActive()

    def next_view(self) -> None:
        self.stack.setCurrentIndex((self.stack.currentIndex() + 1) % self.stack.count())
        self.tick()

    def show_problem(self, message: str) -> None:
        """A one-line problem (database unreachable, ...) in the notice strip, until it clears."""
        self.notice.setText(message)
        self.notice.setVisible(bool(message))

    def show_wall(self) -> None:
        """Show frameless and full screen on the chosen screen."""
        self.setScreen(self.target_screen)
        self.set_wall_geometry(self.target_screen.geometry())
        self.showFullScreen()

    def set_wall_geometry(self, rect: QRect) -> None:
        """Take ``rect`` (a screen's logical geometry) and size all text from its height."""
        self.base_px = wall_text_px(rect.height())
        font = QFont(self.font())
        font.setPixelSize(self.base_px)
        self.setFont(font)  # inherited by the header and every view
        notice_font = QFont(font)
        notice_font.setBold(True)
        self.notice.setFont(notice_font)
        self.notice.setMargin(self.base_px // 2)
        self.layout().setSpacing(self.base_px // 3)
        self.setGeometry(rect)

    def tick(self) -> None:
        board = self.store.board
        now = self.clock()
        age = self.watch.check(board.last_data_at, now)
        counts = board.counts()
        totals = [(s, counts[s]) for s in SEVERITY_ORDER if counts.get(s)]
        at_risk = board.at_risk_count()
        if at_risk:  # its own chip, just before OK; the chips still add up to every component
            spot = next((i for i, (s, _) in enumerate(totals) if s is Status.OK), len(totals))
            if spot < len(totals):
                rest = totals[spot][1] - at_risk
                totals[spot:spot + 1] = [(Status.OK, rest)] if rest > 0 else []
            totals.insert(spot, (AT_RISK, at_risk))
        index = self.stack.currentIndex()
        label = self.current_view_name
        if len(self.view_names) > 1 and self.pinned is None:
            label = f"{label}  {index + 1}/{len(self.view_names)}"
        last = board.last_data_at.astimezone().strftime("%H:%M:%S") if board.last_data_at else ""
        self.header.set_state(view_label=label, totals=totals, data_age=age,
                              clock=now.astimezone().strftime("%H:%M:%S"), last_data_local=last)

    # --- internals -------------------------------------------------------
    def _soon(self, _ids) -> None:
        """Totals follow changes within 250 ms, however many arrive."""
        if not self._totals_soon.isActive():
            self._totals_soon.start()

    @staticmethod
    def _pick_screen(index: int | None):
        screens = QGuiApplication.screens()
        primary = QGuiApplication.primaryScreen()
        if index is None:
            return primary, None
        if 0 <= index < len(screens):
            return screens[index], None
        known = f"screens 0–{len(screens) - 1}" if len(screens) > 1 else "only screen 0"
        return primary, f"screen {index} not found ({known}) — showing on primary"
