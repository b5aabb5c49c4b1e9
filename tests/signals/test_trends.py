"""Trend alerts: 15% in each of two quarters [000] (with a tolerance), rescue at 20% [003]."""

from __future__ import annotations

import math
import warnings
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.scoring import evaluate_rules, revenue_decline_rule
from kamlib.signals import quarterly_decline_alerts, rescue_alerts, two_quarter_decline


def test_fifteen_percent_two_quarters_seed_000() -> None:
    last = [-0.15, -0.15, -0.20, -0.149, 0.0, float("nan")]
    prev = [-0.15, -0.149, -0.30, -0.30, -0.5, -0.5]
    assert two_quarter_decline(last, prev).tolist() == [True, False, True, False, False, False]
    # parameter changeable
    assert two_quarter_decline([-0.12], [-0.11], drop=0.10).tolist() == [True]


@given(st.integers(1, 10**9))
def test_an_exact_fifteen_percent_fall_in_money_always_fires(cents: int) -> None:
    """DOMAIN [000]: at least 15% in each quarter, compared with a tolerance."""
    before = Decimal(cents * 20) / 100  # a multiple of 20 cents falls 15% to whole cents
    after = before * Decimal("0.85")
    change = (float(after) - float(before)) / float(before)
    assert two_quarter_decline([change], [change]).tolist() == [True]
    assert quarterly_decline_alerts([[float(before), float(after), float(after) * 0.85]]).all()


def test_a_fall_just_short_of_fifteen_percent_does_not_fire() -> None:
    assert two_quarter_decline([-0.1499999], [-0.2]).tolist() == [False]
    assert quarterly_decline_alerts([[100.0, 85.0, 72.26]]).tolist() == [False]


def test_quarterly_matrix_helper() -> None:
    r = np.array(
        [
            [100.0, 85.0, 72.25],  # exactly 15% twice
            [100.0, 85.0, 73.0],  # second fall only 14.1%
        ]
    )
    assert quarterly_decline_alerts(r).tolist() == [True, False]
    zeros = np.zeros((1, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert quarterly_decline_alerts(zeros).tolist() == [False]
    assert quarterly_decline_alerts([[100, 80, 60, 50]], quarters=3).tolist() == [True]
    with pytest.raises(InvalidValueError, match="quarters"):
        quarterly_decline_alerts([[1.0, 2.0]])
    with pytest.raises(InvalidValueError, match="drop"):
        quarterly_decline_alerts([[1.0, 2.0, 3.0]], drop=1.5)
    with pytest.raises(InvalidValueError, match="revenue"):
        quarterly_decline_alerts([[1.0, math.inf, 3.0]])


@given(
    st.lists(
        st.tuples(st.floats(-1, 1, allow_nan=False), st.floats(-1, 1, allow_nan=False)),
        min_size=1,
        max_size=20,
    ),
    st.floats(0.01, 0.99),
)
def test_decline_rule_fires_exactly_where_the_function_does(
    rows: list[tuple[float, float]], drop: float
) -> None:
    last = [a for a, _ in rows]
    prev = [b for _, b in rows]
    t = FeatureTable.from_columns(
        [f"A{i}" for i in range(len(rows))],
        {"revenue_change_last": last, "revenue_change_prev": prev},
    )
    flags = evaluate_rules(t, [revenue_decline_rule(drop=drop)])[:, 0]
    assert flags.tolist() == two_quarter_decline(last, prev, drop=drop).tolist()


def test_rescue_at_twenty_percent_drop_seed_003() -> None:
    prev = [100.0, 100.0, 0.0, float("nan"), 50.0]
    cur = [80.0, 80.01, 0.0, 10.0, 20.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rescue_alerts(prev, cur).tolist() == [True, False, False, False, True]
    assert rescue_alerts([100.0], [91.0], drop=0.05).tolist() == [True]


def test_rescue_bad_input() -> None:
    with pytest.raises(InvalidValueError, match=r"current_scores\[0\]"):
        rescue_alerts([1.0], [math.inf])
    with pytest.raises(InvalidValueError, match="current_scores"):
        rescue_alerts([1.0, 2.0], [1.0])
    with pytest.raises(InvalidTypeError, match="previous_scores"):
        rescue_alerts(["a"], [1.0])
    with pytest.raises(InvalidValueError, match=r"drop.*0.0"):
        rescue_alerts([1.0], [1.0], drop=0.0)


def test_trend_alert_bad_input() -> None:
    with pytest.raises(InvalidValueError, match="change_prev"):
        two_quarter_decline([0.1], [0.1, 0.2])
    with pytest.raises(InvalidTypeError, match="change_last"):
        two_quarter_decline([True], [False])
    with pytest.raises(InvalidTypeError, match="drop"):
        two_quarter_decline([0.1], [0.1], drop="15%")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="drop"):
        two_quarter_decline([0.1], [0.1], drop=1.0)


def test_quarters_accepts_numpy_integers() -> None:
    got = quarterly_decline_alerts([[100.0, 85.0, 72.25]], quarters=np.int64(2))
    assert got.tolist() == [True]


def test_signals_are_not_in_scoring() -> None:
    """0.1.0: the signals moved out of kamlib.scoring (scoring never imports signals)."""
    import kamlib.scoring as scoring

    for name in ("two_quarter_decline", "rescue_alerts", "HysteresisBands", "Override"):
        assert name not in scoring.__all__
        assert not hasattr(scoring, name)


def test_twelve_to_ten_twenty_to_eight_sixty_seven_fires_by_every_door() -> None:
    """12.00 -> 10.20 -> 8.67 is an exact 15% fall twice (issue 8): every door agrees."""
    r = np.array([[12.00, 10.20, 8.67]])
    last = r[:, 2] / r[:, 1] - 1.0  # the features' formula: -0.14999999999999994
    prev = r[:, 1] / r[:, 0] - 1.0  # -0.15000000000000005
    assert two_quarter_decline(last, prev).tolist() == [True]
    assert quarterly_decline_alerts(r).tolist() == [True]
    t = FeatureTable.from_columns(["A"], {"revenue_change_last": last, "revenue_change_prev": prev})
    assert evaluate_rules(t, [revenue_decline_rule()]).tolist() == [[True]]
