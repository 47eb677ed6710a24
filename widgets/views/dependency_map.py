"""Dependency map: the component graph, failures reading upward from their cause.

A QGraphicsScene laid out once (``graph_layout.layered_layout``); live updates
only change node and edge items in place, so a state change costs a few
item repaints, never a scene rebuild.  During an outage everything not on a
failure path is dimmed, the probable causes get a thick outline and a CAUSE
tag, symptoms a dashed outline and a "symptom" tag — shape and words, not
colour alone.  A component whose redundancy group lost members reads
"⚠ AT RISK" with a dotted outline and a "redundancy lost" tag; the edges to
the members of a redundancy group are dashed (any one of them will do).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontInfo, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene, QGraphicsView, QWidget

from noc_app.domain import Status
from noc_app.live import ComponentView
from widgets.board_store import BoardStore
from widgets.theme import AT_RISK, look
from widgets.views.graph_layout import layered_layout

BACKGROUND = QColor("#15181d")
NODE_FILL = QColor("#22262d")
TEXT = QColor("#e8e8e8")
EDGE = QColor("#8a93a0")
DIMMED = 0.28  # opacity of parts untouched by the outage: visible, but out of the way
#: Effective statuses that put a node on a failure path.
AFFECTED = (Status.DOWN, Status.DEGRADED, Status.IMPACTED)


class NodeSize:
    """Node geometry in scene units, all from one font's metrics.

    ``width`` and ``name_lines`` may be reduced by the map's placement (``set_shape``) so a
    wide layer fits the screen at full text size: names are then elided (the tooltip has
    them whole), the text itself never shrinks."""

    #: Padding inside a node, in lines; compact is the last resort before the map is scaled
    #: down (a wall with a notice strip above it: 60 px less than the layout needs).
    PAD, COMPACT_PAD = 0.3, 0.15

    def __init__(self, font: QFont):
        fm = QFontMetricsF(font)
        self.line = fm.height()
        self.full_width = fm.averageCharWidth() * 22  # about 18 bold characters of name per line
        bold = QFont(font)
        bold.setBold(True)
        bm = QFontMetricsF(bold)
        # The narrowest node still shows every status word whole ("⚒ MAINTENANCE"); the
        # flapping mark moves up to the tag when it does not fit beside the word.
        self.word_width = max(bm.horizontalAdvance(f"{look(s).symbol} {look(s).word}") for s in Status)
        self.gap_x = fm.height() * 0.6
        self.gap_y = fm.height() * 2.6  # room for edges and the tag above a node
        self.radius = fm.height() * 0.3
        self.set_shape(self.full_width, 2)

    def min_width(self, compact: bool = False) -> float:
        return self.word_width + 2 * self.line * (self.COMPACT_PAD if compact else self.PAD)

    def node_height(self, name_lines: int, compact: bool = False) -> float:
        return (name_lines + 1) * self.line + 2 * self.line * (self.COMPACT_PAD if compact else self.PAD)

    def set_shape(self, width: float, name_lines: int, compact: bool = False) -> None:
        self.width = width
        self.name_lines = name_lines
        self.compact = compact
        self.pad = self.line * (self.COMPACT_PAD if compact else self.PAD)
        # The tag above a node (a line and a little of its pad), and a little room for edges.
        self.min_gap_y = self.line * (1.2 if compact else 1.35)
        self.height = self.node_height(name_lines, compact)  # name lines, one of status


SHORT_TAGS = {"◎ PROBABLE CAUSE": "◎ CAUSE"}


def fit_tag(tag: str, metrics: QFontMetricsF, room: float) -> str:
    """``tag``, or its short form when it is wider than ``room`` (the node's width).

    On a narrowed node (a wide layer on the wall) the long tag ran into the
    neighbours' tags and outside the item's bounds.
    """
    if metrics.horizontalAdvance(tag) > room and tag in SHORT_TAGS:
        return SHORT_TAGS[tag]
    return tag


class NodeItem(QGraphicsItem):
    """One component: name, status word + symbol on a status-coloured band."""

    def __init__(self, view: ComponentView, font: QFont, size: NodeSize):
        super().__init__()
        self.font = QFont(font)
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.tag_font = QFont(self.bold)
        self.size = size
        self.view = view
        self.symptom_of: tuple[str, ...] = ()
        #: No other node has this name without its "(...)" part: that part may be dropped.
        self.unique_base = False
        self._name_cache: tuple[tuple | None, str] = (None, "")
        self.setToolTip(view.id)

    def set_view(self, view: ComponentView, symptom_of: tuple[str, ...] = ()) -> None:
        painted = _painted(self.view)
        self.view = view
        self.symptom_of = symptom_of
        self.setToolTip(f"{view.name} ({view.id})\n{_look(view).word}"
                        + (f"\n{view.reason}" if view.reason else "")
                        + (f"\nredundancy lost: {', '.join(view.lost)}" if view.lost else ""))
        # Latency, reason and times change with every check but are not drawn:
        # repainting every failing node on each refresh stalled the GUI ~50 ms.
        if _painted(view) != painted:
            self.update()

    @property
    def tag(self) -> str:
        if self.view.probable_cause:
            return "◎ PROBABLE CAUSE"
        if self.view.is_symptom:
            return "symptom"
        if self.view.at_risk:
            return "redundancy lost"
        return ""

    def boundingRect(self) -> QRectF:
        s = self.size
        # The tag above the box and the thick cause outline are inside the bounds.
        return QRectF(-s.pad, -s.line - s.pad, s.width + 2 * s.pad, s.height + s.line + 2 * s.pad)

    def _name_text(self, width: float) -> str:
        """The name as it fits: whole, else abbreviated (``_short_names``), else elided."""
        key = (self.view.name, width, self.size.name_lines)
        if self._name_cache[0] != key:
            fm = QFontMetricsF(self.bold)
            if self.size.name_lines > 1:
                def fit(text):
                    return _fit_two_lines(text, self.bold, width)
            else:
                def fit(text):
                    return fm.elidedText(text, Qt.TextElideMode.ElideRight, width)
            text = fit(self.view.name)
            for shorter in _short_names(self.view.name, self.unique_base):
                if "…" not in text:
                    break
                text = fit(shorter)
            self._name_cache = (key, text)
        return self._name_cache[1]

    def resized(self) -> None:
        """The shared ``NodeSize`` changed: new bounds."""
        self.prepareGeometryChange()
        self.update()

    def box(self) -> QRectF:
        return QRectF(0, 0, self.size.width, self.size.height)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        s, v = self.size, self.view
        looks = _look(v)
        box = self.box()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(NODE_FILL)
        painter.drawRoundedRect(box, s.radius, s.radius)
        band = QRectF(0, box.height() - s.line - s.pad, box.width(), s.line + s.pad)
        path = QPainterPath()
        path.addRoundedRect(box, s.radius, s.radius)
        painter.save()
        painter.setClipPath(path)
        painter.fillRect(band, QColor(looks.colour))
        painter.restore()

        painter.setFont(self.bold)
        painter.setPen(TEXT)
        name_rect = QRectF(s.pad, s.pad * 0.5, box.width() - 2 * s.pad, s.name_lines * s.line + s.pad)
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignCenter, self._name_text(name_rect.width()))
        painter.setPen(QColor(looks.text_colour))
        status_text = f"{looks.symbol} {looks.word}"
        flap_in_tag = False
        if v.flapping:
            if QFontMetricsF(self.bold).horizontalAdvance(status_text + "  ⇄") <= band.width() - 2 * s.pad:
                status_text += "  ⇄"
            else:
                flap_in_tag = True  # a narrow node: the mark goes up to the tag
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, status_text)

        if v.probable_cause:
            pen = QPen(QColor("#ffffff"), s.line * 0.22)
        elif v.is_symptom:
            pen = QPen(QColor(looks.colour), s.line * 0.1, Qt.PenStyle.DashLine)
        elif v.at_risk:
            pen = QPen(QColor(looks.colour), s.line * 0.12, Qt.PenStyle.DotLine)
        else:
            pen = QPen(QColor("#3a404a"), 1)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, s.radius, s.radius)

        tag = self.tag
        if flap_in_tag:
            tag = f"{tag} ⇄" if tag else "⇄ flapping"
        if tag:
            painter.setFont(self.tag_font)
            fm = QFontMetricsF(self.tag_font)
            tag = fit_tag(tag, fm, box.width())
            width = fm.horizontalAdvance(tag) + 2 * s.pad
            rect = QRectF((box.width() - width) / 2, -s.line - s.pad * 0.6, width, s.line)
            cause = v.probable_cause
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#ffffff") if cause else QColor("#3a404a"))
            painter.drawRoundedRect(rect, s.radius, s.radius)
            painter.setPen(QColor("#000000") if cause else TEXT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, tag)


def _look(view: ComponentView):
    return AT_RISK if view.at_risk else look(view.status)


def _painted(view: ComponentView) -> tuple:
    """What ``NodeItem.paint`` draws of a view: a repaint is needed only when it changes."""
    return (view.name, view.status, view.flapping, view.probable_cause, view.is_symptom,
            view.at_risk)


class EdgeItem(QGraphicsPathItem):
    """user -> dependency, arrowhead at the dependency; bold when both ends fail."""

    def __init__(self, user: NodeItem, dependency: NodeItem, size: NodeSize, soft: bool = False):
        super().__init__()
        self.user, self.dependency, self.size = user, dependency, size
        self.soft = soft  # to a member of a redundancy group: drawn dashed
        # Where along the bottom / top edge the line attaches (0..1): spread
        # out so arrows into a busy dependency do not pile onto one point.
        self.start_frac = self.end_frac = 0.5
        self.setZValue(-1)  # under the nodes: a long edge never hides a name
        self._look: tuple[bool, int] | None = None
        self.reroute()
        self.set_hot(False)

    def reroute(self) -> None:
        w = self.size.width
        a = self.user.pos() + QPointF(w * (0.15 + 0.7 * self.start_frac), self.size.height)
        b = self.dependency.pos() + QPointF(w * (0.15 + 0.7 * self.end_frac), -self.size.line * 0.1)
        path = QPainterPath(a)
        path.lineTo(b)
        # Arrowhead at the dependency end: "depends on" reads along the arrow.
        angle = math.atan2(b.y() - a.y(), b.x() - a.x())
        head = self.size.line * 0.45
        left = b - QPointF(math.cos(angle - 0.4) * head, math.sin(angle - 0.4) * head)
        right = b - QPointF(math.cos(angle + 0.4) * head, math.sin(angle + 0.4) * head)
        path.addPolygon(QPolygonF([b, left, right, b]))
        self.setPath(path)

    def set_hot(self, hot: bool) -> None:
        colour = QColor(look(self.dependency.view.status).colour) if hot else EDGE
        if (hot, colour.rgba()) == self._look:
            return  # unchanged: no repaint
        self._look = (hot, colour.rgba())
        pen = QPen(colour, self.size.line * (0.14 if hot else 0.06))
        if self.soft:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.setBrush(QBrush(colour))
        self.setZValue(-0.5 if hot else -1)


class DependencyMapView(QWidget):
    """The component graph of ``store.board``, kept live and fitted to the widget."""

    def __init__(self, store: BoardStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.scene = QGraphicsScene(self)
        self.scene.setBackgroundBrush(BACKGROUND)
        self.graphics = QGraphicsView(self.scene, self)
        self.graphics.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.graphics.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.graphics.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.graphics.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.graphics.setBackgroundBrush(BACKGROUND)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self._deps = {c.id: tuple(c.depends_on) for c in store.board.topology.components}
        self._soft = {(c.id, m) for c in store.board.topology.components
                      for g in c.redundancy for m in g.members}
        self._build()
        store.componentsChanged.connect(self.refresh)

    # --- building (once, and again only when the font changes) -------------
    def _build(self) -> None:
        self.scene.clear()
        self.nodes.clear()
        self.edges.clear()
        board = self.store.board
        font = self.font()
        self.size = size = NodeSize(font)
        self.layout = layered_layout(board.component_ids(), self._deps)
        for cid in board.component_ids():
            node = NodeItem(board.component(cid), font, size)
            self.scene.addItem(node)
            self.nodes[cid] = node
        bases = [_base_name(n.view.name) for n in self.nodes.values()]
        for node, base in zip(self.nodes.values(), bases):
            node.unique_base = bases.count(base) == 1
        for user, deps in self._deps.items():
            for dep in deps:
                if user in self.nodes and dep in self.nodes:
                    edge = EdgeItem(self.nodes[user], self.nodes[dep], size,
                                    soft=(user, dep) in self._soft)
                    self.scene.addItem(edge)
                    self.edges.append(edge)
        self._place()
        self.refresh(set(self.nodes))

    def _place(self) -> None:
        """Position nodes, stretching the layer gap so the graph fills the widget's shape.

        Text is never drawn smaller than the widget's font: when the graph at full node
        size would have to be scaled down to fit (the wall's widest layer), nodes get
        narrower (names elided, whole in the tooltip), then wide layers wrap onto a second
        row, with one name line, then nodes get tighter padding, until the graph fits at
        scale 1. Only when nothing fits is it scaled down (a window far too small for its font).
        Only positions move (a resize costs a few dozen setPos calls).
        """
        size, layout = self.size, self.layout
        if not self.nodes:
            return
        layers = [sorted(layer, key=layout.order_of.get) for layer in layout.layers]
        # Room for the nodes' boxes: a node's bounds add a pad around it and its tag above,
        # and fitInView keeps 2 px clear on each side.
        pad = size.line * size.PAD  # the roomier pad: what fits with it fits compact too
        avail_w = self.width() - 4 - 2 * self._margin() - 2 * pad
        avail_h = self.height() - 4 - 2 * self._margin() - size.line - 2 * pad
        shape = self._shape(layers, avail_w, avail_h) if avail_w > 0 and avail_h > 0 else None
        width, name_lines, per_row, compact = shape or (size.full_width, 2, max(map(len, layers)), False)
        if (width, name_lines, compact) != (size.width, size.name_lines, size.compact):
            size.set_shape(width, name_lines, compact)
            for node in self.nodes.values():
                node.resized()
        rows = [r for layer in reversed(layers) for r in _balanced(layer, per_row)]  # users on top
        widest = max(map(len, rows))
        scene_w = widest * (size.width + size.gap_x) - size.gap_x
        n_rows = len(rows)
        gap_y = size.gap_y if shape is None else size.min_gap_y
        if n_rows > 1 and avail_w > 0 and avail_h > 0:
            # Fill the widget's shape: at scale 1 its height, else the aspect ratio of it.
            wanted_h = avail_h if shape is not None else scene_w * avail_h / avail_w
            gap_y = (wanted_h - n_rows * size.height) / (n_rows - 1)
            gap_y = min(max(gap_y, size.min_gap_y if shape is not None else size.gap_y), size.line * 6)
        y = 0.0
        for row in rows:
            offset = (widest - len(row)) * (size.width + size.gap_x) / 2
            for i, cid in enumerate(row):
                if cid in self.nodes:
                    self.nodes[cid].setPos(offset + i * (size.width + size.gap_x), y)
            y += size.height + gap_y
        self._spread_ports()
        margin = self._margin()
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin))

    def _margin(self) -> float:
        return self.size.line * 0.25  # nodes carry a pad of their own around them

    def _shape(self, layers, avail_w: float, avail_h: float) -> tuple[float, int, int, bool] | None:
        """(node width, name lines, nodes per row, compact) of the roomiest layout that fits at scale 1."""
        size = self.size
        widest = max(map(len, layers))
        for compact in (False, True):
            gap = size.line * (1.2 if compact else 1.35)
            for name_lines in (2, 1):
                for per_row in range(widest, 0, -1):
                    width = min(size.full_width, (avail_w - (per_row - 1) * size.gap_x) / per_row)
                    if width < size.min_width(compact):
                        continue
                    n_rows = sum(len(_balanced(layer, per_row)) for layer in layers)
                    if n_rows * size.node_height(name_lines, compact) + (n_rows - 1) * gap <= avail_h:
                        return width, name_lines, per_row, compact
        return None

    def smallest_text_px(self) -> float:
        """On-screen pixel size of the smallest text (names, status words and tags share one size)."""
        return QFontInfo(self.font()).pixelSize() * self.graphics.transform().m11()

    def _spread_ports(self) -> None:
        """Order each node's edges by the x of their other end, then space them out."""
        outgoing: dict[str, list[EdgeItem]] = {}
        incoming: dict[str, list[EdgeItem]] = {}
        for edge in self.edges:
            outgoing.setdefault(edge.user.view.id, []).append(edge)
            incoming.setdefault(edge.dependency.view.id, []).append(edge)
        for group, far, attr in ((outgoing, "dependency", "start_frac"), (incoming, "user", "end_frac")):
            for edges in group.values():
                edges.sort(key=lambda e: getattr(e, far).pos().x())
                for i, edge in enumerate(edges):
                    setattr(edge, attr, (i + 0.5) / len(edges))
        for edge in self.edges:
            edge.reroute()

    # --- live updates -------------------------------------------------------
    def refresh(self, changed=None) -> None:
        """Repaint changed nodes; re-derive dimming and hot edges (cheap: one pass)."""
        board = self.store.board
        causes = set(board.result.probable_causes)
        # Whether a node is a symptom, and of what, can change without its own
        # status changing (its cause just failed), so all failing nodes recheck.
        ids = set(changed or ()) | {cid for cid, n in self.nodes.items()
                                    if n.view.own_status.is_failing or n.view.status in AFFECTED
                                    or n.view.at_risk}
        for cid in ids:
            if cid in self.nodes:
                view = board.component(cid)
                self.nodes[cid].set_view(view, self.causes_behind(cid, causes) if view.is_symptom else ())
        outage = any(n.view.status in AFFECTED for n in self.nodes.values())
        for node in self.nodes.values():
            lit = node.view.status in AFFECTED or node.view.at_risk
            node.setOpacity(1.0 if not outage or lit else DIMMED)
        for edge in self.edges:
            user = edge.user.view
            hot = ((user.status in AFFECTED or user.at_risk)
                   and edge.dependency.view.status in AFFECTED)
            edge.set_hot(hot)
            edge.setOpacity(1.0 if hot or not outage else DIMMED)

    def causes_behind(self, cid: str, causes: set[str]) -> tuple[str, ...]:
        """Probable causes reachable down the dependency edges from ``cid``."""
        seen, stack, found = set(), list(self._deps.get(cid, ())), []
        while stack:
            dep = stack.pop()
            if dep in seen:
                continue
            seen.add(dep)
            if dep in causes:
                found.append(dep)
            stack.extend(self._deps.get(dep, ()))
        return tuple(sorted(found))

    # --- fitting --------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        self.graphics.setGeometry(self.rect())
        self._place()
        self.fit()
        super().resizeEvent(event)

    def showEvent(self, event) -> None:
        self.fit()
        super().showEvent(event)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._build()  # node geometry comes from the font: the wall scales through it
            self.fit()
        super().changeEvent(event)

    def fit(self) -> None:
        self.graphics.fitInView(self.scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)


#: Abbreviations a NOC reads at a glance, used only when a name does not fit its node.
ABBREVIATIONS = (("Kubernetes", "K8s"), ("database", "DB"), ("load balancers", "LBs"),
                 ("data centre", "DC"), ("Authentication", "Auth"))


def _base_name(name: str) -> str:
    """"Primary database (PostgreSQL)" -> "Primary database"."""
    return name.split(" (", 1)[0] if name.endswith(")") and " (" in name else name


def _short_names(name: str, unique_base: bool) -> list[str]:
    """Shorter forms of ``name``, mildest first (the full name stays in the tooltip)."""
    forms = []
    short = name
    for long, abbreviation in ABBREVIATIONS:
        short = short.replace(long, abbreviation)
    if short != name:
        forms.append(short)
    if unique_base and _base_name(short) != short:
        forms.append(_base_name(short))
    return forms


def _balanced(layer: list[str], per_row: int) -> list[list[str]]:
    """``layer`` in as few rows of at most ``per_row`` as possible, of near-equal length."""
    n_rows = max(1, math.ceil(len(layer) / per_row))
    size = math.ceil(len(layer) / n_rows)
    return [layer[i:i + size] for i in range(0, len(layer), size)]


def _fit_two_lines(text: str, font: QFont, width: float) -> str:
    """At most two lines, split where the longer line is shortest; elide what still spills."""
    fm = QFontMetricsF(font)
    if fm.horizontalAdvance(text) <= width:
        return text
    words = text.split()
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    if not splits:
        return fm.elidedText(text, Qt.TextElideMode.ElideRight, width)
    first, second = min(splits, key=lambda pair: max(fm.horizontalAdvance(p) for p in pair))
    return "\n".join(fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in (first, second))
