"""Drawing one tile and one group heading; sizes come from the font's pixel size.

Tiles are painted into the wall's page canvas when what they show changes;
Qt's paint events only copy rectangles of that canvas to the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen

from noc_app.domain import Status
from widgets.theme import LOOKS
from widgets.wall.layout import TileFacts

BACKGROUND = QColor("#101318")
OK_TILE = QColor("#1c2520")  # calm: healthy tiles stay dark so failures stand out
IMPACTED_TILE = QColor("#2a1d27")
HEADING_TEXT = QColor("#e8e8e8")
DIM_TEXT = QColor("#b8c0c8")
CAUSE_BORDER = QColor("#FFFFFF")


_FONTS: dict[tuple[str, int], tuple[QFont, QFont]] = {}


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


def paint_tile(p: QPainter, r: QRect, facts: TileFacts, px: int, base: QFont) -> None:
    p.setClipRect(r)  # a tile never paints over its neighbours
    look = LOOKS[facts.status]
    colour = QColor(look.colour)
    filled = facts.status not in (Status.OK, Status.IMPACTED)
    pad = max(2, round(px * 0.35))
    if filled:
        # Problems are solid blocks of their colour: visible from across the room.
        p.fillRect(r, colour)
        text = QColor(look.text_colour)
    elif facts.status == Status.IMPACTED:
        # Fine itself, hurt by a dependency: outlined and hatched, never solid,
        # so it cannot be mistaken for a failure even in greyscale.
        p.fillRect(r, IMPACTED_TILE)
        hatch = QColor(colour)
        hatch.setAlpha(110)
        p.fillRect(r, QBrush(hatch, Qt.BrushStyle.BDiagPattern))
        width = max(2, round(px * 0.18))
        p.setPen(QPen(colour, width))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(r.adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2))
        text = colour
    else:
        p.fillRect(r, OK_TILE)
        p.fillRect(QRect(r.left(), r.top(), max(2, round(px * 0.3)), r.height()), colour)
        text = QColor("#e8e8e8")
    if facts.cause:
        # The probable cause: a thick white frame, the heaviest mark on the wall.
        width = max(3, round(px * 0.3))
        p.setPen(QPen(CAUSE_BORDER, width))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(r.adjusted(width // 2, width // 2, -(width + 1) // 2, -(width + 1) // 2))
        pad += width // 2

    bold, regular = fonts(base, px)
    fm = QFontMetrics(bold)
    line_h = fm.height()
    inner = r.adjusted(pad + (round(px * 0.3) if not filled else 0), pad // 2, -pad, -pad // 2)
    top = inner.top() + max(0, (inner.height() - 2 * line_h) // 2)
    name_rect = QRect(inner.left(), top, inner.width(), line_h)
    status_rect = QRect(inner.left(), top + line_h, inner.width(), line_h)

    p.setFont(bold)
    p.setPen(text)
    name = fm.elidedText(facts.name, Qt.TextElideMode.ElideRight, name_rect.width())
    p.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
    _status_line(p, status_rect, facts, look.symbol, fm, bold, regular, text)
    p.setClipping(False)


def _status_line(p, r: QRect, facts: TileFacts, symbol: str, fm, bold, regular, text) -> None:
    """``✖ DOWN for 4m12s  [CAUSE] [FLAPPING]  2500 ms``: marks win over latency, the word wins over all."""
    rm = QFontMetrics(regular)
    badge_pad = max(2, rm.height() // 5)
    badges = [(label, rm.horizontalAdvance(label) + 2 * badge_pad) for label in facts.labels]
    room = r.width()
    word = f"{symbol} {facts.status.value}"
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
    p.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
               fm.elidedText(status, Qt.TextElideMode.ElideRight, room))
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
        p.drawText(r, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, facts.latency)


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
    for status in (Status.DOWN, Status.DEGRADED, Status.UNKNOWN, Status.IMPACTED, Status.MAINTENANCE):
        n = counts.get(status, 0)
        if not n:
            continue
        look = LOOKS[status]
        part = f"{look.symbol} {n} {look.word}"
        p.setPen(QColor(look.colour))
        p.drawText(QRectF(x, r.top(), r.width(), text_rect.height()),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, part)
        x += rm.horizontalAdvance(part) + px
    p.fillRect(QRect(r.left(), r.bottom() - max(1, px // 10), r.width(), max(1, px // 10)), QColor("#3a414b"))
