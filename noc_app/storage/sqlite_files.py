"""A SQLite database file (and its -wal / -shm) readable by its owner only.

SQLite creates a missing database file 0644 (less the umask) and gives the
-wal and -shm files the mode of the database file. So the file is created
here first, 0600, before SQLite opens it; its companions follow. A file an
older version left 0644 in the app's own data directory is tightened; a file
elsewhere that already exists keeps the mode its owner chose (a group may
share it on purpose).
"""

from __future__ import annotations

from pathlib import Path

from noc_app.paths import data_dir_location
from noc_app.private_files import create_private_file, private_dir, tighten_file

COMPANIONS = ("-wal", "-shm", "-journal")


def prepare_sqlite_file(database: str | None) -> Path | None:
    """Create the folder (0700) and the file (0600) of a file database; None for memory/URI ones."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    if not path.parent.is_dir():
        private_dir(path.parent)
    if not create_private_file(path) and path.parent.resolve() == data_dir_location().resolve():
        for each in (path, *(path.with_name(path.name + suffix) for suffix in COMPANIONS)):
            if each.exists():
                tighten_file(each)
    return path
