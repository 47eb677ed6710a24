"""Checks across tables: unique ids, references that resolve, no dependency cycles.

Each problem is reported as ``(loc, message)`` so the loader can point at the
line; the first one found is the one shown.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from noc_app.domain import DEFAULT_TIER_WEIGHTS, CheckKind
from noc_app.topology import redundancy
from noc_app.topology.schema import TopologyFile

Problem = tuple[tuple[str | int, ...], str]


def find_problems(doc: TopologyFile) -> Iterator[Problem]:
    yield from _duplicates(doc)
    components = {c.id for c in doc.component}
    people = {p.id for p in doc.person}
    # A team named on a component is a team (created at sync, named after its
    # id); a [[team]] entry only adds its name and escalation policy.
    teams = {t.id for t in doc.team} | {c.team for c in doc.component if c.team}
    policies = {p.id for p in doc.escalation_policy}
    tiers = set(DEFAULT_TIER_WEIGHTS) | set(doc.tiers)

    named = {r.id: r for r in doc.redundancy}
    for i, comp in enumerate(doc.component):
        for dep in redundancy.split(comp, named)[0]:
            if dep == comp.id:
                yield ("component", i, "depends_on"), f'"{comp.id}" depends on itself; remove it from depends_on'
            elif dep not in components:
                yield ("component", i, "depends_on"), _unknown(
                    "depends on", dep, "component", components | set(named))
        for j, check in enumerate(comp.check):
            problem = _check_problem(check)
            if problem:
                yield ("component", i, "check", j, problem[0]), problem[1]

    for tier in doc.sla:
        if tier not in tiers:
            yield ("sla", tier), f'[sla] names unknown tier "{tier}"; use one of {_listing(tiers)} or add it to [tiers]'
    for i, cust in enumerate(doc.customer):
        if cust.tier not in tiers:
            yield ("customer", i, "tier"), (
                f'unknown tier "{cust.tier}"; use one of {_listing(tiers)} or add it to [tiers]'
            )
        if cust.account_manager is not None and cust.account_manager not in people:
            yield ("customer", i, "account_manager"), _unknown("account manager", cust.account_manager, "person",
                                                               people)
        for use in cust.uses:
            target = use if isinstance(use, str) else use.component
            if target not in components:
                yield ("customer", i, "uses"), _unknown("uses", target, "component", components)

    for i, person in enumerate(doc.person):
        if person.team is not None and person.team not in teams:
            yield ("person", i, "team"), _unknown("team", person.team, "team", teams)
    for i, team in enumerate(doc.team):
        if team.escalation_policy is not None and team.escalation_policy not in policies:
            yield ("team", i, "escalation_policy"), _unknown(
                "escalation policy", team.escalation_policy, "escalation_policy", policies
            )
    for i, policy in enumerate(doc.escalation_policy):
        yield from _refs(("escalation_policy", i, "components"), policy.components, components, "component")
        for j, level in enumerate(policy.level):
            yield from _refs(("escalation_policy", i, "level", j, "people"), level.people, people, "person")
    for i, nlist in enumerate(doc.notification_list):
        yield from _refs(("notification_list", i, "people"), nlist.people, people, "person")
    for name, items in (("maintenance", doc.maintenance), ("change", doc.change), ("kb", doc.kb)):
        for i, item in enumerate(items):
            yield from _refs((name, i, "components"), item.components, components, "component")
    for i, window in enumerate(doc.maintenance):
        if window.end <= window.start:
            yield ("maintenance", i, "end"), "the window ends before it starts; put end after start"

    if doc.status_page is not None:
        seen_public: dict[str, int] = {}
        for i, public in enumerate(doc.status_page.component):
            loc = ("status_page", "component", i)
            if public.id in seen_public:
                yield loc + ("id",), (f'duplicate status_page.component id "{public.id}" (first defined as '
                                      f"#{seen_public[public.id] + 1}); ids must be unique")
            seen_public.setdefault(public.id, i)
            yield from _refs(loc + ("components",), public.components, components, "component")


    yield from redundancy.group_problems(doc, components, _unknown)

    # Cycles count every edge: a loop through a redundancy group is still a loop.
    cycle = find_cycle({c.id: redundancy.all_dependencies(c, named)
                        for c in doc.component if c.id in components})
    if cycle:
        index = next(i for i, c in enumerate(doc.component) if c.id == cycle[0])
        yield ("component", index, "depends_on"), (
            "dependency cycle " + " -> ".join(cycle) + "; remove one of these depends_on edges"
        )


def find_cycle(edges: dict[str, Iterable[str]]) -> list[str] | None:
    """A dependency cycle as ``[a, b, ..., a]``, or None when the graph is acyclic.

    Iterative three-colour DFS, so a deep chain of thousands of components
    cannot hit Python's recursion limit.
    """
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {node: WHITE for node in edges}
    for root in edges:
        if colour[root] != WHITE:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(edges[root]))]
        colour[root] = GREY
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = BLACK
                stack.pop()
            elif child not in colour:
                continue  # dangling reference, reported elsewhere
            elif colour[child] == GREY:
                path = [n for n, _ in stack]
                return path[path.index(child):] + [child]
            elif colour[child] == WHITE:
                colour[child] = GREY
                stack.append((child, iter(edges[child])))
    return None


def _check_problem(check) -> tuple[str, str] | None:
    """A check without a place to go, or with two. Each kind's message names that kind's keys."""
    kind = check.kind.value
    if check.kind == CheckKind.HTTP:
        if not check.url:
            return "url", 'an http check needs url = "http(s)://host:port/path"'
        if check.host or check.port:
            return "host", "an http check takes its host and port from url; remove host/port"
        return None
    example = {CheckKind.TCP: "tcp://host:5432", CheckKind.TLS: "tls://host:443"}[check.kind]
    if check.url:
        if check.host or check.port:
            return "url", f'a {kind} check takes url = "{example}" or host/port, not both; remove one'
        return None  # the schema checked the URL's form for this kind
    if not check.host or not check.port:
        return "host", f'a {kind} check needs host = "..." and port = N, or url = "{example}"'
    return None


def _duplicates(doc: TopologyFile) -> Iterator[Problem]:
    for name in ("component", "redundancy", "customer", "team", "person", "escalation_policy",
                 "notification_list", "template", "maintenance", "change", "kb"):
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(doc, name)):
            if item.id in seen:
                yield (name, i, "id"), (
                    f'duplicate {name} id "{item.id}" (first defined as {name} #{seen[item.id] + 1}); '
                    "ids must be unique"
                )
            seen.setdefault(item.id, i)


def _refs(loc, values, known, kind) -> Iterator[Problem]:
    for value in values:
        if value not in known:
            yield loc, _unknown(loc[-1], value, kind, known)


def _unknown(what: str, value: str, kind: str, known: set[str]) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    hint = f'; did you mean "{close[0]}"?' if close else f"; define a [[{kind}]] with that id"
    return f'{what} "{value}", which is not a known {kind}{hint}'


def _listing(values: set[str]) -> str:
    return ", ".join(sorted(values))
