"""Write a set of files into a directory so that a web server never serves a half-written one.

Each file goes to a temporary name in its own directory and is renamed over
the old one (``os.replace`` is atomic on POSIX and Windows): a reader sees
the old file or the new one, never a mix. Files whose bytes did not change
are left alone (a ``--watch`` rewrite touches only what changed), and
files are written in the given order, so pages are in place before the
pages that link to them.
"""

from __future__ import annotations

import hashlib
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
        self._written: dict[str, bytes] = {}  # relative path -> digest of what is on disk

    def write(self, files: dict[str, bytes]) -> list[str]:
        """Write what changed; returns the relative paths written."""
        written = []
        for rel, data in files.items():
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if self._written.get(rel) == digest:
                continue
            target = self.root / rel
            if rel not in self._written and _same(target, data):
                self._written[rel] = digest  # left by an earlier run: nothing to do
                continue
            _replace(target, data)
            self._written[rel] = digest
            written.append(rel)
        return written


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _replace(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600: a web server must be able to read it
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
