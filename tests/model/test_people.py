from __future__ import annotations

import datetime as dt

import pytest

from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import (
    SCORE_SCALE,
    DecisionRole,
    KeyPerson,
    Portrait,
    Relationship,
    RelationshipKind,
    Side,
)


def test_decision_roles_seed_000_plus_coach() -> None:
    assert {r.value for r in DecisionRole} == {"decision_maker", "user", "influencer", "coach"}


def test_portrait_three_attributes_seed_002() -> None:
    lo, hi = SCORE_SCALE
    p = Portrait(closeness=hi, solution_acceptance=lo, price_acceptance=5.5)
    assert (p.closeness, p.solution_acceptance, p.price_acceptance) == (10, 0, 5.5)
    with pytest.raises(InvalidValueError, match=r"Portrait\.price_acceptance"):
        Portrait(1, 1, 10.01)


def test_customer_person_needs_account() -> None:
    with pytest.raises(InvalidValueError, match=r"KeyPerson\.account_id"):
        KeyPerson("P1", "Li", Side.CUSTOMER)
    p = KeyPerson("P1", "Li", "customer", account_id="A1", role="influencer")
    assert p.side is Side.CUSTOMER
    assert p.role is DecisionRole.INFLUENCER


@pytest.mark.parametrize("side", [Side.OUR_STAFF, Side.COMPETITOR_STAFF])
def test_non_customer_account_optional(side: Side) -> None:
    assert KeyPerson("U1", "Ann", side).account_id is None
    assert KeyPerson("U1", "Ann", side, account_id="A1").account_id == "A1"


def test_is_active_until_left_on() -> None:
    p = KeyPerson("P1", "Li", "customer", account_id="A1", left_on=dt.date(2024, 6, 1))
    assert p.is_active(dt.date(2024, 5, 31))
    assert not p.is_active(dt.date(2024, 6, 1))
    assert KeyPerson("P2", "Wu", "our_staff").is_active(dt.date(2100, 1, 1))


def test_left_on_must_be_a_plain_date() -> None:
    with pytest.raises(InvalidTypeError, match=r"KeyPerson\.left_on"):
        KeyPerson("P1", "Li", "our_staff", left_on=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def test_relationship_kinds_seed_002() -> None:
    r = Relationship("P2", "P1", "reports_to", 1.0)
    assert r.kind is RelationshipKind.REPORTS_TO
    i = Relationship("U1", "P1", RelationshipKind.INFLUENCES, 0.3, opportunity_id="O1")
    assert i.opportunity_id == "O1"


def test_relationship_no_self_loop() -> None:
    with pytest.raises(InvalidValueError, match=r"Relationship\.target_id.*self-loop"):
        Relationship("P1", "P1", "influences", 0.5)


@pytest.mark.parametrize("strength", [-0.01, 1.01, float("nan"), float("inf")])
def test_relationship_strength_in_unit_interval(strength: float) -> None:
    with pytest.raises(InvalidValueError, match=r"Relationship\.strength"):
        Relationship("P1", "P2", "influences", strength)
