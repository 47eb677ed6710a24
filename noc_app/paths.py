"""Where per-user files live (database, drafts, settings)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from noc_app.private_files import private_dir

APP_NAME = "vigil-noc"


def data_dir() -> Path:
    """The per-user data directory; ``NOC_DATA_DIR`` overrides it (tests, kiosks).

    Created 0700 (it holds customer lists, incident notes and drafts). The
    default directory is also tightened if an older version made it 0755;
    an existing ``NOC_DATA_DIR`` keeps the mode its owner gave it.
    """
    path = data_dir_location()
    return private_dir(path, tighten=not os.environ.get("NOC_DATA_DIR"))


def data_dir_location() -> Path:
    """Where the data directory is (or would be), without creating it."""
    override = os.environ.get("NOC_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'noc.db'}"
