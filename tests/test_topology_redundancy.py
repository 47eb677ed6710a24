"""Redundancy groups in the topology file: both spellings load; each mistake is one line."""

from __future__ import annotations

import pytest

from noc_app.topology import TopologyError, parse_topology

BASE = """
[[redundancy]]
id = "lb-pair"
any_of = ["lb-a", "lb-b"]

[[component]]
id = "lb-a"
name = "LB A"
[[component]]
id = "lb-b"
name = "LB B"
[[component]]
id = "db"
name = "DB"
[[component]]
id = "api"
name = "API"
depends_on = DEPS
"""


def load(deps: str, base: str = BASE):
    return parse_topology(base.replace("DEPS", deps), "t.toml")


def error_of(deps: str, base: str = BASE) -> str:
    with pytest.raises(TopologyError) as info:
        load(deps, base)
    return str(info.value)


def test_inline_and_named_groups_load_the_same_way():
    named = load('["db", "lb-pair"]').component("api")
    inline = load('["db", { any_of = ["lb-a", "lb-b"] }]').component("api")
    assert named.depends_on == inline.depends_on == ("db", "lb-a", "lb-b")
    assert named.hard_depends_on == inline.hard_depends_on == ("db",)
    [g] = named.redundancy
    assert (g.id, g.members, g.need, g.spare) == ("lb-pair", ("lb-a", "lb-b"), 1, 1)
    [g] = inline.redundancy
    assert (g.id, g.need) == (None, 1)
    assert load('[{ any_of = ["lb-a", "lb-b", "db"], need = 2 }]').component("api").redundancy[0].need == 2


@pytest.mark.parametrize("deps, expected", [
    ('[{ any_of = ["lb-a", "lb-c"] }]',
     't.toml:18: component "api" > depends_on: redundancy group member "lb-c", which is not a known component; did you mean "lb-b"?'),
    ('[{ any_of = ["lb-a", "lb-b"], need = 3 }]',
     "need = 3 is out of range for a group of 2 members; use a number from 1 to 2"),
    ('[{ any_of = ["lb-a", "lb-b"], need = 0 }]', "need = 0 is out of range"),
    ('["lb-a", "lb-pair"]',
     '"lb-a" is both a plain dependency and a member of the redundancy group lb-pair; keep one of the two'),
    ('[{ any_of = ["lb-a"] }]', "a redundancy group needs at least two members in any_of (got 1)"),
    ('[{ any_of = ["lb-a", "lb-a"] }]', '"lb-a" is listed twice in any_of'),
    ('[{ any_of = ["lb-a", "api"] }]', '"api" is a member of its own redundancy group'),
    ('["lb-pair", { any_of = ["lb-b", "db"] }]', '"lb-b" is in two redundancy groups of "api"'),
    ('["lb-pairs"]', 'depends on "lb-pairs", which is not a known component; did you mean "lb-pair"?'),
    ('[{ any_of = ["lb-a", "lb-b"], needs = 1 }]',
     'component "api" > depends_on[0] > needs: unknown key "needs"; allowed keys here: any_of, need'),
])
def test_each_mistake_is_one_line(deps, expected):
    message = error_of(deps)
    assert expected in message and "\n" not in message
    assert message.startswith("t.toml:")


def test_a_cycle_through_a_group_is_named():
    base = BASE.replace('id = "lb-a"\nname = "LB A"', 'id = "lb-a"\nname = "LB A"\ndepends_on = ["api"]')
    assert "dependency cycle lb-a -> api -> lb-a" in error_of('["lb-pair"]', base)


def test_a_named_group_must_not_reuse_a_component_id_and_its_members_must_exist():
    clash = BASE.replace('id = "lb-pair"', 'id = "db"')
    assert 'redundancy group id "db" is also a component id' in error_of('["lb-a"]', clash)
    unknown = BASE.replace('any_of = ["lb-a", "lb-b"]', 'any_of = ["lb-a", "lb-x"]')
    message = error_of('["db"]', unknown)
    assert message.startswith("t.toml:4: redundancy \"lb-pair\" > any_of:") and '"lb-x"' in message
