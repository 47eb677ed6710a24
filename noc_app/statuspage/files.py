"""Write a set of files into a directory so that a web server never serves a half-written one.

Each file goes to a temporary name in its own directory and is renamed over
the old one (``os.replace`` is atomic on POSIX and Windows): a reader sees
the old file or the new one, never a mix. Files whose bytes did not change
are left alone (a ``--watch`` rewrite touches only what changed), and
files are written in the given order, so pages are in place before the
pages that link to them.

Durability: after a batch of renames each folder that got one is fsynced
once, which makes the renames themselves durable (on ext4 it commits the
journal, and the data of a file renamed over an old one is written first).
The files are not fsynced one by one: each fsync waits for the disk, a
rewrite replaces a dozen files, and the page is derived from the database,
which stays the truth. A file a crash did lose is put back by the next run,
which compares every file on disk with what it should hold before trusting it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    """The output directory cannot be written (bad input: exit 2)."""


def check_writable(out: Path) -> None:
    """Refuse an output that is not a writable directory, before any work is done."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a directory; give a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write there ({exc.strerror or exc}); "
                          "choose a directory you can write to") from None


class AtomicDirectory:
    def __init__(self, root: Path):
        self.root = Path(root)
        # relative path -> the bytes on disk. Compared, not hashed: the writers hand back the very
        # same bytes object for an unchanged page (``is`` settles it), and the others are the
        # dozen pages that carry the time, compared at memory speed.
        self._written: dict[str, bytes] = {}
        self._dirs: set[Path] = set()
        self._pruned: dict[tuple[str, str], frozenset[str]] = {}  # (folder, suffix) -> keep, last time

    def prune(self, folder: str, keep: set[str], suffix: str = ".html") -> list[str]:
        """Remove ``folder/*suffix`` files not in ``keep``: a page that left the site goes with it
        (an incident about a component no longer public must not stay reachable).

        The folder is listed again only when ``keep`` changed: after one listing every file we
        wrote is known, and only a page leaving ``keep`` can make one stale."""
        gone = []
        directory = self.root / folder
        wanted = frozenset(keep)
        if self._pruned.get((folder, suffix)) == wanted:
            return gone
        if not directory.is_dir():
            return gone
        self._pruned[(folder, suffix)] = wanted
        for path in directory.iterdir():
            rel = f"{folder}/{path.name}"
            if path.name.endswith(suffix) and rel not in keep and path.is_file():
                path.unlink(missing_ok=True)
                self._written.pop(rel, None)
                gone.append(rel)
        return gone

    def write(self, files: dict[str, bytes]) -> list[str]:
        """Write what changed; returns the relative paths written."""
        written, folders = [], set()
        try:
            for rel, data in files.items():
                known = self._written.get(rel)
                if known is data or known == data:
                    continue
                target = self.root / rel
                if known is None and _same(target, data):
                    self._written[rel] = data  # left by an earlier run: nothing to do
                    continue
                _replace(target, data, self._dirs)
                self._written[rel] = data
                written.append(rel)
                folders.add(target.parent)
        finally:
            sync_folders(folders)
        return written


def sync_folders(folders) -> None:
    """fsync each folder once, so the renames in it survive a crash (see the module's docstring)."""
    if os.name == "nt":
        return  # a folder cannot be opened for fsync there; NTFS journals renames itself
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass  # a file system that cannot fsync a folder (EINVAL): the renames are done, just not forced
        finally:
            os.close(fd)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _replace(target: Path, data: bytes, made: set | None = None) -> None:
    parent = target.parent
    if made is None or parent not in made:
        parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(parent)
    # One writer per output directory (this process): a fixed temporary name beside the target is
    # enough, and cheaper than mkstemp; 0644 so a web server can read what it serves.
    tmp = parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
        try:
            view = memoryview(data)
            while view:  # os.write may take less than it is given
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
