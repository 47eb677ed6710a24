"""A compact, index-based dependency graph for the status engine.

Components are numbered 0..n-1 in the order given; edges are kept as CSR
arrays in both directions (what a component depends on, what depends on it),
plus a topological order and, per component, a bit-packed set of everything
downstream of it (itself included).  That "blast radius" bit matrix is what
keeps the engine fast: an incremental status change touches exactly the
downstream cone of one component, and that cone is a single row here.

The bit matrix costs n*n/8 bytes (3 MB at 5,000 components, 50 MB at 20,000),
which is the scale this engine is built for.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np


class DependencyCycleError(ValueError):
    """The edges do not form a DAG; ``cycle`` names one cycle, closed on itself."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = tuple(cycle)
        super().__init__("dependency cycle: " + " -> ".join(self.cycle))


def _csr(keys: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Group ``values`` by ``keys`` (both int arrays): (row pointers, grouped values)."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=n)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, values[order].astype(np.int32, copy=False)


class DependencyGraph:
    """Immutable DAG over component indices.

    An edge ``(dependent, dependency)`` means *dependent depends on dependency*:
    when the dependency fails, the dependent is impacted.
    """

    def __init__(self, ids: Sequence[str], dependents: Sequence[int] | np.ndarray,
                 dependencies: Sequence[int] | np.ndarray) -> None:
        self.ids: tuple[str, ...] = tuple(ids)
        self.n = n = len(self.ids)
        self.index: dict[str, int] = {cid: i for i, cid in enumerate(self.ids)}
        if len(self.index) != n:
            seen: set[str] = set()
            dup = next(c for c in self.ids if c in seen or seen.add(c))
            raise ValueError(f"duplicate component id {dup!r}")
        src = np.asarray(dependents, dtype=np.int64).ravel()
        dst = np.asarray(dependencies, dtype=np.int64).ravel()
        if src.shape != dst.shape:
            raise ValueError("dependents and dependencies must have the same length")
        if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
            raise ValueError("edge refers to a component index out of range")
        # Duplicate edges would double-count nothing here, but they waste work.
        pairs = np.unique(src * max(n, 1) + dst) if src.size else src
        src, dst = pairs // max(n, 1), pairs % max(n, 1)
        self.edge_count = int(src.size)
        self._dep_ptr, self._deps = _csr(src, dst, n)  # what i depends on
        self._rdep_ptr, self._rdeps = _csr(dst, src, n)  # what depends on i
        self.order = self._topological_order()  # dependencies before dependents

    @classmethod
    def from_edges(cls, ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> DependencyGraph:
        """Build from ``(dependent_id, dependency_id)`` pairs."""
        index = {cid: i for i, cid in enumerate(ids)}
        try:
            src = [index[a] for a, _ in edges]
            dst = [index[b] for _, b in edges]
        except KeyError as exc:
            raise ValueError(f"edge refers to unknown component {exc.args[0]!r}") from None
        return cls(ids, src, dst)

    # -- adjacency -------------------------------------------------------
    def dependencies_of(self, i: int) -> np.ndarray:
        return self._deps[self._dep_ptr[i]:self._dep_ptr[i + 1]]

    def dependents_of(self, i: int) -> np.ndarray:
        return self._rdeps[self._rdep_ptr[i]:self._rdep_ptr[i + 1]]

    def downstream_mask(self, i: int) -> np.ndarray:
        """Bool mask of components that (transitively) depend on ``i``, ``i`` included."""
        return np.unpackbits(self.downstream_bits[i], count=self.n).view(bool)

    # -- construction ----------------------------------------------------
    def _topological_order(self) -> np.ndarray:
        remaining = np.diff(self._dep_ptr).tolist()  # unresolved dependencies per node
        rdep_ptr, rdeps = self._rdep_ptr.tolist(), self._rdeps.tolist()
        ready = [i for i, r in enumerate(remaining) if r == 0]
        order: list[int] = []
        while ready:
            i = ready.pop()
            order.append(i)
            for d in rdeps[rdep_ptr[i]:rdep_ptr[i + 1]]:
                remaining[d] -= 1
                if remaining[d] == 0:
                    ready.append(d)
        if len(order) != self.n:
            raise DependencyCycleError(self._find_cycle(remaining))
        return np.asarray(order, dtype=np.int32)

    def _find_cycle(self, remaining: list[int]) -> list[str]:
        # Every node Kahn's algorithm could not place still waits on another
        # unplaced node, so following those waits must come back on itself.
        start = next(i for i, r in enumerate(remaining) if r > 0)
        path: list[int] = []
        position: dict[int, int] = {}
        node = start
        while node not in position:
            position[node] = len(path)
            path.append(node)
            node = next(int(d) for d in self.dependencies_of(node) if remaining[d] > 0)
        cycle = path[position[node]:] + [node]
        return [self.ids[i] for i in cycle]

    @cached_property
    def downstream_bits(self) -> np.ndarray:
        """Row i: bit set of everything downstream of i (built on first use)."""
        return self._downstream_closure()

    def _downstream_closure(self) -> np.ndarray:
        n = self.n
        bits = np.zeros((n, (n + 7) // 8), dtype=np.uint8)
        if n == 0:
            return bits
        nodes = np.arange(n)
        bits[nodes, nodes >> 3] = (128 >> (nodes & 7)).astype(np.uint8)
        ptr = self._rdep_ptr
        rdeps = self._rdeps
        # Dependents before their dependencies, so each row ORs finished rows.
        for i in self.order[::-1].tolist():
            lo, hi = ptr[i], ptr[i + 1]
            if hi - lo == 1:
                bits[i] |= bits[rdeps[lo]]
            elif hi > lo:
                bits[i] |= np.bitwise_or.reduce(bits[rdeps[lo:hi]], axis=0)
        bits.flags.writeable = False
        return bits
