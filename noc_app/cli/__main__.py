"""``python -m noc_app.cli COMMAND ...``: the headless commands without main.py.

``poll --processes N`` starts its children this way, so they import the
same copy of the app however the parent was started (no Qt is loaded).
"""

from __future__ import annotations

import sys

from noc_app.cli import build_parser
from noc_app.cli.errors import explain, print_error


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        print_error("error: python -m noc_app.cli runs headless commands only; the GUI is main.py")
        return 2
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        message, code = explain(exc)
        print_error(message)
        return code


if __name__ == "__main__":
    sys.exit(main())
