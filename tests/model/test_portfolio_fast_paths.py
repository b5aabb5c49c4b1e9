"""The fast integrity checks and indexes of Portfolio give exactly what the plain walk gave.

``_oracle_errors`` and ``_oracle_index`` are the walk over every record as it stood before
the fast paths (set tests, Kahn's algorithm, run grouping): the error list must match
item by item (class, path, value, message, order), and so must every look-up table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib.errors import (
    DanglingReferenceError,
    DuplicateIdError,
    IntegrityError,
    KamlibError,
    KamlibValidationError,
    ReportingCycleError,
)
from kamlib.model import (
    Account,
    Commitment,
    Interaction,
    KeyPerson,
    Money,
    NpsResponse,
    Opportunity,
    Portfolio,
    Relationship,
    RelationshipKind,
    Side,
)
from kamlib.model._portfolio import _acyclic, _acyclic_codes

T0 = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
D0 = dt.date(2023, 1, 1)

ACCOUNT_IDS = ("A1", "A2", "A3")
PERSON_IDS = ("P1", "P2", "P3", "P4", "U1", "U2")
OPPORTUNITY_IDS = ("O1", "O2")
# the pools with one id that names nothing in any portfolio drawn here
ACCOUNT_X, PERSON_X, OPPORTUNITY_X = (*ACCOUNT_IDS, "A9"), (*PERSON_IDS, "X1"), ("O1", "O2", "O9")


# ------------------------------------------------------------------ the oracle


def _oracle_errors(p: Portfolio | Any) -> list[KamlibError]:
    """The integrity walk as it was: every rule, record by record, networkx for cycles."""
    errors: list[KamlibError] = []
    people: dict[str, KeyPerson] = {}
    for x in p.people:
        people.setdefault(x.id, x)
    accounts = {x.id for x in p.accounts}
    opportunities = {x.id for x in p.opportunities}

    def dup(name: str, items: Sequence[Any]) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                errors.append(
                    DuplicateIdError(f"Portfolio.{name}[{i}].id", item.id, "is not unique")
                )
            seen.add(item.id)

    dup("accounts", p.accounts)
    dup("people", p.people)
    dup("commitments", p.commitments)
    dup("interactions", p.interactions)
    dup("opportunities", p.opportunities)
    seen_rel: set[tuple[str, str, str, str | None]] = set()
    for i, r in enumerate(p.relationships):
        key = (r.source_id, r.target_id, r.kind.value, r.opportunity_id)
        if key in seen_rel:
            errors.append(
                DuplicateIdError(
                    f"Portfolio.relationships[{i}]",
                    key,
                    "repeats an earlier (source_id, target_id, kind, opportunity_id)",
                )
            )
        seen_rel.add(key)

    def dangling(path: str, value: str, what: str) -> None:
        errors.append(DanglingReferenceError(path, value, f"names no {what} in the portfolio"))

    def staff(path: str, pid: str, what: str) -> None:
        person = people.get(pid)
        if person is None:
            dangling(path, pid, "person")
        elif person.side is not Side.OUR_STAFF:
            errors.append(
                IntegrityError(path, pid, f"{what} must be our_staff, not {person.side.value}")
            )

    def customer_of(path: str, pid: str, account_id: str) -> None:
        person = people.get(pid)
        if person is None:
            dangling(path, pid, "person")
        elif person.side is Side.CUSTOMER and person.account_id != account_id:
            errors.append(
                IntegrityError(
                    path,
                    pid,
                    f"customer person of account {person.account_id!r}, not of {account_id!r}",
                )
            )

    for i, a in enumerate(p.accounts):
        if a.executive_sponsor_id is not None:
            staff(
                f"Portfolio.accounts[{i}].executive_sponsor_id",
                a.executive_sponsor_id,
                "the executive sponsor",
            )
        for j, answer in enumerate(a.nps):
            if answer.person_id is not None:
                customer_of(f"Portfolio.accounts[{i}].nps[{j}].person_id", answer.person_id, a.id)
    for i, person in enumerate(p.people):
        if person.account_id is not None and person.account_id not in accounts:
            dangling(f"Portfolio.people[{i}].account_id", person.account_id, "account")
    for i, r in enumerate(p.relationships):
        for end in ("source_id", "target_id"):
            pid: str = getattr(r, end)
            if pid not in people:
                dangling(f"Portfolio.relationships[{i}].{end}", pid, "person")
        if r.opportunity_id is not None and r.opportunity_id not in opportunities:
            dangling(
                f"Portfolio.relationships[{i}].opportunity_id", r.opportunity_id, "opportunity"
            )
    for i, c in enumerate(p.commitments):
        if c.account_id not in accounts:
            dangling(f"Portfolio.commitments[{i}].account_id", c.account_id, "account")
        staff(f"Portfolio.commitments[{i}].owner_id", c.owner_id, "a commitment owner")
        if c.acceptance is not None and c.acceptance.accepted_by_id is not None:
            customer_of(
                f"Portfolio.commitments[{i}].acceptance.accepted_by_id",
                c.acceptance.accepted_by_id,
                c.account_id,
            )
    for i, it in enumerate(p.interactions):
        if it.account_id not in accounts:
            dangling(f"Portfolio.interactions[{i}].account_id", it.account_id, "account")
        for j, pid in enumerate(it.our_people):
            staff(f"Portfolio.interactions[{i}].our_people[{j}]", pid, "our_people")
        for j, pid in enumerate(it.their_people):
            customer_of(f"Portfolio.interactions[{i}].their_people[{j}]", pid, it.account_id)
    for i, o in enumerate(p.opportunities):
        if o.account_id not in accounts:
            dangling(f"Portfolio.opportunities[{i}].account_id", o.account_id, "account")
        for j, pid in enumerate(o.decision_chain):
            customer_of(f"Portfolio.opportunities[{i}].decision_chain[{j}]", pid, o.account_id)

    by_scope: dict[str | None, list[Relationship]] = defaultdict(list)
    for r in p.relationships:
        if r.kind is RelationshipKind.REPORTS_TO:
            by_scope[r.opportunity_id].append(r)
    for scope in sorted(by_scope, key=lambda s: (s is not None, s or "")):
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_edges_from((r.source_id, r.target_id) for r in by_scope[scope])
        components = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
        for comp in sorted(components, key=min):
            found = nx.find_cycle(graph.subgraph(comp), source=min(comp))
            where = "standing network" if scope is None else f"opportunity {scope!r}"
            errors.append(
                ReportingCycleError(
                    "Portfolio.relationships",
                    [str(edge[0]) for edge in found],
                    f"reports_to lines form a cycle in the {where}",
                )
            )
    return errors


def _oracle_relationships_of(p: Portfolio) -> dict[tuple[str, str | None], list[Relationship]]:
    people = {x.id: x for x in reversed(p.people)}
    opportunities = {x.id: x for x in reversed(p.opportunities)}
    rel: dict[tuple[str, str | None], list[Relationship]] = defaultdict(list)
    for r in p.relationships:
        keys: set[str] = set()
        for pid in (r.source_id, r.target_id):
            person = people.get(pid)
            if person is not None and person.account_id is not None:
                keys.add(person.account_id)
        if r.opportunity_id is not None:
            opp = opportunities.get(r.opportunity_id)
            if opp is not None:
                keys.add(opp.account_id)
        for key in sorted(keys):
            rel[(key, r.opportunity_id)].append(r)
    return rel


def _described(errors: Sequence[BaseException]) -> list[tuple[object, ...]]:
    return [(type(e), getattr(e, "path", None), getattr(e, "value", None), str(e)) for e in errors]


def _build(**records: Any) -> list[BaseException]:
    """The sub-exceptions Portfolio raises ([] when it builds)."""
    try:
        Portfolio(**records)
    except KamlibValidationError as exc:
        return list(exc.exceptions)
    return []


class _Records:
    def __init__(self, **records: Any) -> None:
        for name in (
            "accounts",
            "people",
            "relationships",
            "commitments",
            "interactions",
            "opportunities",
        ):
            setattr(self, name, tuple(records.get(name, ())))


def assert_same_as_the_walk(**records: Any) -> list[BaseException]:
    got = _build(**records)
    assert _described(got) == _described(_oracle_errors(_Records(**records)))
    return got


# ------------------------------------------------------------------ strategies


def _ids(pool: Sequence[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(pool)


@st.composite
def _people(draw: st.DrawFn) -> KeyPerson:
    side = draw(st.sampled_from(Side))
    account = draw(_ids(ACCOUNT_X))
    if side is not Side.CUSTOMER and draw(st.booleans()):
        return KeyPerson(draw(_ids(PERSON_IDS)), "x", side)
    return KeyPerson(draw(_ids(PERSON_IDS)), "x", side, account_id=account)


@st.composite
def _relationships(draw: st.DrawFn) -> Relationship:
    source, target = draw(st.lists(_ids(PERSON_X), min_size=2, max_size=2, unique=True))
    kind = draw(st.sampled_from(RelationshipKind))
    scope = draw(st.none() | _ids(OPPORTUNITY_X))
    return Relationship(source, target, kind, 0.5, opportunity_id=scope)


@st.composite
def _accounts(draw: st.DrawFn) -> Account:
    answers = draw(
        st.lists(st.none() | _ids(PERSON_X), max_size=2).map(
            lambda ids: [NpsResponse(T0, 7, person_id=i) for i in ids]
        )
    )
    return Account(
        draw(_ids(ACCOUNT_IDS)),
        "x",
        industry="retail",
        region="north",
        size_band="large",
        cooperation_start=D0,
        executive_sponsor_id=draw(st.none() | _ids(PERSON_X)),
        nps=answers,
    )


@st.composite
def _commitments(draw: st.DrawFn) -> Commitment:
    c = Commitment.propose(
        draw(_ids(("C1", "C2"))),
        draw(_ids(ACCOUNT_X)),
        "x",
        draw(_ids(PERSON_X)),
        T0,
        1,
        at=T0,
    )
    if draw(st.booleans()):
        c = c.transition("committed", T0).transition("delivered", T0)
        c = c.accept(T0, "ok", accepted_by_id=draw(st.none() | _ids(PERSON_X)))
    return c


_PEOPLE_LISTS = st.lists(_ids(PERSON_X), max_size=3, unique=True)


@st.composite
def _interactions(draw: st.DrawFn) -> Interaction:
    ours, theirs = draw(_PEOPLE_LISTS), draw(_PEOPLE_LISTS)
    if not ours and not theirs:
        theirs = ["P1"]
    return Interaction(
        draw(_ids(("I1", "I2"))),
        draw(_ids(ACCOUNT_X)),
        T0,
        ours,
        theirs,
        "meeting",
        "management",
        "positive",
    )


@st.composite
def _opportunities(draw: st.DrawFn) -> Opportunity:
    return Opportunity(
        draw(_ids(OPPORTUNITY_IDS)),
        draw(_ids(ACCOUNT_X)),
        "x",
        Money(1, "USD"),
        "lead",
        draw(_PEOPLE_LISTS),
    )


RECORDS = st.fixed_dictionaries(
    {
        "accounts": st.lists(_accounts(), max_size=4),
        "people": st.lists(_people(), max_size=8),
        "relationships": st.lists(_relationships(), max_size=12),
        "commitments": st.lists(_commitments(), max_size=3),
        "interactions": st.lists(_interactions(), max_size=3),
        "opportunities": st.lists(_opportunities(), max_size=3),
    }
)


# ------------------------------------------------------------------ tests


@settings(max_examples=200)
@given(RECORDS)
def test_errors_are_those_of_the_record_by_record_walk(records: dict[str, Any]) -> None:
    assert_same_as_the_walk(**records)


@given(RECORDS)
def test_indexes_are_those_of_the_walk(records: dict[str, Any]) -> None:
    records["relationships"] = [
        r for r in records["relationships"] if r.kind is RelationshipKind.INFLUENCES
    ]
    try:
        pf = Portfolio(**records)
    except KamlibValidationError:
        return
    expected = _oracle_relationships_of(pf)
    for aid in {a.id for a in pf.accounts}:
        assert pf.people_of(aid) == tuple(x for x in pf.people if x.account_id == aid)
        assert pf.commitments_of(aid) == tuple(x for x in pf.commitments if x.account_id == aid)
        assert pf.interactions_of(aid) == tuple(x for x in pf.interactions if x.account_id == aid)
        assert pf.opportunities_of(aid) == tuple(x for x in pf.opportunities if x.account_id == aid)
        assert pf.relationships_of(aid) == tuple(expected.get((aid, None), ()))
        for o in pf.opportunities_of(aid):
            assert pf.relationships_of(aid, o.id) == tuple(expected.get((aid, o.id), ()))


def _staff(pid: str) -> KeyPerson:
    return KeyPerson(pid, pid, "our_staff")


def _customer(pid: str, account: str = "A1") -> KeyPerson:
    return KeyPerson(pid, pid, "customer", account_id=account)


def _acc(aid: str) -> Account:
    return Account(aid, aid, industry="x", region="y", size_band="small", cooperation_start=D0)


def _reports(*chain: str, scope: str | None = None) -> list[Relationship]:
    return [Relationship(a, b, "reports_to", 1.0, opportunity_id=scope) for a, b in pairwise(chain)]


@pytest.mark.parametrize(
    "rels",
    [
        _reports("P1", "P2", "P3", "P1"),
        _reports("P1", "P2", "P1") + _reports("P3", "P4", "P3"),
        _reports("P4", "P3", "P2", "P1", "P3") + _reports("P1", "P4"),  # two cycles, one SCC
        _reports("P1", "P2", "P1", scope="O1") + _reports("P2", "P3", "P2"),
        _reports("P1", "P2", "P3") + _reports("P1", "P3") + _reports("P3", "P1"),
    ],
)
def test_reporting_cycles_are_those_networkx_finds(rels: list[Relationship]) -> None:
    people = [_customer(p) for p in ("P1", "P2", "P3", "P4")]
    opp = Opportunity("O1", "A1", "x", Money(1, "USD"), "lead")
    errors = assert_same_as_the_walk(
        accounts=[_acc("A1")], people=people, relationships=rels, opportunities=[opp]
    )
    assert errors
    assert all(isinstance(e, ReportingCycleError) for e in errors)


def test_a_deep_reporting_chain_is_no_cycle() -> None:
    ids = [f"P{i}" for i in range(5000)]
    people = [_customer(p) for p in ids]
    pf = Portfolio([_acc("A1")], people, _reports(*ids))
    assert len(pf.relationships_of("A1")) == 4999
    errors = _build(
        accounts=[_acc("A1")],
        people=people,
        relationships=[*_reports(*ids), *_reports("P0", "P4999")],
    )
    assert [type(e) for e in errors] == []  # P0 -> P4999 only adds a second path upwards
    errors = assert_same_as_the_walk(
        accounts=[_acc("A1")],
        people=people,
        relationships=[*_reports(*ids), *_reports("P4999", "P0")],
    )
    assert len(errors) == 1
    assert len(errors[0].value) == 5000  # type: ignore[attr-defined]


@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 12)).filter(lambda e: e[0] != e[1]),
        max_size=40,
    )
)
def test_kahn_agrees_with_networkx(edges: list[tuple[int, int]]) -> None:
    sources, targets = [f"n{a}" for a, _ in edges], [f"n{b}" for _, b in edges]
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from(zip(sources, targets, strict=True))
    assert _acyclic(sources, targets) == nx.is_directed_acyclic_graph(graph)


def test_kahn_on_a_self_loop_and_on_nothing() -> None:
    assert _acyclic([], [])
    assert not _acyclic(["a"], ["a"])
    assert _acyclic(["a", "a"], ["b", "b"])  # a repeated edge is no cycle


def test_dangling_and_misplaced_people_named_in_walk_order() -> None:
    errors = assert_same_as_the_walk(
        accounts=[_acc("A1"), _acc("A2")],
        people=[_customer("P1"), _customer("P2", "A2"), _staff("U1"), _customer("P3", "A7")],
        relationships=[
            Relationship("P1", "X1", "influences", 0.5),
            Relationship("X2", "P1", "influences", 0.5, opportunity_id="O9"),
        ],
        interactions=[
            Interaction(
                "I1",
                "A1",
                T0,
                ["P1", "U1"],
                ["P2", "X3", "U1"],
                "meeting",
                "management",
                "positive",
            ),
            Interaction("I2", "A9", T0, [], ["P1"], "meeting", "management", "positive"),
        ],
    )
    assert [e.path for e in errors] == [  # type: ignore[attr-defined]
        "Portfolio.people[3].account_id",
        "Portfolio.relationships[0].target_id",
        "Portfolio.relationships[1].source_id",
        "Portfolio.relationships[1].opportunity_id",
        "Portfolio.interactions[0].our_people[0]",
        "Portfolio.interactions[0].their_people[0]",
        "Portfolio.interactions[0].their_people[1]",
        "Portfolio.interactions[1].account_id",
        "Portfolio.interactions[1].their_people[0]",  # P1 is a customer of A1, not A9
    ]


def test_duplicates_named_in_walk_order() -> None:
    errors = assert_same_as_the_walk(
        accounts=[_acc("A1"), _acc("A1")],
        people=[_customer("P1"), _customer("P2"), _customer("P1"), _customer("P1")],
        relationships=[
            Relationship("P1", "P2", "influences", 0.5),
            Relationship("P1", "P2", "influences", 0.9),
            Relationship("P1", "P2", "reports_to", 0.5),
        ],
    )
    assert [e.path for e in errors] == [  # type: ignore[attr-defined]
        "Portfolio.accounts[1].id",
        "Portfolio.people[2].id",
        "Portfolio.people[3].id",
        "Portfolio.relationships[1]",
    ]
    assert errors[-1].value == ("P1", "P2", "influences", None)  # type: ignore[attr-defined]


@given(
    st.lists(
        st.tuples(st.integers(0, 150), st.integers(0, 150)).filter(lambda e: e[0] != e[1]),
        max_size=120,
    ),
    st.booleans(),
)
def test_peeling_rounds_and_the_kahn_tail_agree_with_networkx(
    edges: list[tuple[int, int]], chain_first: bool
) -> None:
    """Deep chains (over 64 peeling rounds) finish in the one-node loop; same verdict."""
    if chain_first:  # a 100-long chain makes the peeling run out of rounds
        edges = [(i, i + 1) for i in range(100)] + edges
    src = np.array([a for a, _ in edges], dtype=np.intp)
    dst = np.array([b for _, b in edges], dtype=np.intp)
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_edges_from(edges)
    want = nx.is_directed_acyclic_graph(graph)
    assert _acyclic_codes(src, dst, 151) == want
    assert _acyclic([f"n{a}" for a, _ in edges], [f"n{b}" for _, b in edges]) == want


def test_relationship_ends_are_the_positions_of_the_people() -> None:
    people = [
        KeyPerson("U1", "U1", "our_staff"),
        KeyPerson("P1", "P1", "customer", account_id="A1"),
        KeyPerson("P2", "P2", "customer", account_id="A1"),
    ]
    rels = [
        Relationship("P2", "P1", "reports_to", 1.0),
        Relationship("U1", "P2", "influences", 0.5),
    ]
    pf = Portfolio([_acc("A1")], people, rels)
    ends = pf._relationship_ends()
    assert ends.source.tolist() == [2, 0]
    assert ends.target.tolist() == [1, 2]
    assert ends.reports.tolist() == [True, False]
    assert ends.standing.tolist() == [True, True]
    assert not ends.source.flags.writeable
    assert pf._people_positions(["P2", "U1", "nobody"]).tolist() == [2, 0, -1]


def test_two_different_missing_ends_are_not_a_repeated_relationship() -> None:
    """The coded duplicate test treats missing ends as equal; the walk decides."""
    rels = [
        Relationship("ghost1", "P1", "influences", 0.5),
        Relationship("ghost2", "P1", "influences", 0.5),
    ]
    errors = assert_same_as_the_walk(
        accounts=[_acc("A1")],
        people=[KeyPerson("P1", "P1", "customer", account_id="A1")],
        relationships=rels,
    )
    assert [type(e).__name__ for e in errors] == ["DanglingReferenceError"] * 2
