"""Drawing one tile and one group heading; sizes come from the font's pixel size.

Tiles are painted into the wall's page canvas when what they show changes;
Qt's paint events only copy rectangles of that canvas to the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen, QStaticText

from noc_app.domain import Status
from widgets.theme import AT_RISK, LOOKS
from widgets.wall.layout import TileFacts

BACKGROUND = QColor("#101318")
OK_TILE = QColor("#1c2520")  # calm: healthy tiles stay dark so failures stand out
IMPACTED_TILE = QColor("#2a1d27")
HEADING_TEXT = QColor("#e8e8e8")
DIM_TEXT = QColor("#b8c0c8")
CAUSE_BORDER = QColor("#FFFFFF")


_FONTS: dict[tuple[str, int], tuple[QFont, QFont]] = {}
_METRICS: dict[int, tuple[QFontMetrics, QFontMetrics]] = {}
#: Pre-laid-out name lines, keyed by (name, width, font): a tile's name never
#: changes, so it is elided and shaped once, not on every repaint. Bounded.
_NAMES: dict[tuple[str, int, int], tuple[QStaticText, int]] = {}
_NAMES_MAX = 50_000
_COLOURS: dict[str, QColor] = {}
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_NO_BRUSH = Qt.BrushStyle.NoBrush
_FILLED_WHITE = QColor("#e8e8e8")


def _colour(name: str) -> QColor:
    c = _COLOURS.get(name)
    if c is None:
        c = _COLOURS[name] = QColor(name)
    return c


def _metrics(bold: QFont, regular: QFont) -> tuple[QFontMetrics, QFontMetrics]:
    key = id(bold)  # the fonts are cached (and kept alive) in _FONTS, so their id is stable
    m = _METRICS.get(key)
    if m is None:
        m = _METRICS[key] = (QFontMetrics(bold), QFontMetrics(regular))
    return m


def fonts(base: QFont, px: int) -> tuple[QFont, QFont]:
    """(bold, regular) at ``px`` pixels; cached, thousands of tiles share them."""
    key = (base.family(), base.weight(), px)  # QFont.key() costs 5 us a call: too slow per tile
    if key in _FONTS:
        return _FONTS[key]
    bold = QFont(base)
    bold.setPixelSize(px)
    bold.setBold(True)
    regular = QFont(base)
    regular.setPixelSize(px)
    regular.setBold(False)
    _FONTS[key] = (bold, regular)
    return bold, regular


class TileGeometry:
    """Where a tile's two lines go; the same for every tile of one size, so computed once per size."""

    __slots__ = ("pad", "inner", "name", "status")

    def __init__(self, r: QRect, px: int, filled: bool, cause: bool, line_h: int):
        pad = max(2, round(px * 0.35))
        if cause:
            pad += max(3, round(px * 0.3)) // 2
        inner = r.adjusted(pad + (round(px * 0.3) if not filled else 0), pad // 2, -pad, -pad // 2)
        top = inner.top() + max(0, (inner.height() - 2 * line_h) // 2)
        self.name = QRect(inner.left(), top, inner.width(), line_h)
        self.status = QRect(inner.left(), top + line_h, inner.width(), line_h)


_GEOMETRY: dict[tuple, TileGeometry] = {}


def _geometry(r: QRect, px: int, filled: bool, cause: bool, line_h: int) -> TileGeometry:
    """The lines' rectangles relative to the tile's top-left corner (tiles differ only by position)."""
    key = (r.width(), r.height(), px, filled, cause, line_h)
    g = _GEOMETRY.get(key)
    if g is None:
        if len(_GEOMETRY) > 1000:
            _GEOMETRY.clear()
        g = _GEOMETRY[key] = TileGeometry(QRect(0, 0, r.width(), r.height()), px, filled, cause, line_h)
    return g


def _name_text(name: str, width: int, bold: QFont, fm: QFontMetrics) -> tuple[QStaticText, int]:
    key = (name, width, id(bold))
    hit = _NAMES.get(key)
    if hit is None:
        if len(_NAMES) >= _NAMES_MAX:
            _NAMES.clear()
        st = QStaticText(fm.elidedText(name, Qt.TextElideMode.ElideRight, width))
        st.setTextFormat(Qt.TextFormat.PlainText)
        st.prepare(font=bold)
        hit = _NAMES[key] = (st, fm.ascent())
    return hit


def paint_tile(p: QPainter, r: QRect, facts: TileFacts, px: int, base: QFont, status_only: bool = False) -> None:
    """Paint a whole tile; ``status_only`` repaints just its status line (the 1 s duration tick)."""
    look = AT_RISK if facts.at_risk else LOOKS[facts.status]
    colour = _colour(look.colour)
    filled = facts.status not in (Status.OK, Status.IMPACTED) and not facts.at_risk
    bold, regular = fonts(base, px)
    fm, rm = _metrics(bold, regular)
    line_h = fm.height()
    g = _geometry(r, px, filled, facts.cause, line_h)
    x0, y0 = r.left(), r.top()
    status_rect = g.status.translated(x0, y0)
    if status_only and filled:
        # Only the status line changes on the tick: clear it to the tile's colour and redraw it.
        clip = status_rect.intersected(r)
        p.setClipRect(clip)
        p.fillRect(clip, colour)
        _status_line(p, status_rect, facts, look.symbol, fm, rm, bold, regular, _colour(look.text_colour))
        p.setClipping(False)
        return
    p.setClipRect(r)  # a tile never paints over its neighbours
    if filled:
        # Problems are solid blocks of their colour: visible from across the room.
        p.fillRect(r, colour)
        text = _colour(look.text_colour)
    elif facts.status == Status.IMPACTED:
        # Fine itself, hurt by a dependency: outlined and hatched, never solid,
        # so it cannot be mistaken for a failure even in greyscale.
        p.fillRect(r, IMPACTED_TILE)
        hatch = QColor(colour)
        hatch.setAlpha(110)
        p.fillRect(r, QBrush(hatch, Qt.BrushStyle.BDiagPattern))
        width = max(2, round(px * 0.18))
        p.setPen(QPen(colour, width))
        p.setBrush(_NO_BRUSH)
        p.drawRect(r.adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2))
        text = colour
    elif facts.at_risk:
        # Fine for customers, one failure closer to an outage: the calm dark tile
        # with a wide yellow bar and a dashed yellow frame, and the words.
        p.fillRect(r, OK_TILE)
        p.fillRect(QRect(x0, y0, max(4, round(px * 0.6)), r.height()), colour)
        width = max(2, round(px * 0.14))
        p.setPen(QPen(colour, width, Qt.PenStyle.DashLine))
        p.setBrush(_NO_BRUSH)
        p.drawRect(r.adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2))
        text = colour
    else:
        p.fillRect(r, OK_TILE)
        p.fillRect(QRect(x0, y0, max(2, round(px * 0.3)), r.height()), colour)
        text = _FILLED_WHITE
    if facts.cause:
        # The probable cause: a thick white frame, the heaviest mark on the wall.
        width = max(3, round(px * 0.3))
        p.setPen(QPen(CAUSE_BORDER, width))
        p.setBrush(_NO_BRUSH)
        p.drawRect(r.adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2))

    name_rect = g.name
    static, ascent = _name_text(facts.name, name_rect.width(), bold, fm)
    p.setFont(bold)
    p.setPen(text)
    # QStaticText's position is its top-left; centre the line in its box as drawText's AlignVCenter did.
    p.drawStaticText(x0 + name_rect.left(), y0 + name_rect.top() + (name_rect.height() - line_h) // 2, static)
    _status_line(p, status_rect, facts, look.symbol, fm, rm, bold, regular, text)
    p.setClipping(False)


def _status_line(p, r: QRect, facts: TileFacts, symbol: str, fm, rm, bold, regular, text) -> None:
    """``✖ DOWN for 4m12s  [CAUSE] [FLAPPING]  2500 ms``: marks win over latency, the word wins over all."""
    badge_pad = max(2, rm.height() // 5)
    badges = [(label, rm.horizontalAdvance(label) + 2 * badge_pad) for label in facts.labels]
    room = r.width()
    word = f"{symbol} {facts.word}"
    timed = [f"{symbol} {facts.status_text}", f"{word} {facts.duration}"] if facts.duration else []
    # Order of sacrifice when space runs out: the word "for", then the least
    # important marks, then the duration; the status word and CAUSE stay longest.
    options = [(c, keep) for keep in range(len(badges), 0, -1) for c in timed]
    options += [(word, keep) for keep in range(len(badges), 0, -1)]
    options += [(c, 0) for c in timed + [word]]
    status, shown = word, []
    for candidate, keep in options:
        if fm.horizontalAdvance(candidate) + sum(w + badge_pad for _, w in badges[:keep]) <= room:
            status, shown = candidate, badges[:keep]
            break
    badges = shown
    used = fm.horizontalAdvance(status)
    p.setFont(bold)
    p.setPen(text)
    if used > room:
        status = fm.elidedText(status, Qt.TextElideMode.ElideRight, room)
    p.drawText(r, _LEFT, status)
    x = r.left() + used + badge_pad
    p.setFont(regular)
    for label, w in badges:
        box = QRect(x, r.top() + badge_pad // 2, w, r.height() - badge_pad)
        if label == "CAUSE":
            # Inverted (white on black) so it reads on every status colour.
            p.fillRect(box, QColor("#000000"))
            p.setPen(QColor("#FFFFFF"))
        else:
            p.setPen(QPen(text, max(1, badge_pad // 2)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(box.adjusted(0, 0, -1, -1))
            p.setPen(text)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
        x += w + badge_pad
    if facts.latency and x + rm.horizontalAdvance(facts.latency) <= r.right():
        p.setPen(text)
        p.drawText(r, _RIGHT, facts.latency)


def paint_heading(p: QPainter, r: QRect, title: str, counts: dict[Status, int], total: int,
                  px: int, base: QFont, continued: bool) -> None:
    """``EU-West  23   ✖ 4 DOWN  ◆ 3 IMPACTED``: the group's name and its own totals."""
    p.fillRect(r, BACKGROUND)
    bold, regular = fonts(base, round(px * 1.1))
    fm = QFontMetrics(bold)
    p.setFont(bold)
    p.setPen(HEADING_TEXT)
    label = f"{title} (continued)" if continued else title
    text_rect = QRectF(r).adjusted(0, 0, 0, -px * 0.15)
    p.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, label)
    x = r.left() + fm.horizontalAdvance(label) + px
    p.setFont(regular)
    rm = QFontMetrics(regular)
    p.setPen(DIM_TEXT)
    shown = f"{total}"
    p.drawText(QRectF(x, r.top(), r.width(), text_rect.height()),
               Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, shown)
    x += rm.horizontalAdvance(shown) + px
    for status in (Status.DOWN, Status.DEGRADED, Status.UNKNOWN, Status.IMPACTED, AT_RISK,
                   Status.MAINTENANCE):
        n = counts.get(status, 0)
        if not n:
            continue
        look = LOOKS.get(status) or status  # AT_RISK is a look of its own, not a status
        part = f"{look.symbol} {n} {look.word}"
        p.setPen(QColor(look.colour))
        p.drawText(QRectF(x, r.top(), r.width(), text_rect.height()),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, part)
        x += rm.horizontalAdvance(part) + px
    p.fillRect(QRect(r.left(), r.bottom() - max(1, px // 10), r.width(), max(1, px // 10)), QColor("#3a414b"))
