"""Files only their owner may read: the data directory, SQLite databases, drafts, spools.

What lives there (customer lists, incident notes, unsent drafts, check
results) is nobody else's business on a shared machine, so directories are
created 0700 and files 0600. The mode is set at creation (``os.open`` /
``mkdir`` with a mode), not fixed afterwards, so there is no moment when
another user could open the file. The umask can only take bits away.

On Windows the modes are ignored by the OS; the per-user profile
directories are private already.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: str | os.PathLike, tighten: bool = False) -> Path:
    """Make ``path`` (and missing parents' last level) a directory only its owner can enter.

    A directory that exists already keeps its mode unless ``tighten`` is set
    (for the app's own default directory, which an older version created
    0755): a directory someone named on purpose, such as a shared
    ``NOC_DATA_DIR``, is theirs to set.
    """
    path = Path(path)
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            pass  # made meanwhile by another process; treated as existing
        else:
            return path
    if tighten:
        _tighten(path, DIR_MODE)
    return path


def create_private_file(path: str | os.PathLike) -> bool:
    """Create ``path`` empty with mode 0600 if it does not exist; True when created.

    SQLite gives its -wal and -shm files the mode of the database file, so
    creating the database file private makes all three private.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def tighten_file(path: str | os.PathLike) -> None:
    """Drop group and other access from an existing file we own (older versions made them 0644)."""
    _tighten(Path(path), FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    if os.name != "posix":
        return
    try:
        st = path.stat()
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
            path.chmod(mode)
    except OSError:
        pass  # not ours to change, or gone: leave it
