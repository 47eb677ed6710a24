"""Redundancy groups in ``depends_on``: resolving them and checking they make sense.

A dependency is either a plain component id, an inline group
``{ any_of = [...], need = N }``, or the id of a group named once under
``[[redundancy]]``.  Problems come back as ``(loc, message)`` like the other
reference checks, so the loader can point at the line.
"""

from __future__ import annotations

from collections.abc import Iterator

from noc_app.topology.model import RedundancyGroup
from noc_app.topology.schema import AnyOfTable, ComponentTable, RedundancyTable, TopologyFile

Problem = tuple[tuple[str | int, ...], str]


def resolve(entry: str | AnyOfTable, named: dict[str, RedundancyTable]) -> RedundancyGroup | None:
    """The group an entry of ``depends_on`` stands for, or None for a plain id."""
    if isinstance(entry, AnyOfTable):
        return RedundancyGroup(tuple(entry.any_of), entry.need)
    table = named.get(entry)
    if table is None:
        return None
    return RedundancyGroup(tuple(table.any_of), table.need, table.id)


def split(comp: ComponentTable, named: dict[str, RedundancyTable]
          ) -> tuple[list[str], list[RedundancyGroup]]:
    """(plain dependency ids, groups) of one component, in file order."""
    plain: list[str] = []
    groups: list[RedundancyGroup] = []
    for entry in comp.depends_on:
        group = resolve(entry, named)
        if group is None:
            plain.append(entry)  # type: ignore[arg-type]
        else:
            groups.append(group)
    return plain, groups


def all_dependencies(comp: ComponentTable, named: dict[str, RedundancyTable]) -> list[str]:
    plain, groups = split(comp, named)
    return list(dict.fromkeys([*plain, *(m for g in groups for m in g.members)]))


def group_problems(doc: TopologyFile, components: set[str], unknown) -> Iterator[Problem]:
    """Unknown members, ``need`` out of range, members listed twice, ids that clash."""
    named = {r.id: r for r in doc.redundancy}
    for i, table in enumerate(doc.redundancy):
        loc = ("redundancy", i, "any_of")
        if table.id in components:
            yield ("redundancy", i, "id"), (
                f'redundancy group id "{table.id}" is also a component id; give the group '
                'its own name, e.g. "' + table.id + '-pair"')
        yield from _members_problems(loc, ("redundancy", i, "need"),
                                     table.any_of, table.need, components, unknown)
    for i, comp in enumerate(doc.component):
        loc = ("component", i, "depends_on")
        plain, groups = split(comp, named)
        for entry in comp.depends_on:
            if isinstance(entry, AnyOfTable):
                yield from _members_problems(loc, loc, entry.any_of, entry.need, components, unknown)
        seen_in: dict[str, str] = {}
        for group in groups:
            for member in group.members:
                if member == comp.id:
                    yield loc, (f'"{comp.id}" is a member of its own redundancy group '
                                f"({group.label}); remove it from any_of")
                elif member in plain:
                    yield loc, (f'"{member}" is both a plain dependency and a member of the '
                                f"redundancy group {group.label}; keep one of the two")
                elif member in seen_in and seen_in[member] != group.label:
                    yield loc, (f'"{member}" is in two redundancy groups of "{comp.id}" '
                                f"({seen_in[member]} and {group.label}); put it in one")
                seen_in.setdefault(member, group.label)
        labels = [g.label for g in groups]
        for label in {x for x in labels if labels.count(x) > 1}:
            yield loc, f"redundancy group {label} is listed twice; list it once"


def _members_problems(loc, need_loc, members: list[str], need: int, components: set[str],
                      unknown) -> Iterator[Problem]:
    if len(members) < 2:
        yield loc, ("a redundancy group needs at least two members in any_of "
                    f"(got {len(members)}); a single component is a plain dependency")
    duplicates = sorted({m for m in members if members.count(m) > 1})
    if duplicates:
        yield loc, f'"{duplicates[0]}" is listed twice in any_of; list each member once'
    for member in members:
        if member not in components:
            yield loc, unknown("redundancy group member", member, "component", components)
    if len(members) >= 2 and not 1 <= need <= len(members):
        yield need_loc, (f"need = {need} is out of range for a group of {len(members)} "
                         f"members; use a number from 1 to {len(members)}")
