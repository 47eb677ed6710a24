"""Qt-free part of the component wall: what a tile says, the order, and where tiles go.

Every length is in units of the tile font's pixel size (em), so the whole
wall scales through one number: the wall window picks the font from the
screen, and the layout picks the biggest multiple of it that still fits.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import NamedTuple

from noc_app.domain import SEVERITY_ORDER, Status
from noc_app.durations import format_duration

# Tile geometry in em of the tile font. Two text lines (name; status +
# duration + marks) are what a reader at 5 m takes in at a glance.
TILE_W_EM = 16.5  # ~28 bold characters of a name, or "✖ DOWN 3m58s [SYMPTOM]"
TILE_H_EM = 3.1
GAP_EM = 0.3
HEADING_H_EM = 1.5
GROUP_GAP_EM = 0.4
#: Fewer components never make tiles more than this many times the floor: a
#: three-tile wall with letters a hand tall reads worse, not better.
MAX_SCALE = 3.0

_RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}


@dataclass(frozen=True)
class TileFacts:
    """Everything a tile shows; equal facts mean the painted tile is unchanged."""

    id: str
    name: str
    group: str
    status: Status  # effective (IMPACTED included)
    duration: str | None  # "4m12s" in the current own status, None when OK/IMPACTED
    latency: str | None  # "2500 ms"
    cause: bool  # probable cause of an outage
    symptom: bool  # failing because something it depends on fails
    flapping: bool
    at_risk: bool = False  # OK, but a redundancy group it depends on lost members

    @property
    def word(self) -> str:
        """The status word on the tile: AT RISK stands in for OK when redundancy is lost."""
        return "AT RISK" if self.at_risk else self.status.value

    @property
    def status_text(self) -> str:
        word = self.word
        return f"{word} for {self.duration}" if self.duration else word

    @property
    def labels(self) -> tuple[str, ...]:
        """The marks drawn on the tile, most important first (dropped last when space runs out)."""
        marks = []
        if self.cause:
            marks.append("CAUSE")
        if self.symptom:
            marks.append("SYMPTOM")
        if self.flapping:
            marks.append("FLAPPING")
        if self.at_risk:
            marks.append("REDUNDANCY LOST")
        return tuple(marks)

    @property
    def failing_rank(self) -> float:
        # AT RISK sorts just before the healthy tiles: worth a look, not an outage.
        return _RANK[self.status] - (0.5 if self.at_risk else 0.0)


def only_duration_moved(old: TileFacts, new: TileFacts) -> bool:
    """True when the tick moved the duration on and nothing else: only the status line needs repainting."""
    return (old.status is new.status and old.latency == new.latency and old.cause == new.cause
            and old.symptom == new.symptom and old.flapping == new.flapping and old.name == new.name
            and old.at_risk == new.at_risk)


def tile_facts(view, now: dt.datetime) -> TileFacts:
    """``view`` is a ``noc_app.live.ComponentView``."""
    duration = None
    if view.since is not None and view.status not in (Status.OK, Status.IMPACTED):
        duration = format_duration(max(0.0, (now - view.since).total_seconds()))
    latency = None if view.latency_ms is None else f"{view.latency_ms:.0f} ms"
    return TileFacts(
        id=view.id, name=view.name, group=view.group or "Other", status=view.status,
        duration=duration, latency=latency, cause=view.probable_cause,
        symptom=view.is_symptom, flapping=view.flapping,
        at_risk=getattr(view, "at_risk", False),
    )


def ordered(facts: list[TileFacts], by: str = "severity") -> list[TileFacts]:
    """``severity``: failing first, then by name; ``name``: by name only (tiles never move)."""
    if by == "name":
        return sorted(facts, key=lambda f: (f.name.casefold(), f.id))
    if by != "severity":
        raise ValueError(f"unknown tile order {by!r}; use 'severity' or 'name'")
    return sorted(facts, key=lambda f: (f.failing_rank, f.name.casefold(), f.id))


class Box(NamedTuple):  # a tuple: thousands are made per layout, frozen dataclasses are slow
    kind: str  # "tile" or "heading"
    key: str  # component id, or group name for a heading
    x: int
    y: int
    w: int
    h: int
    continued: bool = False  # a heading repeated at the top of a later page


@dataclass(frozen=True)
class Plan:
    font_px: int  # tile text size: >= the legibility floor, always
    columns: int
    pages: tuple[tuple[Box, ...], ...]


def _px(em: float, font_px: int) -> int:
    return max(1, round(em * font_px))


def _height(counts: list[int], font_px: int, columns: int) -> int:
    tile_h, gap = _px(TILE_H_EM, font_px), _px(GAP_EM, font_px)
    head = _px(HEADING_H_EM, font_px) + _px(GROUP_GAP_EM, font_px)
    return sum(head + math.ceil(n / columns) * (tile_h + gap) for n in counts if n)


def _columns(width: int, font_px: int) -> int:
    gap = _px(GAP_EM, font_px)
    return max(1, (width + gap) // (_px(TILE_W_EM, font_px) + gap))


def plan(width: int, height: int, groups: list[tuple[str, list[str]]], floor_px: int) -> Plan:
    """Place ``groups`` (name, ordered component ids) in ``width`` x ``height`` pixels.

    Picks the biggest tile font in [floor, MAX_SCALE x floor] at which every
    tile fits on one page; when even the floor does not fit, the floor is kept
    (text never shrinks below legible) and the tiles run over several pages.
    """
    floor_px = max(1, floor_px)
    counts = [len(ids) for _, ids in groups]
    font_px = floor_px
    for size in range(int(floor_px * MAX_SCALE), floor_px - 1, -1):
        if _height(counts, size, _columns(width, size)) <= height:
            font_px = size
            break
    return _place(width, height, groups, font_px)


def _place(width: int, height: int, groups, font_px: int) -> Plan:
    columns = _columns(width, font_px)
    gap = _px(GAP_EM, font_px)
    tile_w = max(1, (width - (columns - 1) * gap) // columns)  # stretch to fill the row
    tile_h, head_h = _px(TILE_H_EM, font_px), _px(HEADING_H_EM, font_px)
    group_gap = _px(GROUP_GAP_EM, font_px)
    pages: list[list[Box]] = [[]]
    y = 0
    for name, ids in groups:
        if not ids:
            continue
        rows = [ids[i:i + columns] for i in range(0, len(ids), columns)]
        continued = False
        # A heading never sits alone at the bottom of a page.
        if y and y + head_h + tile_h > height:
            pages.append([])
            y = 0
        pages[-1].append(Box("heading", name, 0, y, width, head_h))
        y += head_h
        for row in rows:
            if y + tile_h > height and y > head_h:
                pages.append([])
                y = 0
                continued = True
                pages[-1].append(Box("heading", name, 0, y, width, head_h, continued))
                y += head_h
            for col, cid in enumerate(row):
                pages[-1].append(Box("tile", cid, col * (tile_w + gap), y, tile_w, tile_h))
            y += tile_h + gap
        y += group_gap
    return Plan(font_px, columns, tuple(tuple(p) for p in pages if p))


def tile_slots(placed: Plan) -> dict[str, list[tuple[int, Box]]]:
    """Each group's tile boxes in reading order, with their page: slot ``i`` holds the group's
    ``i``-th component. A re-sort that keeps every group's size keeps these slots and only
    changes who sits in them (``plan`` is not run again)."""
    slots: dict[str, list[tuple[int, Box]]] = {}
    group: list[tuple[int, Box]] | None = None
    for page, boxes in enumerate(placed.pages):
        for box in boxes:
            if box.kind == "heading":
                group = slots.setdefault(box.key, [])
            elif group is not None:
                group.append((page, box))
    return slots


def rank(status: Status) -> int:
    """Severity rank of a status (0 = worst): the first key of the ``severity`` order."""
    return _RANK[status]
