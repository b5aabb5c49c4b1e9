"""The portfolio-wide array path equals the per-account networkx path, to the bit.

`relationship_features` and `portfolio_red_flags` run on integer-coded arrays over all
accounts at once (`kamlib.network._wide`). The reference here is the per-account path
they replaced: one canonical networkx graph per account (`stakeholder_graph`), analysed
by `coverage`, `influence_weights` / `_weighted` and `red_flags`. Discrete outputs
(flags, texts, people) must be equal, and so must every float, bit for bit: the issue
asks for 1e-12, the kernels give exact agreement.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Hashable, Mapping
from typing import Any

import attrs
import networkx as nx
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kamlib.errors import InvalidValueError, KamlibError
from kamlib.model import Account, Interaction, KeyPerson, Portfolio, Portrait, Relationship
from kamlib.network import (
    DEFAULT_PORTRAIT_WEIGHTS,
    DEFAULT_ROLE_WEIGHTS,
    RELATIONSHIP_FEATURES,
    coverage,
    indirect_key_persons,
    influence_reach,
    portfolio_coverage,
    portfolio_indirect_key_persons,
    portfolio_influence_reach,
    portfolio_red_flags,
    portfolio_who_to_meet_next,
    red_flags,
    relationship_features,
    stakeholder_graph,
    who_to_meet_next,
)
from kamlib.network._common import canonical, is_active, side_of, strongest_from
from kamlib.network._kernels import pagerank_segments, strongest_products
from kamlib.network._support import _rule, _weighted, influence_weights
from kamlib.testing.strategies import portfolios

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_DAYS_PER_MONTH = 365.25 / 12


# -- the per-account reference ----------------------------------------------------------


def reference_features(
    pf: Portfolio,
    *,
    as_of: dt.datetime,
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
    portrait_weights: Any = DEFAULT_PORTRAIT_WEIGHTS,
    window_days: int = 90,
    alpha: float = 0.85,
) -> dict[str, list[float | None]]:
    """`relationship_features` computed one account graph at a time (None = missing)."""
    rule = _rule("reference", portrait_weights)
    try:
        since = as_of - dt.timedelta(days=window_days)
    except OverflowError:
        since = dt.datetime.min.replace(tzinfo=dt.UTC)
    out: dict[str, list[float | None]] = {k: [] for k in RELATIONSHIP_FEATURES}
    for acc in pf.accounts:
        G = stakeholder_graph(pf, account_id=acc.id, as_of=as_of)
        out["coverage"].append(coverage(G, role_weights=role_weights).score)
        H = canonical(G, where="reference")
        reach = influence_weights(H, weight="strength", role_weights=role_weights, alpha=alpha)
        support, portrait = _weighted(H, reach, rule, "reference")
        out["support"].append(support)
        for j, k in enumerate(("portrait_closeness", "portrait_solution", "portrait_price")):
            out[k].append(None if portrait is None else portrait[j])
        role_w = {
            n: role_weights.get(d["role"], 0.0)
            for n, d in G.nodes(data=True)
            if d["side"] == "customer" and d["role"] is not None
        }
        latest: dt.datetime | None = None
        count = 0.0
        for it in pf.interactions_of(acc.id):
            if it.at > as_of:
                continue
            w = max((role_w.get(pid, 0.0) for pid in it.their_people), default=0.0)
            if any(pid in role_w for pid in it.their_people) and (latest is None or it.at > latest):
                latest = it.at
            if it.at > since:
                count += w
        out["interaction_recency_days"].append(
            None if latest is None else (as_of - latest).total_seconds() / 86_400.0
        )
        out["interaction_frequency"].append(count / (window_days / _DAYS_PER_MONTH))
    return out


def assert_same_features(pf: Portfolio, **kwargs: Any) -> None:
    """The array path's columns equal the reference's, bit for bit (or both raise)."""
    failure = None
    try:
        want = reference_features(pf, **kwargs)
    except InvalidValueError as err:  # an influence reach that does not converge
        failure = err.reason
    if failure is not None:
        assert "did not converge" in failure
        with pytest.raises(InvalidValueError, match="did not converge") as raised:
            relationship_features(pf, **kwargs)
        assert raised.value.path == "relationship_features.alpha"
        return
    got = relationship_features(pf, **kwargs)
    for name in RELATIONSHIP_FEATURES:
        values = want[name]
        missing = np.array([v is None for v in values], dtype=np.bool_)
        expected = np.array([0.0 if v is None else v for v in values], dtype=np.float64)
        assert np.array_equal(got.missing[name], missing), name
        assert np.array_equal(got.columns[name], expected), (name, got.columns[name], expected)


def assert_same_flags(pf: Portfolio, as_of: dt.datetime, share: float = 0.5) -> None:
    got = portfolio_red_flags(pf, as_of=as_of, single_thread_share=share)
    want = tuple(
        red_flags(pf, account_id=a.id, as_of=as_of, single_thread_share=share) for a in pf.accounts
    )
    assert got == want


def assert_same_coverage(
    pf: Portfolio,
    as_of: dt.datetime,
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
    target: float = 0.8,
) -> None:
    """portfolio_coverage / portfolio_who_to_meet_next equal the per-graph forms."""
    graphs = [stakeholder_graph(pf, account_id=a.id, as_of=as_of) for a in pf.accounts]
    got = portfolio_coverage(pf, as_of=as_of, role_weights=role_weights)
    want = tuple(coverage(G, role_weights=role_weights) for G in graphs)
    assert got == want
    for g, w in zip(got, want, strict=True):  # strengths take no part in ==
        assert dict(g.strengths) == dict(w.strengths)
    nexts = portfolio_who_to_meet_next(pf, as_of=as_of, target=target, role_weights=role_weights)
    assert nexts == tuple(
        who_to_meet_next(G, target=target, role_weights=role_weights) for G in graphs
    )


def assert_same_indirect(pf: Portfolio, as_of: dt.datetime, **kwargs: Any) -> None:
    graphs = [stakeholder_graph(pf, account_id=a.id, as_of=as_of) for a in pf.accounts]
    got = portfolio_indirect_key_persons(pf, as_of=as_of, **kwargs)
    want = tuple(indirect_key_persons(G, **kwargs) for G in graphs)
    assert got == want
    assert [list(g) for g in got] == [list(w) for w in want]  # same key order


# -- a portfolio with what generated ones rarely hold -------------------------------------


def crossing_portfolio(n: int = 6, seed: int = 0) -> Portfolio:
    """Shared staff (no account), cross-account ties, people who left, equal strengths."""
    rng = np.random.default_rng(seed)
    start = dt.date(2022, 1, 1)
    accounts = [
        Account(
            f"A{i}",
            f"A{i}",
            industry="retail",
            region="east",
            size_band="large",
            cooperation_start=start,
        )
        for i in range(n)
    ]
    people = [KeyPerson(f"U{k}", f"U{k}", "our_staff") for k in range(3)]
    people += [KeyPerson("X0", "X0", "competitor_staff")]
    rels: list[Relationship] = []
    interactions: list[Interaction] = []
    roles = ["decision_maker", "decision_maker", "influencer", "coach", "user", None]
    for i in range(n):
        ids = [f"A{i}.P{j}" for j in range(6)]
        for j, pid in enumerate(ids):
            left = dt.date(2025, 6, 1) if (i + j) % 7 == 0 else None
            portrait = Portrait(*map(float, rng.integers(0, 11, 3))) if j % 3 else None
            people.append(
                KeyPerson(
                    pid,
                    pid,
                    "customer",
                    account_id=f"A{i}",
                    role=roles[j],
                    portrait=portrait,
                    left_on=left,
                )
            )
            if j:
                rels.append(Relationship(pid, ids[(j - 1) // 2], "reports_to", 1.0))
                rels.append(Relationship(pid, ids[0], "influences", 0.5))
        rels.append(Relationship(f"U{i % 3}", ids[2], "influences", 0.5))
        rels.append(Relationship(f"U{(i + 1) % 3}", ids[3], "influences", 0.5))
        rels.append(Relationship("X0", ids[1], "influences", 0.9 if i % 2 else 0.25))
        if i:  # a tie across accounts
            rels.append(Relationship(ids[4], f"A{i - 1}.P1", "influences", 0.75))
        for k in range(3):
            interactions.append(
                Interaction(
                    f"A{i}.I{k}",
                    f"A{i}",
                    AS_OF - dt.timedelta(days=30 * k + i, microseconds=7),
                    [f"U{i % 3}"],
                    [ids[(k + i) % 6]],
                    "meeting",
                    "management",
                    "positive",
                )
            )
    return Portfolio(accounts, people, rels, interactions=interactions)


# -- tests --------------------------------------------------------------------------------


def test_crossing_portfolio_features_and_flags() -> None:
    pf = crossing_portfolio()
    assert_same_features(pf, as_of=AS_OF)
    assert_same_features(pf, as_of=AS_OF, window_days=45, alpha=0.5)
    assert_same_features(
        pf,
        as_of=AS_OF,
        role_weights={"decision_maker": 1.0, "user": 0.0},
        portrait_weights=lambda c, s, p: min(c, s, p) / 10,
    )
    assert_same_flags(pf, AS_OF)
    assert_same_flags(pf, AS_OF, share=0.0)
    assert_same_coverage(pf, AS_OF)
    assert_same_coverage(pf, AS_OF, {"decision_maker": 1.0, "coach": 0.5}, target=1.0)
    assert any(m is not None for m in portfolio_who_to_meet_next(pf, as_of=AS_OF))
    assert_same_indirect(pf, AS_OF)
    assert_same_indirect(pf, AS_OF, max_depth=1, roles=("decision_maker", "coach"))
    assert_same_indirect(pf, AS_OF, max_depth=5, min_strength=0.3)
    assert any(
        paths for d in portfolio_indirect_key_persons(pf, as_of=AS_OF) for paths in d.values()
    )
    assert_same_flags(pf, dt.datetime(2025, 6, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=9))))


def test_crossing_portfolio_raises_flags_of_every_kind() -> None:
    """The fixture exercises every rule, so the equality above is not vacuous."""
    codes = {c for f in portfolio_red_flags(crossing_portfolio(), as_of=AS_OF) for c in f.codes}
    assert {c.value for c in codes} == {
        "no_decision_maker_relationship",
        "decision_maker_left",
        "no_coach",
        "single_threaded",
        "competitor_stronger",
        "reporting_line_unknown",
    }


def _account(aid: str) -> Account:
    return Account(
        aid,
        aid,
        industry="x",
        region="y",
        size_band="small",
        cooperation_start=dt.date(2020, 1, 1),
    )


def _two_way_tie() -> Portfolio:
    """Two people swaying each other at strength 1: alpha 0.99 does not converge."""
    acc = _account("A0")
    people = [
        KeyPerson("A0.P0", "0", "customer", account_id="A0"),
        KeyPerson("A0.P1", "1", "customer", account_id="A0", role="decision_maker"),
    ]
    ties = [
        Relationship("A0.P0", "A0.P1", "influences", 1.0),
        Relationship("A0.P1", "A0.P0", "influences", 1.0),
    ]
    return Portfolio([acc], people, ties)


def test_a_reach_that_does_not_converge_names_alpha_and_the_account() -> None:
    with pytest.raises(InvalidValueError, match="influence reach of 'A0'") as raised:
        relationship_features(_two_way_tie(), as_of=AS_OF, alpha=0.99)
    assert raised.value.path == "relationship_features.alpha"
    assert raised.value.value == 0.99


def _aware_moments() -> st.SearchStrategy[dt.datetime]:
    return st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)).map(
        lambda d: d.replace(tzinfo=dt.UTC)
    )


ROLE_WEIGHTS = st.sampled_from(
    [
        DEFAULT_ROLE_WEIGHTS,
        {"decision_maker": 1.0},
        {"user": 0.5, "coach": 0.0},
        {"decision_maker": 0.1, "influencer": 0.7, "coach": 0.2, "user": 0.9},
    ]
)
PORTRAIT_RULES = st.sampled_from(
    [DEFAULT_PORTRAIT_WEIGHTS, (0.0, 1.0, 0.0), (0.3, 0.3, 0.4), lambda c, s, p: c / 10]
)


@given(
    portfolios(max_accounts=4, max_people_per_account=6, max_staff=3, max_competitors=2),
    _aware_moments(),
    ROLE_WEIGHTS,
    PORTRAIT_RULES,
    st.integers(1, 400),
    st.sampled_from([0.0, 0.5, 0.85, 0.99]),
)
@example(Portfolio(), AS_OF, DEFAULT_ROLE_WEIGHTS, DEFAULT_PORTRAIT_WEIGHTS, 90, 0.85)
@example(_two_way_tie(), AS_OF, DEFAULT_ROLE_WEIGHTS, DEFAULT_PORTRAIT_WEIGHTS, 1, 0.99)
def test_features_equal_the_per_account_path(
    pf: Portfolio,
    as_of: dt.datetime,
    role_weights: Mapping[str, float],
    portrait_weights: Any,
    window_days: int,
    alpha: float,
) -> None:
    assert_same_features(
        pf,
        as_of=as_of,
        role_weights=role_weights,
        portrait_weights=portrait_weights,
        window_days=window_days,
        alpha=alpha,
    )


@given(
    portfolios(max_accounts=4, max_people_per_account=6, max_staff=3, max_competitors=2),
    _aware_moments(),
    st.sampled_from([0.0, 0.25, 0.5, 0.9]),
)
@example(Portfolio(), AS_OF, 0.5)
def test_flags_equal_the_per_account_path(pf: Portfolio, as_of: dt.datetime, share: float) -> None:
    assert_same_flags(pf, as_of, share)


@given(
    portfolios(max_accounts=4, max_people_per_account=6, max_staff=3, max_competitors=2),
    _aware_moments(),
    ROLE_WEIGHTS,
    st.sampled_from([0.25, 0.5, 0.8, 1.0]),
)
@example(Portfolio(), AS_OF, DEFAULT_ROLE_WEIGHTS, 0.8)
def test_coverage_and_meetings_equal_the_per_graph_path(
    pf: Portfolio, as_of: dt.datetime, role_weights: Mapping[str, float], target: float
) -> None:
    assert_same_coverage(pf, as_of, role_weights, target)


@given(
    portfolios(max_accounts=4, max_people_per_account=7, max_staff=2, max_competitors=2),
    _aware_moments(),
    st.integers(1, 5),
    st.sampled_from([("decision_maker",), ("coach", "user"), ()]),
    st.sampled_from([0.0, 0.1, 0.5]),
)
@example(Portfolio(), AS_OF, 3, ("decision_maker",), 0.0)
def test_indirect_key_persons_equal_the_per_graph_path(
    pf: Portfolio, as_of: dt.datetime, depth: int, roles: tuple[str, ...], floor: float
) -> None:
    assert_same_indirect(pf, as_of, max_depth=depth, roles=roles, min_strength=floor)


@given(
    portfolios(max_accounts=4, max_people_per_account=7, max_staff=2, max_competitors=2),
    st.sampled_from([0.0, 0.5, 0.85, 0.99]),
    st.sampled_from([(100, 1.0e-6), (30, 1.0e-3), (500, 1.0e-9)]),
)
@example(Portfolio(), 0.85, (100, 1.0e-6))
@example(_two_way_tie(), 0.99, (100, 1.0e-6))  # does not converge: both raise
def test_influence_reach_equals_the_per_graph_path(
    pf: Portfolio, alpha: float, limits: tuple[int, float]
) -> None:
    iters, tol = limits
    want: list[dict[Any, float]] = []
    failed = False
    for a in pf.accounts:
        try:
            G = stakeholder_graph(pf, account_id=a.id)
            want.append(influence_reach(G, alpha=alpha, max_iter=iters, tol=tol))
        except InvalidValueError:
            failed = True
            break
    if failed:
        with pytest.raises(InvalidValueError, match="did not converge") as raised:
            portfolio_influence_reach(pf, alpha=alpha, max_iter=iters, tol=tol)
        assert raised.value.path == "portfolio_influence_reach.max_iter"
        return
    got = portfolio_influence_reach(pf, alpha=alpha, max_iter=iters, tol=tol)
    assert got == tuple(want)
    assert [list(g) for g in got] == [sorted(w) for w in want]


def test_a_tie_between_strongest_paths_takes_the_fewest_ties_then_the_smallest_ids() -> None:
    """0.5 * 0.5 == 0.25: the direct tie wins; among two-tie paths the smaller id."""
    acc = _account("A0")
    people = [
        KeyPerson("U1", "U1", "our_staff"),
        KeyPerson("A0.DM", "DM", "customer", account_id="A0", role="decision_maker"),
        KeyPerson("A0.M", "M", "customer", account_id="A0"),
        KeyPerson("A0.B", "B", "customer", account_id="A0"),
        KeyPerson("A0.C", "C", "customer", account_id="A0", role="coach"),
    ]
    ties = [
        Relationship("U1", "A0.M", "influences", 0.5),
        Relationship("A0.M", "A0.DM", "influences", 0.5),
        Relationship("U1", "A0.DM", "influences", 0.25),
        Relationship("U1", "A0.B", "influences", 0.5),
        Relationship("A0.B", "A0.C", "influences", 0.5),
        Relationship("A0.M", "A0.C", "influences", 0.5),
    ]
    pf = Portfolio([acc], people, ties)
    (cov,) = portfolio_coverage(pf, as_of=AS_OF)
    paths = {p.person_id: p.path for p in cov.people}
    assert paths == {"A0.DM": ("U1", "A0.DM"), "A0.C": ("U1", "A0.B", "A0.C")}
    assert cov == coverage(stakeholder_graph(pf, account_id="A0", as_of=AS_OF))


def _part(pf: Portfolio, keep: set[str]) -> Portfolio | None:
    """The accounts in ``keep`` with everything they reference; None if a tie crosses."""
    people = [p for p in pf.people if p.account_id is None or p.account_id in keep]
    known = {p.id for p in people}
    rels = [r for r in pf.relationships if r.source_id in known and r.target_id in known]
    touching = {r for a in pf.accounts if a.id in keep for r in pf.relationships_of(a.id)} | {
        r for r in pf.relationships if r.opportunity_id is not None
    }
    if any(r not in rels for r in touching if _account_of(pf, r) & keep):
        return None
    return attrs.evolve(
        pf,
        accounts=[a for a in pf.accounts if a.id in keep],
        people=people,
        relationships=rels,
        commitments=[c for c in pf.commitments if c.account_id in keep],
        interactions=[i for i in pf.interactions if i.account_id in keep],
        opportunities=[o for o in pf.opportunities if o.account_id in keep],
    )


def _account_of(pf: Portfolio, r: Relationship) -> set[str]:
    out = set()
    for pid in (r.source_id, r.target_id):
        acc = pf.person(pid).account_id
        if acc is not None:
            out.add(acc)
    return out


@given(
    portfolios(min_accounts=2, max_accounts=5, max_people_per_account=5),
    _aware_moments(),
    st.data(),
)
def test_a_row_does_not_depend_on_the_other_accounts(
    pf: Portfolio, as_of: dt.datetime, data: st.DataObject
) -> None:
    """Same answer anywhere: an account's row is the same in any slice of the portfolio."""
    ids = [a.id for a in pf.accounts]
    keep = set(data.draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)))
    part = _part(pf, keep)
    if part is None:
        return
    whole = relationship_features(pf, as_of=as_of)
    sliced = relationship_features(part, as_of=as_of)
    rows = [ids.index(a.id) for a in part.accounts]
    for name in RELATIONSHIP_FEATURES:
        assert np.array_equal(whole.columns[name][rows], sliced.columns[name]), name
        assert np.array_equal(whole.missing[name][rows], sliced.missing[name]), name
    flags = dict(zip(ids, portfolio_red_flags(pf, as_of=as_of), strict=True))
    assert portfolio_red_flags(part, as_of=as_of) == tuple(flags[a.id] for a in part.accounts)


def test_the_crossing_portfolio_in_any_order_gives_the_same_rows() -> None:
    pf = crossing_portfolio()
    flipped = attrs.evolve(
        pf,
        accounts=pf.accounts[::-1],
        people=pf.people[::-1],
        relationships=pf.relationships[::-1],
        interactions=pf.interactions[::-1],
    )
    a = relationship_features(pf, as_of=AS_OF)
    b = relationship_features(flipped, as_of=AS_OF)
    n = len(pf.accounts)
    for name in RELATIONSHIP_FEATURES:
        if name == "interaction_frequency":  # a sum in portfolio order: same records here
            pass
        assert np.array_equal(a.columns[name], b.columns[name][::-1]), name
    assert len(a.ids) == n


# -- the kernels --------------------------------------------------------------------------


@st.composite
def stakeholder_graphs(draw: st.DrawFn, *, max_people: int = 9) -> nx.DiGraph[str]:
    """Small graphs for the path kernels: sides, activity, and strengths that tie often."""
    people = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["customer", "customer", "our_staff", "competitor_staff"]),
                st.booleans() | st.just(True),
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
                st.sampled_from([0.0, 0.25, 0.5, 1.0]) | st.floats(0.0, 1.0),
            ),
            unique_by=lambda t: (t[0], t[1]),
            max_size=3 * n,
        )
    )
    G: nx.DiGraph[str] = nx.DiGraph()
    for i, (side, active) in enumerate(people):
        G.add_node(f"N{i}", side=side, active=active)
    for i, j, kind, strength in ties:
        if i != j:
            G.add_edge(f"N{i}", f"N{j}", kind=kind, strength=strength)
    return G


def _edge_arrays(G: nx.DiGraph[str], passable: Any) -> tuple[list[str], Any, Any, Any]:
    nodes = sorted(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    eu, ev, es = [], [], []
    for u, v, d in G.edges(data=True):
        s = d["strength"] if d.get("kind", "influences") == "influences" else 0.0
        if s > 0.0 and passable(v):
            eu.append(index[u])
            ev.append(index[v])
            es.append(s)
    return (
        nodes,
        np.array(eu, dtype=np.intp),
        np.array(ev, dtype=np.intp),
        np.array(es, dtype=np.float64),
    )


def _chain_with_ties() -> nx.DiGraph[str]:
    """Two routes of equal strength (0.5 * 0.5 and 0.25) and a path that underflows."""
    G: nx.DiGraph[str] = nx.DiGraph()
    for n in ("N0", "N1", "N2", "N3", "N4"):
        G.add_node(n, side="customer", role=None, active=True)
    G.nodes["N0"]["side"] = "our_staff"
    G.add_edge("N0", "N1", kind="influences", strength=0.5)
    G.add_edge("N1", "N2", kind="influences", strength=0.5)
    G.add_edge("N0", "N2", kind="influences", strength=0.25)
    G.add_edge("N2", "N3", kind="influences", strength=1e-200)
    G.add_edge("N3", "N4", kind="influences", strength=1e-200)
    return G


@given(stakeholder_graphs(max_people=9))
@example(_chain_with_ties())
def test_bellman_ford_equals_the_max_product_dijkstra(G: nx.DiGraph[str]) -> None:
    H = canonical(G, where="test")

    def passable(n: Hashable) -> bool:
        d = H.nodes[n]
        return is_active(d) and side_of(d) != "competitor_staff"

    ours = [n for n, d in H.nodes(data=True) if side_of(d) == "our_staff" and is_active(d)]
    want, paths = strongest_from(H, ours, weight="strength", passable=passable, where="test")
    nodes, eu, ev, es = _edge_arrays(H, passable)
    sources = np.array([n in ours for n in nodes], dtype=np.bool_)
    got = strongest_products(eu, ev, es, sources)
    assert got.tolist() == [want.get(n, 0.0) for n in nodes]
    for node, path in paths.items():  # each path's own product is its strength
        prod = 1.0
        for a, b in itertools.pairwise(path):
            prod *= H.edges[a, b]["strength"]
        assert prod == want[node] > 0.0


@st.composite
def _graph_batches(draw: st.DrawFn) -> list[tuple[int, list[tuple[int, int, float]]]]:
    out = []
    for _ in range(draw(st.integers(1, 5))):
        n = draw(st.integers(1, 7))
        edges = draw(
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.01, 1.0)),
                unique_by=lambda e: (e[0], e[1]),
                max_size=3 * n,
            )
        )
        out.append((n, [e for e in edges if e[0] != e[1]]))
    return out


@given(_graph_batches(), st.sampled_from([0.0, 0.5, 0.85]))
def test_pagerank_of_a_graph_is_the_same_alone_and_in_a_batch(
    graphs: list[tuple[int, list[tuple[int, int, float]]]], alpha: float
) -> None:
    seg, src, dst, w, p = [], [], [], [], []
    offset = 0
    alone = []
    for g, (n, edges) in enumerate(graphs):
        restart = np.arange(1, n + 1, dtype=np.float64)
        restart /= restart.sum()
        s = np.array([e[0] for e in edges], dtype=np.intp)
        d = np.array([e[1] for e in edges], dtype=np.intp)
        ww = np.array([e[2] for e in edges], dtype=np.float64)
        alone.append(
            pagerank_segments(
                np.zeros(n, dtype=np.intp),
                1,
                s,
                d,
                ww,
                restart,
                alpha=alpha,
                max_iter=500,
                tol=1e-9,
            )
        )
        seg += [g] * n
        src += (s + offset).tolist()
        dst += (d + offset).tolist()
        w += ww.tolist()
        p += restart.tolist()
        offset += n
    batch = pagerank_segments(
        np.array(seg, dtype=np.intp),
        len(graphs),
        np.array(src, dtype=np.intp),
        np.array(dst, dtype=np.intp),
        np.array(w, dtype=np.float64),
        np.array(p, dtype=np.float64),
        alpha=alpha,
        max_iter=500,
        tol=1e-9,
    )
    assert np.array_equal(batch, np.concatenate(alone))
    for g, x in enumerate(alone):
        assert math.isclose(float(x.sum()), 1.0, rel_tol=1e-12), g


def test_pagerank_reports_the_segment_that_does_not_converge() -> None:
    with pytest.raises(InvalidValueError, match="did not converge"):
        pagerank_segments(
            np.zeros(3, dtype=np.intp),
            1,
            np.array([0, 1, 2], dtype=np.intp),
            np.array([1, 2, 0], dtype=np.intp),
            np.ones(3),
            np.array([1.0, 0.0, 0.0]),
            alpha=0.99,
            max_iter=2,
            tol=1e-12,
        )


# -- bad input ---------------------------------------------------------------------------

NAIVE = dt.datetime(2026, 1, 1)


def _bad(value: object) -> Any:
    """A value of the wrong type, past the type checker."""
    return value


@pytest.mark.parametrize(
    ("call", "error", "path"),
    [
        (lambda: portfolio_coverage(_bad("pf"), as_of=AS_OF), "InvalidTypeError", "portfolio"),
        (lambda: portfolio_coverage(Portfolio(), as_of=NAIVE), "InvalidValueError", "as_of"),
        (
            lambda: portfolio_coverage(Portfolio(), as_of=AS_OF, role_weights={"boss": 1.0}),
            "InvalidValueError",
            "role_weights['boss']",
        ),
        (
            lambda: portfolio_who_to_meet_next(Portfolio(), as_of=AS_OF, target=0.0),
            "InvalidValueError",
            "target",
        ),
        (
            lambda: portfolio_who_to_meet_next(Portfolio(), as_of=_bad("2026-01-01")),
            "InvalidTypeError",
            "as_of",
        ),
        (
            lambda: portfolio_indirect_key_persons(Portfolio(), as_of=AS_OF, max_depth=0),
            "InvalidValueError",
            "max_depth",
        ),
        (
            lambda: portfolio_indirect_key_persons(Portfolio(), as_of=AS_OF, roles="coach"),
            "InvalidTypeError",
            "roles",
        ),
        (
            lambda: portfolio_indirect_key_persons(Portfolio(), as_of=AS_OF, min_strength=2),
            "InvalidValueError",
            "min_strength",
        ),
        (
            lambda: portfolio_indirect_key_persons(_bad(None), as_of=AS_OF),
            "InvalidTypeError",
            "portfolio",
        ),
        (lambda: portfolio_influence_reach(_bad([])), "InvalidTypeError", "portfolio"),
        (lambda: portfolio_influence_reach(Portfolio(), alpha=1.0), "InvalidValueError", "alpha"),
        (lambda: portfolio_influence_reach(Portfolio(), tol=0), "InvalidValueError", "tol"),
    ],
)
def test_the_portfolio_forms_raise_typed_errors_naming_the_parameter(
    call: Any, error: str, path: str
) -> None:
    with pytest.raises(KamlibError) as raised:
        call()
    assert type(raised.value).__name__ == error
    assert raised.value.path.endswith(path)  # type: ignore[attr-defined]


def test_the_portfolio_forms_leave_the_portfolio_as_it_was() -> None:
    pf = crossing_portfolio(3)
    before = attrs.evolve(pf)
    portfolio_coverage(pf, as_of=AS_OF)
    portfolio_who_to_meet_next(pf, as_of=AS_OF)
    portfolio_indirect_key_persons(pf, as_of=AS_OF)
    portfolio_influence_reach(pf)
    relationship_features(pf, as_of=AS_OF)
    portfolio_red_flags(pf, as_of=AS_OF)
    assert pf == before


def test_analyses_of_other_days_in_between_change_no_result() -> None:
    """The node view of the last day is kept; another day's analyses replace it."""
    pf = crossing_portfolio()
    early = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    first = relationship_features(pf, as_of=AS_OF)
    flags = portfolio_red_flags(pf, as_of=AS_OF)
    relationship_features(pf, as_of=early)
    portfolio_coverage(pf, as_of=early)
    again = relationship_features(pf, as_of=AS_OF)
    for name in RELATIONSHIP_FEATURES:
        assert np.array_equal(first.columns[name], again.columns[name]), name
    assert portfolio_red_flags(pf, as_of=AS_OF) == flags
    fresh = attrs.evolve(pf)  # a new portfolio: nothing cached
    assert portfolio_red_flags(fresh, as_of=early) == portfolio_red_flags(pf, as_of=early)
