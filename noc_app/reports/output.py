"""From a document to a file: pick the renderer, write atomically, fail in one line."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from noc_app.reports import pdf_hook
from noc_app.reports.csv_format import to_csv
from noc_app.reports.document import Document
from noc_app.reports.html import to_html
from noc_app.reports.markdown import to_markdown

FORMATS = ("html", "md", "csv", "json", "pdf")


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once, at import (single-threaded): a report gets the mode any new file would get.
FILE_MODE = 0o666 & ~_read_umask()


class ReportOutputError(Exception):
    """A report could not be written where asked (bad input: exit 2)."""


def render(document: Document, fmt: str, json_data: Any = None) -> str:
    """The text of a report in a text format (html, md, csv, json)."""
    if fmt == "html":
        return to_html(document)
    if fmt == "md":
        return to_markdown(document)[0]
    if fmt == "csv":
        return to_csv(document)
    if fmt == "json":
        if json_data is None:
            raise ValueError("json needs the report's own data (json_data)")
        return json.dumps(json_data, ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"not a text format: {fmt}")


def write_report(document: Document, fmt: str, out: str | os.PathLike, json_data: Any = None) -> Path:
    """Write ``document`` as ``fmt`` to ``out``; returns the path written.

    ``json_data`` is what ``--format json`` prints (each report's own stable
    contract, not the layout). Markdown's images are written beside the file
    as ``<stem>-1.png``, ``<stem>-2.png``, …
    """
    if fmt not in FORMATS:
        raise ReportOutputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(out)
    _check_writable(path)
    if fmt == "pdf":
        renderer = pdf_hook.renderer()
        if renderer is None:
            raise ReportOutputError("PDF needs the Qt layer; run the command through main.py")
        _atomic(path, lambda tmp: renderer(to_html(document), tmp, document.title, document.footer))
        return path
    if fmt == "md":
        text, images = to_markdown(document, image_name=path.stem)
        for name, png in images.items():
            _atomic(path.parent / name, lambda tmp, png=png: tmp.write_bytes(png))
    else:
        text = render(document, fmt, json_data)
    newline = "" if fmt == "csv" else None  # csv writes its own \r\n
    _atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=newline))
    return path


def _check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ReportOutputError(f"--out {path}: is a directory; name a file, e.g. {path / 'report'}")
    if not folder.is_dir():
        raise ReportOutputError(f"--out {path}: folder {folder} does not exist; create it or choose another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportOutputError(f"--out {path}: folder {folder} is not writable; choose another path")


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, FILE_MODE)  # mkstemp makes 0600
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportOutputError(f"--out {path}: cannot write ({exc.strerror or exc}); choose another path") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
