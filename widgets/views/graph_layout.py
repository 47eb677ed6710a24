"""Layered layout of the dependency graph, Qt-free so it is testable alone.

Layer = dependency height: things that depend on nothing (data centres,
uplinks, vendors) sit on the bottom layer and every component sits one layer
above the highest thing it depends on.  The foundations then line up along
the bottom edge and a failure reads as "up from here": the wall shows the
probable cause below the symptoms it produces.

Within a layer, nodes are ordered with a few barycenter sweeps (the classic
Sugiyama heuristic without dummy nodes): each node moves towards the mean
position of its neighbours, which removes most edge crossings on graphs of
the size a NOC draws (tens to a few hundred components).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LayeredLayout:
    layers: tuple[tuple[str, ...], ...]  # bottom (foundations) first
    layer_of: Mapping[str, int]
    order_of: Mapping[str, int]  # position within its layer

    def position(self, node: str, width: float, height: float, gap_x: float,
                 gap_y: float) -> tuple[float, float]:
        """Top-left corner of ``node`` for boxes of ``width`` x ``height``.

        Layers are centred horizontally on the widest one; the bottom layer
        is drawn last (largest y) so dependencies sit below their users.
        """
        widest = max(len(layer) for layer in self.layers)
        layer = self.layer_of[node]
        count = len(self.layers[layer])
        offset = (widest - count) * (width + gap_x) / 2
        x = offset + self.order_of[node] * (width + gap_x)
        y = (len(self.layers) - 1 - layer) * (height + gap_y)
        return x, y


def crossings(layout: LayeredLayout, edges: Mapping[str, Sequence[str]]) -> int:
    """Edge crossings between pairs of edges, counted on normalised x.

    Edges may span several layers, so two edges cross when their order at
    the top end and at the bottom end disagree (an approximation good enough
    to compare orderings).
    """
    def x(node: str) -> float:
        layer = layout.layers[layout.layer_of[node]]
        return (layout.order_of[node] + 0.5) / len(layer)

    segs = [(x(a), x(b)) for a, deps in edges.items() for b in deps
            if a in layout.layer_of and b in layout.layer_of]
    total = 0
    for i, (a1, b1) in enumerate(segs):
        for a2, b2 in segs[i + 1:]:
            if (a1 - a2) * (b1 - b2) < 0:
                total += 1
    return total


def layered_layout(nodes: Sequence[str], depends_on: Mapping[str, Sequence[str]],
                   sweeps: int = 6) -> LayeredLayout:
    """Assign layers by dependency height and order each layer by barycenter.

    Unknown dependency ids are ignored; a dependency cycle (the loader
    forbids them, but a half-edited topology may have one) is broken at the
    edge that closes it rather than recursing forever.
    """
    known = set(nodes)
    deps = {n: [d for d in depends_on.get(n, ()) if d in known and d != n] for n in nodes}
    height: dict[str, int] = {}
    visiting: set[str] = set()

    def height_of(node: str) -> int:
        if node in height:
            return height[node]
        if node in visiting:  # cycle: treat the closing edge as absent
            return -1
        visiting.add(node)
        h = 1 + max((height_of(d) for d in deps[node]), default=-1)
        visiting.discard(node)
        height[node] = h
        return h

    for n in nodes:
        height_of(n)

    n_layers = 1 + max(height.values(), default=0)
    layers: list[list[str]] = [[] for _ in range(n_layers)]
    for n in nodes:  # input order is the tie-breaker: stable, and groups stay together
        layers[height[n]].append(n)

    users: dict[str, list[str]] = {n: [] for n in nodes}
    for n, ds in deps.items():
        for d in ds:
            users[d].append(n)
    neighbours = {n: deps[n] + users[n] for n in nodes}

    order = _order_index(layers)
    layer_of = {n: height[n] for n in nodes}  # layers never change, only orders
    norm = lambda n: (order[n] + 0.5) / len(layers[layer_of[n]])  # noqa: E731 - 0..1 across a layer
    best = [list(layer) for layer in layers]
    best_count = _count(layers, order, deps)
    for sweep in range(sweeps):
        # Alternate upward and downward passes; each pass reorders one layer
        # at a time against the current positions of all its neighbours.
        sequence = range(n_layers) if sweep % 2 == 0 else range(n_layers - 1, -1, -1)
        for li in sequence:
            layer = layers[li]
            bary = {}
            for n in layer:
                xs = [norm(m) for m in neighbours[n]]
                bary[n] = sum(xs) / len(xs) if xs else norm(n)
            layer.sort(key=lambda n: bary[n])  # stable: ties keep their place
            for i, n in enumerate(layer):
                order[n] = i
        count = _count(layers, order, deps)
        if count < best_count:
            best, best_count = [list(layer) for layer in layers], count

    final = _order_index(best)
    return LayeredLayout(layers=tuple(tuple(layer) for layer in best),
                         layer_of=layer_of, order_of=final)


def _order_index(layers: Sequence[Sequence[str]]) -> dict[str, int]:
    return {n: i for layer in layers for i, n in enumerate(layer)}


def _count(layers, order, deps) -> int:
    layer_of = {n: li for li, layer in enumerate(layers) for n in layer}
    layout = LayeredLayout(tuple(tuple(layer) for layer in layers), layer_of, dict(order))
    return crossings(layout, deps)
