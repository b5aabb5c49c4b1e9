"""stakeholder_graph: nodes, edge direction, opportunity overrides, scope and errors."""

from __future__ import annotations

import datetime as dt

import attrs
import networkx as nx
import pytest
from hypothesis import given, settings

from kamlib.errors import InvalidTypeError, InvalidValueError, ReportingCycleError, UnknownIdError
from kamlib.model import (
    Account,
    KeyPerson,
    Money,
    Opportunity,
    Portfolio,
    Portrait,
    Relationship,
    RelationshipKind,
)
from kamlib.network import merge_decision_chain, stakeholder_graph
from kamlib.testing.strategies import portfolios

DAY = dt.date(2025, 1, 1)


def _acc(aid: str) -> Account:
    return Account(
        aid,
        f"Account {aid}",
        industry="retail",
        region="north",
        size_band="large",
        cooperation_start=dt.date(2023, 1, 1),
    )


def _portfolio(rels: list[Relationship], opps: list[Opportunity] | None = None) -> Portfolio:
    people = [
        KeyPerson("U1", "Our rep", "our_staff"),
        KeyPerson("X1", "Rival", "competitor_staff", account_id="A1"),
        KeyPerson(
            "P1",
            "CEO",
            "customer",
            account_id="A1",
            role="decision_maker",
            portrait=Portrait(4, 7, 3),
        ),
        KeyPerson("P2", "CTO", "customer", account_id="A1", role="influencer"),
        KeyPerson("P3", "Lead", "customer", account_id="A1", role="coach", left_on=DAY),
        KeyPerson("Q1", "Other CEO", "customer", account_id="A2", role="decision_maker"),
    ]
    return Portfolio([_acc("A1"), _acc("A2")], people, rels, opportunities=opps or [])


def _opp(oid: str = "O1", aid: str = "A1", chain: tuple[str, ...] = ("P1",)) -> Opportunity:
    return Opportunity(oid, aid, "Deal", Money(10, "USD"), "proposal", chain)


def test_nodes_carry_role_side_portrait_account_and_active_flag() -> None:
    G = stakeholder_graph(
        _portfolio([Relationship("U1", "P2", "influences", 0.5)]), account_id="A1"
    )
    assert sorted(G.nodes) == ["P1", "P2", "P3", "U1", "X1"]
    p1 = G.nodes["P1"]
    assert (p1["side"], p1["role"], p1["account_id"]) == ("customer", "decision_maker", "A1")
    assert (p1["closeness"], p1["solution_acceptance"], p1["price_acceptance"]) == (4.0, 7.0, 3.0)
    assert G.nodes["P2"]["closeness"] is None
    assert G.nodes["U1"]["side"] == "our_staff"
    assert G.nodes["U1"]["account_id"] is None
    assert G.nodes["X1"]["side"] == "competitor_staff"
    # without as_of a person with a left_on date is inactive
    assert G.nodes["P3"]["active"] is False
    assert G.nodes["P1"]["active"] is True


def test_active_flag_follows_as_of() -> None:
    pf = _portfolio([])
    before = stakeholder_graph(pf, account_id="A1", as_of=DAY - dt.timedelta(days=1))
    on = stakeholder_graph(pf, account_id="A1", as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert before.nodes["P3"]["active"] is True
    assert on.nodes["P3"]["active"] is False
    assert before.nodes["P3"]["left_on"] == DAY


def test_edge_direction_and_attributes() -> None:
    rels = [
        Relationship("P2", "P1", "reports_to", 1.0),  # P2 reports to P1
        Relationship("U1", "P2", "influences", 0.5),  # U1 sways P2
        Relationship("P1", "P2", "influences", 0.3),
    ]
    G = stakeholder_graph(_portfolio(rels), account_id="A1")
    assert G.edges["P2", "P1"] == {
        "kind": "reports_to",
        "strength": 1.0,
        "reports_to": True,
        "reporting_strength": 1.0,
        "opportunity_id": None,
    }
    assert G.edges["U1", "P2"]["kind"] == "influences"
    assert G.edges["U1", "P2"]["reports_to"] is False
    assert G.edges["P1", "P2"]["strength"] == 0.3


def test_reporting_and_influence_on_one_pair_share_one_edge() -> None:
    rels = [
        Relationship("P2", "P1", "reports_to", 0.9),
        Relationship("P2", "P1", "influences", 0.6),
    ]
    e = stakeholder_graph(_portfolio(rels), account_id="A1").edges["P2", "P1"]
    assert (e["kind"], e["strength"], e["reports_to"], e["reporting_strength"]) == (
        "influences",
        0.6,
        True,
        0.9,
    )


def test_whole_portfolio_graph_spans_accounts_and_skips_opportunity_ties() -> None:
    rels = [
        Relationship("U1", "P1", "influences", 0.5),
        Relationship("U1", "Q1", "influences", 0.4),
        Relationship("P2", "P1", "influences", 0.9, opportunity_id="O1"),
    ]
    G = stakeholder_graph(_portfolio(rels, [_opp()]))
    assert {G.nodes[n]["account_id"] for n in G} == {"A1", "A2", None}
    assert G.has_edge("U1", "Q1")
    assert G.has_edge("U1", "P1")
    assert not G.has_edge("P2", "P1")
    one = stakeholder_graph(_portfolio(rels, [_opp()]), account_id="A2")
    assert sorted(one.nodes) == ["Q1", "U1"]


def test_opportunity_influence_replaces_standing_tie_of_same_pair() -> None:
    rels = [
        Relationship("P2", "P1", "influences", 0.2),
        Relationship("U1", "P2", "influences", 0.7),
        Relationship("P2", "P1", "influences", 0.9, opportunity_id="O1"),
        Relationship("X1", "P1", "influences", 0.0, opportunity_id="O1"),
    ]
    pf = _portfolio(rels, [_opp(chain=("P1", "P2"))])
    G = stakeholder_graph(pf, opportunity_id="O1")
    assert G.graph["opportunity_id"] == "O1"
    assert G.edges["P2", "P1"]["strength"] == 0.9
    assert G.edges["P2", "P1"]["opportunity_id"] == "O1"
    assert G.edges["U1", "P2"]["strength"] == 0.7  # untouched standing tie
    assert G.edges["X1", "P1"]["strength"] == 0.0
    assert G.nodes["P2"]["in_decision_chain"]
    assert not G.nodes["U1"]["in_decision_chain"]
    standing = stakeholder_graph(pf, account_id="A1")
    assert standing.edges["P2", "P1"]["strength"] == 0.2
    assert not standing.nodes["P1"]["in_decision_chain"]


def test_opportunity_reporting_tie_reroutes_the_persons_reporting_line() -> None:
    rels = [
        Relationship("P3", "P2", "reports_to", 1.0),
        Relationship("P2", "P1", "reports_to", 1.0),
        Relationship("P3", "P1", "reports_to", 1.0, opportunity_id="O1"),
    ]
    G = stakeholder_graph(_portfolio(rels, [_opp()]), account_id="A1", opportunity_id="O1")
    assert G.has_edge("P3", "P1")
    assert not G.has_edge("P3", "P2")
    assert G.has_edge("P2", "P1")  # P2's own line is untouched


def test_merge_rule_keeps_order_and_other_ties() -> None:
    standing = [
        Relationship("A", "B", "reports_to", 1.0),
        Relationship("A", "C", "reports_to", 1.0),
        Relationship("A", "B", "influences", 0.1),
        Relationship("D", "B", "influences", 0.4),
    ]
    project = [
        Relationship("A", "E", "reports_to", 1.0, "O"),
        Relationship("A", "B", "influences", 0.0, "O"),
    ]
    merged = merge_decision_chain(standing, project)
    assert merged == [standing[3], *project]


def test_reporting_cycle_through_an_override_names_the_people() -> None:
    rels = [
        Relationship("P2", "P1", "reports_to", 1.0),
        Relationship("P1", "P2", "reports_to", 1.0, opportunity_id="O1"),
    ]
    pf = _portfolio(rels, [_opp()])  # each scope alone is acyclic: the portfolio is valid
    with pytest.raises(ReportingCycleError) as info:
        stakeholder_graph(pf, opportunity_id="O1")
    assert info.value.value == ["P1", "P2"]
    assert "stakeholder_graph.relationships" in str(info.value)
    assert "opportunity 'O1'" in str(info.value)
    assert "['P1', 'P2']" in str(info.value)


def test_unknown_account_and_opportunity() -> None:
    pf = _portfolio([], [_opp(), _opp("O2", "A2", ("Q1",))])
    with pytest.raises(
        UnknownIdError, match=r"stakeholder_graph\.account_id: is not in the portfolio; got 'A9'"
    ):
        stakeholder_graph(pf, account_id="A9")
    with pytest.raises(UnknownIdError, match=r"stakeholder_graph\.opportunity_id: .*got 'O9'"):
        stakeholder_graph(pf, opportunity_id="O9")
    with pytest.raises(UnknownIdError, match="opportunity of account 'A2', not of 'A1'"):
        stakeholder_graph(pf, account_id="A1", opportunity_id="O2")


def test_bad_arguments() -> None:
    pf = _portfolio([])
    with pytest.raises(InvalidTypeError, match=r"stakeholder_graph\.portfolio"):
        stakeholder_graph("pf")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"stakeholder_graph\.account_id"):
        stakeholder_graph(pf, account_id=3)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidValueError, match=r"stakeholder_graph\.as_of: must be timezone-aware"
    ):
        stakeholder_graph(pf, as_of=dt.datetime(2025, 1, 1))
    with pytest.raises(InvalidTypeError, match=r"stakeholder_graph\.as_of"):
        stakeholder_graph(pf, as_of="2025-01-01")  # type: ignore[arg-type]


def test_graph_is_independent_of_record_order() -> None:
    rels = [
        Relationship("U1", "P2", "influences", 0.5),
        Relationship("P2", "P1", "influences", 0.8),
        Relationship("P2", "P1", "reports_to", 1.0),
    ]
    a = stakeholder_graph(_portfolio(rels), account_id="A1")
    pf = _portfolio(rels[::-1])
    b = stakeholder_graph(attrs.evolve(pf, people=pf.people[::-1]), account_id="A1")
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))


@settings(max_examples=40)
@given(portfolios(max_accounts=3, max_people_per_account=5))
def test_every_relationship_of_an_account_becomes_an_edge(pf: Portfolio) -> None:
    for acc in pf.accounts:
        G = stakeholder_graph(pf, account_id=acc.id)
        assert isinstance(G, nx.DiGraph)
        assert {p.id for p in pf.people_of(acc.id)} <= set(G.nodes)
        for r in pf.relationships_of(acc.id):
            data = G.edges[r.source_id, r.target_id]
            if r.kind is RelationshipKind.REPORTS_TO:
                assert data["reports_to"] is True
            else:
                assert (data["kind"], data["strength"]) == ("influences", r.strength)
        for opp in pf.opportunities_of(acc.id):
            H = stakeholder_graph(pf, opportunity_id=opp.id)
            for r in pf.relationships_of(acc.id, opp.id):
                assert H.has_edge(r.source_id, r.target_id)
            assert {n for n in H if H.nodes[n]["in_decision_chain"]} == set(opp.decision_chain)


@settings(max_examples=25)
@given(portfolios(max_accounts=3, max_people_per_account=4))
def test_whole_portfolio_graph_has_every_person_and_standing_tie(pf: Portfolio) -> None:
    G = stakeholder_graph(pf)
    assert set(G.nodes) == {p.id for p in pf.people}
    standing = {(r.source_id, r.target_id) for r in pf.relationships if r.opportunity_id is None}
    assert set(G.edges) == standing


def test_merge_decision_chain_refuses_what_is_not_relationships() -> None:
    ok = [Relationship("A", "B", "influences", 0.5)]
    with pytest.raises(
        InvalidTypeError,
        match=r"merge_decision_chain\.standing: must be an iterable of Relationship",
    ):
        merge_decision_chain(None, ok)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"merge_decision_chain\.specific: .*; got None"):
        merge_decision_chain(ok, None)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidTypeError,
        match=r"merge_decision_chain\.standing\[0\]: must be a Relationship; got 1",
    ):
        merge_decision_chain([1], ok)  # type: ignore[list-item]
    with pytest.raises(InvalidTypeError, match=r"merge_decision_chain\.specific\[1\]: .*got 2"):
        merge_decision_chain(ok, [*ok, 2])  # type: ignore[list-item]
    with pytest.raises(InvalidTypeError, match=r"merge_decision_chain\.specific\[0\]"):
        merge_decision_chain(ok, "AB")  # type: ignore[arg-type]
    # iterators are read once and still merged
    assert merge_decision_chain(iter(ok), iter([])) == ok
