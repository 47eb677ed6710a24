"""Ids already delivered, for readers that must not trust "id > last".

Database ids come from a sequence at INSERT time, not at COMMIT, so a row
with a smaller id can become visible after a bigger one. Readers therefore
look back ``tail`` ids below the newest delivered and skip those in this
bounded window (the transitions and the acks of the database feed).
"""

from __future__ import annotations

from collections import deque


class SeenIds:
    def __init__(self, tail: int = 64) -> None:
        self.tail = tail
        self.last: int | None = None  # newest id delivered; None: nothing yet
        self._order: deque[int] = deque(maxlen=4 * tail)
        self._set: set[int] = set()

    def __contains__(self, row_id: int) -> bool:
        return row_id in self._set

    def look_back_from(self) -> int:
        """The id a diff read starts after: ``tail`` below the newest delivered."""
        return max(0, (self.last or 0) - self.tail)

    def add(self, row_id: int) -> None:
        if row_id in self._set:
            return
        if len(self._order) == self._order.maxlen:
            self._set.discard(self._order[0])
        self._order.append(row_id)
        self._set.add(row_id)
        self.advance(row_id)

    def advance(self, row_id: int) -> None:
        """Diff reads continue from ``row_id`` (a full read's newest row) without marking it seen."""
        self.last = max(self.last or 0, row_id)
