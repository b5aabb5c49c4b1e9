"""CustomerLifetimeValue: Gupta & Lehmann's discounted margin on profit after cost to serve."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import InvalidTypeError, InvalidValueError, MissingFeatureError, NotFittedError
from kamlib.scoring import (
    CLV_TIERS,
    DEFAULT_TIER_QUANTILES,
    CustomerLifetimeValue,
    load_scorer,
    margin_multiple,
)
from kamlib.testing import assert_scores_equal


def _table(profit: Sequence[float | None]) -> FeatureTable:
    return FeatureTable.from_columns([f"A{i}" for i in range(len(profit))], {"profit": profit})


# ------------------------------------------------------------------ the published example

# Gupta & Lehmann (2003), "Customers as assets", J. Interactive Marketing 17(1): the margin
# multiple r / (1 + i - r) for retention rates 60-90 % and discount rates 10-16 %, to two
# decimals (their table of multiples; CLV = margin x multiple).
GUPTA_LEHMANN = {
    0.6: (1.20, 1.15, 1.11, 1.07),
    0.7: (1.75, 1.67, 1.59, 1.52),
    0.8: (2.67, 2.50, 2.35, 2.22),
    0.9: (4.50, 4.09, 3.75, 3.46),
}


@pytest.mark.parametrize("retention", sorted(GUPTA_LEHMANN))
def test_replicates_the_gupta_lehmann_margin_multiples(retention: float) -> None:
    got = tuple(round(margin_multiple(retention, i), 2) for i in (0.10, 0.12, 0.14, 0.16))
    assert got == GUPTA_LEHMANN[retention]


def test_clv_is_margin_times_multiple() -> None:
    st_ = CustomerLifetimeValue(retention=0.9, discount=0.1, tier_cuts=[1, 0, -1]).score(
        _table([1_000.0, 0.0, -200.0])
    )
    assert st_.scores.tolist() == pytest.approx([4_500.0, 0.0, -900.0], abs=1e-9)
    assert st_.contributions.tolist() == [[x] for x in st_.scores.tolist()]
    assert st_.reasons_of("A2") == ("loss_making",)
    assert st_.reasons_of("A0") == ()


def test_finite_horizon_is_the_discounted_sum() -> None:
    r, i, m = 0.8, 0.12, 1_000.0
    by_hand = sum(m * r**t / (1 + i) ** t for t in range(1, 6))
    clv = CustomerLifetimeValue(retention=r, discount=i, horizon=5, tier_cuts=[1, 1, 1])
    assert clv.score(_table([m])).scores[0] == pytest.approx(by_hand, rel=1e-12)
    assert margin_multiple(r, i, 1) == pytest.approx(r / (1 + i), rel=1e-15)
    # the finite sums approach the closed form
    assert margin_multiple(r, i, 1_000) == pytest.approx(margin_multiple(r, i), rel=1e-12)
    assert margin_multiple(1.0, 0.0, 7) == 7.0  # no churn, no discount: T margins


def test_defaults_are_kamlibs_and_the_margin_is_profit_after_cost_to_serve() -> None:
    clv = CustomerLifetimeValue()
    assert clv.margin_feature == "profit"  # [004]: profit after cost to serve
    assert (clv.retention, clv.discount, clv.horizon) == (0.8, 0.1, None)
    assert clv.tier_quantiles == DEFAULT_TIER_QUANTILES == (0.95, 0.80, 0.50)
    assert clv.classes == CLV_TIERS == ("S", "A", "B", "C")


# ------------------------------------------------------------------ tiers


def test_tiers_by_cut_with_the_better_tier_on_a_cut() -> None:
    clv = CustomerLifetimeValue(retention=0.75, discount=0.25, tier_cuts=[300, 150, 30])
    st_ = clv.score(_table([200.0, 199.99, 100.0, 20.0, 19.0, -1.0]))  # CLV = 1.5 x profit
    assert st_.labels is not None
    assert st_.labels.tolist() == ["S", "A", "A", "B", "C", "C"]
    assert st_.margin is not None
    assert st_.margin.tolist() == pytest.approx([0.0, 0.015, 0.0, 0.0, 1.5, 31.5])
    assert st_.explain("A4").summary.endswith("< B cut 30 -> tier C")


def test_fitted_cuts_are_the_quantiles_and_pinned_cuts_stay() -> None:
    profit = [float(x) for x in range(100)]
    clv = CustomerLifetimeValue(retention=0.5, discount=0.0, horizon=1).fit(_table(profit))
    values = np.array(profit) * 0.5
    assert clv.tier_cuts == tuple(float(q) for q in np.quantile(values, [0.95, 0.8, 0.5]))
    st_ = clv.score(_table(profit))
    assert st_.labels is not None
    share = {k: st_.labels.tolist().count(k) for k in CLV_TIERS}
    assert share == {"S": 5, "A": 15, "B": 30, "C": 50}
    pinned = CustomerLifetimeValue(tier_cuts=[9, 8, 7])
    assert pinned.fit(_table(profit)) is pinned


def test_all_ties_and_a_single_account() -> None:
    clv = CustomerLifetimeValue().fit(_table([500.0] * 4))
    st_ = clv.score(_table([500.0] * 4))
    assert st_.labels is not None
    assert st_.labels.tolist() == ["S"] * 4  # all on every cut: the best tier
    one = CustomerLifetimeValue().fit(_table([10.0]))
    assert one.score(_table([10.0])).labels.tolist() == ["S"]  # type: ignore[union-attr]


def test_a_missing_margin_is_filled_declared_and_left_out_of_the_cuts() -> None:
    t = _table([None, 100.0, 200.0, 300.0])
    clv = CustomerLifetimeValue(retention=0.5, discount=0.0, horizon=1).fit(t)
    assert clv.tier_cuts == CustomerLifetimeValue(
        retention=0.5, discount=0.0, horizon=1
    ).fit(_table([100.0, 200.0, 300.0])).tier_cuts  # fmt: skip
    st_ = clv.score(t)
    assert st_.scores.tolist() == [0.0, 50.0, 100.0, 150.0]
    assert st_.coverage.tolist() == [0.0, 1.0, 1.0, 1.0]
    assert st_.reasons_of("A0") == ("missing_margin",)
    assert st_.missing_of("A0") == ("profit",)
    assert st_.labels is not None
    assert st_.labels[0] == "C"
    assert "profit missing (filled 0)" in st_.explain("A0").summary
    with pytest.raises(InvalidValueError):
        CustomerLifetimeValue(missing="raise", fill_value=0.0)


def test_learned_tiers_are_relative_even_in_a_portfolio_of_losses() -> None:
    # kamlib's documented choice: the quantile shares hold, the reason flags the loss
    t = _table([-1.0, -5.0, -10.0])
    st_ = CustomerLifetimeValue().fit(t).score(t)
    assert st_.labels is not None
    assert st_.labels[0] == "S"
    assert st_.reasons_of("A0") == ("loss_making",)
    absolute = CustomerLifetimeValue(tier_cuts=[3e6, 1e6, 0.0]).score(t)
    assert absolute.labels.tolist() == ["C"] * 3  # type: ignore[union-attr]


def test_a_clv_beyond_the_cut_bound_names_the_account_not_tier_cuts() -> None:
    clv = CustomerLifetimeValue(retention=0.999, discount=0.0)  # multiple 999
    t = _table([1.0, 1e15])
    with pytest.raises(InvalidValueError) as info:
        clv.fit(t)
    assert (info.value.path, info.value.value) == ("lifetime_value.table['profit']", "A1")
    assert "pin tier_cuts" in info.value.reason
    filled = FeatureTable.from_columns(
        ["A0", "A1", "A2"], {"profit": [None, 1.0, 1e15]}
    )  # the missing row is left out: the account named is still the right one
    with pytest.raises(InvalidValueError) as info:
        clv.fit(filled)
    assert info.value.value == "A2"
    pinned = CustomerLifetimeValue(retention=0.999, discount=0.0, tier_cuts=[1e15, 1e3, 0])
    assert pinned.score(t).labels.tolist() == ["B", "S"]  # type: ignore[union-attr]


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"retention": 1.5}, "CustomerLifetimeValue.retention"),
        ({"retention": -0.1}, "CustomerLifetimeValue.retention"),
        ({"discount": -0.1}, "CustomerLifetimeValue.discount"),
        ({"retention": 1.0, "discount": 0.0}, "CustomerLifetimeValue.horizon"),
        ({"horizon": 0}, "CustomerLifetimeValue.horizon"),
        ({"tier_quantiles": (0.5, 0.8, 0.95)}, "CustomerLifetimeValue.tier_quantiles"),
        ({"tier_quantiles": (1.0, 0.8, 0.5)}, "CustomerLifetimeValue.tier_quantiles"),
        ({"tier_quantiles": (0.9, 0.9, 0.5)}, "CustomerLifetimeValue.tier_quantiles"),
        ({"tier_cuts": (1, 2, 3)}, "CustomerLifetimeValue.tier_cuts"),
        ({"tier_cuts": (3, 2)}, "CustomerLifetimeValue.tier_cuts"),
    ],
)
def test_bad_options_name_the_parameter(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        CustomerLifetimeValue(**kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_bad_tables_are_typed_errors() -> None:
    with pytest.raises(NotFittedError):
        CustomerLifetimeValue().score(_table([1.0]))
    with pytest.raises(InvalidValueError) as info:
        CustomerLifetimeValue(missing="raise").fit(_table([1.0, None]))
    assert (info.value.path, info.value.value) == ("lifetime_value.table['profit']", "A1")
    with pytest.raises(InvalidValueError):
        CustomerLifetimeValue().fit(_table([None, None]))  # nothing recorded to learn from
    with pytest.raises(MissingFeatureError):
        CustomerLifetimeValue("lifetime_profit").fit(_table([1.0]))
    with pytest.raises(InvalidValueError):
        CustomerLifetimeValue().fit(_table([]))
    with pytest.raises(InvalidTypeError):
        margin_multiple("0.8", 0.1)  # type: ignore[arg-type]


# ------------------------------------------------------------------ properties

# realistic magnitudes: no subnormal products, where doubling would round
margins = st.integers(-(10**9), 10**9).map(lambda k: k / 100)
rates = st.integers(0, 99).map(lambda k: k / 100)


@given(
    st.lists(margins, min_size=1, max_size=30),
    rates,
    rates,
    st.none() | st.integers(1, 50),
)
def test_clv_is_linear_in_margin_monotone_and_order_free(
    profit: list[float], r: float, i: float, horizon: int | None
) -> None:
    clv = CustomerLifetimeValue(retention=r, discount=i, horizon=horizon).fit(_table(profit))
    st_ = clv.score(_table(profit))
    assert np.array_equal(st_.scores, np.array(profit) * clv.multiple)
    doubled = clv.score(_table([2 * p for p in profit]))
    assert np.array_equal(doubled.scores, 2 * st_.scores)  # doubling is exact in binary
    order = np.argsort(profit, kind="stable")
    codes = np.array([CLV_TIERS.index(x) for x in st_.labels.tolist()])  # type: ignore[union-attr]
    assert (np.diff(codes[order]) <= 0).all()  # more margin: never a worse tier
    perm = np.random.default_rng(len(profit)).permutation(len(profit))
    t = _table(profit)
    assert_scores_equal(clv.score(t.take(perm)), st_.take(perm))
    assert margin_multiple(min(r + 0.01, 1.0), i, horizon) >= margin_multiple(r, i, horizon)


def test_config_round_trips_through_json_and_the_registry() -> None:
    fitted = CustomerLifetimeValue(horizon=10).fit(_table([1.0, 2.0, 3.0]))
    for s in (CustomerLifetimeValue(), fitted):
        cfg = json.loads(json.dumps(s.get_config()))
        assert CustomerLifetimeValue.from_config(cfg) == s
        assert load_scorer(cfg) == s
