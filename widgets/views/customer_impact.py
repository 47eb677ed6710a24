"""Customer impact: who is hurt, how many at work right now, and how urgent it is.

Top: the suggested priority (P1..P5, big, with its reasons in words) and one
big number per tier.  Below: the impacted customers, sortable.  Refreshes are
coalesced (at most 4 per second): listing the customers of a 50,000-customer
base costs milliseconds, and an outage arrives as a burst of transitions.  A
60 s clock refresh follows business hours as they start and end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QSize, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QSizePolicy, QTableView, QVBoxLayout,
                               QWidget)

from noc_app.domain import Status
from noc_app.impact.customers import CustomerImpact
from noc_app.impact.priority import suggest_priority
from widgets.column_fit import fit_columns
from widgets.flat_table import FlatTableModel
from widgets.board_store import BoardStore
from widgets.theme import dark_palette, look, scaled_font

COLUMNS = ("Customer", "Tier", "Severity", "Hurt by", "Business hours now", "Partner", "Account manager")
NAME, TIER, SEVERITY, COMPONENTS, IN_HOURS, PARTNER, MANAGER = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
COALESCE_MS = 250  # at most four refreshes a second
CLOCK_MS = 60_000
ROW_LIMIT = 5000  # heaviest first; beyond this the table says how many are not listed
#: Priority colours: P1/P2 loud (vermillion/orange), P3 amber-free blue, P4/P5 calm grey.
PRIORITY_COLOURS = {"P1": "#D55E00", "P2": "#E69F00", "P3": "#0072B2", "P4": "#3a404a", "P5": "#3a404a"}
CARD = QColor("#22262d")
TEXT = QColor("#e8e8e8")
MUTED = QColor("#a8b0bb")


class ImpactedCustomersModel(FlatTableModel):
    """The impacted customers as rows; reset only when the list really changed."""

    COLUMNS = COLUMNS

    def row_count(self) -> int:
        return len(self._rows)

    def __init__(self, component_names: dict[str, str], managers: dict[str, str], parent=None):
        super().__init__(parent)
        self._names = component_names
        self._managers = managers
        self._rows: list[CustomerImpact] = []
        self._weights: dict[str, float] = {}

    def set_impacts(self, impacts: Sequence[CustomerImpact], tier_weights: dict[str, float]) -> bool:
        rows = list(impacts)
        if rows == self._rows:
            return False  # same picture: keep selection and scroll position
        self.beginResetModel()
        self._rows = rows
        self._weights = tier_weights
        self.endResetModel()
        return True

    def impact(self, row: int) -> CustomerImpact:
        return self._rows[row]




    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(c, column)
        if role == SORT_ROLE:
            return self._sort_key(c, column)
        if column == SEVERITY and role == Qt.ItemDataRole.BackgroundRole:
            return QColor(look(c.severity).colour)
        if column == SEVERITY and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(look(c.severity).text_colour)
        if role == Qt.ItemDataRole.FontRole and column in (NAME, SEVERITY):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == COMPONENTS:
            return "\n".join(self._names.get(cid, cid) for cid in c.components)
        return None

    def _display(self, c: CustomerImpact, column: int) -> str:
        if column == NAME:
            return c.name
        if column == TIER:
            return c.tier
        if column == SEVERITY:
            return f"{look(c.severity).symbol} {look(c.severity).word}"
        if column == COMPONENTS:
            return ", ".join(self._names.get(cid, cid) for cid in c.components)
        if column == IN_HOURS:
            return "yes, at work" if c.in_business_hours else "no"
        if column == PARTNER:
            return "PARTNER" if c.partner else ""
        return self._managers.get(c.id, "")

    def _sort_key(self, c: CustomerImpact, column: int):
        if column == TIER:
            return self._weights.get(c.tier, c.weight)
        if column == SEVERITY:
            return 2 if c.severity == Status.DOWN else 1
        if column == COMPONENTS:
            return len(c.components)
        if column in (IN_HOURS, PARTNER):
            return int(c.in_business_hours if column == IN_HOURS else c.partner)
        return self._display(c, column).lower()


class BigNumber(QWidget):
    """A painted card: one big value, a caption, detail lines.

    Painted rather than QLabels so an application stylesheet's font-size
    cannot flatten it: every size is a multiple of ``self.font()``.
    """

    def __init__(self, caption: str, scale: float = 3.0, parent=None):
        super().__init__(parent)
        self.caption = caption
        self.value = "–"
        self.details: list[str] = []
        self.accent = CARD
        self.accent_text = TEXT
        self.scale = scale
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set(self, value: str, details: Sequence[str], accent: QColor = CARD,
            accent_text: QColor = TEXT) -> None:
        self.value, self.details = value, list(details)
        self.accent, self.accent_text = QColor(accent), QColor(accent_text)
        self.updateGeometry()
        self.update()

    def _fonts(self) -> tuple[QFont, QFont]:
        big = scaled_font(self.font(), self.scale)
        big.setBold(True)
        small = QFont(self.font())
        return big, small

    def sizeHint(self) -> QSize:
        big, small = self._fonts()
        line = QFontMetrics(small).height()
        width = max([QFontMetrics(big).horizontalAdvance(self.value)]
                    + [QFontMetrics(small).horizontalAdvance(t) for t in [self.caption, *self.details]])
        return QSize(width + 2 * line, QFontMetrics(big).height() + line * (2 + len(self.details)))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event) -> None:
        big, small = self._fonts()
        line = QFontMetrics(small).height()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.accent)
        painter.drawRoundedRect(self.rect(), line * 0.4, line * 0.4)
        pad = line // 2
        painter.setFont(small)
        painter.setPen(self.accent_text if self.accent != CARD else MUTED)
        painter.drawText(self.rect().adjusted(line, pad, -line, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, self.caption)
        painter.setFont(big)
        painter.setPen(self.accent_text)
        big_h = QFontMetrics(big).height()
        painter.drawText(self.rect().adjusted(line, pad + line, -line, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, self.value)
        painter.setFont(small)
        for i, text in enumerate(self.details):
            painter.drawText(self.rect().adjusted(line, pad + line + big_h + i * line, -line, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        painter.end()


class CustomerImpactView(QWidget):
    def __init__(self, store: BoardStore, parent: QWidget | None = None,
                 clock: Callable[[], dt.datetime] | None = None):
        super().__init__(parent)
        self.store = store
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        topology = store.board.topology
        people = {p.id: p.name for p in topology.people}
        managers = {c.id: people.get(c.account_manager, c.account_manager)
                    for c in topology.customers if c.account_manager}
        names = {c.id: c.name for c in topology.components}
        self.model = ImpactedCustomersModel(names, managers, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.refresh_count = 0

        self.setAutoFillBackground(True)
        self.setPalette(dark_palette(self.palette()))

        self.priority = BigNumber("Suggested priority", scale=4.0)
        self.priority.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.tiers: dict[str, BigNumber] = {}
        cards = QHBoxLayout()
        cards.addWidget(self.priority)
        for tier in _tier_order(store):
            card = BigNumber(f"{tier} customers")
            self.tiers[tier] = card
            cards.addWidget(card)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        self.listed = QLabel()

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # model order: heaviest tier first
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # Widths are measured by fit_columns when the rows change, not by Qt on
        # every show and reset (ResizeToContents: ~90 ms the first time the tab
        # was shown during an outage).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COMPONENTS, QHeaderView.ResizeMode.Stretch)

        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addWidget(self.reasons)
        layout.addWidget(self.listed)
        layout.addWidget(self.table, 1)

        self._coalesce = QTimer(self, singleShot=True, interval=COALESCE_MS, timeout=self.refresh_now)
        self._clock_timer = QTimer(self, interval=CLOCK_MS, timeout=self.refresh_now)
        self._clock_timer.start()
        store.componentsChanged.connect(self.schedule_refresh)
        self.refresh_now()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FontChange:
            self._follow_font()
        super().changeEvent(event)

    def _follow_font(self) -> None:
        """The header row in the view's font (bold, as the theme draws it), columns re-measured.

        Qt does not always pass a new font down to a table's header: with seven
        columns the wall's first setFont stopped at the table and the header row
        stayed at the desktop's 12 px on a 24 px wall. So the header is told."""
        header = QFont(self.font())
        header.setBold(True)
        self.table.horizontalHeader().setFont(header)
        fit_columns(self.table)

    def schedule_refresh(self, _changed=None) -> None:
        """Many transitions in a burst become one refresh, COALESCE_MS after the first."""
        if not self._coalesce.isActive():
            self._coalesce.start()

    def refresh_now(self, at: dt.datetime | None = None) -> None:
        at = at or self.clock()
        self.refresh_count += 1
        result = self.store.board.result
        totals = result.totals_by_tier(at)
        for tier, card in self.tiers.items():
            t = totals.get(tier)
            hit = t.impacted if t else 0
            details = [f"{t.in_business_hours if t else 0} in business hours",
                       f"of {t.customers if t else 0} in tier" + (f" · {t.down} down" if t and t.down else "")]
            if t and t.partners and tier != "partner":
                details[1] += f" · {t.partners} partner"
            card.set(str(hit), details)
        if result.impacted_count == 0 and not result.failing:
            self.priority.set("—", ["no customers affected", ""])
            self.reasons.setText("Nothing failing: no incident to classify.")
        else:
            s = suggest_priority(result, at)
            self.priority.set(s.priority, [f"impact {s.impact.value}", f"urgency {s.urgency.value}"],
                              QColor(PRIORITY_COLOURS.get(s.priority, "#3a404a")),
                              QColor("#000000" if s.priority == "P2" else "#ffffff"))
            self.reasons.setText("\n".join(f"• {r}" for r in s.reasons))
        impacts = result.customer_impacts(at, limit=ROW_LIMIT)
        weights = {tier: t.weight_each for tier, t in totals.items()}
        if self.model.set_impacts(impacts, weights) or self.refresh_count == 1:
            fit_columns(self.table)
        total = result.impacted_count
        shown = f"{total} impacted customers" if total <= ROW_LIMIT else \
            f"{total} impacted customers — the {ROW_LIMIT} heaviest listed"
        self.listed.setText(shown + f" ({result.impacted_share:.0%} of customer weight)")


def _tier_order(store: BoardStore) -> list[str]:
    """The topology's tiers, heaviest first (enterprise, business, partner, standard...)."""
    at = dt.datetime.now(dt.timezone.utc)
    return list(store.board.result.totals_by_tier(at))
