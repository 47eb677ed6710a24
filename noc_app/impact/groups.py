"""Redundancy groups as the engine sees them: index arrays, one virtual node each.

A group (members, need) is one node of the *propagation graph*, numbered
after the real components (``n + j``).  The components that declare it
depend on it with a hard edge; it depends on its members softly: the group
fails (a virtual own status DOWN or DEGRADED) only when fewer than ``need``
members are healthy.  So a member's failure travels no further than the
group while the group has spare capacity, and the fast cone arithmetic of
the hard graph stays exact for everything else.

Declarations with the same members and ``need`` share one node, whichever
components declare them (a named ``[[redundancy]]`` group reused by ten
components is one node, and one line of the SPOF report).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from noc_app.impact import codes as c


class GroupTable:
    """Distinct groups 0..g-1 over component indices 0..n-1."""

    def __init__(self, n: int, declarations: Sequence[tuple[int, Sequence[int], int, str | None]],
                 ids: Sequence[str]) -> None:
        """``declarations``: (declaring component, member indices, need, name or None)."""
        self.n = n
        key_of: dict[tuple[tuple[int, ...], int], int] = {}
        members: list[tuple[int, ...]] = []
        need: list[int] = []
        names: list[str | None] = []
        decl_comp, decl_group = [], []
        for comp, group_members, group_need, name in declarations:
            key = (tuple(sorted(int(m) for m in group_members)), int(group_need))
            j = key_of.get(key)
            if j is None:
                j = key_of[key] = len(members)
                members.append(tuple(int(m) for m in group_members))
                need.append(int(group_need))
                names.append(name)
            elif names[j] is None and name:
                names[j] = name
            decl_comp.append(int(comp))
            decl_group.append(j)
        self.g = len(members)
        self.members: tuple[tuple[int, ...], ...] = tuple(members)
        self.need = np.array(need, dtype=np.int32)
        self.size = np.array([len(m) for m in members], dtype=np.int32)
        self.spare = self.size - self.need
        self.entry_group = np.array([j for j, ms in enumerate(members) for _ in ms], dtype=np.int64)
        self.entry_comp = np.array([m for ms in members for m in ms], dtype=np.int64)
        self.decl_comp = np.array(decl_comp, dtype=np.int64)
        self.decl_group = np.array(decl_group, dtype=np.int64)
        self.names: tuple[str | None, ...] = tuple(names)
        self.labels: tuple[str, ...] = tuple(
            name or f"any {need[j]} of " + " / ".join(ids[m] for m in members[j])
            for j, name in enumerate(names))
        self.is_member = np.zeros(n, dtype=bool)
        self.is_member[self.entry_comp] = True
        # Entries are laid out group by group; declarations get the same CSR view.
        self.entry_ptr = np.zeros(self.g + 1, dtype=np.int64)
        np.cumsum(self.size, out=self.entry_ptr[1:])
        order = np.argsort(self.decl_group, kind="stable")
        self.decl_ptr = np.zeros(self.g + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.decl_group, minlength=self.g), out=self.decl_ptr[1:])
        self._declarers = self.decl_comp[order]

    def __len__(self) -> int:
        return self.g

    def declared_by(self, j: int) -> np.ndarray:
        """Components that depend on group ``j``."""
        return self._declarers[self.decl_ptr[j]:self.decl_ptr[j + 1]]

    def groups_of_member(self, i: int) -> np.ndarray:
        return self.entry_group[self.entry_comp == i]

    def evaluate(self, own: np.ndarray, upstream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(group codes OK/DEGRADED/DOWN, lost flag per member entry).

        A member is healthy when neither it nor anything it hard-depends on
        fails; it delivers the worse of its own and its upstream severity.  A
        member in maintenance is out of rotation: lost for the AT RISK mark,
        but, like a plain dependency in maintenance, it impacts nobody.  The
        group delivers what its ``need``-th best member delivers.
        """
        own_sev = np.where(own == c.DOWN, c.SEVERITY_DOWN,
                           np.where(own == c.DEGRADED, c.SEVERITY_DEGRADED, c.SEVERITY_NONE))
        delivered = np.maximum(own_sev, upstream)[self.entry_comp]
        at_least = (np.bincount(self.entry_group, weights=delivered == c.SEVERITY_NONE,
                                minlength=self.g),
                    np.bincount(self.entry_group, weights=delivered <= c.SEVERITY_DEGRADED,
                                minlength=self.g))
        codes = np.where(at_least[0] >= self.need, c.OK,
                         np.where(at_least[1] >= self.need, c.DEGRADED, c.DOWN)).astype(np.int8)
        lost = (delivered > c.SEVERITY_NONE) | (own[self.entry_comp] == c.MAINTENANCE)
        return codes, lost

    def per_component(self, per_group: np.ndarray) -> np.ndarray:
        """Bool per component: some group it declares has ``per_group`` set."""
        out = np.zeros(self.n, dtype=bool)
        out[self.decl_comp[per_group[self.decl_group]]] = True
        return out
