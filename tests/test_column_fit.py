"""Tables size their columns from the text they show, without Qt measuring on every change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView

from noc_app.domain import Status
from test_view_impact import AT, feed, store  # noqa: F401 - pytest fixture
from widgets.component_list import ComponentListView
from widgets.views.customer_impact import CustomerImpactView


def assert_text_fits(table) -> None:
    """Every Interactive column is at least as wide as its header and its first rows' text."""
    model, header = table.model(), table.horizontalHeader()
    checked = 0
    for column in range(model.columnCount()):
        if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive:
            continue
        title = model.headerData(column, Qt.Orientation.Horizontal)
        bold = QFont(header.font())
        bold.setBold(True)  # the theme draws titles bold
        assert header.sectionSize(column) >= QFontMetrics(bold).horizontalAdvance(title) + 12, title
        for row in range(min(40, model.rowCount())):
            index = model.index(row, column)
            text = index.data() or ""
            font = index.data(Qt.ItemDataRole.FontRole)
            font = font.resolve(table.font()) if isinstance(font, QFont) else table.font()
            assert header.sectionSize(column) >= QFontMetrics(font).horizontalAdvance(text), (title, text)
            checked += 1
    assert checked, "no rows were checked"


def test_component_list_widths_follow_the_rows(qtbot, store) -> None:  # noqa: F811 - fixture
    view = ComponentListView(store)
    qtbot.addWidget(view)
    view.resize(1600, 600)
    view.show()
    qtbot.waitExposed(view)
    header = view.table.horizontalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive  # never ResizeToContents
    assert_text_fits(view.table)
    feed(store, "db-main#0", Status.DOWN, "connection refused after a much longer explanation")
    # the burst is measured once, shortly after
    qtbot.waitUntil(lambda: not view._fit.isActive(), timeout=2000)
    assert_text_fits(view.table)


def test_customer_impact_widths_follow_the_rows(qtbot, store) -> None:  # noqa: F811 - fixture
    view = CustomerImpactView(store, clock=lambda: AT)
    qtbot.addWidget(view)
    view.resize(1600, 800)
    view.show()
    feed(store, "db-main#0", Status.DOWN)
    view.refresh_now(AT)
    assert view.proxy.rowCount() > 0
    assert_text_fits(view.table)
