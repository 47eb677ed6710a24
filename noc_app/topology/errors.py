"""One-line topology errors that say where (file, line, key) and what to do."""

from __future__ import annotations

import re
from collections.abc import Sequence

from noc_app.url_secrets import mask_urls

Loc = Sequence[str | int]


class TopologyError(Exception):
    """A topology file that cannot be used. ``str()`` is the one line to show."""

    def __init__(self, source: str, message: str, line: int | None = None, key: str = ""):
        self.source = source
        self.line = line
        self.key = key
        message = mask_urls(message)  # a URL quoted back must not show its password
        self.reason = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


def shown(value: object, limit: int = 60) -> str:
    """``value`` quoted for a message, cut short: a 1 MB value must not become a 1 MB error line."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    return '"' + text.replace("\x00", "\\u0000") + '"'


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
            parts.append(f"{key} {shown(ident, 40)}" if isinstance(ident, str) else f"{key}[{nxt}]")
            node = item
            i += 2
        else:
            parts.append(str(key) if len(str(key)) <= 60 else shown(key))
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
            if not hits:
                # an array of values (depends_on = ["a", "b"]), not of tables: its key's line
                return _key_line(lines, key, start, end, found, path)
            if nxt >= len(hits):
                return _one_based(found)
            start = hits[nxt]
            end = hits[nxt + 1] if nxt + 1 < len(hits) else end
            found = start
            i += 2
            continue
        if i + 1 < len(loc) and _own_key_hit(lines, key, start, end, found) is None:
            # A sub-table ([status_page]) with more of the path below it: keep walking.
            header = "[" + ".".join(path) + "]"
            sub = next((n for n in range(start, end) if lines[n].replace(" ", "").startswith(header)), None)
            if sub is not None:
                start, found = sub, sub
                i += 1
                continue
        return _key_line(lines, key, start, end, found, path)
    return _one_based(found)


def _key_line(lines: list[str], key: str, start: int, end: int, found: int | None,
              path: list[str]) -> int | None:
    """The ``key =`` line inside the table that starts at ``start`` (or its ``[a.key]`` header)."""
    hit = _own_key_hit(lines, key, start, end, found)
    if hit is None:
        header = "[" + ".".join(path) + "]"
        hit = next(
            (n for n in range(start, end) if lines[n].replace(" ", "").startswith(header)),
            None,
        )
    if hit is None:
        return _one_based(found)
    return hit + 1


def _own_key_hit(lines: list[str], key: str, start: int, end: int, found: int | None) -> int | None:
    """The index of the ``key =`` line in the table that starts at ``start`` (not in a table below it)."""
    key_re = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
    own_end = next((n for n in range(start + 1, end) if lines[n].lstrip().startswith("[")), end)
    first = start + 1 if found is not None else 0
    return next((n for n in range(first, own_end) if key_re.match(lines[n])), None)


def _one_based(index: int | None) -> int | None:
    return None if index is None else index + 1
