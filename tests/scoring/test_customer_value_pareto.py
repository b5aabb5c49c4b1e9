"""ParetoABC: source [003]'s 80/20 rule as cumulative-share classes, cut by value."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import InvalidValueError, MissingFeatureError, NotFittedError
from kamlib.scoring import ABC_CLASSES, Concentration, ParetoABC, load_scorer
from kamlib.testing import assert_scores_equal


def _table(profit: Sequence[float | None]) -> FeatureTable:
    return FeatureTable.from_columns([f"A{i}" for i in range(len(profit))], {"profit": profit})


def test_defaults_are_kamlibs_cut_shares() -> None:
    abc = ParetoABC()
    assert (abc.a_share, abc.b_share) == (0.8, 0.95)
    assert abc.value_feature == "profit"
    assert abc.classes == ABC_CLASSES == ("A", "B", "C")


def test_hand_computed_classes() -> None:
    t = _table([50.0, 30.0, 10.0, 6.0, 4.0])  # cumulative shares 50, 80, 90, 96, 100 %
    abc = ParetoABC().fit(t)
    assert (abc.a_cut, abc.b_cut) == (30.0, 6.0)
    st_ = abc.score(t)
    assert st_.labels is not None
    assert st_.labels.tolist() == ["A", "A", "B", "B", "C"]
    assert st_.scores.tolist() == [50.0, 30.0, 10.0, 6.0, 4.0]
    assert st_.margin is not None
    assert st_.margin.tolist() == [20.0, 0.0, 4.0, 0.0, 2.0]
    assert st_.explain("A2").summary.startswith("A cut 30 > profit 10 >= B cut 6 -> class B")


def test_tie_at_the_boundary_keeps_equal_values_together() -> None:
    t = _table([40.0, 40.0, 20.0])
    abc = ParetoABC(a_share=0.4, b_share=0.9).fit(t)  # the first 40 reaches 40 %
    assert abc.a_cut == 40.0
    st_ = abc.score(t)
    assert st_.labels is not None
    assert st_.labels.tolist() == ["A", "A", "B"]  # the tied 40 is A too: A holds 80 %
    shuffled = ParetoABC(a_share=0.4, b_share=0.9).fit(t.take(np.array([2, 1, 0])))
    assert shuffled == abc


def test_a_tie_group_can_put_every_account_in_a() -> None:
    # the 80 % share is crossed inside the group of 10s: A absorbs it whole (100 %)
    t = _table([70.0, 10.0, 10.0, 10.0])
    abc = ParetoABC().fit(t)
    assert abc.a_cut == 10.0
    assert abc.score(t).labels.tolist() == ["A"] * 4  # type: ignore[union-attr]
    doc = ParetoABC.__doc__
    assert doc is not None
    assert "a little" not in doc
    assert "[70, 10, 10, 10]" in doc


def test_losses_are_left_out_of_the_shares_and_are_class_c() -> None:
    t = _table([80.0, 20.0, -500.0, 0.0])
    abc = ParetoABC().fit(t)
    assert (abc.a_cut, abc.b_cut) == (80.0, 20.0)
    assert abc.score(t).labels.tolist() == ["A", "B", "C", "C"]  # type: ignore[union-attr]
    with pytest.raises(InvalidValueError) as info:
        ParetoABC().fit(_table([-1.0, 0.0]))
    assert "no account with a positive value" in info.value.reason


def test_single_account_and_all_ties() -> None:
    assert ParetoABC().fit(_table([7.0])).score(_table([7.0])).labels.tolist() == ["A"]  # type: ignore[union-attr]
    abc = ParetoABC().fit(_table([5.0] * 10))
    assert abc.score(_table([5.0] * 10)).labels.tolist() == ["A"] * 10  # type: ignore[union-attr]


def test_pinned_cuts_stay_and_one_pinned_cut_is_completed() -> None:
    t = _table([50.0, 30.0, 10.0, 6.0, 4.0])
    pinned = ParetoABC(a_cut=45.0, b_cut=5.0)
    assert pinned.fit(t) is pinned
    half = ParetoABC(a_cut=45.0).fit(t)
    assert (half.a_cut, half.b_cut) == (45.0, 6.0)
    with pytest.raises(InvalidValueError):
        ParetoABC(a_cut=2.0).fit(t)  # the learned B cut (6) would lie above A


def test_concentration_reports_the_top_share() -> None:
    t = _table([90.0, 20.0, 10.0, -20.0])
    c = ParetoABC().concentration(t, top=0.25)
    assert c == Concentration(0.25, 1, 4, 0.75, 0.9)
    assert c.message == "the top 25 % of accounts (1 of 4) hold 75 % of the value"
    assert ParetoABC().concentration(t).accounts == 1  # ceil(20 % of 4)
    assert ParetoABC().concentration(_table([1.0] * 10), top=0.3).accounts == 3
    assert ParetoABC().concentration(_table([5.0, -10.0]), top=0.5).net_share is None
    shuffled = ParetoABC().concentration(t.take(np.array([3, 1, 0, 2])), top=0.25)
    assert shuffled == c


def test_a_missing_value_is_filled_declared_and_left_out_of_the_shares() -> None:
    t = _table([50.0, None, 30.0, 10.0, 6.0, 4.0])
    abc = ParetoABC().fit(t)
    assert (abc.a_cut, abc.b_cut) == (30.0, 6.0)  # as without the missing account
    st_ = abc.score(t)
    assert st_.labels is not None
    assert st_.labels.tolist() == ["A", "C", "A", "B", "B", "C"]
    assert st_.coverage.tolist() == [1.0, 0.0, 1.0, 1.0, 1.0, 1.0]
    assert st_.reasons_of("A1") == ("missing_value",)
    assert abc.concentration(t, top=0.4).accounts == 2  # of the 5 recorded accounts
    assert st_.explain("A1").inputs == (("profit", None),)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"a_share": 0.0}, "ParetoABC.a_share"),
        ({"a_share": 1.2}, "ParetoABC.a_share"),
        ({"a_share": 0.9, "b_share": 0.8}, "ParetoABC.b_share"),
        ({"a_cut": 1.0, "b_cut": 2.0}, "ParetoABC.b_cut"),
        ({"a_cut": float("nan")}, "ParetoABC.a_cut"),
        ({"missing": "raise", "fill_value": 0.0}, "ParetoABC.fill_value"),
        ({"missing": "penalty"}, "ParetoABC.missing"),
    ],
)
def test_bad_options_name_the_parameter(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        ParetoABC(**kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_bad_tables_are_typed_errors() -> None:
    with pytest.raises(NotFittedError):
        ParetoABC().score(_table([1.0]))
    with pytest.raises(InvalidValueError) as info:
        ParetoABC(missing="raise").fit(_table([1.0, None]))
    assert (info.value.path, info.value.value) == ("pareto_abc.table['profit']", "A1")
    with pytest.raises(MissingFeatureError):
        ParetoABC("revenue").fit(_table([1.0]))
    with pytest.raises(InvalidValueError):
        ParetoABC().fit(_table([]))
    with pytest.raises(InvalidValueError):
        ParetoABC().concentration(_table([]))
    with pytest.raises(InvalidValueError):
        ParetoABC().concentration(_table([1.0]), top=0.0)


values = st.integers(-(10**6), 10**7).map(float)


@given(st.lists(values, min_size=1, max_size=40).filter(lambda v: max(v) > 0))
def test_classes_follow_the_shares_and_ignore_the_order(profit: list[float]) -> None:
    t = _table(profit)
    abc = ParetoABC().fit(t)
    st_ = abc.score(t)
    labels = np.array(st_.labels.tolist())  # type: ignore[union-attr]
    v = np.array(profit)
    positive = math.fsum(x for x in profit if x > 0)
    # A holds at least 80 % of the positive value; the accounts strictly above the cut less
    assert math.fsum(v[labels == "A"].tolist()) >= 0.8 * positive * (1 - 1e-12)
    assert math.fsum(v[v > abc.a_cut].tolist()) < 0.8 * positive * (1 + 1e-12)
    assert math.fsum(v[labels != "C"].tolist()) >= 0.95 * positive * (1 - 1e-12)
    order = np.argsort(-v, kind="stable")
    codes = np.array([ABC_CLASSES.index(x) for x in labels[order]])
    assert (np.diff(codes) >= 0).all()  # less value: never a better class
    perm = np.random.default_rng(len(profit)).permutation(len(profit))
    assert ParetoABC().fit(t.take(perm)) == abc
    assert_scores_equal(abc.score(t.take(perm)), st_.take(perm))


def test_config_round_trips_through_json_and_the_registry() -> None:
    fitted = ParetoABC().fit(_table([50.0, 30.0, 10.0, 6.0, 4.0]))
    for s in (ParetoABC(), fitted, ParetoABC("lifetime_profit", a_share=0.7)):
        cfg = json.loads(json.dumps(s.get_config()))
        assert ParetoABC.from_config(cfg) == s
        assert load_scorer(cfg) == s
