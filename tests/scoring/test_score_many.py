"""score_many: many weight vectors in one call, each row equal to a pinned score, to the bit.

``score_many(table, W)[s]`` must equal ``score(table).scores`` of the scorer with its raw
weights pinned to ``W[s]``, compared with ``np.array_equal``: every mapping, direction,
clip, missing-data policy and weight vector (zeros, huge and tiny ones included).
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from numpy.typing import NDArray

from kamlib import FeatureTable
from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    MissingFeatureError,
    NotFittedError,
)
from kamlib.scoring import (
    Bands,
    Criterion,
    MinMax,
    Percentile,
    Piecewise,
    ValueMatrix,
    WeightedPoints,
)
from kamlib.scoring._kernel import MANY_CELLS
from kamlib.testing import synthetic_table

FloatArray = NDArray[np.float64]
_FEATURES = ("f0", "f1", "f2", "f3", "f4")


def _pinned_wp(wp: WeightedPoints, w: FloatArray) -> WeightedPoints:
    crit = [attrs.evolve(c, weight=float(x)) for c, x in zip(wp.criteria, w, strict=True)]
    return attrs.evolve(wp, criteria=crit)


def _pinned_vm(vm: ValueMatrix, w: FloatArray) -> ValueMatrix:
    return attrs.evolve(vm, y_weights=tuple(float(x) for x in w))


def _mapping(kind: str) -> Any:
    return {
        "minmax": MinMax(),
        "minmax_pinned": MinMax(2.0, 7.0),
        "minmax_noclip": MinMax(1.0, 6.0, clip=False),
        "minmax_far": MinMax(1e6, 1e6 + 3.0),  # intercept too large to fold: mapped
        "minmax_flat": MinMax(4.0, 4.0),
        "percentile": Percentile(n_knots=5),
        "bands": Bands([2.0, 5.0], [0.0, 4.0, 10.0]),
        "piecewise": Piecewise([0.0, 3.0, 10.0], [0.0, 7.0, 10.0]),
    }[kind]


_KINDS = (
    "minmax",
    "minmax_pinned",
    "minmax_noclip",
    "minmax_far",
    "minmax_flat",
    "percentile",
    "bands",
    "piecewise",
)
_weights = st.one_of(
    st.floats(0.0, 10.0),
    st.sampled_from([0.0, 1e15, 5e-324, 1e-300, 1.0, 0.1, 1 / 3]),
)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[WeightedPoints, FeatureTable, FloatArray]:
    c = draw(st.integers(1, len(_FEATURES)))
    n = draw(st.integers(1, 30))
    kinds = draw(st.lists(st.sampled_from(_KINDS), min_size=c, max_size=c))
    cost = draw(st.lists(st.booleans(), min_size=c, max_size=c))
    policy = draw(st.sampled_from(["renormalise", "penalty", "fill", "raise"]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 11.0, (n, c)).round(draw(st.sampled_from([0, 2, 12])))
    if kinds.count("minmax_far"):
        X[:, [j for j, k in enumerate(kinds) if k == "minmax_far"]] += 1e6
    share = draw(st.sampled_from([0.0, 0.0, 0.2, 0.5]))
    M = rng.random((n, c)) < share
    M[0] = False  # something to fit on, in every column
    names = list(_FEATURES[:c])
    table = FeatureTable.from_columns(
        [f"A{i:02d}" for i in range(n)],
        {f: X[:, j] for j, f in enumerate(names)},
        missing={f: M[:, j] for j, f in enumerate(names)},
    )
    crit = [
        Criterion(f, 1.0, direction="cost" if cost[j] else "benefit", mapping=_mapping(kinds[j]))
        for j, f in enumerate(names)
    ]
    wp = WeightedPoints(
        crit, missing=policy, fill_points=3.5 if policy == "fill" else None, threshold=5.0
    ).fit(table)
    S = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(_weights, min_size=c, max_size=c), min_size=S, max_size=S))
    W = np.array(rows, dtype=np.float64).reshape(S, c)
    W[~(W > 0).any(axis=1), 0] = 1.0
    return wp, table, W


def _same_as_pinned(many: Any, pinned_scores: list[Any]) -> None:
    for s, expected in enumerate(pinned_scores):
        assert np.array_equal(many[s], expected), s


@given(_cases())
@example(
    (
        WeightedPoints([Criterion("f0", mapping=MinMax(0.0, 1.0))]),
        FeatureTable.from_columns(["A"], {"f0": [0.5]}),
        np.array([[1e15], [5e-324]]),
    )
)
def test_weighted_points_rows_equal_pinned_scores_to_the_bit(
    case: tuple[WeightedPoints, FeatureTable, FloatArray],
) -> None:
    wp, table, W = case
    outcomes: list[Any] = []
    for w in W:
        try:
            outcomes.append(_pinned_wp(wp, w).score(table).scores)
        except KamlibError as e:
            outcomes.append(e)
    errors = [e for e in outcomes if isinstance(e, KamlibError)]
    if not errors:
        many = wp.score_many(table, W)
        assert many.shape == (W.shape[0], len(table))
        _same_as_pinned(many, outcomes)
        return
    with pytest.raises(KamlibError) as info:
        wp.score_many(table, W)
    err = info.value
    assert isinstance(err, InvalidValueError)
    match = re.search(r"weights\[(\d+)\]", err.reason)
    if match is None:  # refused whatever the weights (missing='raise')
        assert all(type(e) is type(err) and str(e) == str(err) for e in errors)
    else:  # the row it names: score with that row pinned refuses the same account
        pinned = outcomes[int(match.group(1))]
        assert isinstance(pinned, InvalidValueError)
        assert (pinned.path, pinned.value) == (err.path, err.value)


@st.composite
def _vm_cases(draw: st.DrawFn) -> tuple[ValueMatrix, FeatureTable, FloatArray]:
    c = draw(st.integers(1, 4))
    n = draw(st.integers(1, 30))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    names = [f"y{j}" for j in range(c)]
    Y = rng.uniform(0.0, 10.0, (n, c)).round(draw(st.sampled_from([0, 1, 12])))
    share = draw(st.sampled_from([0.0, 0.3]))
    M = rng.random((n, c)) < share
    table = FeatureTable.from_columns(
        [f"A{i:02d}" for i in range(n)],
        {"x": rng.uniform(0, 1, n), **{f: Y[:, j] for j, f in enumerate(names)}},
        missing={f: M[:, j] for j, f in enumerate(names)},
    )
    vm = ValueMatrix("x", names, missing="renormalise", x_cut=0.5, y_cut=5.0)
    S = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(_weights, min_size=c, max_size=c), min_size=S, max_size=S))
    W = np.array(rows, dtype=np.float64).reshape(S, c)
    W[~(W > 0).any(axis=1), 0] = 1.0
    return vm, table, W


@given(_vm_cases())
def test_value_matrix_rows_equal_pinned_axes_to_the_bit(
    case: tuple[ValueMatrix, FeatureTable, FloatArray],
) -> None:
    vm, table, W = case
    outcomes: list[Any] = []
    for w in W:
        try:
            outcomes.append(_pinned_vm(vm, w).score(table).scores)
        except KamlibError as e:
            outcomes.append(e)
    if not any(isinstance(e, KamlibError) for e in outcomes):
        _same_as_pinned(vm.score_many(table, W), outcomes)
        return
    with pytest.raises(InvalidValueError, match=r"under weights\[(\d+)\]") as info:
        vm.score_many(table, W)
    s = int(re.findall(r"weights\[(\d+)\]", info.value.reason)[0])
    pinned = outcomes[s]
    assert isinstance(pinned, InvalidValueError)
    assert pinned.value == info.value.value


def test_blocks_of_samples_and_accounts_change_no_bit() -> None:
    """Wider than one block of accounts, more weight rows than one block of samples."""
    n = MANY_CELLS + 123
    names = ["revenue", "profit", "nps"]
    table = synthetic_table(names, n, seed=3)
    wp = WeightedPoints([Criterion(f, 1.0 + j) for j, f in enumerate(names)]).fit(table)
    W = np.random.default_rng(4).dirichlet(np.ones(3), 3)
    many = wp.score_many(table, W)
    _same_as_pinned(many, [_pinned_wp(wp, w).score(table).scores for w in W])
    small = synthetic_table(names, 7, seed=5)
    W2 = np.random.default_rng(6).dirichlet(np.ones(3), MANY_CELLS // 7 + 5)
    many2 = wp.score_many(small, W2)
    assert many2.shape == (W2.shape[0], 7)
    for s in (0, MANY_CELLS // 7, W2.shape[0] - 1):  # first, across and last block
        assert np.array_equal(many2[s], _pinned_wp(wp, W2[s]).score(small).scores)


def test_the_scorers_own_weights_give_its_own_scores() -> None:
    table = synthetic_table(["revenue", "profit"], 50, seed=1)
    wp = WeightedPoints([Criterion("revenue", 3.0), Criterion("profit", 1.0)]).fit(table)
    own = np.array([[c.weight for c in wp.criteria]])
    assert np.array_equal(wp.score_many(table, own)[0], wp.score(table).scores)
    vm = ValueMatrix(y_weights=[2.0, 1.0, 0.5]).fit(
        synthetic_table(ValueMatrix().required_features)
    )
    t2 = synthetic_table(vm.required_features, 40, seed=2)
    assert np.array_equal(vm.score_many(t2, [vm.y_weights])[0], vm.score(t2).scores)


def test_inputs_are_not_mutated_and_the_result_is_owned() -> None:
    table = synthetic_table(["revenue", "profit"], 20, seed=1)
    wp = WeightedPoints([Criterion("revenue"), Criterion("profit")]).fit(table)
    W = np.array([[1.0, 2.0], [0.0, 1.0]])
    before = W.copy()
    out = wp.score_many(table, W)
    assert np.array_equal(W, before)
    assert out.flags.writeable
    assert out.flags.owndata or out.base is not None  # a fresh array, not a view of W
    assert not np.shares_memory(out, W)


def test_no_weight_rows_and_no_accounts() -> None:
    table = synthetic_table(["revenue"], 5, seed=1)
    wp = WeightedPoints([Criterion("revenue", mapping=MinMax(0.0, 1.0))])
    assert wp.score_many(table, np.empty((0, 1))).shape == (0, 5)
    assert wp.score_many(table.take([]), [[1.0]]).shape == (1, 0)


_WP = WeightedPoints([Criterion("a", mapping=MinMax(0.0, 1.0)), Criterion("b", 2.0)])
_T = FeatureTable.from_columns(["A", "B"], {"a": [0.1, 0.9], "b": [3.0, 4.0]})


@pytest.mark.parametrize(
    ("weights", "error", "path", "value"),
    [
        ([[1.0, -1.0]], InvalidValueError, "WeightedPoints.score_many.weights[0, 1]", -1.0),
        (
            [[1.0, 2.0], [0.0, 0.0]],
            InvalidValueError,
            "WeightedPoints.score_many.weights[1]",
            [0.0, 0.0],
        ),
        ([[np.nan, 1.0]], InvalidValueError, "WeightedPoints.score_many.weights[0, 0]", None),
        ([[np.inf, 1.0]], InvalidValueError, "WeightedPoints.score_many.weights[0, 0]", np.inf),
        ([[2e15, 1.0]], InvalidValueError, "WeightedPoints.score_many.weights[0, 0]", 2e15),
        ([1.0, 2.0], InvalidValueError, "WeightedPoints.score_many.weights", (2,)),
        ([[1.0, 2.0, 3.0]], InvalidValueError, "WeightedPoints.score_many.weights", (1, 3)),
        ([["1", "2"]], InvalidTypeError, "WeightedPoints.score_many.weights", [["1", "2"]]),
        ([[True, False]], InvalidTypeError, "WeightedPoints.score_many.weights", [[True, False]]),
        ([[1.0, None]], InvalidTypeError, "WeightedPoints.score_many.weights", [[1.0, None]]),
    ],
)
def test_bad_weights_are_named_by_cell_or_row(
    weights: Any, error: type[Exception], path: str, value: Any
) -> None:
    wp = _WP.fit(_T)
    with pytest.raises(error) as info:
        wp.score_many(_T, weights)
    err = info.value
    assert isinstance(err, InvalidValueError | InvalidTypeError)
    assert err.path == path
    assert path in str(err)
    if value is None:
        assert isinstance(err.value, float)
        assert np.isnan(err.value)
    else:
        assert err.value == value


def test_ragged_weights_are_a_type_error() -> None:
    with pytest.raises(InvalidTypeError, match=r"score_many\.weights"):
        _WP.fit(_T).score_many(_T, [[1.0, 2.0], [1.0]])


def test_the_table_is_checked_like_score() -> None:
    with pytest.raises(NotFittedError, match=r"criteria\[1\]\.mapping"):
        _WP.score_many(_T, [[1.0, 1.0]])
    with pytest.raises(MissingFeatureError, match="'b'"):
        _WP.fit(_T).score_many(_T.select(["a"]), [[1.0, 1.0]])
    with pytest.raises(InvalidTypeError, match="FeatureTable"):
        _WP.fit(_T).score_many("not a table", [[1.0, 1.0]])  # type: ignore[arg-type]
    gap = FeatureTable.from_columns(["A", "B"], {"a": [0.1, None], "b": [3.0, 4.0]})
    raising = attrs.evolve(_WP.fit(_T), missing="raise")
    with pytest.raises(InvalidValueError, match="missing='raise'") as info:
        raising.score_many(gap, [[1.0, 1.0]])
    assert info.value.value == "B"


def test_an_account_left_without_weight_is_named_with_the_row() -> None:
    gap = FeatureTable.from_columns(["A", "B"], {"a": [0.1, None], "b": [3.0, 4.0]})
    wp = _WP.fit(_T)
    ok = wp.score_many(gap, [[1.0, 1.0]])  # B keeps b
    assert np.isfinite(ok).all()
    with pytest.raises(InvalidValueError, match=r"under weights\[1\]") as info:
        wp.score_many(gap, [[1.0, 1.0], [1.0, 0.0]])  # B's only observed criterion weighs 0
    assert (info.value.path, info.value.value) == ("weighted_points.table", "B")
    vm = ValueMatrix("a", ["b", "c"], missing="renormalise", x_cut=0.5, y_cut=5.0)
    t = FeatureTable.from_columns(["A", "B"], {"a": [0.1, 0.2], "b": [1.0, None], "c": [2, 3]})
    with pytest.raises(InvalidValueError, match=r"under weights\[0\]") as info:
        vm.score_many(t, [[1.0, 0.0]])
    assert info.value.value == "B"
    with pytest.raises(InvalidValueError, match=r"ValueMatrix\.score_many\.weights"):
        vm.score_many(t, [[1.0, 0.0, 2.0]])


# weights whose normalised shares leave 1 - (missing shares) at 1.1e-16, not 0 (review #4)
_ZERO_FIRST = [0.0, 0.30671477163201094, 0.42846034898568186, 0.03803647443400834]


def test_score_many_refuses_an_account_observed_only_at_weight_zero() -> None:
    t = FeatureTable.from_columns(
        ["A", "B"],
        {"x0": [5.0, 5.0], "x1": [None, 5.0], "x2": [None, 5.0], "x3": [None, 5.0]},
    )
    wp = WeightedPoints(
        [Criterion(f"x{j}", w, mapping=MinMax(0, 10)) for j, w in enumerate(_ZERO_FIRST)],
        missing="renormalise",
    )
    with pytest.raises(
        InvalidValueError, match=r"no observed criterion .* under weights\[0\]"
    ) as info:
        wp.score_many(t, [_ZERO_FIRST])
    assert info.value.value == "A"
    # a positive weight observed keeps the account, however small its share rounds
    tiny = attrs.evolve(
        wp, criteria=[attrs.evolve(wp.criteria[0], weight=1e-300), *wp.criteria[1:]]
    )
    assert (
        tiny.score(t).scores.tolist()
        == tiny.score_many(t, [[1e-300, *_ZERO_FIRST[1:]]])[0].tolist()
    )


def test_a_non_finite_score_is_refused_as_score_refuses_it() -> None:
    t = FeatureTable.from_columns(["A", "B", "C"], {"x0": [1e10, 1.0, 2.0], "x1": [1.0, 2.0, 3.0]})
    wp = WeightedPoints(
        [Criterion("x0", mapping=MinMax(0, 1e-300, clip=False)), Criterion("x1")]
    ).fit(t)
    with pytest.raises(InvalidValueError, match="must be finite") as info:
        wp.score(t)
    assert info.value.path == "ScoreTable.scores[0]"
    with pytest.raises(InvalidValueError, match=r"account 'A', under weights\[1\]") as info:
        wp.score_many(t, [[0.0, 1.0], [1.0, 1.0]])  # row 0 is finite: x0 weighs 0
    assert info.value.path == "ScoreTable.scores[0]"
