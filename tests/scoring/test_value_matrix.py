"""ValueMatrix: source rule [000] (quadrants, median cuts, policies), [002] A-D, [004] profit."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
    NotFittedError,
    UnknownIdError,
)
from kamlib.scoring import ABCD_NAMES, QUADRANT_POLICY, QUADRANTS, ValueMatrix
from kamlib.testing._check import check_scorer

Y = ("strategic_fit", "value_potential", "resource_complementarity")


def _table(profit: list[float], strat: list[list[float | None]]) -> FeatureTable:
    ids = [f"A{i}" for i in range(len(profit))]
    cols: dict[str, object] = {"profit": profit}
    for j, name in enumerate(Y):
        cols[name] = [row[j] for row in strat]
    return FeatureTable.from_columns(ids, cols)


def test_defaults_follow_the_seeds() -> None:
    vm = ValueMatrix()
    assert vm.x_feature == "profit"  # [004]: profit, not revenue
    assert vm.y_features == Y  # [000]: three strategic dimensions
    assert vm.shares == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert vm.quantile == 0.5  # median cut
    assert vm.required_features == ("profit", *Y)
    assert not vm.is_fitted


def test_median_cut_rule_000() -> None:
    t = _table(
        [10.0, 20.0, 30.0, 40.0, 50.0], [[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4], [5, 5, 5]]
    )
    vm = ValueMatrix().fit(t)
    assert vm.x_cut == 30.0
    assert vm.y_cut == 3.0
    st_ = vm.score(t)
    # boundary rule: value >= cut is high, so A2 (exactly on both cuts) is strategic
    assert st_.labels is not None
    assert st_.labels.tolist() == ["ordinary", "ordinary", "strategic", "strategic", "strategic"]
    assert st_.margin is not None
    assert st_.margin.tolist() == [2.0, 1.0, 0.0, 1.0, 2.0]


def test_quadrant_policy_and_abcd_mapping() -> None:
    assert QUADRANTS == ("strategic", "potential", "profit", "ordinary")
    assert set(QUADRANT_POLICY) == set(QUADRANTS)
    assert "dedicated team" in QUADRANT_POLICY["strategic"]
    assert dict(ABCD_NAMES) == {"strategic": "A", "potential": "B", "profit": "C", "ordinary": "D"}
    vm = ValueMatrix(naming="abcd", x_cut=0.0, y_cut=5.0)
    assert vm.classes == ("A", "B", "C", "D")
    assert vm.policy("D") == QUADRANT_POLICY["ordinary"]
    assert vm.policy("profit") == QUADRANT_POLICY["profit"]
    with pytest.raises(UnknownIdError):
        vm.policy("Z")
    with pytest.raises(TypeError):
        QUADRANT_POLICY["strategic"] = "x"  # type: ignore[index]


def test_all_four_quadrants_and_reasons() -> None:
    t = _table([100.0, 0.0, 100.0, 0.0], [[9, 9, 9], [9, 9, 9], [1, 1, 1], [1, 1, 1]])
    st_ = ValueMatrix(quantile=None, x_cut=50.0, y_cut=5.0).score(t)
    assert st_.labels is not None
    assert st_.labels.tolist() == list(QUADRANTS)
    assert st_.reasons_of("A0") == ("high_contribution", "high_strategic")
    assert st_.reasons_of("A1") == ("high_strategic",)
    assert st_.reasons_of("A2") == ("high_contribution",)
    assert st_.reasons_of("A3") == ()


def test_score_is_strategic_importance_with_weights() -> None:
    t = _table([1.0], [[10.0, 4.0, 0.0]])
    vm = ValueMatrix(y_weights=[2, 1, 1], x_cut=0.0, y_cut=0.0)
    st_ = vm.score(t)
    assert st_.scores.tolist() == [6.0]
    assert st_.explain("A0").contributions == (
        ("strategic_fit", 5.0),
        ("value_potential", 1.0),
        ("resource_complementarity", 0.0),
    )


def test_any_feature_on_either_axis() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"revenue": [1.0, 9.0], "nps": [50.0, -10.0]})
    st_ = ValueMatrix("revenue", ["nps"], x_cut=5.0, y_cut=0.0).score(t)
    assert st_.labels is not None
    assert st_.labels.tolist() == ["potential", "profit"]


def test_pinned_cuts_survive_fit() -> None:
    """Pinned means pinned: ``ValueMatrix(x_cut=100.0).fit(t)`` used to re-learn the cut."""
    t = _table([10.0, 20.0, 30.0], [[1, 1, 1], [2, 2, 2], [3, 3, 3]])
    pinned = ValueMatrix(x_cut=25.0, y_cut=1.5)
    assert pinned.is_fitted
    assert pinned.score(t).label_of("A1") == "potential"
    assert pinned.fit(t) == pinned
    half = ValueMatrix(x_cut=25.0).fit(t)  # only the unset cut is learned
    assert (half.x_cut, half.y_cut) == (25.0, 2.0)
    fitted = ValueMatrix().fit(t)
    assert (fitted.x_cut, fitted.y_cut) == (20.0, 2.0)
    other = _table([0.0, 1.0, 2.0], [[9, 9, 9], [9, 9, 9], [9, 9, 9]])
    reloaded = ValueMatrix.from_config(fitted.get_config())
    assert reloaded.fit(other) == fitted  # a pinned config stays pinned through a nightly fit


def test_absolute_cuts_survive_fit() -> None:
    t = _table([10.0, 20.0, 30.0], [[1, 1, 1], [2, 2, 2], [3, 3, 3]])
    vm = ValueMatrix(quantile=None, x_cut=25.0, y_cut=1.5)
    assert vm.fit(t) == vm


def test_quantile_configurable() -> None:
    t = _table([float(v) for v in range(101)], [[v / 10] * 3 for v in range(101)])
    vm = ValueMatrix(quantile=0.8).fit(t)
    assert vm.x_cut == pytest.approx(80.0)
    assert vm.y_cut == pytest.approx(8.0)


def test_missing_policies() -> None:
    t = _table([1.0, 2.0], [[None, 4.0, 6.0], [1.0, 1.0, 1.0]])
    with pytest.raises(InvalidValueError, match=r"strategic_fit.*renormalise.*'A0'"):
        ValueMatrix(x_cut=0.0, y_cut=0.0).score(t)
    st_ = ValueMatrix(x_cut=0.0, y_cut=0.0, missing="renormalise").score(t)
    assert st_.scores.tolist() == [5.0, 1.0]
    assert st_.coverage.tolist() == pytest.approx([2 / 3, 1.0])
    assert st_.reasons_of("A0") == ("high_contribution", "high_strategic", "partial_strategic")
    assert st_.contributions.sum(axis=1).tolist() == [5.0, 1.0]
    nothing = _table([1.0], [[None, None, None]])
    with pytest.raises(InvalidValueError, match="no strategic attribute"):
        ValueMatrix(x_cut=0.0, y_cut=0.0, missing="renormalise").score(nothing)
    no_profit = FeatureTable.from_columns(["A"], {"profit": [None], **{n: [1.0] for n in Y}})
    with pytest.raises(InvalidValueError, match="contribution axis"):
        ValueMatrix(x_cut=0.0, y_cut=0.0, missing="renormalise").score(no_profit)


def test_unfitted_and_missing_column() -> None:
    t = _table([1.0], [[1, 1, 1]])
    with pytest.raises(NotFittedError, match="x_cut"):
        ValueMatrix().score(t)
    with pytest.raises(MissingFeatureError, match="'profit'"):
        ValueMatrix(x_cut=0, y_cut=0).score(t.select(list(Y)))
    with pytest.raises(InvalidValueError, match="at least one row"):
        ValueMatrix().fit(t.take([]))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"quantile": 0.0}, InvalidValueError, r"ValueMatrix.quantile: .*\(0, 1\); got 0.0"),
        ({"quantile": 1}, InvalidValueError, r"ValueMatrix.quantile.*got 1"),
        ({"quantile": "0.5"}, InvalidTypeError, r"ValueMatrix.quantile: must be a real"),
        ({"quantile": None}, InvalidValueError, r"give both x_cut and y_cut"),
        ({"y_weights": [1, -1, 1]}, InvalidValueError, r"y_weights\[1\].*got -1"),
        ({"y_weights": [0, 0, 0]}, InvalidValueError, r"positive weight"),
        ({"y_weights": [1, 1]}, InvalidValueError, r"3 weights"),
        ({"y_features": []}, InvalidValueError, r"at least one"),
        ({"y_features": ["a", "a"]}, InvalidValueError, r"repeat"),
        ({"y_features": "abc"}, InvalidTypeError, r"y_features.*tuple"),
        ({"x_feature": ""}, InvalidValueError, r"x_feature"),
        ({"x_cut": float("nan")}, InvalidValueError, r"x_cut.*finite.*nan"),
        ({"naming": "ABC"}, InvalidValueError, r"naming.*'ABC'"),
        ({"missing": "zero"}, InvalidValueError, r"missing.*'zero'"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        ValueMatrix(**kwargs)  # type: ignore[arg-type]


def test_config_round_trip_and_untrusted_config() -> None:
    vm = ValueMatrix(y_weights=[1, 2, 3], x_cut=1.0, y_cut=2.0, naming="abcd")
    cfg = json.loads(json.dumps(vm.get_config()))
    assert ValueMatrix.from_config(cfg) == vm
    with pytest.raises(InvalidValueError, match="is not a field of ValueMatrix"):
        ValueMatrix.from_config({**cfg, "evil": 1})
    with pytest.raises(InvalidValueError, match="scorer"):
        ValueMatrix.from_config({**cfg, "scorer": "weighted_points"})
    with pytest.raises(InvalidTypeError):
        ValueMatrix.from_config([1, 2])  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="nan"):
        ValueMatrix.from_config({**cfg, "y_cut": float("nan")})


@pytest.mark.parametrize(
    "vm",
    [
        ValueMatrix(),
        ValueMatrix(naming="abcd", quantile=0.3),
        ValueMatrix(missing="renormalise", y_weights=[0, 1, 2]),
        ValueMatrix(quantile=None, x_cut=1e5, y_cut=5.0),
    ],
    ids=["default", "abcd", "renormalise", "absolute"],
)
def test_conformance(vm: ValueMatrix) -> None:
    check_scorer(vm)


finite = st.floats(-1e6, 1e6, allow_nan=False)
points = st.floats(0, 10, allow_nan=False)


@given(
    st.lists(st.tuples(finite, points, points, points), min_size=1, max_size=40),
    st.floats(0.05, 0.95),
)
@example([(0.0, 5.0, 5.0, 5.0)], 0.5)
def test_partition_is_total_and_boundary_rule(
    rows: list[tuple[float, float, float, float]], q: float
) -> None:
    t = _table([r[0] for r in rows], [list(r[1:]) for r in rows])
    vm = ValueMatrix(quantile=q).fit(t)
    st_ = vm.score(t)
    assert st_.labels is not None
    labels = st_.labels.tolist()
    assert len(labels) == len(rows)
    assert set(labels) <= set(QUADRANTS)
    assert vm.x_cut is not None
    assert vm.y_cut is not None
    x = t.column("profit")
    high_x = x >= vm.x_cut
    high_y = st_.scores >= vm.y_cut
    for lab, hx, hy in zip(labels, high_x, high_y, strict=True):
        assert lab == QUADRANTS[(0 if hx else 1) + (0 if hy else 2)]
    np.testing.assert_allclose(st_.contributions.sum(axis=1), st_.scores, rtol=1e-9, atol=1e-12)
    assert st_.margin is not None
    assert (st_.margin >= 0).all()


@given(st.lists(st.tuples(finite, points, points, points), min_size=2, max_size=30), st.randoms())
def test_permutation_invariance(rows: list[tuple[float, float, float, float]], rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    t = _table([r[0] for r in rows], [list(r[1:]) for r in rows])
    vm = ValueMatrix().fit(t)
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    full = vm.score(t)
    part = vm.score(t.take(perm))
    assert part.labels is not None
    assert full.labels is not None
    assert part.labels.tolist() == full.labels[perm].tolist()
    np.testing.assert_allclose(part.scores, full.scores[perm], rtol=1e-12)


def test_blend_on_the_cut_is_batch_independent() -> None:
    """Review #1 for the matrix: weights 17:1:11 make the blend of 0.5s round below 0.5.

    Alone (fast path) and next to a row with a missing attribute (renormalising path), the
    account gets the same label, the same reasons and coverage exactly 1.
    """
    vm = ValueMatrix(
        "p", ["a", "b", "c"], [17, 1, 11], quantile=None, x_cut=0, y_cut=0.5,
        missing="renormalise",
    )  # fmt: skip
    alone = vm.score(
        FeatureTable.from_columns(["A"], {"p": [1], "a": [0.5], "b": [0.5], "c": [0.5]})
    )
    batch = vm.score(
        FeatureTable.from_columns(
            ["A", "B"], {"p": [1, 1], "a": [0.5, None], "b": [0.5, 0.1], "c": [0.5, 0.2]}
        )
    )
    assert alone.labels is not None
    assert batch.labels is not None
    assert alone.scores[0] == batch.scores[0]  # the same bits, so the same verdict
    assert alone.labels[0] == batch.labels[0]
    assert alone.reasons_of("A") == batch.reasons_of("A")
    assert batch.coverage[0] == 1.0
    # the verdict is the exact ``>=`` of those bits: no tolerance hides anything
    assert (alone.labels[0] == "strategic") == bool(alone.scores[0] >= 0.5)


def test_explanation_says_which_attributes_are_missing() -> None:
    vm = ValueMatrix(missing="renormalise", x_cut=0.0, y_cut=5.0)
    res = vm.score(_table([1.0, 2.0], [[5.0, None, 5.0], [5.0, 5.0, 5.0]]))
    ids = res.ids.tolist()
    assert res.explain(ids[0]).missing == ("value_potential",)
    assert res.explain(ids[1]).missing == ()
    assert re.search(r"^  value_potential +missing ", str(res.explain(ids[0])), re.M)


def test_bad_input_gets_typed_errors() -> None:
    with pytest.raises(InvalidTypeError, match=r"kamlib\.FeatureTable"):
        ValueMatrix().fit(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"kamlib\.FeatureTable"):
        ValueMatrix(x_cut=1.0, y_cut=1.0).score("abc")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="label"):
        ValueMatrix().policy(["a"])  # type: ignore[arg-type]


def test_the_largest_accepted_values_give_finite_cuts_and_margins() -> None:
    """Review #17 (+-1e308 overflowed): tables now stop at MAX_MAGNITUDE (1e15)."""
    t = _table([1e15, -1e15, 0.0], [[1e15] * 3, [-1e15] * 3, [0.0] * 3])
    vm = ValueMatrix().fit(t)
    assert (vm.x_cut, vm.y_cut) == (0.0, 0.0)
    res = vm.score(t)
    assert res.labels is not None
    assert res.labels.tolist() == ["strategic", "ordinary", "strategic"]
    assert res.margin is not None
    assert res.margin.tolist() == [1e15, 1e15, 0.0]
    with pytest.raises(InvalidValueError, match="magnitude"):
        _table([1e308, 0.0, 0.0], [[0.0] * 3] * 3)
