"""Properties of the network analyses over generated stakeholder graphs and portfolios."""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

import attrs
import networkx as nx
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from kamlib.model import Portfolio, RelationshipKind
from kamlib.network import (
    FlagCode,
    coverage,
    indirect_key_persons,
    influence_reach,
    meeting_priorities,
    red_flags,
    stakeholder_graph,
    support_scores,
    weighted_support,
)
from kamlib.testing.strategies import portfolios

SIDES = ("customer", "customer", "customer", "our_staff", "competitor_staff")
ROLES = (None, "decision_maker", "influencer", "user", "coach")
STRENGTHS = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(0.0, 1.0))
PORTRAITS = st.none() | st.tuples(*[st.integers(0, 10)] * 3)


@st.composite
def stakeholder_graphs(draw: st.DrawFn, *, max_people: int = 8) -> nx.DiGraph[str]:
    """Stakeholder graphs that shrink well: a list of people, then unique index-pair ties.

    People are ``N0, N1, ...`` with a side, a role, an optional portrait and an
    active flag; ties are unique ``(i, j)`` pairs (self-pairs dropped locally) with a
    kind and a strength.
    """
    people = draw(
        st.lists(
            st.tuples(
                st.sampled_from(SIDES),
                st.sampled_from(ROLES),
                PORTRAITS,
                st.booleans().map(lambda b: b or True) | st.just(False),
            ),
            min_size=1,
            max_size=max_people,
        )
    )
    n = len(people)
    ties = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.sampled_from(["influences", "influences", "reports_to"]),
                STRENGTHS,
            ),
            unique_by=lambda t: (t[0], t[1]),
            max_size=3 * n,
        )
    )
    G: nx.DiGraph[str] = nx.DiGraph()
    for i, (side, role, portrait, active) in enumerate(people):
        c, s, p = portrait if portrait is not None else (None, None, None)
        G.add_node(
            f"N{i}",
            side=side,
            role=role if side == "customer" else None,
            closeness=c,
            solution_acceptance=s,
            price_acceptance=p,
            active=active,
            reports_to=False,
        )
    for i, j, kind, strength in ties:
        if i != j:
            G.add_edge(
                f"N{i}", f"N{j}", kind=kind, strength=strength, reports_to=kind == "reports_to"
            )
    return G


def _shuffled(G: nx.DiGraph[str], rnd: Any) -> nx.DiGraph[str]:
    nodes = list(G.nodes(data=True))
    edges = list(G.edges(data=True))
    rnd.shuffle(nodes)
    rnd.shuffle(edges)
    H: nx.DiGraph[str] = nx.DiGraph()
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    return H


@given(stakeholder_graphs(), st.data())
def test_adding_an_influence_tie_from_our_staff_never_lowers_coverage(
    G: nx.DiGraph[str], data: st.DataObject
) -> None:
    staff = sorted(n for n, d in G.nodes(data=True) if d["side"] == "our_staff")
    assume(staff)
    u = data.draw(st.sampled_from(staff))
    v = data.draw(st.sampled_from(sorted(G.nodes)))
    assume(u != v)
    s = data.draw(STRENGTHS)
    before = coverage(G)
    H = G.copy()
    old = H.edges[u, v] if H.has_edge(u, v) else None
    if old is not None and old["kind"] == "influences":
        s = max(s, old["strength"])
    H.add_edge(u, v, kind="influences", strength=s, reports_to=bool(old and old["reports_to"]))
    after = coverage(H)
    if before.score is None:
        assert after.score is None
        return
    assert after.score is not None
    assert after.score >= before.score - 1e-12
    for p in before.people:
        assert after.strength_of(p.person_id) >= p.strength - 1e-12


def _short_chain() -> nx.DiGraph[str]:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_node("N0", side="customer", role="decision_maker", active=True)
    G.add_node("N1", side="customer", role=None, active=True)
    G.add_edge("N1", "N0", kind="influences", strength=0.5, reports_to=False)
    return G


@given(stakeholder_graphs(), st.randoms(use_true_random=False))
@example(_short_chain(), random.Random(0))  # chain shorter than max_depth: IndexError
def test_results_do_not_depend_on_insertion_order(G: nx.DiGraph[str], rnd: Any) -> None:
    H = _shuffled(G, rnd)
    assert coverage(H) == coverage(G)
    assert indirect_key_persons(H) == indirect_key_persons(G)
    assert meeting_priorities(H) == meeting_priorities(G)
    assert support_scores(H) == support_scores(G)
    assert weighted_support(H) == weighted_support(G)
    a, b = influence_reach(G), influence_reach(H)
    assert a.keys() == b.keys()
    assert all(a[k] == pytest.approx(b[k], abs=1e-12) for k in a)


@given(stakeholder_graphs())
def test_support_and_coverage_stay_in_the_unit_interval(G: nx.DiGraph[str]) -> None:
    for value in support_scores(G).values():
        assert 0.0 <= value <= 1.0
    w = weighted_support(G)
    assert w is None or 0.0 <= w <= 1.0
    c = coverage(G)
    assert c.score is None or 0.0 <= c.score <= 1.0
    assert all(0.0 <= p.strength <= 1.0 for p in c.people)
    reach = influence_reach(G)
    assert sum(reach.values()) == pytest.approx(1.0)
    assert min(reach.values()) >= 0.0
    ranked = meeting_priorities(G)
    assert all(m.gain >= 0.0 for m in ranked)
    gains = [(-m.gain, m.person_id) for m in ranked]
    assert gains == sorted(gains)


def _brute_force(G: nx.DiGraph[str], target: str, depth: int) -> dict[str, float]:
    """Strongest chain from each person to ``target`` by enumerating simple paths."""
    ok = {n for n, d in G.nodes(data=True) if d["side"] == "customer" and d["active"]}
    H = nx.DiGraph(
        (u, v, d)
        for u, v, d in G.edges(data=True)
        if u in ok and v in ok and d["kind"] == "influences" and d["strength"] > 0
    )
    best: dict[str, float] = {}
    if target not in H:
        return best
    for source in H.nodes:
        if source == target:
            continue
        for path in nx.all_simple_paths(H, source, target, cutoff=depth):
            s = math.prod(H.edges[a, b]["strength"] for a, b in itertools.pairwise(path))
            best[source] = max(best.get(source, 0.0), s)
    return {k: v for k, v in best.items() if v > 0}


@given(stakeholder_graphs(max_people=7), st.integers(1, 4))
def test_indirect_key_persons_match_brute_force(G: nx.DiGraph[str], depth: int) -> None:
    found = indirect_key_persons(G, max_depth=depth)
    for target, paths in found.items():
        want = _brute_force(G, str(target), depth)
        got = {str(p.source): p.strength for p in paths}
        assert got.keys() == want.keys()
        for k in got:
            assert got[k] == pytest.approx(want[k], rel=1e-9)
        for p in paths:
            assert len(p.path) - 1 <= depth
            prod = math.prod(
                G.edges[str(a), str(b)]["strength"] for a, b in itertools.pairwise(p.path)
            )
            assert prod == pytest.approx(p.strength, rel=1e-9)


@given(portfolios(max_accounts=2, max_people_per_account=5, with_commitments=False), st.data())
def test_removing_our_only_contacts_with_a_decision_maker_raises_the_flag(
    pf: Portfolio, data: st.DataObject
) -> None:
    import datetime as dt

    as_of = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    customers = sorted(p.id for p in pf.people if p.side.value == "customer")
    assume(customers)
    dm = data.draw(st.sampled_from(customers))
    # make the drawn person an active decision-maker (roles are drawn at random)
    people = [
        attrs.evolve(p, role="decision_maker", left_on=None) if p.id == dm else p for p in pf.people
    ]
    pf = attrs.evolve(pf, people=people)
    aid = pf.person(dm).account_id
    assert aid is not None
    G = stakeholder_graph(pf, account_id=aid, as_of=as_of)
    # every tie from our staff into someone who can still sway the decision-maker
    feeders = nx.ancestors(G, dm) | {dm}
    staff = {p.id for p in pf.people if p.side.value == "our_staff"}
    kept = tuple(
        r
        for r in pf.relationships
        if not (
            r.kind is RelationshipKind.INFLUENCES
            and r.source_id in staff
            and r.target_id in feeders
        )
    )
    cut = attrs.evolve(pf, relationships=kept)
    flags = red_flags(cut, account_id=aid, as_of=as_of)
    flag = flags.get(FlagCode.NO_DECISION_MAKER_RELATIONSHIP)
    assert flag is not None
    assert dm in flag.people


def _two_tens() -> Portfolio:
    import datetime as dt

    from kamlib.model import Account, KeyPerson, Portrait

    acc = Account(
        "A1",
        "A",
        industry="x",
        region="y",
        size_band="small",
        cooperation_start=dt.date(2024, 1, 1),
    )
    people = [
        KeyPerson(f"P{i}", "P", "customer", account_id="A1", role=role, portrait=Portrait(0, 0, 10))
        for i, role in enumerate(["user", "influencer"])
    ]
    return Portfolio([acc], people)


@given(portfolios(max_accounts=3, max_people_per_account=5))
@example(Portfolio())
@example(_two_tens())  # weighted mean of two 10s was 10.000000000000002
def test_relationship_features_are_aligned_and_in_range(pf: Portfolio) -> None:
    import datetime as dt

    import numpy as np

    from kamlib.network import RELATIONSHIP_FEATURES, relationship_features

    as_of = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    rf = relationship_features(pf, as_of=as_of)
    assert rf.ids == tuple(a.id for a in pf.accounts)
    assert set(rf.columns) == set(RELATIONSHIP_FEATURES) == set(rf.missing)
    for name, col in rf.columns.items():
        assert col.shape == (len(pf.accounts),)
        assert np.isfinite(col).all()
        assert (col[rf.missing[name]] == 0.0).all()
    for name in ("coverage", "support"):
        assert ((rf.columns[name] >= 0) & (rf.columns[name] <= 1)).all()
    for name in ("portrait_closeness", "portrait_solution", "portrait_price"):
        assert ((rf.columns[name] >= 0) & (rf.columns[name] <= 10)).all()
    assert (rf.columns["interaction_frequency"] >= 0).all()
    assert not rf.missing["interaction_frequency"].any()
