from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from kamlib.errors import (
    DanglingReferenceError,
    DuplicateIdError,
    IntegrityError,
    InvalidTypeError,
    KamlibError,
    KamlibValidationError,
    ReportingCycleError,
    UnknownIdError,
)
from kamlib.model import (
    Account,
    Commitment,
    Interaction,
    KeyPerson,
    Money,
    Opportunity,
    Portfolio,
    Relationship,
)

T0 = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
D0 = dt.date(2023, 1, 1)


def acc(id: str, sponsor: str | None = "U1") -> Account:
    return Account(
        id,
        f"Acct {id}",
        industry="retail",
        region="north",
        size_band="large",
        cooperation_start=D0,
        executive_sponsor_id=sponsor,
    )


def cust(id: str, account_id: str) -> KeyPerson:
    return KeyPerson(id, f"Person {id}", "customer", account_id=account_id)


def staff(id: str) -> KeyPerson:
    return KeyPerson(id, f"Staff {id}", "our_staff")


def commitment(id: str, account_id: str = "A1", owner: str = "U1") -> Commitment:
    return Commitment.propose(id, account_id, "deliver", owner, T0, 1, at=T0)


def interaction(
    id: str, account_id: str = "A1", ours: tuple[str, ...] = ("U1",), theirs: tuple[str, ...] = ()
) -> Interaction:
    return Interaction(id, account_id, T0, ours, theirs, "meeting", "management", "positive")


def opportunity(id: str, account_id: str = "A1", chain: tuple[str, ...] = ()) -> Opportunity:
    return Opportunity(id, account_id, "deal", Money(1000, "USD"), "qualified", chain)


def base(**overrides: Any) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "accounts": [acc("A1"), acc("A2")],
        "people": [staff("U1"), staff("U2"), cust("P1", "A1"), cust("P2", "A1"), cust("Q1", "A2")],
        "relationships": [
            Relationship("P2", "P1", "reports_to", 1.0),
            Relationship("U2", "P1", "influences", 0.6),
            Relationship("Q1", "P1", "influences", 0.2, opportunity_id="O1"),
        ],
        "commitments": [commitment("C1"), commitment("C2", "A2")],
        "interactions": [interaction("I1", theirs=("P1", "P2")), interaction("I2", "A2")],
        "opportunities": [opportunity("O1", chain=("P1", "P2")), opportunity("O2", "A2")],
    }
    kw.update(overrides)
    return kw


def failures(**overrides: Any) -> list[KamlibError]:
    with pytest.raises(KamlibValidationError) as info:
        Portfolio(**base(**overrides))
    return list(info.value.exceptions)  # type: ignore[arg-type]


def only(**overrides: Any) -> KamlibError:
    errs = failures(**overrides)
    assert len(errs) == 1, errs
    return errs[0]


def test_valid_portfolio_and_lookups() -> None:
    pf = Portfolio(**base())
    assert pf.account("A2").name == "Acct A2"
    assert pf.person("P1").account_id == "A1"
    assert pf.commitment("C2").account_id == "A2"
    assert pf.interaction("I1").their_people == ("P1", "P2")
    assert pf.opportunity("O1").decision_chain == ("P1", "P2")
    assert [p.id for p in pf.people_of("A1")] == ["P1", "P2"]
    assert [c.id for c in pf.commitments_of("A1")] == ["C1"]
    assert [i.id for i in pf.interactions_of("A2")] == ["I2"]
    assert [o.id for o in pf.opportunities_of("A2")] == ["O2"]


def test_relationships_of_standing_and_per_opportunity_seed_002() -> None:
    pf = Portfolio(**base())
    standing = pf.relationships_of("A1")
    assert [(r.source_id, r.target_id) for r in standing] == [("P2", "P1"), ("U2", "P1")]
    assert [(r.source_id, r.target_id) for r in pf.relationships_of("A1", "O1")] == [("Q1", "P1")]
    assert pf.relationships_of("A2") == ()  # Q1's tie is specific to O1, not standing
    with pytest.raises(UnknownIdError, match="opportunity_id"):
        pf.relationships_of("A2", "O1")


def test_empty_portfolio() -> None:
    pf = Portfolio()
    assert pf.accounts == ()
    with pytest.raises(UnknownIdError):
        pf.people_of("A1")


@pytest.mark.parametrize(
    "method", ["account", "person", "commitment", "interaction", "opportunity"]
)
def test_unknown_id_lookups(method: str) -> None:
    pf = Portfolio(**base())
    with pytest.raises(UnknownIdError, match=rf"Portfolio\.{method}\.id.*'NOPE'"):
        getattr(pf, method)("NOPE")


@pytest.mark.parametrize(
    "method", ["people_of", "commitments_of", "interactions_of", "opportunities_of"]
)
def test_unknown_account_lookups(method: str) -> None:
    pf = Portfolio(**base())
    with pytest.raises(UnknownIdError, match="account_id"):
        getattr(pf, method)("NOPE")
    with pytest.raises(InvalidTypeError):
        getattr(pf, method)(1)


def test_lists_become_tuples_and_equality_ignores_index() -> None:
    a, b = Portfolio(**base()), Portfolio(**base())
    assert isinstance(a.accounts, tuple)
    assert a == b
    assert hash(a) == hash(b)
    assert "_index" not in repr(a)


def test_frozen_and_evolve_rechecks() -> None:
    pf = Portfolio(**base())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        pf.accounts = ()  # type: ignore[misc]
    with pytest.raises(KamlibValidationError):
        attrs.evolve(pf, accounts=[acc("A1")])  # A2 is referenced
    smaller = attrs.evolve(pf, opportunities=[opportunity("O2", "A2")], relationships=())
    assert [o.id for o in smaller.opportunities_of("A1")] == []


# -- each failure kind ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "records", "path"),
    [
        ("accounts", [acc("A1"), acc("A2"), acc("A1")], "Portfolio.accounts[2].id"),
        (
            "people",
            [*base()["people"], staff("U2")],
            "Portfolio.people[5].id",
        ),
        (
            "commitments",
            [commitment("C1"), commitment("C2", "A2"), commitment("C1")],
            "Portfolio.commitments[2].id",
        ),
        ("interactions", [interaction("I1"), interaction("I1")], "Portfolio.interactions[1].id"),
    ],
)
def test_duplicate_ids(field: str, records: list[Any], path: str) -> None:
    err = only(**{field: records})
    assert isinstance(err, DuplicateIdError)
    assert err.path == path


def test_duplicate_opportunity_id() -> None:
    err = only(opportunities=[opportunity("O1"), opportunity("O2", "A2"), opportunity("O1")])
    assert isinstance(err, DuplicateIdError)
    assert err.path == "Portfolio.opportunities[2].id"


def test_duplicate_relationship() -> None:
    r = Relationship("P2", "P1", "reports_to", 0.5)
    err = only(relationships=[r, attrs.evolve(r, strength=0.9)])
    assert isinstance(err, DuplicateIdError)
    assert err.path == "Portfolio.relationships[1]"


@pytest.mark.parametrize(
    ("overrides", "path", "value"),
    [
        (
            {"people": [*base()["people"], cust("P3", "A9")]},
            "Portfolio.people[5].account_id",
            "A9",
        ),
        (
            {"accounts": [acc("A1"), acc("A2", sponsor="U9")]},
            "Portfolio.accounts[1].executive_sponsor_id",
            "U9",
        ),
        (
            {"relationships": [Relationship("P9", "P1", "influences", 0.5)]},
            "Portfolio.relationships[0].source_id",
            "P9",
        ),
        (
            {"relationships": [Relationship("P1", "P9", "influences", 0.5)]},
            "Portfolio.relationships[0].target_id",
            "P9",
        ),
        (
            {"relationships": [Relationship("P1", "P2", "influences", 0.5, opportunity_id="O9")]},
            "Portfolio.relationships[0].opportunity_id",
            "O9",
        ),
        ({"commitments": [commitment("C1", "A9")]}, "Portfolio.commitments[0].account_id", "A9"),
        (
            {"commitments": [commitment("C1", owner="U9")]},
            "Portfolio.commitments[0].owner_id",
            "U9",
        ),
        ({"interactions": [interaction("I1", "A9")]}, "Portfolio.interactions[0].account_id", "A9"),
        (
            {"interactions": [interaction("I1", ours=("U9",))]},
            "Portfolio.interactions[0].our_people[0]",
            "U9",
        ),
        (
            {"interactions": [interaction("I1", theirs=("P1", "P9"))]},
            "Portfolio.interactions[0].their_people[1]",
            "P9",
        ),
        (
            {"opportunities": [opportunity("O1", "A9")]},
            "Portfolio.opportunities[0].account_id",
            "A9",
        ),
        (
            {"opportunities": [opportunity("O1", chain=("P9",))]},
            "Portfolio.opportunities[0].decision_chain[0]",
            "P9",
        ),
    ],
)
def test_dangling_references(overrides: dict[str, Any], path: str, value: str) -> None:
    if "relationships" not in overrides and "opportunities" in overrides:
        overrides = {**overrides, "relationships": []}
    err = only(**overrides)
    assert isinstance(err, DanglingReferenceError)
    assert (err.path, err.value) == (path, value)
    assert path in str(err)


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        # source [004]: the executive sponsor is one of our staff
        (
            {"accounts": [acc("A1", sponsor="P1"), acc("A2")]},
            "Portfolio.accounts[0].executive_sponsor_id",
        ),
        ({"commitments": [commitment("C1", owner="P1")]}, "Portfolio.commitments[0].owner_id"),
        (
            {"interactions": [interaction("I1", ours=("P1",))]},
            "Portfolio.interactions[0].our_people[0]",
        ),
        # customer people named by a record belong to its account
        (
            {"interactions": [interaction("I1", theirs=("Q1",))]},
            "Portfolio.interactions[0].their_people[0]",
        ),
        (
            {"opportunities": [opportunity("O1", chain=("P1", "Q1"))]},
            "Portfolio.opportunities[0].decision_chain[1]",
        ),
    ],
)
def test_wrong_side_or_account(overrides: dict[str, Any], path: str) -> None:
    err = only(**overrides)
    assert type(err) is IntegrityError
    assert err.path == path


def test_non_customer_may_be_in_decision_chain() -> None:
    pf = Portfolio(**base(opportunities=[opportunity("O1", chain=("P1", "U2"))]))
    assert pf.opportunity("O1").decision_chain == ("P1", "U2")


def test_reporting_cycle_lists_people() -> None:
    rels = [
        Relationship("P1", "P2", "reports_to", 1.0),
        Relationship("P2", "U2", "reports_to", 1.0),
        Relationship("U2", "P1", "reports_to", 1.0),
    ]
    err = only(relationships=rels)
    assert isinstance(err, ReportingCycleError)
    assert sorted(err.value) == ["P1", "P2", "U2"]  # type: ignore[call-overload]
    assert "standing network" in str(err)


def test_influence_cycles_are_fine() -> None:
    rels = [
        Relationship("P1", "P2", "influences", 0.5),
        Relationship("P2", "P1", "influences", 0.5),
    ]
    assert len(Portfolio(**base(relationships=rels)).relationships_of("A1")) == 2


def test_opportunity_can_reroute_reporting_seed_002() -> None:
    rels = [
        Relationship("P2", "P1", "reports_to", 1.0),
        Relationship("P1", "P2", "reports_to", 1.0, opportunity_id="O1"),  # re-routed for O1
    ]
    pf = Portfolio(**base(relationships=rels))
    assert len(pf.relationships_of("A1", "O1")) == 1


def test_cycle_within_one_opportunity() -> None:
    rels = [
        Relationship("P2", "P1", "reports_to", 1.0, opportunity_id="O1"),
        Relationship("P1", "P2", "reports_to", 1.0, opportunity_id="O1"),
    ]
    err = only(relationships=rels)
    assert isinstance(err, ReportingCycleError)
    assert "opportunity 'O1'" in str(err)


def test_two_separate_cycles_reported_separately() -> None:
    rels = [
        Relationship("P1", "P2", "reports_to", 1.0),
        Relationship("P2", "P1", "reports_to", 1.0),
        Relationship("U1", "U2", "reports_to", 1.0),
        Relationship("U2", "U1", "reports_to", 1.0),
    ]
    errs = failures(relationships=rels)
    assert [sorted(e.value) for e in errs if isinstance(e, ReportingCycleError)] == [  # type: ignore[call-overload]
        ["P1", "P2"],
        ["U1", "U2"],
    ]


def test_multiple_failures_reported_together() -> None:
    errs = failures(
        accounts=[acc("A1"), acc("A2"), acc("A2")],
        commitments=[commitment("C1", "A9")],
        relationships=[
            Relationship("P1", "P2", "reports_to", 1.0),
            Relationship("P2", "P1", "reports_to", 1.0),
        ],
        interactions=[interaction("I1", ours=("P1",))],
    )
    assert [type(e) for e in errs] == [
        DuplicateIdError,
        DanglingReferenceError,
        IntegrityError,
        ReportingCycleError,
    ]


def test_single_failure_is_still_a_group() -> None:
    with pytest.raises(KamlibValidationError, match="1 integrity failure") as info:
        Portfolio(accounts=[acc("A1", sponsor=None), acc("A1", sponsor=None)])
    assert isinstance(info.value, KamlibError)
    assert len(info.value.exceptions) == 1


def test_wrong_record_type_raises_at_once() -> None:
    with pytest.raises(InvalidTypeError, match=r"Portfolio\.people\[0\]"):
        Portfolio(people=[acc("A1")])
