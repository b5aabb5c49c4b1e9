"""Regression tests from the adversarial review of the domain model (issue 2).

Each test failed before its fix: a foreign exception escaped, numpy scalars were
refused, or an integrity reference went unchecked.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kamlib.errors import (
    DanglingReferenceError,
    IntegrityError,
    InvalidTypeError,
    InvalidValueError,
    KamlibValidationError,
)
from kamlib.model import (
    Account,
    Commitment,
    KeyPerson,
    Money,
    NpsResponse,
    Portfolio,
    Quarter,
    RiskWarning,
)
from kamlib.serde import from_dict, to_dict

T0 = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
D0 = dt.date(2023, 1, 1)


# -- numpy integers are ints -----------------------------------------------------------


def test_quarter_accepts_numpy_integers_as_plain_ints() -> None:
    q = Quarter(np.int64(2024), np.int32(2))  # type: ignore[arg-type]
    assert q == Quarter(2024, 2)
    assert type(q.year) is int
    assert type(q.quarter) is int
    assert to_dict(q)["year"] == 2024


def test_nps_score_accepts_numpy_integer_as_plain_int() -> None:
    answer = NpsResponse(T0, np.int64(9))  # type: ignore[arg-type]
    assert type(answer.score) is int
    assert from_dict(NpsResponse, to_dict(answer)) == answer


@pytest.mark.parametrize("bad", [True, np.bool_(True), 2024.0, np.float64(2024.0)])
def test_quarter_still_refuses_bools_and_floats(bad: object) -> None:
    with pytest.raises(InvalidTypeError, match=r"Quarter\.year"):
        Quarter(bad, 1)  # type: ignore[arg-type]


# -- foreign exceptions that escaped ----------------------------------------------------


def test_money_times_huge_int_is_a_kamlib_error() -> None:
    with pytest.raises(InvalidValueError, match=r"Money\.__mul__\.factor"):
        Money(1, "USD") * 10**400
    with pytest.raises(InvalidValueError, match=r"Money\.__mul__\.factor"):
        10**400 * Money(1, "USD")


def test_money_total_checks_its_currency_argument() -> None:
    with pytest.raises(InvalidTypeError, match=r"Money\.total\.currency"):
        Money.total([Money(1, "USD")], 123)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"Money\.total\.currency"):
        Money.total([Money(1, "USD")], "usd")


@pytest.mark.parametrize("hours", [1e300, 1e11, float(10**20)])
def test_gives_notice_with_a_huge_requirement_is_false(hours: float) -> None:
    assert RiskWarning(T0, T0 + dt.timedelta(days=3650)).gives_notice(hours) is False


def test_gives_notice_with_a_huge_int_is_a_kamlib_error() -> None:
    with pytest.raises(InvalidValueError, match=r"RiskWarning\.gives_notice\.min_hours"):
        RiskWarning(T0, T0).gives_notice(10**400)


@pytest.mark.parametrize("bad", [[], {}, 3, ("O1",)])
def test_relationships_of_checks_the_opportunity_id_type(bad: object) -> None:
    pf = Portfolio(
        [
            Account(
                "A1",
                "Acme",
                industry="retail",
                region="north",
                size_band="large",
                cooperation_start=D0,
            )
        ]
    )
    with pytest.raises(InvalidTypeError, match=r"relationships_of\.opportunity_id"):
        pf.relationships_of("A1", bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["\uff12\uff10\uff12\uff14Q1", "\u0662\u0660\u0662\u0664Q1"])
def test_quarter_parse_wants_ascii_digits(text: str) -> None:
    with pytest.raises(InvalidValueError, match=r"Quarter\.parse\.text"):
        Quarter.parse(text)


# -- references that were not checked ----------------------------------------------------


def _two_accounts(**acc_kwargs: object) -> tuple[list[Account], list[KeyPerson]]:
    accounts = [
        Account(
            "A1",
            "Acme",
            industry="retail",
            region="north",
            size_band="large",
            cooperation_start=D0,
            **acc_kwargs,  # type: ignore[arg-type]
        ),
        Account(
            "A2", "Beta", industry="retail", region="north", size_band="large", cooperation_start=D0
        ),
    ]
    people = [
        KeyPerson("U1", "Us", "our_staff"),
        KeyPerson("P1", "CEO", "customer", account_id="A1"),
        KeyPerson("Q1", "CFO", "customer", account_id="A2"),
    ]
    return accounts, people


def test_nps_person_id_must_name_a_person_of_the_account() -> None:
    nps = [NpsResponse(T0, 9, "P1"), NpsResponse(T0, 3, "ghost"), NpsResponse(T0, 5, "Q1")]
    accounts, people = _two_accounts(nps=nps)
    with pytest.raises(KamlibValidationError) as info:
        Portfolio(accounts, people)
    errors = info.value.exceptions
    assert [type(e) for e in errors] == [DanglingReferenceError, IntegrityError]
    assert "Portfolio.accounts[0].nps[1].person_id" in str(errors[0])
    assert "Portfolio.accounts[0].nps[2].person_id" in str(errors[1])
    good = Portfolio(*_two_accounts(nps=nps[:1]))
    assert good.account("A1").nps[0].person_id == "P1"


def _accepted(by: str) -> Commitment:
    c = Commitment.propose("C1", "A1", "x", "U1", T0, 1, at=T0)
    return c.transition("committed", T0).transition("delivered", T0).accept(T0, "ok", by)


@pytest.mark.parametrize(
    ("by", "error"), [("ghost", DanglingReferenceError), ("Q1", IntegrityError)]
)
def test_accepted_by_id_must_name_a_person_of_the_account(by: str, error: type) -> None:
    accounts, people = _two_accounts()
    with pytest.raises(KamlibValidationError) as info:
        Portfolio(accounts, people, commitments=[_accepted(by)])
    (only,) = info.value.exceptions
    assert isinstance(only, error)
    assert "Portfolio.commitments[0].acceptance.accepted_by_id" in str(only)
    pf = Portfolio(accounts, people, commitments=[_accepted("P1")])
    assert pf.commitment("C1").acceptance == _accepted("P1").acceptance
