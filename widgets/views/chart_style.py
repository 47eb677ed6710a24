"""The charts' colours, shared by the component detail view (pyqtgraph) and the report chart (QPainter).

Plain strings, no Qt: the report chart imports them without loading pyqtgraph.
"""

BACKGROUND = "#15181d"
FOREGROUND = "#e8e8e8"
AXIS = "#5a606b"
GRID_ALPHA = 0.15
# Okabe–Ito colours not used for statuses, so a series is never read as a state.
SERIES_COLOURS = ("#56B4E9", "#F0E442", "#CC79A7", "#FFFFFF")
AVAILABLE = "#009E73"  # the OK and DOWN status colours
UNAVAILABLE = "#D55E00"
THRESHOLD = "#E69F00"
ENVELOPE_ALPHA = 70  # the min–max band under a series' average line
TLS_OFF = "⚠ TLS certificate NOT verified"  # verify_tls = false in the topology: never silent
