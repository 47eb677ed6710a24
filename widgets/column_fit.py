"""Column widths from the header and the first rows' text, measured in Python.

``QHeaderView.ResizeToContents`` re-measures every time the view is shown
or the model resets, through the delegate: ten data roles and a full text
layout per cell. On the customer-impact table that was ~90 ms on the GUI
thread the first time the tab was shown during an outage. Measuring the
display text of the first rows with cached font metrics costs ~1-2 ms, and
only when the rows change; showing the view then measures nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

SAMPLE_ROWS = 40  # like setResizeContentsPrecision(40): the first rows set the width
CELL_PADDING = 20  # the style's cell margins, with room to spare
HEADER_PADDING = 12 + 24  # the style sheet's padding, and the sort indicator


def fit_columns(table: QTableView, sample_rows: int = SAMPLE_ROWS) -> None:
    """Size every ``Interactive`` column of ``table`` to its header and first rows.

    Stretch and fixed columns are left alone; the user can still drag a
    column wider until the rows change again.
    """
    model = table.model()
    if model is None:
        return
    header = table.horizontalHeader()
    # The theme's style sheet draws section titles bold with 6 px padding;
    # header.font() does not know that, so measure as it is painted.
    header_font = QFont(header.font())
    header_font.setBold(True)
    header_metrics = QFontMetrics(header_font)
    metrics: dict[str, QFontMetrics] = {}
    base = table.font()
    rows = min(sample_rows, model.rowCount())
    for column in range(model.columnCount()):
        if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive:
            continue
        title = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        widest = header_metrics.horizontalAdvance(str(title or "")) + HEADER_PADDING
        for row in range(rows):
            index = model.index(row, column)
            text = model.data(index, Qt.ItemDataRole.DisplayRole)
            if not text:
                continue
            font = model.data(index, Qt.ItemDataRole.FontRole)
            font = base if not isinstance(font, QFont) else font.resolve(base)
            key = font.key()
            if key not in metrics:
                metrics[key] = QFontMetrics(font)
            widest = max(widest, metrics[key].horizontalAdvance(str(text)) + CELL_PADDING)
        if header.sectionSize(column) != widest:
            header.resizeSection(column, widest)
