"""Seconds in each state of several things together: one sort and one cumulative sum per report row.

Each thing's step function becomes a list of changes: at each of its edges,
how its "at least DEGRADED / NO_DATA / MAINTENANCE / DOWN" indicators move.
The four indicators are packed into one int64, 16 bits each, so adding the
changes of all the things a row relies on counts, per level, how many of them
are at it or above; the row's state at a moment is the highest level with a
non-zero count. Times are looked up as "counted time before" (``Window``),
so a business-hours window costs nothing more than the plain period.

The figures are sums of differences of the same float times the checks
recorded, so any grouping of the pieces gives the same seconds.
"""

from __future__ import annotations

import numpy as np

from noc_app.availability.intervals import Spans, Window
from noc_app.availability.steps import Steps, highest
from noc_app.availability.timeline import Breakdown

#: Packed "at least level L" indicators of each state (UP, DEGRADED, NO_DATA, MAINTENANCE, DOWN).
PACKED = np.array([0, 1, 1 + (1 << 16), 1 + (1 << 16) + (1 << 32), 1 + (1 << 16) + (1 << 32) + (1 << 48)],
                  dtype=np.int64)
#: A packed count at or above ``FLOORS[L - 1]`` has level L or higher present.
FLOORS = np.array([1, 1 << 16, 1 << 32, 1 << 48], dtype=np.int64)
#: Counts are per thing; 16 bits each hold this many things at once.
MOST_AT_ONCE = (1 << 15) - 1
#: Every change one thing can make (from one state to another), sorted: a change is stored as its index here.
DELTAS = np.unique(PACKED[:, None] - PACKED[None, :])
DELTA_BITS = 5  # 21 values, zero included


def _breakdown(total: float, per_state: np.ndarray) -> Breakdown:
    return Breakdown(period_s=total, up_s=total - float(per_state[1:].sum()), degraded_s=float(per_state[1]),
                     no_data_s=float(per_state[2]), maintenance_s=float(per_state[3]), down_s=float(per_state[4]))


def measure_each(things: list[Steps], window: Window) -> list[Breakdown]:
    """One breakdown per thing, all in one pass (the per-component rows)."""
    total = window.length
    if not things:
        return []
    edges = np.concatenate([s.edges for s in things])
    states = np.concatenate([s.states for s in things]).astype(np.int64)
    pieces = np.array([s.states.size for s in things])
    owner = np.repeat(np.arange(len(things)), pieces)
    counted = window.counted_before(edges)
    # A thing's pieces sit between its own edges: skip the step from one thing's last edge to the next one's first.
    last_edge = np.cumsum(pieces + 1) - 1
    lengths = np.delete(np.diff(counted), last_edge[:-1])
    per_state = np.bincount(owner * 5 + states, weights=lengths, minlength=5 * len(things)).reshape(-1, 5)
    return [_breakdown(total, row) for row in per_state]


def quantum(window: Window) -> float | None:
    """A power of two every time of the window is a whole multiple of (2**-22 s from 2004 to 2038), or None.

    Doubles of one binade share a grid; counted seconds are differences and
    sums of such times, so they stay on it, exactly.
    """
    low = window.start
    if low <= 0 or window.end >= 2.0 ** 62:
        return None
    return 2.0 ** (np.floor(np.log2(low)) - 52)


class Meter:
    """Breakdowns of sets of things (components and redundancy groups, by index), each set measured once per window.

    Each change of a thing is stored as one int64: the counted seconds before
    it in whole quanta (``quantum``), then which change. A row's changes are
    put in order by sorting plain integers (no argsort, no payload to
    gather), and the seconds between them are integer differences, exact.
    Customers relying on the same components (and hours) share one sweep.
    """

    def __init__(self, things: dict[int, Steps]):
        self.things = things
        at, code = [], []
        for steps in things.values():
            edges, changes = changes_of(steps)
            at.append(edges)
            code.append(changes)
        # All things' changes in one array, so a window turns them into keys in one go.
        self._at = np.concatenate(at) if at else np.zeros(0)
        self._code = np.concatenate(code) if code else np.zeros(0, dtype=np.int64)
        self._bounds = np.cumsum([0] + [a.size for a in at]).tolist()
        self._slot = {i: k for k, i in enumerate(things)}
        self._keys: dict[object, list[np.ndarray] | None] = {}
        self._measured: dict[tuple[tuple[int, ...], object], Breakdown | None] = {}

    def measure_singles(self, indices: list[int], window: Window, key: object) -> None:
        """Measure one-thing sets in bulk (the per-component rows), before they are asked for."""
        todo = [i for i in dict.fromkeys(indices) if i in self.things and ((i,), key) not in self._measured]
        for i, breakdown in zip(todo, measure_each([self.things[i] for i in todo], window)):
            self._measured[(i,), key] = breakdown

    def measure(self, members: tuple[int, ...], window: Window, key: object) -> Breakdown | None:
        """The highest state of ``members`` over ``window`` (``key`` names it); None when none of them is measured."""
        cache_key = (members, key)
        if cache_key not in self._measured:
            present = [i for i in members if i in self.things]
            keys = self._keys_in(window, key)
            if not present:
                result = None
            elif len(present) > MOST_AT_ONCE or keys is None:
                # Too many to count in 16 bits, or times off the grid: merge the step functions first.
                result = measure_each([highest([self.things[i] for i in present])], window)[0]
            else:
                result = _sweep([keys[self._slot[i]] for i in present], window)
            self._measured[cache_key] = result
        return self._measured[cache_key]

    def _keys_in(self, window: Window, key: object) -> list[np.ndarray] | None:
        """Every thing's changes as sortable keys for ``window``; None if its times are not on one grid."""
        if key not in self._keys:
            q = quantum(window)
            whole = window.counted_before(self._at) / q if q else None
            # Whole quanta below 2**53 (68 years at 2**-22 s): their differences and sums are exact as floats too.
            if whole is None or not (whole == np.floor(whole)).all() or (whole.size and whole.max() >= 2.0 ** 53):
                self._keys[key] = None
            else:
                keys = (whole.astype(np.int64) << DELTA_BITS) | self._code
                b = self._bounds
                self._keys[key] = [keys[b[k]:b[k + 1]] for k in range(len(b) - 1)]
        return self._keys[key]


def _sweep(keys: list[np.ndarray], window: Window) -> Breakdown:
    total = window.length
    keys = np.sort(np.concatenate(keys))
    if keys.size == 0:
        return Breakdown(total, total, 0.0, 0.0, 0.0, 0.0)
    # Changes at one instant may come in any order: the pieces between them are empty.
    counts = np.cumsum(DELTAS[keys & ((1 << DELTA_BITS) - 1)])
    state = (counts >= FLOORS[0]).view(np.int8)
    for floor in FLOORS[1:]:
        state += (counts >= floor).view(np.int8)
    quanta = np.bincount(state[:-1], weights=np.diff(keys >> DELTA_BITS), minlength=5)
    return _breakdown(total, quanta * quantum(window))


def changes_of(steps: Steps) -> tuple[np.ndarray, np.ndarray]:
    """One thing's changes: the edges where its packed indicators move, and which change (an index in DELTAS)."""
    packed = PACKED[steps.states]
    delta = np.empty(packed.size + 1, dtype=np.int64)  # at each edge: new piece minus old (np.diff's padding is slow)
    delta[0] = packed[0] if packed.size else 0
    delta[-1] = -packed[-1] if packed.size else 0
    np.subtract(packed[1:], packed[:-1], out=delta[1:-1])
    moved = delta != 0
    return steps.edges[moved], np.searchsorted(DELTAS, delta[moved])


_NO_CHANGE = int(np.searchsorted(DELTAS, 0))


def counted_pieces(things: list[Steps], start: float, end: float, cuts: np.ndarray, changes: dict | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
    """The sweep behind a row's breakdown, kept piece by piece: for the status page's days.

    ``things`` cover [start, end); the period's ends and ``cuts`` (sorted,
    inside the period) are added as changes that change nothing, so the
    pieces cover the period. Returns, per piece between
    consecutive changes: its start and its length in whole quanta, the packed
    counts of things at least DEGRADED / NO_DATA / MAINTENANCE / DOWN, and the
    quantum. Summing the lengths of one column over any split gives exactly
    the integer the report's ``Meter`` sums over the whole period. None when
    the times are off the grid (the report then falls back to floats).
    """
    window = Window(Spans.of([start], [end]))
    q = quantum(window)
    if q is None or len(things) > MOST_AT_ONCE:
        return None
    if changes is None:
        changes = {}
    for s in things:  # ``changes``: a caller's memo by id, when the same things are in several sweeps
        if id(s) not in changes:
            changes[id(s)] = (s, changes_of(s))
    at, code = zip(*(changes[id(s)][1] for s in things)) if things else ((), ())
    bounds = np.concatenate([[start], np.asarray(cuts, dtype=np.float64), [end]])
    times = np.concatenate([*at, bounds])
    whole = window.counted_before(times) / q
    if not (whole == np.floor(whole)).all() or (whole.size and whole.max() >= 2.0 ** 53):
        return None
    codes = np.concatenate([*code, np.full(bounds.size, _NO_CHANGE, dtype=np.int64)]).astype(np.int64)
    keys = np.sort((whole.astype(np.int64) << DELTA_BITS) | codes)
    counts = np.cumsum(DELTAS[keys & ((1 << DELTA_BITS) - 1)])
    quanta = keys >> DELTA_BITS
    return quanta[:-1], np.diff(quanta), counts[:-1], q


def breakdown_of(total: float, quanta: np.ndarray, q: float) -> Breakdown:
    """A row's breakdown from whole quanta per state (UP first), as ``Meter`` makes it."""
    return _breakdown(total, np.asarray(quanta, dtype=np.float64) * q)


def at_least(counts: np.ndarray, state: int) -> np.ndarray:
    """How many things were at ``state`` or above, from packed counts (DEGRADED = 1 ... DOWN = 4)."""
    return (counts >> (16 * (state - 1))) & 0xFFFF
