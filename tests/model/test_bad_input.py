"""Catalogue of bad inputs: exact error type, and the message names field and value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kamlib.errors import (
    CurrencyMismatchError,
    FieldError,
    IllegalTransitionError,
    InvalidTypeError,
    InvalidValueError,
)
from kamlib.model import (
    Acceptance,
    Account,
    Commitment,
    Interaction,
    KeyPerson,
    Money,
    Need,
    NpsResponse,
    Opportunity,
    PeriodFigures,
    Portrait,
    Quarter,
    Relationship,
    RiskSignal,
    RiskWarning,
    SatisfactionSurvey,
    StrategicAttributes,
    Transition,
)

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
NAIVE = dt.datetime(2024, 1, 1)
D0 = dt.date(2024, 1, 1)
USD = Money(1, "USD")
Q1 = Quarter(2024, 1)


def bad(value: object) -> Any:
    """Pass a wrongly typed value past mypy on purpose."""
    return value


def account(**kw: Any) -> Account:
    base: dict[str, Any] = {
        "id": "A1",
        "name": "Acme",
        "industry": "retail",
        "region": "east",
        "size_band": "large",
        "cooperation_start": D0,
    }
    return Account(**{**base, **kw})


def commitment(**kw: Any) -> Commitment:
    base: dict[str, Any] = {
        "id": "C1",
        "account_id": "A1",
        "promise": "x",
        "owner_id": "U1",
        "due": T0,
        "required_capacity": 1,
        "history": [Transition("proposed", T0)],
    }
    return Commitment(**{**base, **kw})


def interaction(**kw: Any) -> Interaction:
    base: dict[str, Any] = {
        "id": "I1",
        "account_id": "A1",
        "at": T0,
        "our_people": ["U1"],
        "their_people": ["P1"],
        "channel": "meeting",
        "level": "executive",
        "outcome": "positive",
    }
    return Interaction(**{**base, **kw})


# (id, build, error type, field named in the message, value shown in the message)
CASES: list[tuple[str, Callable[[], object], type[FieldError], str, str]] = [
    ("money-currency-lower", lambda: Money(1, "usd"), InvalidValueError, "Money.currency", "'usd'"),
    (
        "money-currency-long",
        lambda: Money(1, "USDT"),
        InvalidValueError,
        "Money.currency",
        "'USDT'",
    ),
    ("money-currency-type", lambda: Money(1, bad(840)), InvalidTypeError, "Money.currency", "840"),
    ("money-nan", lambda: Money(float("nan"), "USD"), InvalidValueError, "Money.amount", "nan"),
    ("money-inf", lambda: Money(float("inf"), "USD"), InvalidValueError, "Money.amount", "inf"),
    ("money-str", lambda: Money(bad("10"), "USD"), InvalidTypeError, "Money.amount", "'10'"),
    ("money-bool", lambda: Money(True, "USD"), InvalidTypeError, "Money.amount", "True"),
    ("money-mix", lambda: USD + Money(1, "EUR"), CurrencyMismatchError, "Money.__add__", "'EUR'"),
    ("quarter-0", lambda: Quarter(2024, 0), InvalidValueError, "Quarter.quarter", "0"),
    ("quarter-5", lambda: Quarter(2024, 5), InvalidValueError, "Quarter.quarter", "5"),
    (
        "quarter-year-str",
        lambda: Quarter(bad("2024"), 1),
        InvalidTypeError,
        "Quarter.year",
        "'2024'",
    ),
    (
        "quarter-parse",
        lambda: Quarter.parse("Q1-2024"),
        InvalidValueError,
        "Quarter.parse.text",
        "'Q1-2024'",
    ),
    (
        "figures-currency",
        lambda: PeriodFigures(Q1, USD, Money(1, "EUR"), USD),
        CurrencyMismatchError,
        "PeriodFigures.profit_contribution.currency",
        "'EUR'",
    ),
    (
        "figures-period-type",
        lambda: PeriodFigures(bad("2024Q1"), USD, USD, USD),
        InvalidTypeError,
        "PeriodFigures.period",
        "'2024Q1'",
    ),
    (
        "strategic-high",
        lambda: StrategicAttributes(10.5, 1, 1),
        InvalidValueError,
        "StrategicAttributes.strategic_fit",
        "10.5",
    ),
    (
        "strategic-neg",
        lambda: StrategicAttributes(1, -1, 1),
        InvalidValueError,
        "StrategicAttributes.value_potential",
        "-1",
    ),
    (
        "survey-naive",
        lambda: SatisfactionSurvey(NAIVE, 80),
        InvalidValueError,
        "SatisfactionSurvey.at",
        "datetime.datetime(2024, 1, 1, 0, 0)",
    ),
    (
        "survey-date",
        lambda: SatisfactionSurvey(bad(D0), 80),
        InvalidTypeError,
        "SatisfactionSurvey.at",
        "datetime.date(2024, 1, 1)",
    ),
    (
        "survey-score",
        lambda: SatisfactionSurvey(T0, 101),
        InvalidValueError,
        "SatisfactionSurvey.score",
        "101",
    ),
    ("nps-11", lambda: NpsResponse(T0, 11), InvalidValueError, "NpsResponse.score", "11"),
    (
        "nps-person-empty",
        lambda: NpsResponse(T0, 5, person_id=""),
        InvalidValueError,
        "NpsResponse.person_id",
        "''",
    ),
    ("risk-kind-empty", lambda: RiskSignal("", T0), InvalidValueError, "RiskSignal.kind", "''"),
    ("risk-kind-type", lambda: RiskSignal(bad(3), T0), InvalidTypeError, "RiskSignal.kind", "3"),
    (
        "risk-naive",
        lambda: RiskSignal("budget_frozen", NAIVE),
        InvalidValueError,
        "RiskSignal.at",
        "datetime.datetime(2024, 1, 1, 0, 0)",
    ),
    (
        "risk-resolved-early",
        lambda: RiskSignal("x", T0, resolved_at=T0 - dt.timedelta(1)),
        InvalidValueError,
        "RiskSignal.resolved_at",
        "datetime.datetime(2023, 12, 31",
    ),
    (
        "need-kind",
        lambda: Need("N1", "x", "hidden", 1, 1),
        InvalidValueError,
        "Need.kind",
        "'hidden'",
    ),
    (
        "need-urgency",
        lambda: Need("N1", "x", "latent", 11, 1),
        InvalidValueError,
        "Need.urgency",
        "11",
    ),
    ("account-id-empty", lambda: account(id=""), InvalidValueError, "Account.id", "''"),
    ("account-name-none", lambda: account(name=None), InvalidTypeError, "Account.name", "None"),
    (
        "account-size-band",
        lambda: account(size_band="huge"),
        InvalidValueError,
        "Account.size_band",
        "'huge'",
    ),
    (
        "account-start-datetime",
        lambda: account(cooperation_start=T0),
        InvalidTypeError,
        "Account.cooperation_start",
        "datetime.datetime(2024",
    ),
    (
        "account-start-str",
        lambda: account(cooperation_start="2024-01-01"),
        InvalidTypeError,
        "Account.cooperation_start",
        "'2024-01-01'",
    ),
    (
        "account-figures-str",
        lambda: account(figures="2024Q1"),
        InvalidTypeError,
        "Account.figures",
        "'2024Q1'",
    ),
    (
        "account-figures-item",
        lambda: account(figures=[1]),
        InvalidTypeError,
        "Account.figures[0]",
        "1",
    ),
    (
        "account-area-dup",
        lambda: account(cooperation_areas=["bi", "bi"]),
        InvalidValueError,
        "Account.cooperation_areas[1]",
        "'bi'",
    ),
    (
        "account-renewal",
        lambda: account(renewal_intent="maybe"),
        InvalidValueError,
        "Account.renewal_intent",
        "'maybe'",
    ),
    (
        "account-surveys-item",
        lambda: account(surveys=[80]),
        InvalidTypeError,
        "Account.surveys[0]",
        "80",
    ),
    (
        "account-sponsor-empty",
        lambda: account(executive_sponsor_id=""),
        InvalidValueError,
        "Account.executive_sponsor_id",
        "''",
    ),
    (
        "portrait-high",
        lambda: Portrait(1, 1, 12),
        InvalidValueError,
        "Portrait.price_acceptance",
        "12",
    ),
    (
        "person-side",
        lambda: KeyPerson("P1", "Li", "partner"),
        InvalidValueError,
        "KeyPerson.side",
        "'partner'",
    ),
    (
        "person-role",
        lambda: KeyPerson("P1", "Li", "customer", account_id="A1", role="boss"),
        InvalidValueError,
        "KeyPerson.role",
        "'boss'",
    ),
    (
        "person-no-account",
        lambda: KeyPerson("P1", "Li", "customer"),
        InvalidValueError,
        "KeyPerson.account_id",
        "None",
    ),
    (
        "person-title-type",
        lambda: KeyPerson("P1", "Li", "our_staff", title=bad(None)),
        InvalidTypeError,
        "KeyPerson.title",
        "None",
    ),
    (
        "rel-strength",
        lambda: Relationship("P1", "P2", "influences", 1.5),
        InvalidValueError,
        "Relationship.strength",
        "1.5",
    ),
    (
        "rel-kind",
        lambda: Relationship("P1", "P2", "likes", 0.5),
        InvalidValueError,
        "Relationship.kind",
        "'likes'",
    ),
    (
        "rel-self-loop",
        lambda: Relationship("P1", "P1", "influences", 0.5),
        InvalidValueError,
        "Relationship.target_id",
        "'P1'",
    ),
    (
        "transition-state",
        lambda: Transition("done", T0),
        InvalidValueError,
        "Transition.to_state",
        "'done'",
    ),
    (
        "transition-naive",
        lambda: Transition("proposed", NAIVE),
        InvalidValueError,
        "Transition.at",
        "datetime.datetime(2024, 1, 1, 0, 0)",
    ),
    (
        "warning-naive",
        lambda: RiskWarning(T0, NAIVE),
        InvalidValueError,
        "RiskWarning.expected_impact_at",
        "datetime.datetime(2024, 1, 1, 0, 0)",
    ),
    (
        "acceptance-feedback",
        lambda: Acceptance(T0, bad(None)),
        InvalidTypeError,
        "Acceptance.feedback",
        "None",
    ),
    (
        "commit-capacity",
        lambda: commitment(required_capacity=-0.5),
        InvalidValueError,
        "Commitment.required_capacity",
        "-0.5",
    ),
    (
        "commit-due-naive",
        lambda: commitment(due=NAIVE),
        InvalidValueError,
        "Commitment.due",
        "datetime.datetime(2024, 1, 1, 0, 0)",
    ),
    (
        "commit-start",
        lambda: commitment(history=[Transition("delivered", T0)]),
        IllegalTransitionError,
        "Commitment.history[0].to_state",
        "'delivered'",
    ),
    (
        "commit-illegal-step",
        lambda: commitment(history=[Transition("proposed", T0), Transition("delivered", T0)]),
        IllegalTransitionError,
        "Commitment.history[1].to_state",
        "'delivered'",
    ),
    (
        "commit-history-item",
        lambda: commitment(history=["proposed"]),
        InvalidTypeError,
        "Commitment.history[0]",
        "'proposed'",
    ),
    (
        "interaction-channel",
        lambda: interaction(channel="fax"),
        InvalidValueError,
        "Interaction.channel",
        "'fax'",
    ),
    ("interaction-level", lambda: interaction(level=3), InvalidTypeError, "Interaction.level", "3"),
    (
        "interaction-people-str",
        lambda: interaction(our_people="U1"),
        InvalidTypeError,
        "Interaction.our_people",
        "'U1'",
    ),
    (
        "interaction-naive",
        lambda: interaction(at=NAIVE),
        InvalidValueError,
        "Interaction.at",
        "datetime.datetime(2024, 1, 1, 0, 0)",
    ),
    (
        "opp-stage",
        lambda: Opportunity("O1", "A1", "x", USD, "closed"),
        InvalidValueError,
        "Opportunity.stage",
        "'closed'",
    ),
    (
        "opp-size-type",
        lambda: Opportunity("O1", "A1", "x", bad(1000), "lead"),
        InvalidTypeError,
        "Opportunity.size",
        "1000",
    ),
    (
        "opp-chain-dup",
        lambda: Opportunity("O1", "A1", "x", USD, "lead", ["P1", "P1"]),
        InvalidValueError,
        "Opportunity.decision_chain[1]",
        "'P1'",
    ),
]


@pytest.mark.parametrize(
    ("build", "error", "field", "value"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_input(
    build: Callable[[], object], error: type[FieldError], field: str, value: str
) -> None:
    with pytest.raises(error) as info:
        build()
    assert type(info.value) is error
    message = str(info.value)
    assert info.value.path == field
    assert field in message
    assert value in message


def test_catalogue_is_large_and_ids_unique() -> None:
    assert len(CASES) >= 25
    assert len({c[0] for c in CASES}) == len(CASES)
