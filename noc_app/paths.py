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
    override = os.environ.get("NOC_DATA_DIR")
    if override:
        return private_dir(Path(override))
    return private_dir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)), tighten=True)


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'noc.db'}"
