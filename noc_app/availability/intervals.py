"""Sets of time as sorted, disjoint half-open intervals [start, end) in epoch seconds.

Numpy arrays throughout: an availability report over 1,000 components and
90 days merges hundreds of thousands of intervals, which must take
milliseconds, not a Python loop per interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EMPTY = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Spans:
    """Disjoint, sorted [start, end) intervals; touching ones are merged."""

    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def empty(cls) -> Spans:
        return cls(EMPTY, EMPTY)

    @classmethod
    def of(cls, starts, ends) -> Spans:
        """From any intervals (unsorted, overlapping, empty ones allowed)."""
        return union_of(np.asarray(starts, dtype=np.float64), np.asarray(ends, dtype=np.float64))

    def __len__(self) -> int:
        return int(self.starts.size)

    def total(self) -> float:
        return float((self.ends - self.starts).sum())

    def pairs(self) -> list[tuple[float, float]]:
        return list(zip(self.starts.tolist(), self.ends.tolist()))


def union_of(starts: np.ndarray, ends: np.ndarray) -> Spans:
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if starts.size == 0:
        return Spans.empty()
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    # A new block starts where an interval begins after everything before it ended.
    new = np.empty(starts.size, dtype=bool)
    new[0] = True
    new[1:] = starts[1:] > reach[:-1]
    first = np.flatnonzero(new)
    last = np.append(first[1:] - 1, starts.size - 1)
    return Spans(starts[first], reach[last])


def union(parts: list[Spans]) -> Spans:
    parts = [p for p in parts if p.starts.size]
    if not parts:
        return Spans.empty()
    if len(parts) == 1:
        return parts[0]
    return union_of(np.concatenate([p.starts for p in parts]), np.concatenate([p.ends for p in parts]))


def subtract(a: Spans, b: Spans) -> Spans:
    """``a`` without ``b``."""
    if not len(a) or not len(b):
        return a
    # Complement of b, then intersect: the complement's gaps are b's holes.
    inf = np.array([np.inf])
    gap_starts = np.concatenate([-inf, b.ends])
    gap_ends = np.concatenate([b.starts, inf])
    return intersect(a, Spans(gap_starts, gap_ends))


def intersect(a: Spans, b: Spans) -> Spans:
    if not len(a) or not len(b):
        return Spans.empty()
    # Every a-interval against the b-intervals it can overlap (both sorted).
    lo = np.searchsorted(b.ends, a.starts, side="right")
    hi = np.searchsorted(b.starts, a.ends, side="left")
    counts = np.maximum(hi - lo, 0)
    if counts.sum() == 0:
        return Spans.empty()
    a_idx = np.repeat(np.arange(len(a)), counts)
    b_idx = np.concatenate([np.arange(l, h) for l, h in zip(lo[counts > 0], hi[counts > 0])])
    starts = np.maximum(a.starts[a_idx], b.starts[b_idx])
    ends = np.minimum(a.ends[a_idx], b.ends[b_idx])
    keep = ends > starts
    return Spans(starts[keep], ends[keep])


class Window:
    """The time that counts (a report's period, maybe only business hours).

    ``measure(spans)`` is the length of ``spans`` inside the window, through
    a cumulative function F(t) = counted time before t: the length of [a, b)
    inside the window is F(b) - F(a), one vectorised lookup for any number of
    spans.
    """

    def __init__(self, spans: Spans):
        self.spans = spans
        lengths = spans.ends - spans.starts
        self._before = np.concatenate([[0.0], np.cumsum(lengths)])[:-1]
        self.length = float(lengths.sum())

    @property
    def start(self) -> float:
        return float(self.spans.starts[0]) if len(self.spans) else 0.0

    @property
    def end(self) -> float:
        return float(self.spans.ends[-1]) if len(self.spans) else 0.0

    def counted_before(self, t: np.ndarray) -> np.ndarray:
        s = self.spans
        if not s.starts.size:
            return np.zeros_like(t)
        if s.starts.size == 1:
            return np.clip(t, s.starts[0], s.ends[0]) - s.starts[0]
        i = np.searchsorted(s.starts, t, side="right") - 1
        inside = np.clip(t - s.starts[np.maximum(i, 0)], 0.0, (s.ends - s.starts)[np.maximum(i, 0)])
        return np.where(i < 0, 0.0, self._before[np.maximum(i, 0)] + inside)

    def measure(self, spans: Spans) -> float:
        if not spans.starts.size:
            return 0.0
        if self.spans.starts.size == 1:  # one plain period (the usual case): clip and add up
            a, b = self.spans.starts[0], self.spans.ends[0]
            return float((np.clip(spans.ends, a, b) - np.clip(spans.starts, a, b)).sum())
        return float((self.counted_before(spans.ends) - self.counted_before(spans.starts)).sum())


def covered_by_at_least(parts: list[Spans], k: int) -> Spans:
    """Where at least ``k`` of ``parts`` (each disjoint in itself) hold at once."""
    parts = [p for p in parts if p.starts.size]
    if k <= 0 or len(parts) < k:
        return Spans.empty()
    times = np.concatenate([np.concatenate([p.starts, p.ends]) for p in parts])
    deltas = np.concatenate([np.concatenate([np.ones(p.starts.size), -np.ones(p.ends.size)]) for p in parts])
    order = np.lexsort((deltas, times))  # at one instant, ends (-1) before starts: touching spans do not overlap
    times, count = times[order], np.cumsum(deltas[order])
    inside = count >= k
    starts = times[:-1][inside[:-1]]
    ends = times[1:][inside[:-1]]
    return Spans.of(starts, ends)
