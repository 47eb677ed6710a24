"""Where per-user files live (database, drafts, settings)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "vigil-noc"


def data_dir() -> Path:
    """The per-user data directory; ``NOC_DATA_DIR`` overrides it (tests, kiosks)."""
    override = os.environ.get("NOC_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'noc.db'}"
