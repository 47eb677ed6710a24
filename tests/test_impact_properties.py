"""Property-based checks on random DAGs, against brute-force definitions."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from noc_app.domain import Status
from noc_app.impact import ImpactEngine, ImpactModel
from noc_app.impact.synthetic import synthetic_model

OWN_STATUSES = [Status.OK, Status.DOWN, Status.DEGRADED, Status.UNKNOWN, Status.MAINTENANCE]
MONDAY = dt.datetime(2026, 1, 5, 12, tzinfo=dt.timezone.utc)
TIERS = ["enterprise", "business", "standard", "partner"]


@st.composite
def scenarios(draw):
    """A random DAG (edges only to lower indices), customers, map and statuses."""
    n = draw(st.integers(1, 12))
    ids = [f"c{i}" for i in range(n)]
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30))
    edges = [(max(a, b), min(a, b)) for a, b in edges if a != b]  # dependent > dependency
    k = draw(st.integers(0, 8))
    tiers = [draw(st.sampled_from(TIERS)) for _ in range(k)]
    rows = draw(st.lists(st.tuples(st.integers(0, max(k - 1, 0)), st.integers(0, n - 1)),
                         max_size=25)) if k else []
    statuses = {cid: draw(st.sampled_from(OWN_STATUSES)) for cid in ids if draw(st.booleans())}
    model = ImpactModel.from_arrays(
        ids, np.array([a for a, _ in edges], dtype=np.int64),
        np.array([b for _, b in edges], dtype=np.int64),
        [f"k{i}" for i in range(k)], tiers,
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64))
    return model, edges, rows, statuses


def transitive_dependencies(n: int, edges) -> list[set[int]]:
    direct = [set() for _ in range(n)]
    for a, b in edges:
        direct[a].add(b)
    closure = []
    for i in range(n):
        seen, stack = set(), list(direct[i])
        while stack:
            j = stack.pop()
            if j not in seen:
                seen.add(j)
                stack.extend(direct[j])
        closure.append(seen)
    return closure


def own_of(model, statuses) -> list[Status]:
    return [Status(statuses.get(cid, Status.OK)) for cid in model.graph.ids]


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_rollup_causes_and_impact_match_definitions(scenario):
    model, edges, rows, statuses = scenario
    result = ImpactEngine(model, statuses).result()
    n = model.graph.n
    deps = transitive_dependencies(n, edges)
    own = own_of(model, statuses)
    failing = [s.is_failing for s in own]
    ids = model.graph.ids
    for i in range(n):
        dependency_fails = any(failing[j] for j in deps[i])
        # Effective status: own if failing or in maintenance, IMPACTED if a dependency fails.
        if failing[i] or own[i] is Status.MAINTENANCE:
            expected = own[i]
        elif dependency_fails:
            expected = Status.IMPACTED
        else:
            expected = own[i]
        assert result.status(ids[i]) is expected
        if result.is_probable_cause(ids[i]):
            assert failing[i] and not dependency_fails  # failing, nothing below it fails
        elif failing[i]:
            assert dependency_fails  # a symptom has a failing dependency
    assert set(result.probable_causes) | set(result.symptoms) == {
        ids[i] for i in range(n) if failing[i]}
    # A customer is hurt iff one of its components is failing or IMPACTED.
    for k, cid in enumerate(model.customers.ids):
        used = {c for kk, c in rows if kk == k}
        hurting = {c for c in used
                   if result.status(ids[c]).is_failing or result.status(ids[c]) is Status.IMPACTED}
        assert result.is_customer_impacted(cid) == bool(hurting)
    listed = {ci.id: set(ci.components) for ci in result.customer_impacts(MONDAY)}
    for cid, comps in listed.items():
        assert all(result.status(c).is_failing or result.status(c) is Status.IMPACTED
                   for c in comps) and comps


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.data())
def test_incremental_equals_full_after_any_changes(scenario, data):
    model, _, _, statuses = scenario
    engine = ImpactEngine(model, statuses)
    ids = list(model.graph.ids)
    changes = data.draw(st.lists(
        st.dictionaries(st.sampled_from(ids), st.sampled_from(OWN_STATUSES), min_size=1,
                        max_size=3), max_size=12))
    current = dict(statuses)
    for batch in changes:
        if len(batch) == 1:
            [(cid, status)] = batch.items()
            engine.set_status(cid, status)
        else:
            engine.set_statuses(batch)
        current.update(batch)
    incremental = engine.result()
    full = ImpactEngine(model, current).result()
    assert_same(incremental, full)


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_spof_weight_is_weight_of_customers_downstream(scenario):
    model, edges, rows, _ = scenario
    n = model.graph.n
    deps = transitive_dependencies(n, edges)
    weight = model.customers.weight
    for c in range(n):
        cone = {c} | {i for i in range(n) if c in deps[i]}
        lost = {k for k, comp in rows if comp in cone}
        assert model.blast_weight[c] == sum(weight[k] for k in lost)
        assert model.blast_counts[c].sum() == len(lost)


def assert_same(a, b) -> None:
    for name in ("own", "effective", "severity", "probable_cause_mask", "customer_hurt",
                 "customer_down", "down_upstream", "degraded_upstream"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.probable_causes == b.probable_causes


def test_incremental_equals_full_on_a_mid_size_generated_topology():
    model = synthetic_model(300, 1_200, 2_000, 20_000, seed=3)
    rng = np.random.default_rng(7)
    engine = ImpactEngine(model)
    current = {}
    for _ in range(60):
        cid = model.graph.ids[rng.integers(model.graph.n)]
        status = OWN_STATUSES[rng.integers(len(OWN_STATUSES))]
        engine.set_status(cid, status)
        current[cid] = status
    full = ImpactEngine(model, current).result()
    assert_same(engine.result(), full)
    assert full.failing  # the walk did fail things, so the check means something


# -- redundancy groups ------------------------------------------------------------

SEV = {Status.DOWN: 2, Status.DEGRADED: 1}


@st.composite
def grouped_scenarios(draw):
    """A random DAG where some dependents also declare redundancy groups over lower indices."""
    model, edges, rows, statuses = draw(scenarios())
    n = model.graph.n
    groups = []
    for a in range(2, n):
        if draw(st.integers(0, 2)) == 0:
            continue
        members = sorted(set(draw(st.lists(st.integers(0, a - 1), min_size=2, max_size=4))))
        if len(members) < 2:
            continue
        groups.append((a, members, draw(st.integers(1, len(members)))))
    plain = [(x, y) for x, y in edges if not any(x == a and y in ms for a, ms, _ in groups)]
    k = len(model.customers)
    model = ImpactModel.from_arrays(
        list(model.graph.ids), np.array([x for x, _ in plain], dtype=np.int64),
        np.array([y for _, y in plain], dtype=np.int64),
        list(model.customers.ids), [model.customers.tier_names[t] for t in model.customers.tier_of],
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64), groups=groups)
    assert len(model.customers) == k
    return model, plain, groups, rows, statuses


def reference_rollup(n, plain, groups, own):
    """Brute force in index order (every edge points down): upstream severity per component,
    lost-redundancy flag per component, failed flag per group."""
    deps = [[] for _ in range(n)]
    for a, b in plain:
        deps[a].append(b)
    declared = [[] for _ in range(n)]
    for g, (a, _, _) in enumerate(groups):
        declared[a].append(g)
    up, delivered = [0] * n, [0] * n
    lost_flag, group_failed = [False] * n, [False] * len(groups)
    for i in range(n):
        worst = max((delivered[d] for d in deps[i]), default=0)
        for g in declared[i]:
            _, members, need = groups[g]
            best = sorted(delivered[m] for m in members)[need - 1]
            group_failed[g] = best > 0
            worst = max(worst, best)
            if any(delivered[m] > 0 or own[m] is Status.MAINTENANCE for m in members):
                lost_flag[i] = True
        up[i] = worst
        delivered[i] = max(SEV.get(own[i], 0), worst)
    return up, lost_flag, group_failed


@settings(max_examples=150, deadline=None)
@given(grouped_scenarios())
def test_groups_rollup_matches_brute_force(scenario):
    model, plain, groups, rows, statuses = scenario
    result = ImpactEngine(model, statuses).result()
    n, ids = model.graph.n, model.graph.ids
    own = own_of(model, statuses)
    up, lost_flag, _ = reference_rollup(n, plain, groups, own)
    for i in range(n):
        if own[i].is_failing or own[i] is Status.MAINTENANCE:
            expected = own[i]
        else:
            expected = Status.IMPACTED if up[i] else own[i]
        assert result.status(ids[i]) is expected
        assert result.is_probable_cause(ids[i]) == (own[i].is_failing and up[i] == 0)
        assert bool(result.redundancy_lost[i]) == lost_flag[i]
        severity = 0 if own[i] is Status.MAINTENANCE else max(SEV.get(own[i], 0), up[i])
        assert result.severity[i] == severity
    for k, cid in enumerate(model.customers.ids):
        used = {comp for kk, comp in rows if kk == k}
        assert result.is_customer_impacted(cid) == any(result.severity[u] > 0 for u in used)


@settings(max_examples=150, deadline=None)
@given(grouped_scenarios(), st.data())
def test_groups_incremental_equals_full(scenario, data):
    model, _, _, _, statuses = scenario
    engine = ImpactEngine(model, statuses)
    ids = list(model.graph.ids)
    changes = data.draw(st.lists(
        st.dictionaries(st.sampled_from(ids), st.sampled_from(OWN_STATUSES), min_size=1,
                        max_size=3), max_size=12))
    current = dict(statuses)
    for batch in changes:
        engine.set_statuses(batch)
        current.update(batch)
    incremental, full = engine.result(), ImpactEngine(model, current).result()
    assert_same(incremental, full)
    for name in ("redundancy_lost", "group_code", "group_lost"):
        np.testing.assert_array_equal(getattr(incremental, name), getattr(full, name), err_msg=name)


@settings(max_examples=100, deadline=None)
@given(grouped_scenarios())
def test_groups_spof_weight_is_what_the_engine_loses(scenario):
    """A component's blast radius is exactly the customers hurt when it alone is DOWN."""
    model, _, _, _, _ = scenario
    for i, cid in enumerate(model.graph.ids):
        result = ImpactEngine(model, {cid: Status.DOWN}).result()
        assert model.blast_weight[i] == result.impacted_weight, cid


def test_groups_incremental_equals_full_on_a_mid_size_generated_topology():
    model = synthetic_model(300, 1_200, 2_000, 20_000, seed=5, group_share=0.2)
    assert model.groups is not None and model.groups.entry_comp.size >= 200
    rng = np.random.default_rng(11)
    engine = ImpactEngine(model)
    current = {}
    for _ in range(80):
        cid = model.graph.ids[rng.integers(model.graph.n)]
        status = OWN_STATUSES[rng.integers(len(OWN_STATUSES))]
        engine.set_status(cid, status)
        current[cid] = status
    incremental, full = engine.result(), ImpactEngine(model, current).result()
    assert_same(incremental, full)
    np.testing.assert_array_equal(incremental.group_code, full.group_code)
    np.testing.assert_array_equal(incremental.redundancy_lost, full.redundancy_lost)
    assert full.redundancy_lost.any()  # the walk did cost redundancy somewhere
