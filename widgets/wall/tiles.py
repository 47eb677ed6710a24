"""The component wall: one custom-painted widget, a tile per component, grouped.

Speed comes from doing little per change: ``componentsChanged`` only marks
ids dirty; a ~16 ms timer folds a burst into one frame, rebuilds those
tiles' facts, paints just those tiles into a page canvas (a pixmap the size
of the widget) and asks Qt to repaint their rectangles, which is a copy from
the canvas. Work per frame has a time budget; what does not fit waits for
the next frame. A new layout (re-sort, next page) is composed into a second
canvas over several frames and swapped in when complete, so the screen never
shows half a layout and no frame stalls. Re-sorting (failing first) is
rate-limited: tiles that jump around many times a second cannot be read from
5 m, and a moving tile means repainting every tile it passes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, Qt, QTimer
from PySide6.QtGui import QFontInfo, QPainter, QPixmap, QRegion
from PySide6.QtWidgets import QWidget

from noc_app.domain import Status
from widgets.board_store import BoardStore
from widgets.theme import AT_RISK
from widgets.wall import paint
from widgets.wall.layout import (Plan, TileFacts, only_duration_moved, ordered, plan, tile_facts,
                                 tile_slots)

FRAME_MS = 15  # a display frame (16.7 ms at 60 Hz) with room for timer jitter: bursts of changes within it become one repaint
#: Work per frame before the rest waits for the next one: a burst of 10,000
#: changes (a resync) must not freeze the wall, it fills in over a few frames.
FRAME_BUDGET_S = 0.006
#: Idle frames before the frame clock stops. Stopping at the first idle frame and
#: restarting on the next change loses the clock's phase (a change 4 ms after a
#: frame gives the next one 20 ms later: 50 frames/s at best); a running clock
#: keeps the 16 ms cadence through a stream of changes and costs ~nothing idle.
IDLE_FRAMES = 30


def timer(parent, ms: int, slot, single: bool = False) -> QTimer:
    """A QTimer; never ``QTimer(singleShot=True)``: that keyword over-releases ``True``
    in PySide6 6.12 and crashes the interpreter later (bool_dealloc)."""
    t = QTimer(parent)
    t.setInterval(ms)
    t.setSingleShot(single)
    t.timeout.connect(slot)
    return t


@dataclass(frozen=True)
class PaintedTile:
    """What the wall shows for one component (for tests and tooltips)."""

    facts: TileFacts
    rect: QRect | None  # None when it is on another page
    page: int
    font_px: int

    @property
    def status(self) -> Status:
        return self.facts.status


class _Canvas:
    """One page painted into a pixmap, with where everything is on it.

    ``rects`` maps a component to its slot's ``QRect``; the ``QRect`` objects belong to the
    plan's slots and are shared by every canvas of that plan, so "same slot" is ``is``."""

    def __init__(self, widget: QWidget, page: int, rects: dict[str, QRect], headings,
                 spare: QPixmap | None = None, previous: _Canvas | None = None):
        dpr = widget.devicePixelRatioF()
        w, h = max(1, round(widget.width() * dpr)), max(1, round(widget.height() * dpr))
        # Reuse the previous page's pixmap: a fresh 4K one costs ~40 ms of page faults on first fill.
        fits = spare is not None and spare.width() == w and spare.height() == h
        self.pixmap = spare if fits else QPixmap(w, h)
        self.pixmap.setDevicePixelRatio(dpr)
        self.page = page
        self.rects = rects
        self.headings = headings
        if previous is None:
            self.pixmap.fill(paint.BACKGROUND)
            # Still to paint: headings first (cheap, and they frame the page), then tiles.
            self.todo: list[tuple[str, str]] = [("tile", k) for k in reversed(rects)]
            self.todo += [("heading", k) for k in headings]  # popped from the end
        else:
            # A re-sort on the same slots: start from a copy of the page on screen (~2 ms at 4K)
            # and repaint only the slots whose occupant changed.
            p = QPainter(self.pixmap)
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            p.drawPixmap(0, 0, previous.pixmap)
            p.end()
            old = previous.rects
            self.todo = [("tile", k) for k in reversed(rects) if old.get(k) is not rects[k]]
        self.pending: set[tuple[str, str]] = set(self.todo)

    def painted(self, kind: str, key: str) -> bool:
        return (kind, key) not in self.pending


class ComponentWall(QWidget):
    def __init__(self, store: BoardStore, parent: QWidget | None = None, *, order: str = "severity",
                 resort_s: float = 2.0, page_s: float = 10.0):
        super().__init__(parent)
        self.store = store
        self.order = order
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)
        #: Called with (seconds spent folding changes, seconds painting) after each paint.
        self.frame_listener: Callable[[float, float], None] | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # we paint every pixel
        self.setMinimumSize(self.fontMetrics().height() * 8, self.fontMetrics().height() * 4)

        now = self.clock()
        board = store.board
        self._facts: dict[str, TileFacts] = {cid: tile_facts(board.component(cid), now)
                                             for cid in board.component_ids()}
        self._groups: dict[str, list[str]] = {}
        self._counts: dict[str, dict[Status, int]] = {}  # per group, kept up to date: headings read them
        for cid, facts in self._facts.items():
            self._groups.setdefault(facts.group, []).append(cid)
            counts = self._counts.setdefault(facts.group, {})
            counts[_count_key(facts)] = counts.get(_count_key(facts), 0) + 1
        self._idle = 0
        # Each group's ids in name order, kept: a re-sort is then a stable sort by severity rank
        # only (a few small integers), not a sort of casefolded names.
        self._by_name: dict[str, list[str]] = {}
        self._sort_by_name()
        self._order_groups()
        self._plan: Plan | None = None
        self._plan_shape: list[tuple[str, int]] = []  # (group, size) the plan was made for
        self._slots: dict[str, list[tuple[int, QRect]]] = {}  # per group, slot i: (page, rect)
        self._page_headings: list[dict[str, tuple[QRect, bool]]] = []
        self._page = 0
        self._page_of: dict[str, int] = {}
        self._shown: _Canvas | None = None  # on screen
        self._next: _Canvas | None = None  # being composed
        self._spare: QPixmap | None = None  # the last page's pixmap, recycled
        self._warming: QPixmap | None = None  # a new spare being touched a band per frame
        self._spare_warm = 0  # rows of it touched so far (see _warm_spare)
        self._dirty: dict[str, None] = {}  # insertion-ordered set: state changes first
        self._tick_dirty: dict[str, None] = {}
        self._needs_resort = False
        self._flush_s = 0.0

        # A frame clock that runs while there is work: a steady 60 Hz cadence under load, idle otherwise.
        self._frame = timer(self, FRAME_MS, self.flush)
        self._frame.setTimerType(Qt.TimerType.PreciseTimer)  # coarse timers drift to ~20 ms
        self._resorter = timer(self, int(resort_s * 1000), self.resort, single=True)
        self._ticker = timer(self, 1000, self.tick)
        self._ticker.start()
        self._pager = timer(self, int(page_s * 1000), self.next_page)
        self._pager.start()
        store.componentsChanged.connect(self._on_changed)

    # --- public API ------------------------------------------------------
    def tile_at(self, component_id: str) -> PaintedTile:
        self._ensure_shown()
        return PaintedTile(self._facts[component_id], self._shown.rects.get(component_id),
                           self._page_of.get(component_id, 0), self._plan.font_px)

    def paint_page(self, p: QPainter) -> None:
        """The page on screen painted whole onto ``p``, whatever device it paints on.

        The screen only ever gets copies of a pixmap; this is the paint code itself,
        for a reader of what it draws (the text-size test, a print)."""
        self._ensure_shown()
        canvas = _Canvas(self, self._page, self._shown.rects, self._shown.headings)
        self._compose(p, canvas, None)

    def group_names(self) -> list[str]:
        return list(self._groups)

    def group_order(self, group: str) -> list[str]:
        return list(self._groups[group])

    def page_count(self) -> int:
        self._ensure_plan()
        return len(self._plan.pages)

    @property
    def page(self) -> int:
        return self._page

    @property
    def floor_px(self) -> int:
        """Legibility floor: the widget font's pixel size (the wall window sets it from the screen)."""
        return QFontInfo(self.font()).pixelSize()

    def next_page(self) -> None:
        if self._plan and len(self._plan.pages) > 1:
            self._page = (self._page + 1) % len(self._plan.pages)
            self._start_next()

    def settle(self) -> None:
        """Do all pending work now, whatever it costs (screenshots, tests)."""
        self.flush(budget_s=None)

    def flush(self, budget_s: float | None = FRAME_BUDGET_S) -> None:
        """Fold pending changes into tiles, paint them into the canvas, repaint their rects."""
        start = time.perf_counter()
        self._ensure_shown()
        deadline = float("inf") if budget_s is None else time.perf_counter() + budget_s
        now = self.clock()
        board = self.store.board
        region = QRegion()
        groups: set[str] = set()
        with _CanvasPainter(self._shown) as shown, _CanvasPainter(self._next) as composing:
            # Fold and paint one tile at a time, so the budget covers the painting too.
            font, px = self.font(), self._plan.font_px
            for queue in (self._dirty, self._tick_dirty):
                while queue and time.perf_counter() < deadline:
                    cid = next(iter(queue))
                    del queue[cid]
                    old = self._facts[cid]
                    new = tile_facts(board.component(cid), now)
                    if new == old:
                        continue
                    self._facts[cid] = new
                    if new.failing_rank != old.failing_rank and self.order == "severity":
                        self._needs_resort = True
                    if new.name != old.name:
                        self._sort_by_name()
                        self._needs_resort = True
                    if _count_key(new) != _count_key(old):
                        groups.add(new.group)
                        counts = self._counts[new.group]
                        counts[_count_key(old)] -= 1
                        counts[_count_key(new)] = counts.get(_count_key(new), 0) + 1
                    # The 1 s tick moves durations on: only the status line is repainted.
                    status_only = not new.cause and only_duration_moved(old, new)
                    rect = self._shown.rects.get(cid)
                    if rect is not None:
                        paint.paint_tile(shown, rect, new, px, font, status_only)
                        region += rect
                    if composing is not None and cid in self._next.rects and self._next.painted("tile", cid):
                        paint.paint_tile(composing, self._next.rects[cid], new, px, font, status_only)
            for name in groups:  # the group headings' own totals
                if name in self._shown.headings:
                    region += self._paint_heading(shown, self._shown, name)
                if composing is not None and name in self._next.headings and self._next.painted("heading", name):
                    self._paint_heading(composing, self._next, name)
            if self._shown.todo:  # the first layout, still being painted in
                drawn = self._compose(shown, self._shown, deadline)
                if drawn is not None:
                    region += drawn
            if composing is not None:
                self._compose(composing, self._next, deadline)
        if self._next is None and self._shown_complete() and time.perf_counter() < deadline:
            self._warm_spare()
        if self._next is not None and not self._next.todo:
            self._spare = self._shown.pixmap if self._shown else None
            self._shown, self._next = self._next, None  # the new layout is complete: show it whole
            region = QRegion(self.rect())
        if self._needs_resort and not self._resorter.isActive():
            self._resorter.start()
        if self._dirty or self._tick_dirty or self._next is not None or not self._shown_complete():
            self._idle = 0
        else:
            self._idle += 1
            if self._idle >= IDLE_FRAMES:
                self._frame.stop()  # idle until the next change
        self._flush_s += time.perf_counter() - start
        if not region.isEmpty():
            self.update(region)

    def tick(self) -> None:
        """Once a second: durations ("DOWN for 4m12s") move on."""
        for cid, facts in self._facts.items():
            if facts.duration is not None:
                self._tick_dirty[cid] = None
        if self._tick_dirty and not self._frame.isActive():
            self._frame.start()

    def resort(self) -> None:
        self._needs_resort = False
        before = {g: list(ids) for g, ids in self._groups.items()}
        self._order_groups()
        if before == self._groups:
            return
        if self._plan is not None and self._plan_shape == self._shape():
            # Same group sizes: same slots, only their occupants change. No new plan, and the
            # next canvas starts as a copy of the page on screen with just the moved tiles to paint.
            self._assign_pages()
            self._start_next(reuse=True)
        else:
            self._replan()
            self._start_next()

    # --- internals -------------------------------------------------------
    def _on_changed(self, ids) -> None:
        for cid in ids:
            if cid in self._facts:
                self._dirty[cid] = None
        if not self._frame.isActive():
            self._frame.start()

    def _sort_by_name(self) -> None:
        for group, ids in self._groups.items():
            self._by_name[group] = [f.id for f in ordered([self._facts[c] for c in ids], "name")]

    def _order_groups(self) -> None:
        if self.order not in ("severity", "name"):
            ordered([], self.order)  # raises: unknown order
        facts = self._facts
        for group, ids in self._groups.items():
            by_name = self._by_name[group]
            # sorted() is stable: by rank, then by name (the same order as layout.ordered).
            ids[:] = (by_name if self.order == "name"
                      else sorted(by_name, key=lambda c: facts[c].failing_rank))

    def _shape(self) -> list[tuple[str, int]]:
        return [(g, len(ids)) for g, ids in self._groups.items()]

    def _margin(self) -> int:
        return self.floor_px // 2  # no text glued to the screen's edge (bezels hide it)

    def _ensure_plan(self) -> None:
        if self._plan is None:
            self._replan()

    def _replan(self) -> None:
        m = self._margin()
        self._plan = plan(self.width() - 2 * m, self.height() - 2 * m, list(self._groups.items()), self.floor_px)
        self._plan_shape = self._shape()
        self._slots = {g: [(page, QRect(b.x + m, b.y + m, b.w, b.h)) for page, b in slots]
                       for g, slots in tile_slots(self._plan).items()}
        self._page_headings = [{b.key: (QRect(b.x + m, b.y + m, b.w, b.h), b.continued)
                                for b in boxes if b.kind == "heading"} for boxes in self._plan.pages]
        self._assign_pages()
        self._page = min(self._page, len(self._plan.pages) - 1)

    def _assign_pages(self) -> None:
        self._page_of = {cid: page for g, ids in self._groups.items()
                         for cid, (page, _rect) in zip(ids, self._slots.get(g, ()))}

    def _page_rects(self, page: int) -> dict[str, QRect]:
        """Component -> slot rect for the tiles on ``page``, in reading order."""
        return {cid: rect for g, ids in self._groups.items()
                for cid, (p, rect) in zip(ids, self._slots.get(g, ())) if p == page}

    def _new_canvas(self, reuse: bool = False) -> _Canvas:
        self._ensure_plan()
        page = self._page
        headings = self._page_headings[page] if self._page_headings else {}
        spare, self._spare = self._spare, None
        if spare is self._warming:
            self._warming = None  # in use now: never fill bands of it again
        shown = self._shown
        previous = shown if (reuse and shown is not None and not shown.todo and shown.page == page) else None
        return _Canvas(self, page, self._page_rects(page), headings, spare, previous)

    def _ensure_shown(self) -> None:
        """The first layout (and one after a resize) becomes the shown page at once, but empty:
        the frame clock paints it in over the next frames (headings first, then tiles in reading
        order) under the frame budget, so a 10,000-tile wall does not freeze while it first draws."""
        if self._shown is None:
            self._shown, self._next = self._new_canvas(), None
            self._idle = 0
            if not self._frame.isActive():
                self._frame.start()

    def _warm_spare(self) -> None:
        """Have a spare page pixmap ready before the first re-sort needs one: a fresh 4K pixmap
        costs ~30 ms of page faults on its first fill, so it is filled a band per idle frame."""
        shown = self._shown.pixmap
        spare = self._spare
        if spare is None or spare.size() != shown.size():
            self._spare = self._warming = spare = QPixmap(shown.size())
            self._spare_warm = 0
        if spare is not self._warming:
            return  # a recycled page pixmap: warm already
        band = max(1, spare.height() // 8)
        p = QPainter(spare)
        p.fillRect(0, self._spare_warm, spare.width(), band, paint.BACKGROUND)
        p.end()
        self._spare_warm += band
        if self._spare_warm >= spare.height():
            self._warming = None
        self._idle = 0  # keep the frame clock for the rest of the bands

    def _shown_complete(self) -> bool:
        return self._shown is None or not self._shown.todo

    def layout_complete(self) -> bool:
        """Every tile of the page on screen has been painted (the first draw is spread over frames)."""
        return self._shown is not None and not self._shown.todo

    def _start_next(self, reuse: bool = False) -> None:
        if self._next is not None:
            self._spare = self._next.pixmap  # a newer layout supersedes the one being composed
        self._next = self._new_canvas(reuse)
        if not self._frame.isActive():
            self._frame.start()

    def _compose(self, p: QPainter, canvas: _Canvas, deadline: float | None) -> QRect | None:
        """Paint what is still to paint of ``canvas`` until ``deadline``; returns the area painted."""
        drawn: QRect | None = None
        font, px = self.font(), self._plan.font_px
        while canvas.todo and (deadline is None or time.perf_counter() < deadline):
            kind, key = canvas.todo.pop()
            if kind == "heading":
                rect = self._paint_heading(p, canvas, key)
            else:
                rect = canvas.rects[key]
                paint.paint_tile(p, rect, self._facts[key], px, font)
            canvas.pending.discard((kind, key))
            drawn = rect if drawn is None else drawn.united(rect)
        return drawn

    def _paint_heading(self, p: QPainter, canvas: _Canvas, name: str) -> QRect:
        rect, continued = canvas.headings[name]
        counts = self._counts[name]
        paint.paint_heading(p, rect, name, counts, len(self._groups[name]), self._plan.font_px,
                            self.font(), continued)
        if len(self._plan.pages) > 1 and rect.top() <= self._margin():
            bold, _ = paint.fonts(self.font(), self._plan.font_px)
            p.setFont(bold)
            p.setPen(paint.HEADING_TEXT)
            p.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       f"page {self._page + 1} of {len(self._plan.pages)}")
        return rect

    def resizeEvent(self, event) -> None:
        self._plan = None
        self._shown = self._next = self._spare = None
        super().resizeEvent(event)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._plan = None
            self._shown = self._next = None
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event) -> None:
        start = time.perf_counter()
        self._ensure_shown()
        p = QPainter(self)
        pixmap = self._shown.pixmap
        dpr = pixmap.devicePixelRatio()
        for rect in event.region():
            source = QRect(round(rect.x() * dpr), round(rect.y() * dpr),
                           round(rect.width() * dpr), round(rect.height() * dpr))
            p.drawPixmap(rect, pixmap, source)
        p.end()
        if self.frame_listener is not None:
            self.frame_listener(self._flush_s, time.perf_counter() - start)
        self._flush_s = 0.0


class _CanvasPainter:
    """``with _CanvasPainter(canvas) as p``: a painter that is always ended (None for no canvas)."""

    def __init__(self, canvas: _Canvas | None):
        self.canvas = canvas
        self.painter = None

    def __enter__(self) -> QPainter | None:
        if self.canvas is None:
            return None
        self.painter = QPainter(self.canvas.pixmap)
        self.painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        return self.painter

    def __exit__(self, *exc) -> None:
        if self.painter is not None:
            self.painter.end()


def _count_key(facts: TileFacts):
    """What a group heading counts a tile as: its status, or AT RISK (an OK tile that lost redundancy)."""
    return AT_RISK if facts.at_risk else facts.status
