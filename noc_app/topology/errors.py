"""One-line topology errors that say where (file, line, key) and what to do."""

from __future__ import annotations

import re
from collections.abc import Sequence

Loc = Sequence[str | int]


class TopologyError(Exception):
    """A topology file that cannot be used. ``str()`` is the one line to show."""

    def __init__(self, source: str, message: str, line: int | None = None, key: str = ""):
        self.source = source
        self.line = line
        self.key = key
        self.reason = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


def describe_loc(loc: Loc, data: dict) -> str:
    """``('component', 3, 'check', 0, 'url')`` -> ``component "api" > check[0] > url``.

    Items of arrays of tables are named by their ``id`` when they have one,
    because that is what the person editing the file searches for.
    """
    parts: list[str] = []
    node: object = data
    i = 0
    while i < len(loc):
        key = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        node = node.get(key) if isinstance(node, dict) else None
        if isinstance(nxt, int):
            item = node[nxt] if isinstance(node, list) and nxt < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            parts.append(f'{key} "{ident}"' if isinstance(ident, str) else f"{key}[{nxt}]")
            node = item
            i += 2
        else:
            parts.append(str(key))
            i += 1
    return " > ".join(parts)


def find_line(text: str, loc: Loc) -> int | None:
    """Best-effort 1-based line of ``loc`` in the TOML ``text``.

    tomllib keeps no positions, so this walks the ``[[a.b]]`` headers the way
    a person would: the n-th ``[[component]]``, then its m-th
    ``[[component.check]]``, then the ``key =`` line inside that table.
    """
    lines = text.splitlines()
    start, end = 0, len(lines)
    found: int | None = None
    path: list[str] = []
    i = 0
    while i < len(loc):
        key = str(loc[i])
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        path.append(key)
        if isinstance(nxt, int):
            header = "[[" + ".".join(path) + "]]"
            hits = [n for n in range(start, end) if lines[n].replace(" ", "").startswith(header)]
            if nxt >= len(hits):
                return _one_based(found)
            start = hits[nxt]
            end = hits[nxt + 1] if nxt + 1 < len(hits) else end
            found = start
            i += 2
            continue
        key_re = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        own_end = next(
            (n for n in range(start + 1, end) if lines[n].lstrip().startswith("[")), end
        )
        first = start + 1 if found is not None else 0
        hit = next((n for n in range(first, own_end) if key_re.match(lines[n])), None)
        if hit is None:
            header = "[" + ".".join(path) + "]"
            hit = next(
                (n for n in range(start, end) if lines[n].replace(" ", "").startswith(header)),
                None,
            )
            if hit is not None and i + 1 < len(loc):
                # A sub-table ([status_page]) with more of the path below it: keep walking.
                start, found = hit, hit
                i += 1
                continue
        if hit is None:
            return _one_based(found)
        return hit + 1
    return _one_based(found)


def _one_based(index: int | None) -> int | None:
    return None if index is None else index + 1
