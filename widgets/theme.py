"""Status colours, symbols and words: colour is never the only cue.

Colours are from the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness; every status also has a symbol and a word.
They stay in code: they carry meaning. The look around them (the light and
dark stylesheets) is in ``resources/themes/`` and loaded through
``widgets.assets``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette

from noc_app.domain import Status


@dataclass(frozen=True)
class StatusLook:
    word: str
    symbol: str
    colour: str  # background / accent
    text_colour: str  # legible on ``colour``


LOOKS: dict[Status, StatusLook] = {
    Status.OK: StatusLook("OK", "✔", "#009E73", "#FFFFFF"),
    Status.DEGRADED: StatusLook("DEGRADED", "▲", "#E69F00", "#000000"),
    Status.DOWN: StatusLook("DOWN", "✖", "#D55E00", "#FFFFFF"),
    Status.UNKNOWN: StatusLook("UNKNOWN", "?", "#7F7F7F", "#FFFFFF"),
    Status.MAINTENANCE: StatusLook("MAINTENANCE", "⚒", "#0072B2", "#FFFFFF"),
    Status.IMPACTED: StatusLook("IMPACTED", "◆", "#CC79A7", "#000000"),
}


#: Not a status: an OK component whose redundancy group lost members (issue 14).
#: Okabe-Ito yellow, and always with its word and symbol.
AT_RISK = StatusLook("AT RISK", "⚠", "#F0E442", "#000000")


def look(status: Status) -> StatusLook:
    return LOOKS[status]


def qcolor(status: Status) -> QColor:
    return QColor(LOOKS[status].colour)


def __getattr__(name: str) -> str:
    """``DARK_STYLESHEET`` / ``LIGHT_STYLESHEET``: the theme files in ``resources/themes/``, read now."""
    if name in ("DARK_STYLESHEET", "LIGHT_STYLESHEET"):
        from widgets.assets import stylesheet

        return stylesheet(name.split("_")[0].lower())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def scaled_font(font: QFont, factor: float) -> QFont:
    """``font`` made ``factor`` times bigger, whether it is sized in pixels (the wall) or points."""
    bigger = QFont(font)
    if font.pixelSize() > 0:
        bigger.setPixelSize(max(1, round(font.pixelSize() * factor)))
    else:
        bigger.setPointSizeF(max(1.0, font.pointSizeF() * factor))
    return bigger


def dark_palette(palette: QPalette) -> QPalette:
    """Dark colours for a view shown without the application's stylesheet (tests, embedding)."""
    roles = {QPalette.ColorRole.Window: "#15181d", QPalette.ColorRole.Base: "#15181d",
             QPalette.ColorRole.AlternateBase: "#1b1f25", QPalette.ColorRole.Button: "#22262d",
             QPalette.ColorRole.WindowText: "#e8e8e8", QPalette.ColorRole.Text: "#e8e8e8",
             QPalette.ColorRole.ButtonText: "#e8e8e8", QPalette.ColorRole.Highlight: "#35506b",
             QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#22262d",
             QPalette.ColorRole.ToolTipText: "#e8e8e8"}
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    return palette
