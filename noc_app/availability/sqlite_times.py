"""SQLite's stored timestamps, parsed in bulk into the epoch seconds ``julianday()`` would have given.

SQLAlchemy stores a datetime in SQLite as 26 characters,
``YYYY-MM-DD HH:MM:SS.ffffff``. Asking SQLite for ``julianday(at)`` on
350,000 rows costs more than reading the text itself, so the text comes back
concatenated (``group_concat(at, '')``) and numpy parses it at once. The
figures must not move by a millisecond, so the result is rounded exactly as
SQLite's date functions round: to the millisecond, half up, on integer
milliseconds since the Julian epoch, then through the same float arithmetic
as ``(julianday(at) - 2440587.5) * 86400.0`` rounded to 3 decimals.
"""

from __future__ import annotations

import numpy as np

WIDTH = 26  # len("2026-11-30 23:59:59.123456")
_UNIX_EPOCH_JD_MS = 210_866_760_000_000  # julian day 2440587.5, in milliseconds
_US_PER_DAY = 86_400_000_000
_US_PER_MINUTE = 60_000_000
_SEPARATORS = {4: b"-", 7: b"-", 13: b":", 16: b":", 19: b"."}


def parse(text: bytes) -> np.ndarray | None:
    """Epoch seconds of consecutive 26-character timestamps; None when the text is not made only of them."""
    if len(text) % WIDTH:
        return None
    cells = np.frombuffer(text, dtype=np.uint8).reshape(-1, WIDTH)
    if not all((cells[:, i] == ord(c)).all() for i, c in _SEPARATORS.items()):
        return None
    if not np.isin(cells[:, 10], (ord(" "), ord("T"))).all():
        return None
    try:
        micros = np.frombuffer(text, dtype=f"S{WIDTH}").astype("datetime64[us]").astype(np.int64)
    except ValueError:
        return None
    return epoch_as_sqlite(micros)


def epoch_as_sqlite(micros: np.ndarray) -> np.ndarray:
    """Microseconds since 1970 as ``round((julianday(t) - 2440587.5) * 86400.0, 3)`` would give them."""
    day = np.floor_divide(micros, _US_PER_DAY)
    in_day = micros - day * _US_PER_DAY
    minutes = in_day // _US_PER_MINUTE
    in_minute = in_day - minutes * _US_PER_MINUTE
    # SQLite: seconds as a double (whole seconds + fraction), then (sqlite3_int64)(s * 1000 + 0.5).
    seconds = (in_minute // 1_000_000).astype(np.float64) + (in_minute % 1_000_000) / 1e6
    julian_ms = (day * 86_400_000 + _UNIX_EPOCH_JD_MS + minutes * 60_000
                 + np.floor(seconds * 1000 + 0.5).astype(np.int64))
    return np.round((julian_ms / 86_400_000.0 - 2440587.5) * 86400.0, 3)
