"""Output into a pipe whose reader has gone (``spof --json | head``) is not an error.

The reader took what it wanted; the command stops quietly with exit 0.
stdout is pointed at /dev/null first, so Python's own flush at exit does not
report the broken pipe again ("Exception ignored ... BrokenPipeError").
"""

from __future__ import annotations

import os
import sys


def silence_stdout() -> None:
    """After a ``BrokenPipeError`` on stdout: send whatever is still buffered nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (tests capture it): nothing to silence
        pass
