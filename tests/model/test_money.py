from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import CurrencyMismatchError, InvalidTypeError, InvalidValueError
from kamlib.model import Money, PeriodFigures, Quarter

amounts = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


def test_add_sub_neg_mul() -> None:
    a, b = Money(10, "USD"), Money(2.5, "USD")
    assert a + b == Money(12.5, "USD")
    assert a - b == Money(7.5, "USD")
    assert -a == Money(-10, "USD")
    assert a * 3 == Money(30, "USD")
    assert 0.5 * a == Money(5, "USD")


def test_negative_amounts_allowed() -> None:
    assert Money(-5, "CNY").amount == -5


def test_comparison() -> None:
    assert Money(1, "USD") < Money(2, "USD") <= Money(2, "USD")
    assert Money(3, "USD") > Money(2, "USD") >= Money(2, "USD")


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_currency_mixing_raises(op: object) -> None:
    assert callable(op)
    with pytest.raises(CurrencyMismatchError, match="USD"):
        op(Money(1, "USD"), Money(1, "CNY"))


def test_equality_across_currencies_is_false_not_error() -> None:
    assert Money(1, "USD") != Money(1, "CNY")


def test_multiply_by_non_number_is_type_error() -> None:
    with pytest.raises(TypeError):
        _ = Money(1, "USD") * "2"  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = Money(1, "USD") * True


def test_total() -> None:
    assert Money.total([Money(1, "EUR"), Money(2, "EUR")]) == Money(3, "EUR")
    assert Money.total([], currency="EUR") == Money(0, "EUR")
    assert Money.total(iter([Money(4, "EUR")]), currency="EUR") == Money(4, "EUR")


def test_total_errors() -> None:
    with pytest.raises(InvalidValueError, match="currency"):
        Money.total([])
    with pytest.raises(CurrencyMismatchError, match=r"items\[1\]"):
        Money.total([Money(1, "EUR"), Money(1, "USD")])
    with pytest.raises(CurrencyMismatchError, match=r"items\[0\]"):
        Money.total([Money(1, "EUR")], currency="USD")
    with pytest.raises(InvalidTypeError, match=r"items\[0\]"):
        Money.total([1.0])  # type: ignore[list-item]


@given(st.lists(amounts, max_size=20))
def test_total_equals_fsum(xs: list[float]) -> None:
    total = Money.total([Money(x, "USD") for x in xs], currency="USD")
    assert math.isclose(total.amount, math.fsum(xs), rel_tol=1e-9, abs_tol=1e-3)


@given(amounts, amounts)
def test_add_commutes(x: float, y: float) -> None:
    assert Money(x, "USD") + Money(y, "USD") == Money(y, "USD") + Money(x, "USD")


def test_money_hashable_and_frozen() -> None:
    import attrs

    m = Money(1, "USD")
    assert {m: 1}[Money(1.0, "USD")] == 1
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        m.amount = 2  # type: ignore[misc]


def _usd(x: float) -> Money:
    return Money(x, "USD")


def test_period_figures_net_profit_seed_004() -> None:
    """Source [004]: rank by profit after cost-to-serve, not revenue."""
    big_revenue = PeriodFigures(Quarter(2024, 1), _usd(10_000), _usd(1_000), _usd(900))
    small_revenue = PeriodFigures(Quarter(2024, 1), _usd(2_000), _usd(800), _usd(100))
    assert big_revenue.revenue > small_revenue.revenue
    assert big_revenue.net_profit < small_revenue.net_profit
    assert big_revenue.net_profit == _usd(100)


@pytest.mark.parametrize("field", ["profit_contribution", "cost_to_serve"])
def test_period_figures_one_currency(field: str) -> None:
    kwargs = {
        "period": Quarter(2024, 1),
        "revenue": _usd(1),
        "profit_contribution": _usd(1),
        "cost_to_serve": _usd(1),
    }
    kwargs[field] = Money(1, "EUR")
    with pytest.raises(CurrencyMismatchError, match=f"PeriodFigures.{field}"):
        PeriodFigures(**kwargs)  # type: ignore[arg-type]


def test_the_currency_cache_only_ever_holds_checked_codes() -> None:
    """The set that skips the regex for known codes (issue 9: construction speed)."""
    from kamlib.model._checks import _CHECKED_CODES

    Money(1, "USD")
    assert "USD" in _CHECKED_CODES
    for bad in ("usd", "USDX", "", "U$D"):
        with pytest.raises(InvalidValueError, match=r"Money\.currency"):
            Money(1, bad)
        assert bad not in _CHECKED_CODES
    with pytest.raises(InvalidTypeError, match=r"Money\.currency"):
        Money(1, b"USD")  # type: ignore[arg-type]
