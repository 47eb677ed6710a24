"""Reports as PDF through Qt's own rich-text engine: no extra system dependency.

QTextDocument lays the report's HTML out on A4 pages (a table's ``thead``
repeats at the top of every page it spans); each page is then painted onto a
QPdfWriter with a footer carrying the report's title line and "page N of M".
"""

from __future__ import annotations

import os
from pathlib import Path

MARGIN_MM = 15
FOOTER_MM = 8


def ensure_gui_application():
    """Headless commands need a QGuiApplication for fonts; offscreen unless a display is set up."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QGuiApplication(["vigil-noc-report"])
    return app


def write_pdf(html: str, path: Path, title: str, footer: str = "") -> None:
    ensure_gui_application()
    from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument, QTextOption

    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("Vigil NOC")
    writer.setResolution(144)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM + FOOTER_MM),
                                     QPageLayout.Unit.Millimeter))
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    dots_per_mm = writer.resolution() / 25.4

    document = QTextDocument()
    document.setDocumentMargin(0)
    # Whole words only: a narrow column grows to its longest word instead of breaking it ("Redundan|cy").
    option = document.defaultTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    document.setDefaultTextOption(option)
    base = QFont("DejaVu Sans")
    base.setPointSizeF(10)
    document.setDefaultFont(base)
    # Lay out in the writer's own pixels, so 10 pt text is 10 pt on paper.
    document.documentLayout().setPaintDevice(writer)
    document.setPageSize(QSizeF(page.width(), page.height()))
    # Data tables a little denser on paper than on screen: a row of a 7-column table stays on one
    # line, so 2,000 customers take ~50 pages instead of ~140 (and Qt lays out and paints far less).
    document.setDefaultStyleSheet("table.data td, table.data th { font-size: 9pt; padding: 2px; }")
    document.setHtml(html)
    pages = max(1, document.pageCount())

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot open {path} for writing")
    try:
        footer_font = QFont("DejaVu Sans")
        footer_font.setPointSizeF(8)
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            top = number * document.pageSize().height()
            painter.translate(0, -top)
            document.drawContents(painter, QRectF(0, top, document.pageSize().width(), document.pageSize().height()))
            painter.restore()
            painter.setFont(footer_font)
            line = QRectF(0, page.height() + 2 * dots_per_mm, page.width(), (FOOTER_MM - 2) * dots_per_mm)
            painter.drawLine(line.topLeft(), line.topRight())
            left = footer or title
            painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, left)
            painter.drawText(line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"page {number + 1} of {pages}")
    finally:
        painter.end()
