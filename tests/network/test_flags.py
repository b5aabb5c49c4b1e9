"""Red flags: one example per code, the opportunity override, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib.errors import InvalidTypeError, InvalidValueError, ReportingCycleError, UnknownIdError
from kamlib.model import (
    Account,
    KeyPerson,
    Money,
    Opportunity,
    Portfolio,
    Relationship,
    RiskKind,
    RiskSignal,
)
from kamlib.network import (
    FlagCode,
    RedFlag,
    RedFlags,
    graph_red_flags,
    portfolio_red_flags,
    red_flags,
    stakeholder_graph,
)
from kamlib.synthetic import synthetic_portfolio

AS_OF = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)


def _people(**changes: dict[str, Any]) -> list[KeyPerson]:
    people = {
        "U1": KeyPerson("U1", "Our rep", "our_staff"),
        "U2": KeyPerson("U2", "Our architect", "our_staff"),
        "X1": KeyPerson("X1", "Rival rep", "competitor_staff", account_id="A1"),
        "P1": KeyPerson("P1", "CEO", "customer", account_id="A1", role="decision_maker"),
        "P2": KeyPerson("P2", "CTO", "customer", account_id="A1", role="influencer"),
        "P3": KeyPerson("P3", "Champion", "customer", account_id="A1", role="coach"),
        "P4": KeyPerson("P4", "Engineer", "customer", account_id="A1", role="user"),
    }
    for pid, change in changes.items():
        people[pid] = attrs.evolve(people[pid], **change)
    return list(people.values())


BASE = [
    Relationship("U1", "P1", "influences", 0.6),
    Relationship("U2", "P2", "influences", 0.6),
    Relationship("U1", "P3", "influences", 0.5),
    Relationship("X1", "P4", "influences", 0.9),
    Relationship("P2", "P1", "reports_to", 1.0),
    Relationship("P3", "P2", "reports_to", 1.0),
    Relationship("P4", "P2", "reports_to", 1.0),
]


def _pf(
    rels: list[Relationship],
    *,
    people: list[KeyPerson] | None = None,
    signals: tuple[RiskSignal, ...] = (),
    opps: tuple[Opportunity, ...] = (),
) -> Portfolio:
    acc = Account(
        "A1",
        "Acme",
        industry="retail",
        region="north",
        size_band="large",
        cooperation_start=dt.date(2023, 1, 1),
        risk_signals=signals,
    )
    return Portfolio([acc], people or _people(), rels, opportunities=opps)


def _flags(pf: Portfolio, **kw: object) -> RedFlags:
    return red_flags(pf, account_id="A1", as_of=AS_OF, **kw)  # type: ignore[arg-type]


def _without(*pairs: tuple[str, str]) -> list[Relationship]:
    return [r for r in BASE if (r.source_id, r.target_id) not in pairs]


def test_a_healthy_account_raises_nothing() -> None:
    f = _flags(_pf(BASE))
    assert f.codes == ()
    assert (f.account_id, f.opportunity_id, f.as_of) == ("A1", None, AS_OF)


def test_no_decision_maker_relationship() -> None:
    f = _flags(_pf(_without(("U1", "P1"))))
    flag = f.get(FlagCode.NO_DECISION_MAKER_RELATIONSHIP)
    assert flag is not None
    assert flag.people == ("P1",)
    assert "no path from our staff reaches decision-maker(s) P1" in flag.text


def test_no_decision_maker_at_all() -> None:
    people = _people(P1={"role": "influencer"})
    flag = _flags(_pf(BASE, people=people)).get("no_decision_maker_relationship")
    assert flag is not None
    assert flag.people == ()
    assert "no active decision-maker" in flag.text


def test_decision_maker_left_by_date() -> None:
    people = _people(P1={"left_on": dt.date(2025, 6, 30)})
    f = _flags(_pf(BASE, people=people))
    flag = f.get(FlagCode.DECISION_MAKER_LEFT)
    assert flag is not None
    assert flag.people == ("P1",)
    assert "decision-maker(s) P1 left" in flag.text
    later = _people(P1={"left_on": dt.date(2025, 7, 1)})
    assert FlagCode.DECISION_MAKER_LEFT not in _flags(_pf(BASE, people=later))


def test_decision_maker_left_by_open_risk_signal() -> None:
    t = AS_OF - dt.timedelta(days=3)
    signal = RiskSignal(RiskKind.KEY_DECISION_MAKER_LEFT, t)
    flag = _flags(_pf(BASE, signals=(signal,))).get(FlagCode.DECISION_MAKER_LEFT)
    assert flag is not None
    assert flag.people == ()
    assert "open key_decision_maker_left risk signal" in flag.text
    resolved = attrs.evolve(signal, resolved_at=t + dt.timedelta(days=1))
    assert FlagCode.DECISION_MAKER_LEFT not in _flags(_pf(BASE, signals=(resolved,)))
    future = RiskSignal(RiskKind.KEY_DECISION_MAKER_LEFT, AS_OF + dt.timedelta(days=1))
    assert FlagCode.DECISION_MAKER_LEFT not in _flags(_pf(BASE, signals=(future,)))


def test_no_coach() -> None:
    assert _flags(_pf(BASE, people=_people(P3={"role": "user"}))).codes == (FlagCode.NO_COACH,)
    gone = _people(P3={"left_on": dt.date(2025, 1, 1)})
    assert FlagCode.NO_COACH in _flags(_pf(BASE, people=gone))


def test_single_threaded() -> None:
    f = _flags(_pf(_without(("U2", "P2"), ("U1", "P3"))))
    flag = f.get(FlagCode.SINGLE_THREADED)
    assert flag is not None
    assert flag.people == ("P1",)
    assert flag.text == "100% of our direct tie strength runs through P1"
    # base shares: P1 0.6, P2 0.6, P3 0.5 of 1.7 -> the top share is 35%; tie -> smallest id
    low = _flags(_pf(BASE), single_thread_share=0.3).get(FlagCode.SINGLE_THREADED)
    assert low is not None
    assert low.people == ("P1",)
    assert FlagCode.SINGLE_THREADED not in _flags(_pf(BASE), single_thread_share=0.36)


def test_competitor_stronger_directly_and_through_a_chain() -> None:
    direct = _flags(_pf([*BASE, Relationship("X1", "P1", "influences", 0.9)]))
    flag = direct.get(FlagCode.COMPETITOR_STRONGER)
    assert flag is not None
    assert flag.people == ("P1",)
    assert "P1: 0.90 vs ours 0.60" in flag.text
    chain = [
        *BASE,
        Relationship("X1", "P2", "influences", 1.0),
        Relationship("P2", "P1", "influences", 0.7),
    ]
    assert FlagCode.COMPETITOR_STRONGER in _flags(_pf(chain))
    equal = [*BASE, Relationship("X1", "P1", "influences", 0.6)]
    assert FlagCode.COMPETITOR_STRONGER not in _flags(_pf(equal))


def test_reporting_line_unknown() -> None:
    f = _flags(_pf(_without(("P2", "P1"))))
    flag = f.get(FlagCode.REPORTING_LINE_UNKNOWN)
    assert flag is not None
    assert flag.people == ("P1",)
    # a decision-maker who reports to someone is not flagged either
    up = [*_without(("P2", "P1")), Relationship("P1", "P4", "reports_to", 1.0)]
    assert FlagCode.REPORTING_LINE_UNKNOWN not in _flags(_pf(up))


def test_opportunity_decision_chain_changes_the_flags() -> None:
    opp = Opportunity("O1", "A1", "Deal", Money(5, "USD"), "proposal", ("P1", "P3"))
    rels = [*_without(("U1", "P1")), Relationship("P3", "P1", "influences", 0.7, "O1")]
    pf = _pf(rels, opps=(opp,))
    assert FlagCode.NO_DECISION_MAKER_RELATIONSHIP in _flags(pf)
    f = _flags(pf, opportunity_id="O1")
    assert f.opportunity_id == "O1"
    assert FlagCode.NO_DECISION_MAKER_RELATIONSHIP not in f


def test_portfolio_red_flags_in_account_order() -> None:
    pf = _pf(_without(("U1", "P1")))
    (only,) = portfolio_red_flags(pf, as_of=AS_OF)
    assert only == _flags(pf)


def test_errors() -> None:
    pf = _pf(BASE)
    with pytest.raises(
        UnknownIdError, match=r"red_flags\.account_id: is not in the portfolio; got 'A9'"
    ):
        red_flags(pf, account_id="A9", as_of=AS_OF)
    with pytest.raises(
        UnknownIdError, match=r"red_flags\.opportunity_id: is not in the portfolio; got 'O9'"
    ):
        red_flags(pf, account_id="A1", as_of=AS_OF, opportunity_id="O9")
    with pytest.raises(InvalidValueError, match=r"red_flags\.as_of: must be timezone-aware"):
        red_flags(pf, account_id="A1", as_of=dt.datetime(2025, 1, 1))
    with pytest.raises(InvalidTypeError, match=r"red_flags\.as_of: must be a datetime"):
        red_flags(pf, account_id="A1", as_of=dt.date(2025, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(
        InvalidValueError,
        match=r"red_flags\.single_thread_share: must be a real number in \[0, 1\); got 1",
    ):
        red_flags(pf, account_id="A1", as_of=AS_OF, single_thread_share=1)
    with pytest.raises(InvalidTypeError, match=r"portfolio_red_flags\.portfolio"):
        portfolio_red_flags(None, as_of=AS_OF)  # type: ignore[arg-type]


def test_cycle_from_an_opportunity_is_reported_with_its_people() -> None:
    opp = Opportunity("O1", "A1", "Deal", Money(5, "USD"), "proposal", ("P1",))
    rels = [*BASE, Relationship("P1", "P3", "reports_to", 1.0, "O1")]
    with pytest.raises(ReportingCycleError) as info:
        red_flags(_pf(rels, opps=(opp,)), account_id="A1", as_of=AS_OF, opportunity_id="O1")
    assert info.value.value == ["P1", "P3", "P2"]


# -- graph-first: graph_red_flags on a user's own networkx graph ----------------------


def _own_graph(order: int = 1) -> nx.DiGraph[str]:
    """The healthy BASE account as a plain DiGraph, nodes and edges in ``order``."""
    G: nx.DiGraph[str] = nx.DiGraph()
    nodes: list[tuple[str, dict[str, Any]]] = [
        ("U1", {"side": "our_staff"}),
        ("U2", {"side": "our_staff"}),
        ("X1", {"side": "competitor_staff"}),
        ("P1", {"side": "customer", "role": "decision_maker"}),
        ("P2", {"role": "influencer"}),  # no side: customer-side
        ("P3", {"side": "customer", "role": "coach"}),
        ("P4", {"side": "customer", "role": "user"}),
    ]
    edges: list[tuple[str, str, dict[str, Any]]] = [
        ("U1", "P1", {"kind": "influences", "strength": 0.6}),
        ("U2", "P2", {"strength": 0.6}),  # no kind: an influence tie
        ("U1", "P3", {"kind": "influences", "strength": 0.5}),
        ("X1", "P4", {"kind": "influences", "strength": 0.9}),
        ("P2", "P1", {"kind": "reports_to", "strength": 1.0}),
        ("P3", "P2", {"kind": "reports_to", "strength": 1.0}),
        ("P4", "P2", {"kind": "reports_to", "strength": 1.0}),
    ]
    G.add_nodes_from(nodes[::order])
    G.add_edges_from(edges[::order])
    return G


def test_graph_red_flags_on_a_plain_networkx_graph() -> None:
    G = _own_graph()
    f = graph_red_flags(G, as_of=AS_OF)
    assert f == RedFlags(None, None, AS_OF, ())
    G.remove_edge("U1", "P1")
    G.nodes["P3"]["role"] = "user"
    G.add_edge("X1", "P1", kind="influences", strength=0.9)
    G.nodes["P1"]["left_on"] = dt.date(2025, 6, 30)  # still active: the user's 'active' rules
    f = graph_red_flags(G, as_of=AS_OF, single_thread_share=0.4)
    assert f.codes == (
        FlagCode.NO_DECISION_MAKER_RELATIONSHIP,
        FlagCode.DECISION_MAKER_LEFT,
        FlagCode.NO_COACH,
        FlagCode.SINGLE_THREADED,
        FlagCode.COMPETITOR_STRONGER,
    )
    assert f.get(FlagCode.DECISION_MAKER_LEFT) == RedFlag(
        FlagCode.DECISION_MAKER_LEFT, "decision-maker(s) P1 left (source [000]: red light)", ("P1",)
    )
    G.remove_edge("P2", "P1")
    assert FlagCode.REPORTING_LINE_UNKNOWN in graph_red_flags(G, as_of=AS_OF)
    assert G.has_edge("X1", "P1")  # the input is not modified


def test_graph_red_flags_takes_the_risk_signal_explicitly() -> None:
    f = graph_red_flags(_own_graph(), as_of=AS_OF, decision_maker_left=True)
    flag = f.get(FlagCode.DECISION_MAKER_LEFT)
    assert flag is not None
    assert flag.people == ()
    assert "open key_decision_maker_left risk signal" in flag.text


def test_graph_red_flags_does_not_depend_on_insertion_order() -> None:
    a, b = _own_graph(1), _own_graph(-1)
    for G in (a, b):  # equal shares: the tie goes to the smallest id either way
        G.add_edge("U2", "P4", kind="influences", strength=0.6)
    assert graph_red_flags(a, as_of=AS_OF, single_thread_share=0.2) == graph_red_flags(
        b, as_of=AS_OF, single_thread_share=0.2
    )
    flag = graph_red_flags(b, as_of=AS_OF, single_thread_share=0.2).get("single_threaded")
    assert flag is not None
    assert flag.people == ("P1",)


def test_graph_red_flags_reads_account_and_opportunity_from_the_graph() -> None:
    opp = Opportunity("O1", "A1", "Deal", Money(5, "USD"), "proposal", ("P1", "P3"))
    pf = _pf(BASE, opps=(opp,))
    G = stakeholder_graph(pf, opportunity_id="O1", as_of=AS_OF)
    assert (G.graph["account_id"], G.graph["opportunity_id"]) == ("A1", "O1")
    assert graph_red_flags(G, as_of=AS_OF) == _flags(pf, opportunity_id="O1")
    G.graph["account_id"] = 7
    with pytest.raises(
        InvalidTypeError, match=r"graph_red_flags\.G\.graph\['account_id'\]: must be a str or None"
    ):
        graph_red_flags(G, as_of=AS_OF)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**16))
def test_red_flags_is_graph_red_flags_of_the_account_graph(seed: int) -> None:
    pf = synthetic_portfolio(3, seed=seed, as_of=AS_OF)
    for acc in pf.accounts:
        signal = any(s.kind == RiskKind.KEY_DECISION_MAKER_LEFT for s in acc.open_risks(AS_OF))
        G = stakeholder_graph(pf, account_id=acc.id, as_of=AS_OF)
        assert red_flags(pf, account_id=acc.id, as_of=AS_OF) == graph_red_flags(
            G, as_of=AS_OF, decision_maker_left=signal
        )


def test_graph_red_flags_errors() -> None:
    G = _own_graph()
    with pytest.raises(InvalidTypeError, match=r"graph_red_flags\.G: must be a networkx.DiGraph"):
        graph_red_flags(nx.Graph(G), as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"graph_red_flags\.as_of: must be timezone-aware"):
        graph_red_flags(G, as_of=dt.datetime(2025, 1, 1))
    with pytest.raises(
        InvalidTypeError, match=r"graph_red_flags\.decision_maker_left: must be a bool; got 'no'"
    ):
        graph_red_flags(G, as_of=AS_OF, decision_maker_left="no")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"graph_red_flags\.single_thread_share"):
        graph_red_flags(G, as_of=AS_OF, single_thread_share=-0.1)
    with pytest.raises(InvalidValueError, match=r"graph_red_flags\.weight"):
        graph_red_flags(G, as_of=AS_OF, weight="")
    with pytest.raises(
        InvalidValueError, match=r"graph_red_flags\.G\.edges\['U1', 'P1'\]: has no 'w' attribute"
    ):
        graph_red_flags(G, as_of=AS_OF, weight="w")
