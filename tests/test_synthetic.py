"""synthetic_portfolio: deterministic, valid, and firing every source rule somewhere."""

from __future__ import annotations

import datetime as dt

import pytest

from kamlib import Portfolio
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import DecisionRole, RiskKind, Side
from kamlib.synthetic import synthetic_portfolio

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_same_seed_same_portfolio_other_seed_other_portfolio() -> None:
    a = synthetic_portfolio(30, seed=5, as_of=AS_OF)
    assert a == synthetic_portfolio(30, seed=5, as_of=AS_OF)
    assert a != synthetic_portfolio(30, seed=6, as_of=AS_OF)


def test_nothing_is_dated_after_as_of() -> None:
    p = synthetic_portfolio(40, seed=1, as_of=AS_OF)
    assert all(i.at <= AS_OF for i in p.interactions)
    assert all(s.at <= AS_OF for a in p.accounts for s in a.surveys)
    assert all(f.period.end < AS_OF.date() for a in p.accounts for f in a.figures)
    assert all(t.at <= AS_OF for c in p.commitments for t in c.history)


def test_every_side_role_and_red_trigger_occurs() -> None:
    p = synthetic_portfolio(300, seed=2, as_of=AS_OF)
    assert isinstance(p, Portfolio)
    assert {person.side for person in p.people} == set(Side)
    roles = {person.role for person in p.people if person.side is Side.CUSTOMER}
    assert roles == set(DecisionRole)
    kinds = {s.kind for a in p.accounts for s in a.risk_signals}
    assert {
        RiskKind.KEY_DECISION_MAKER_LEFT,
        RiskKind.BUDGET_FROZEN,
        RiskKind.COMPETITOR_ENTERED,
        RiskKind.LATE_DELIVERY,
    } <= kinds
    assert any(r.opportunity_id is not None for r in p.relationships)
    # every key account has an executive sponsor [004]
    assert all(a.executive_sponsor_id is not None for a in p.accounts)


def test_zero_accounts() -> None:
    assert synthetic_portfolio(0, seed=0, as_of=AS_OF) == Portfolio()


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"n_accounts": -1}, InvalidValueError, "n_accounts"),
        ({"n_accounts": 2.0}, InvalidTypeError, "n_accounts"),
        ({"seed": None}, InvalidTypeError, "seed"),
        ({"quarters": 0}, InvalidValueError, "quarters"),
        ({"as_of": dt.datetime(2026, 1, 1)}, InvalidValueError, "as_of"),
        ({"as_of": dt.date(2026, 1, 1)}, InvalidTypeError, "as_of"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], field: str) -> None:
    args: dict[str, object] = {"n_accounts": 2, "seed": 0, "as_of": AS_OF}
    args.update(kwargs)
    n = args.pop("n_accounts")
    with pytest.raises(error, match=field):
        synthetic_portfolio(n, **args)  # type: ignore[arg-type]
