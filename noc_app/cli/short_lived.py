"""A command that is over in a second or two runs without Python's cyclic garbage collector.

Measured on ``export`` (fresh process, CPU): the collector's passes over the
heap that importing SQLAlchemy, the models and numpy builds (hundreds of
thousands of objects, nearly none of them garbage), and its last passes at
interpreter exit, cost ~0.2 s of a 1 s budget. A short command's garbage is
freed by reference counting, and what cycles remain are bounded by what one
export reads; the process ends right after.

Only when the command is the whole process (``main()`` called with no
argv): a test or the bench calling ``main.main([...])`` keeps its collector.
Long-running commands (``poll``, ``statuspage --watch``, the GUI) never opt in:
a command opts in with ``parser.set_defaults(short_lived=True)``: export, report, bundle,
status and spof do. (``statuspage`` freezes its start-up heap instead: with ``--watch`` it runs
for days.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def short_lived(args, whole_process: bool) -> Iterator[None]:
    if not (whole_process and getattr(args, "short_lived", False)):
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        # The interpreter's exit follows: frozen, the heap is not walked once more on the way out.
        gc.freeze()
