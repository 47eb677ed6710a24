"""The files the app shows and plays: Qt stylesheets, SVG icons, the alert sound.

Shipped as package data and read through ``importlib.resources``, so they load
the same from a checkout, an editable install or a wheel, and can be changed
without touching code. ``NOC_RESOURCES_DIR=DIR`` points at a directory laid out
like this one (``themes/dark.qss``, ``icons/alert.svg``, ...): a file found
there is used instead of the shipped one, so a site restyles its wall without
editing the installed package. Plain Python: the core may read it too.

    themes/dark.qss  themes/light.qss  themes/incident-dialog.qss
    icons/alert.svg  icons/vigil.svg   sounds/alert.wav
"""

from __future__ import annotations

import atexit
import contextlib
import os
from importlib import resources as _resources
from pathlib import Path

THEMES = ("dark", "light")
OVERRIDE_ENV = "NOC_RESOURCES_DIR"

_files = contextlib.ExitStack()
atexit.register(_files.close)


class ResourceError(LookupError):
    """A resource the app needs is missing (a broken install, or a typo in an override)."""


def _override(relative: str) -> Path | None:
    root = os.environ.get(OVERRIDE_ENV)
    if root:
        candidate = Path(root) / relative
        if candidate.is_file():
            return candidate
    return None


def _shipped(relative: str):
    entry = _resources.files(__name__).joinpath(relative)
    if not entry.is_file():
        raise ResourceError(f"resource {relative!r} is missing from {_resources.files(__name__)}; "
                            "reinstall vigil-noc")
    return entry


def read_bytes(relative: str) -> bytes:
    """``relative`` ("icons/alert.svg") as bytes: the override if there is one, else the shipped file."""
    override = _override(relative)
    return override.read_bytes() if override else _shipped(relative).read_bytes()


def read_text(relative: str) -> str:
    return read_bytes(relative).decode("utf-8")


def file_path(relative: str) -> Path:
    """A real file for APIs that want a path (a sound effect's URL); extracted once if zipped."""
    override = _override(relative)
    if override:
        return override
    return Path(_files.enter_context(_resources.as_file(_shipped(relative))))


def stylesheet(name: str) -> str:
    """A Qt stylesheet by name: "dark", "light", "incident-dialog"."""
    return read_text(f"themes/{name}.qss")
