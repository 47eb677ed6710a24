"""The document model every report builds: plain frozen data, no formatting decisions.

A report says *what* it contains (sections of paragraphs, key facts, tables,
images and the rules its figures follow); the renderers decide how that looks
in HTML, Markdown, CSV or PDF. Text is kept exactly as given: renderers escape
it, nothing here truncates or rewrites it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Paragraph:
    text: str
    tone: str = ""  # "" | "note" (smaller, muted) | "warning" (a boxed call-out, with a word, never colour alone)


@dataclass(frozen=True)
class Facts:
    """Label → value pairs, e.g. an incident's header (priority, manager, times)."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    # Column indexes that hold numbers: right-aligned in HTML/PDF.
    numeric: tuple[int, ...] = ()

    def __post_init__(self):
        width = len(self.headers)
        for number, row in enumerate(self.rows, 1):
            if len(row) != width:
                raise ValueError(f"table {self.caption!r}: row {number} has {len(row)} cells, headers have {width}")


@dataclass(frozen=True)
class Image:
    png: bytes
    alt: str  # also the text a reader of the Markdown or CSV version gets
    caption: str = ""
    width_px: int = 0  # 0: as drawn


@dataclass(frozen=True)
class Rules:
    """Definitions or accounting rules printed beside the figures they govern."""

    title: str
    items: tuple[str, ...]


Block = Union[Paragraph, Facts, Table, Image, Rules]


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...] = ()
    new_page: bool = False  # on paper, start on a fresh page (a page-high chart: its heading stays with it)


@dataclass(frozen=True)
class Document:
    title: str
    generated_at: dt.datetime
    sections: tuple[Section, ...] = ()
    subtitle: str = ""
    banner: str = ""  # a line above everything, e.g. "IN PROGRESS — this incident is still open"
    footer: str = ""  # printed on every PDF page beside the page number
    meta: tuple[tuple[str, str], ...] = field(default=())

    def tables(self) -> list[tuple[Section, Table]]:
        return [(s, b) for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def images(self) -> list[Image]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Image)]
