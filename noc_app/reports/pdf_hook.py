"""Where the core finds a PDF renderer: PDF is drawn by Qt, and the core imports no Qt.

``main.py`` installs the Qt layer's renderer (``widgets.reports.pdf``) at
start-up; a headless command asks for it here. Without it (the core used on
its own) a PDF request is refused with a clear error instead of importing Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

# (html, destination path, document title, footer text) -> None
PdfRenderer = Callable[[str, Path, str, str], None]

_renderer: PdfRenderer | None = None


def install(renderer: PdfRenderer) -> None:
    global _renderer
    _renderer = renderer


def renderer() -> PdfRenderer | None:
    return _renderer
