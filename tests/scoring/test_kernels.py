"""The scoring kernels, tested on exact values and edge cases.

These tests were written against the mutants that survived the rest of the suite
(docs/testing.md, "Mutation score"): every assertion is on bits, not on closeness, because
the kernels promise the same bits for a row alone, in a batch and in any block.
"""

from __future__ import annotations

import platform
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as hst
from numpy.typing import NDArray

from kamlib import FeatureTable
from kamlib.errors import InvalidValueError, MissingFeatureError, NotFittedError
from kamlib.scoring import (
    Bands,
    Criterion,
    HealthModel,
    Measure,
    MinMax,
    Node,
    ValueMatrix,
    WeightedPoints,
)
from kamlib.scoring._kernel import BLOCK_ROWS, interp, observed_share, quantiles, row_weights


def _list(a: NDArray[Any] | None) -> list[Any]:
    assert a is not None
    return list(a.tolist())


# ---------------------------------------------------------------------------- row_weights
def test_row_weights_row_with_no_observed_weight_is_all_zeros() -> None:
    # Row 1 observes only the zero-weight component, row 2 observes nothing.
    missing = np.array([[False, False], [False, True], [True, True]])
    w = row_weights([0.0, 2.0], missing, renormalise=True)
    assert w.tolist() == [[0.0, 1.0], [0.0, 0.0], [0.0, 0.0]]
    kept = row_weights([0.0, 2.0], missing, renormalise=False)
    assert kept.tolist() == [[0.0, 1.0], [0.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize("weights", [[1.0] * 9, [0.1, 0.2, 0.7], [3.0, 0.0, 1e-3, 7.0]])
@pytest.mark.parametrize("renormalise", [True, False])
def test_row_weights_complete_rows_equal_the_constant_weights(
    weights: list[float], renormalise: bool
) -> None:
    k = len(weights)
    missing = np.zeros((4, k), dtype=np.bool_)
    missing[1, 0] = True
    missing[3, :] = True
    const = row_weights(weights, None, renormalise=renormalise)
    assert const.dtype == np.float64
    per_row = row_weights(weights, missing, renormalise=renormalise)
    assert per_row.shape == (4, k)
    assert np.array_equal(per_row[0], const)
    assert np.array_equal(per_row[2], const)
    assert per_row[3].tolist() == [0.0] * k


# ---------------------------------------------------------------------------- quantiles
def test_quantile_half_way_is_taken_from_the_upper_end_like_numpy() -> None:
    # a + (b - a) / 2 and b - (b - a) / 2 differ in the last bit here; numpy takes the latter.
    v = np.array([0.7, 0.1])
    assert quantiles(v, [0.5]).tolist() == [0.39999999999999997]
    assert quantiles(v, [0.5, 0.5]).tolist() == [0.39999999999999997] * 2
    assert quantiles(np.array([0.3, 1.1]), [0.5]).tolist() == [0.7000000000000001]


def test_quantile_of_two_values_interpolates() -> None:
    assert quantiles(np.array([3.0, 1.0]), [0.5]).tolist() == [2.0]
    assert quantiles(np.array([3.0, 1.0]), [0.25]).tolist() == [1.5]


def test_two_quantiles_at_once() -> None:
    v = np.array([9.0, 1.0, 7.0, 3.0, 5.0])
    assert quantiles(v, [0.25, 0.75]).tolist() == [3.0, 7.0]
    assert quantiles(v, [0.75, 0.1]).tolist() == [7.0, 1.8]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 13, 100])
def test_quantiles_equal_numpy_bit_for_bit(n: int) -> None:
    rng = np.random.default_rng(n)
    v = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)
    before = v.copy()
    probs = [0.0, 1.0, 0.5, 0.25, 0.75, 0.1, 0.9, 1 / 3, 0.999, 1e-9]
    expected = np.quantile(v, probs)
    assert np.array_equal(quantiles(v, probs), expected)
    for p, e in zip(probs, expected, strict=True):  # one at a time: the single-point path
        assert quantiles(v, [p]).tolist() == [e]
    for i in range(len(probs) - 1):  # in pairs: the multi-point path
        assert np.array_equal(quantiles(v, probs[i : i + 2]), expected[i : i + 2])
    assert np.array_equal(v, before)  # not modified


def test_quantile_endpoints_are_min_and_max() -> None:
    v = np.array([2.5, -1.0, 7.25, 0.0])
    assert quantiles(v, [0.0, 1.0]).tolist() == [-1.0, 7.25]
    assert quantiles(v, [1.0]).tolist() == [7.25]
    assert quantiles(v, [0.0]).tolist() == [-1.0]
    assert quantiles(np.array([4.0]), [0.0, 0.5, 1.0]).tolist() == [4.0, 4.0, 4.0]


# ---------------------------------------------------------------------------- observed_share
def test_observed_share_of_a_row_missing_everything_is_exactly_zero() -> None:
    # Nine equal weights of 1/9 add up to 1.0000000000000002: the share must not go below 0.
    missing = np.array([[True] * 9, [False] * 9, [True] * 8 + [False]])
    share = observed_share([1.0] * 9, missing)
    assert share[0] == 0.0
    assert share[1] == 1.0
    assert share[2] == pytest.approx(1 / 9)
    assert share.dtype == np.float64


def test_observed_share_counts_only_the_missing_weight() -> None:
    missing = np.array([[True, False, False], [False, True, True], [False, False, False]])
    assert observed_share([2.0, 1.0, 1.0], missing).tolist() == [0.5, 0.5, 1.0]
    assert observed_share([0.0, 1.0, 1.0], missing).tolist() == [1.0, 0.0, 1.0]


# ---------------------------------------------------------------------------- value matrix
def _vm_table(**cols: list[float | None]) -> FeatureTable:
    n = len(next(iter(cols.values())))
    return FeatureTable.from_columns([f"V{i}" for i in range(n)], cols)


def test_value_matrix_blend_of_one_attribute_is_the_attribute() -> None:
    t = _vm_table(p=[1.0, 2.0], s=[0.3, 7.0])
    st = ValueMatrix("p", ["s"], quantile=None, x_cut=0.0, y_cut=1.0).score(t)
    assert st.scores.tolist() == [0.3, 7.0]
    assert st.contributions.tolist() == [[0.3], [7.0]]
    assert _list(st.labels) == ["profit", "strategic"]


def test_value_matrix_renormalised_contributions_survive_take() -> None:
    t = _vm_table(p=[1.0, 2.0, 3.0], s=[4.0, None, 6.0], r=[1.0, 2.0, None])
    vm = ValueMatrix("p", ["s", "r"], quantile=None, x_cut=0.0, y_cut=0.0, missing="renormalise")
    whole = vm.score(t)
    assert whole.scores.tolist() == [2.5, 2.0, 6.0]
    assert whole.coverage.tolist() == [1.0, 0.5, 0.5]
    sub = vm.score(t).take([2, 0])  # before the lazy contributions are read
    assert sub.contributions.tolist() == [[6.0, 0.0], [2.0, 0.5]]
    assert np.array_equal(sub.contributions, whole.contributions[[2, 0]])


@pytest.mark.parametrize("missing", ["raise", "renormalise"])
def test_value_matrix_ignores_missing_values_in_columns_it_does_not_read(missing: str) -> None:
    cols: dict[str, list[float | None]] = {"p": [5.0, 1.0], "s": [2.0, 8.0], "r": [4.0, 0.5]}
    plain = _vm_table(**cols)
    noisy = _vm_table(**cols, other=[None, 1.0])
    vm = ValueMatrix("p", ["s", "r"], quantile=None, x_cut=2.0, y_cut=3.0, missing=missing)
    a, b = vm.score(plain), vm.score(noisy)
    assert np.array_equal(a.scores, b.scores)
    assert np.array_equal(a.contributions, b.contributions)
    assert b.coverage.tolist() == [1.0, 1.0]
    assert b.component_missing is None
    assert _list(b.labels) == ["strategic", "potential"]


def test_value_matrix_margin_is_the_scores_distance_to_its_cut() -> None:
    t = _vm_table(p=[10.5, 3.0, 20.0], s=[8.0, 9.0, 5.25])
    st = ValueMatrix("p", ["s"], quantile=None, x_cut=10.0, y_cut=5.0).score(t)
    assert _list(st.margin) == [3.0, 4.0, 0.25]  # |y - y_cut|: never money mixed with points


def test_value_matrix_refuses_an_account_without_any_strategic_attribute() -> None:
    t = _vm_table(p=[1.0, 2.0, 3.0], s=[4.0, None, 6.0], r=[1.0, None, None])
    vm = ValueMatrix("p", ["s", "r"], quantile=None, x_cut=0.0, y_cut=0.0, missing="renormalise")
    with pytest.raises(InvalidValueError) as info:
        vm.score(t)
    assert (info.value.path, info.value.value) == ("value_matrix.table", "V1")


def test_value_matrix_refuses_a_missing_contribution_naming_the_account() -> None:
    t = _vm_table(p=[1.0, None, None], s=[4.0, 5.0, 6.0])
    vm = ValueMatrix("p", ["s"], quantile=None, x_cut=0.0, y_cut=0.0, missing="renormalise")
    with pytest.raises(InvalidValueError) as info:
        vm.score(t)
    assert (info.value.path, info.value.value) == ("value_matrix.table['p']", "V1")


def test_value_matrix_missing_feature_names_the_scorer() -> None:
    t = _vm_table(p=[1.0])
    for call in (ValueMatrix("p", ["s"]).fit, ValueMatrix("p", ["s"], x_cut=0, y_cut=0).score):
        with pytest.raises(MissingFeatureError) as info:
            call(t)
        assert (info.value.path, info.value.value) == ("value_matrix.table", "s")


def test_value_matrix_fit_keeps_a_pinned_cut_and_learns_the_other() -> None:
    t = _vm_table(p=[1.0, 2.0, 3.0, 10.0], s=[0.0, 2.0, 4.0, 6.0])
    assert ValueMatrix("p", ["s"], y_cut=7.0).fit(t).get_config()["x_cut"] == 2.5
    assert ValueMatrix("p", ["s"], y_cut=7.0).fit(t).y_cut == 7.0
    assert ValueMatrix("p", ["s"], x_cut=-1.0).fit(t).x_cut == -1.0
    assert ValueMatrix("p", ["s"], x_cut=-1.0).fit(t).y_cut == 3.0


def test_value_matrix_fit_of_a_pinned_matrix_reads_no_row() -> None:
    pinned = ValueMatrix("p", ["s"], x_cut=1.0, y_cut=2.0)
    empty = FeatureTable.from_columns([], {"p": [], "s": []})
    assert pinned.fit(empty) == pinned
    gappy = _vm_table(p=[None, 1.0], s=[1.0, 2.0])  # scoring would refuse it; fitting reads none
    assert pinned.fit(gappy) == pinned


def test_value_matrix_fit_on_an_empty_table_is_refused() -> None:
    empty = FeatureTable.from_columns([], {"p": [], "s": []})
    with pytest.raises(InvalidValueError) as info:
        ValueMatrix("p", ["s"]).fit(empty)
    assert (info.value.path, info.value.value) == ("value_matrix.fit.table", 0)


@pytest.mark.parametrize(("x_cut", "y_cut"), [(1.0, None), (None, 1.0), (None, None)])
def test_value_matrix_scores_only_with_both_cuts(x_cut: float | None, y_cut: float | None) -> None:
    with pytest.raises(NotFittedError) as info:
        ValueMatrix("p", ["s"], x_cut=x_cut, y_cut=y_cut).score(_vm_table(p=[1.0], s=[1.0]))
    assert info.value.path == "value_matrix.x_cut"
    assert "fit()" in info.value.reason  # says what to do


def test_value_matrix_explains_every_reason_it_reports() -> None:
    st = ValueMatrix("p", ["s"], x_cut=0, y_cut=0).score(_vm_table(p=[1.0], s=[1.0]))
    assert st.reason_codes == ("high_contribution", "high_strategic", "partial_strategic")
    assert set(st.reason_texts) == set(st.reason_codes)
    assert all(st.reason_texts.values())


# ---------------------------------------------------------------------------- health tree
def _health(nodes: tuple[Node, ...], names: str = "abc") -> HealthModel:
    # MinMax(0, 100) gives 0-10 points, i.e. x health points: the value is its own score.
    measures = tuple(Measure(f, mapping=MinMax(0, 100)) for f in names)
    return HealthModel(measures=measures, nodes=nodes, rules=())


def _h_table(**cols: list[float | None]) -> FeatureTable:
    n = len(next(iter(cols.values())))
    return FeatureTable.from_columns([f"H{i}" for i in range(n)], cols)


def test_worst_of_skips_missing_children_and_gives_ties_to_the_first() -> None:
    model = _health((Node("overall", ("a", "b", "c"), aggregator="min"),))
    t = _h_table(
        a=[30, None, 50, None, None, 40, 25],
        b=[40, 20, 50, None, 20, 40, 25],
        c=[None, 90, 10, None, 20, 70, 25],
    )
    st = model.score(t)
    assert st.scores.tolist() == [30.0, 20.0, 10.0, 0.0, 20.0, 40.0, 25.0]
    assert st.contributions.tolist() == [
        [30.0, 0.0, 0.0],
        [0.0, 20.0, 0.0],
        [0.0, 0.0, 10.0],
        [0.0, 0.0, 0.0],  # nothing observed: 0, coverage 0
        [0.0, 20.0, 0.0],  # tie after a missing child: the first observed one
        [40.0, 0.0, 0.0],  # tie: the first child
        [25.0, 0.0, 0.0],  # three-way tie: still only the first
    ]
    third = 1 / 3
    assert st.coverage.tolist() == pytest.approx([2 * third, 2 * third, 1, 0, 2 * third, 1, 1])


def test_worst_of_with_one_child_complete_and_one_with_gaps() -> None:
    model = _health((Node("overall", ("a", "b"), aggregator="min"),), "ab")
    st = model.score(_h_table(a=[30, None, 80], b=[40, 20, 60]))
    assert st.scores.tolist() == [30.0, 20.0, 60.0]
    assert st.contributions.tolist() == [[30.0, 0.0], [0.0, 20.0], [0.0, 60.0]]
    assert st.coverage.tolist() == [1.0, 0.5, 1.0]


def test_weighted_mean_with_gaps_and_a_zero_weight_child() -> None:
    model = _health((Node("overall", ("a", "b", "c"), (0, 1, 3)),))
    t = _h_table(a=[10, 10, None, 10], b=[20, None, 20, None], c=[40, None, None, 40])
    st = model.score(t)
    # Row 1 observes only the zero-weight child: no observed weight, score 0.
    assert st.scores.tolist() == [35.0, 0.0, 20.0, 40.0]
    assert st.contributions.tolist() == [
        [0.0, 5.0, 30.0],
        [0.0, 0.0, 0.0],
        [0.0, 20.0, 0.0],
        [0.0, 0.0, 40.0],
    ]
    assert st.coverage.tolist() == [1.0, 0.0, 0.25, 0.75]


def test_veto_caps_the_mean_and_scales_every_share() -> None:
    node = Node(
        "overall", ("a", "b"), aggregator="veto", veto_child="a", veto_floor=20, veto_cap=10
    )
    model = _health((node,), "ab")
    st = model.score(_h_table(a=[10, 10, None, 30, 19], b=[90, 5, 90, 90, 1]))
    # vetoed; below the cap already; veto child missing: never vetoes; not below the floor;
    # below the floor and the mean (10) not above the cap.
    assert st.scores.tolist() == [10.0, 7.5, 90.0, 60.0, 10.0]
    assert st.contributions.tolist() == [
        [1.0, 9.0],
        [5.0, 2.5],
        [0.0, 90.0],
        [15.0, 45.0],
        [9.5, 0.5],
    ]


def test_veto_below_a_nested_root_caps_the_node_value() -> None:
    guard = Node("guard", ("a", "b"), aggregator="veto", veto_child="a", veto_floor=20, veto_cap=10)
    model = _health((guard, Node("overall", ("guard", "c"), (1, 1))))
    # a exactly on the floor does not veto (the veto child must be *below* it).
    t = _h_table(a=[10, 20], b=[90, 90], c=[50, 50])
    assert model.node_scores(t)["guard"].tolist() == [10.0, 55.0]
    st = model.score(t)
    assert st.scores.tolist() == [30.0, 52.5]
    assert st.contributions.tolist() == [[0.5, 4.5, 25.0], [5.0, 22.5, 25.0]]


def test_veto_without_missing_values_and_a_zero_cap() -> None:
    node = Node("overall", ("a", "b"), aggregator="veto", veto_child="b", veto_floor=50)
    st = _health((node,), "ab").score(_h_table(a=[80, 80], b=[40, 60]))
    assert st.scores.tolist() == [0.0, 70.0]
    assert st.contributions.tolist() == [[0.0, 0.0], [40.0, 30.0]]


def test_nested_tree_multiplies_coefficients_down_from_the_root() -> None:
    model = _health(
        (
            Node("worst", ("a", "b"), aggregator="min"),
            Node("overall", ("worst", "c"), (1, 3)),
        )
    )
    t = _h_table(a=[20, 60, None], b=[40, 40, 80], c=[60, 80, 100])
    st = model.score(t)
    assert st.scores.tolist() == [50.0, 70.0, 95.0]
    assert st.contributions.tolist() == [[5.0, 0.0, 45.0], [0.0, 10.0, 60.0], [0.0, 20.0, 75.0]]
    nodes = model.node_scores(t)
    assert nodes["worst"].tolist() == [20.0, 40.0, 80.0]
    assert nodes["overall"].tolist() == [50.0, 70.0, 95.0]
    assert st.coverage.tolist() == [1.0, 1.0, 0.875]
    # Both children of the worst-of node missing: the node is 0 and drops out of the root.
    gaps = _h_table(a=[None, 20], b=[None, None], c=[60, 80])
    assert model.score(gaps).scores.tolist() == [60.0, 65.0]
    assert model.score(gaps).contributions.tolist() == [[0.0, 0.0, 60.0], [5.0, 0.0, 60.0]]
    assert model.node_scores(gaps)["worst"].tolist() == [0.0, 20.0]


def test_worst_of_over_weighted_means_reads_the_mean_values() -> None:
    model = _health(
        (
            Node("left", ("a", "b")),
            Node("right", ("c",)),
            Node("overall", ("left", "right"), aggregator="min"),
        )
    )
    st = model.score(_h_table(a=[20, 80], b=[40, 60], c=[50, 50]))
    assert st.scores.tolist() == [30.0, 50.0]
    assert st.contributions.tolist() == [[10.0, 20.0, 0.0], [0.0, 0.0, 50.0]]


def test_nested_mean_with_gaps_in_one_subtree_only() -> None:
    model = _health(
        (
            Node("left", ("a", "b"), (1, 1)),
            Node("overall", ("left", "c"), (1, 1)),
        )
    )
    t = _h_table(a=[20, None, None], b=[40, 40, None], c=[60, 80, 100])
    st = model.score(t)
    # Row 2 has no data under "left": the node drops out and "c" carries the root.
    assert st.scores.tolist() == [45.0, 60.0, 100.0]
    assert st.contributions.tolist() == [[5.0, 10.0, 30.0], [0.0, 20.0, 40.0], [0.0, 0.0, 100.0]]
    assert st.coverage.tolist() == [1.0, 0.75, 0.5]
    assert model.node_scores(t)["left"].tolist() == [30.0, 40.0, 0.0]


# ---------------------------------------------------------------------------- weighted points
_PATTERN_A: list[float | None] = [0.0, 12.5, None, 99.0, 150.0, -3.0, 33.3]
_PATTERN_B: list[float | None] = [100.0, None, 50.0, 1.0, 0.0, 250.0, None]
_PATTERN_C: list[float | None] = [4.0, 5.0, 19.0, None, 20.0, 1.0, None]


def _wp_table(n: int, *, gaps: bool) -> FeatureTable:
    def col(pattern: list[float | None]) -> list[float | None]:
        vals = [v if v is not None or gaps else 7.0 for v in pattern]
        return [vals[i % len(vals)] for i in range(n)]

    cols = {"a": col(_PATTERN_A), "b": col(_PATTERN_B), "c": col(_PATTERN_C)}
    return FeatureTable.from_columns([f"R{i}" for i in range(n)], cols)


def _wp(missing: str = "renormalise", **kw: float) -> WeightedPoints:
    criteria = [
        Criterion("a", 2.0, mapping=MinMax(0, 100)),  # folded, clipped
        Criterion("b", 1.0, direction="cost", mapping=MinMax(0, 100)),  # folded, cost
        Criterion("c", 0.5, mapping=Bands([5, 20], [0, 4, 10])),  # mapped
    ]
    return WeightedPoints(criteria, missing=missing, **kw)


@pytest.mark.parametrize(
    ("missing", "kw"),
    [("renormalise", {}), ("penalty", {}), ("fill", {"fill_points": 3.0})],
)
@pytest.mark.parametrize("gaps", [True, False])
def test_weighted_points_rows_across_block_boundaries_equal_the_row_alone(
    missing: str, kw: dict[str, float], gaps: bool
) -> None:
    # BLOCK_ROWS + 3 rows: one full block and a short one; the period 7 puts every kind
    # of row on both sides of the boundary.
    n = BLOCK_ROWS + 3
    wp = _wp(missing, **kw)
    big = wp.score(_wp_table(n, gaps=gaps))
    alone = [wp.score(_wp_table(7, gaps=gaps).take([i])) for i in range(7)]
    period = np.arange(n) % 7
    assert np.array_equal(big.scores, np.array([a.scores[0] for a in alone])[period])
    assert np.array_equal(big.coverage, np.array([a.coverage[0] for a in alone])[period])
    contrib = np.array([a.contributions[0] for a in alone])
    assert np.array_equal(big.contributions[BLOCK_ROWS - 4 :], contrib[period[BLOCK_ROWS - 4 :]])


def test_weighted_points_exact_scores_per_missing_policy() -> None:
    t = FeatureTable.from_columns(
        ["P", "Q", "R"], {"a": [50.0, None, 200.0], "b": [25.0, 75.0, None], "c": [1.0, 30.0, 10.0]}
    )
    # points: a 5 | - | 10 (clipped); b (cost) 7.5 | 2.5 | -; c 0 | 10 | 4
    ren = _wp().score(t)
    assert ren.scores.tolist() == pytest.approx([(10 + 7.5) / 3.5, (2.5 + 5) / 1.5, 22 / 2.5])
    assert ren.coverage.tolist() == pytest.approx([1.0, 1.5 / 3.5, 2.5 / 3.5])
    assert ren.reasons_of("P") == ()
    assert ren.reasons_of("Q") == ("partial_data",)
    pen = _wp("penalty").score(t)
    assert pen.scores.tolist() == pytest.approx([17.5 / 3.5, 7.5 / 3.5, 22 / 3.5])
    assert pen.contributions[1].tolist() == pytest.approx([0.0, 2.5 / 3.5, 5 / 3.5])
    fill = _wp("fill", fill_points=3.0).score(t)
    assert fill.scores.tolist() == pytest.approx([17.5 / 3.5, 13.5 / 3.5, 25 / 3.5])
    assert fill.contributions[1].tolist() == pytest.approx([6 / 3.5, 2.5 / 3.5, 5 / 3.5])
    assert fill.contributions[2].tolist() == pytest.approx([20 / 3.5, 3 / 3.5, 2 / 3.5])
    assert fill.coverage.tolist() == ren.coverage.tolist()
    for st in (ren, pen, fill):  # the complete row: the same bits under every policy
        assert st.scores[0] == _wp().score(t.take([0])).scores[0]
        assert st.contributions.sum(axis=1).tolist() == pytest.approx(st.scores.tolist())


@pytest.mark.parametrize(
    ("missing", "kw"),
    [("renormalise", {}), ("penalty", {}), ("fill", {"fill_points": 3.0})],
)
def test_weighted_points_contributions_of_taken_rows_equal_the_whole(
    missing: str, kw: dict[str, float]
) -> None:
    wp = _wp(missing, **kw)
    t = _wp_table(9, gaps=True)
    whole = wp.score(t).contributions
    taken = wp.score(t).take([8, 1, 3])  # before the lazy contributions are read
    assert np.array_equal(taken.contributions, whole[[8, 1, 3]])
    assert taken.contributions.sum(axis=1).tolist() == pytest.approx(taken.scores.tolist())


def test_weighted_points_missing_raise_names_the_first_missing_cell() -> None:
    t = FeatureTable.from_columns(
        ["P", "Q", "R"], {"a": [1.0, 2.0, None], "b": [1.0, None, None], "c": [1.0, 2.0, 3.0]}
    )
    with pytest.raises(InvalidValueError) as info:
        _wp("raise").score(t)
    assert (info.value.path, info.value.value) == ("weighted_points.table['b']", "Q")


def test_weighted_points_missing_feature_names_the_scorer() -> None:
    with pytest.raises(MissingFeatureError) as info:
        _wp().score(FeatureTable.from_columns(["P"], {"a": [1.0], "c": [2.0]}))
    assert (info.value.path, info.value.value) == ("weighted_points.table", "b")


def test_weighted_points_refuses_a_row_with_no_observed_weight() -> None:
    wp = WeightedPoints(
        [Criterion("a", 0.0, mapping=MinMax(0, 10)), Criterion("b", 1.0, mapping=MinMax(0, 10))]
    )
    t = FeatureTable.from_columns(["P", "Q", "R"], {"a": [1.0, 2.0, None], "b": [1.0, None, 3.0]})
    with pytest.raises(InvalidValueError) as info:
        wp.score(t)
    assert (info.value.path, info.value.value) == ("weighted_points.table", "Q")
    penalised = WeightedPoints(wp.criteria, missing="penalty").score(t)
    assert penalised.scores.tolist() == [1.0, 0.0, 3.0]
    assert penalised.coverage.tolist() == [1.0, 0.0, 1.0]


def test_weighted_points_threshold_labels_margin_and_reasons() -> None:
    wp = WeightedPoints([Criterion("a", mapping=MinMax(0, 10))], threshold=6.0)
    st = wp.score(FeatureTable.from_columns(["P", "Q", "R"], {"a": [6.0, 5.5, 9.0]}))
    assert _list(st.labels) == ["key", "not_key", "key"]
    assert _list(st.margin) == [0.0, 0.5, 3.0]
    assert st.reason_codes == ("qualifies", "partial_data")
    assert st.reasons_of("P") == ("qualifies",)
    assert st.reasons_of("Q") == ()
    assert set(st.reason_texts) == set(st.reason_codes)
    assert all(st.reason_texts.values())


def test_weighted_points_clipping_only_where_the_mapping_clips() -> None:
    t = FeatureTable.from_columns(["P", "Q", "R"], {"a": [-10.0, 5.0, 30.0]})
    clipped = WeightedPoints([Criterion("a", mapping=MinMax(0, 20))]).score(t)
    assert clipped.scores.tolist() == [0.0, 2.5, 10.0]
    free = WeightedPoints([Criterion("a", mapping=MinMax(0, 20, clip=False))]).score(t)
    assert free.scores.tolist() == [-5.0, 2.5, 15.0]
    inside = t.take([1])  # bounds inside the range: clipping skipped, same bits
    assert WeightedPoints([Criterion("a", mapping=MinMax(0, 20))]).score(inside).scores[0] == 2.5
    cost = WeightedPoints([Criterion("a", direction="cost", mapping=MinMax(0, 20))]).score(t)
    assert cost.scores.tolist() == [10.0, 7.5, 0.0]


def test_weighted_points_overflow_is_a_typed_error_not_a_warning() -> None:
    # A steep unclipped range sends 1e10 to +inf points (overflow), and with a cost twin
    # to inf - inf (invalid): both are refused as non-finite scores naming the row.
    steep = MinMax(0, 1e-300, clip=False)
    t = FeatureTable.from_columns(["P", "Q"], {"a": [0.0, 1e10], "b": [0.0, 1e10]})
    for criteria in (
        [Criterion("a", mapping=steep)],
        [Criterion("a", mapping=steep), Criterion("b", direction="cost", mapping=steep)],
    ):
        with pytest.raises(InvalidValueError) as info:
            WeightedPoints(criteria).score(t)
        assert info.value.path == "ScoreTable.scores[1]"


def test_weighted_points_far_range_is_mapped_unfolded_exactly() -> None:
    # The intercept of 10 * (x - 1e6) / 10 is -1e6: folding would lose bits, so it is not.
    t = FeatureTable.from_columns(["P", "Q", "R"], {"a": [1e6 + 5, 1e6 + 2.5, 2e6]})
    st = WeightedPoints([Criterion("a", mapping=MinMax(1e6, 1e6 + 10))]).score(t)
    assert st.scores.tolist() == [5.0, 2.5, 10.0]
    cost = WeightedPoints([Criterion("a", direction="cost", mapping=MinMax(1e6, 1e6 + 10))])
    assert cost.score(t).scores.tolist() == [5.0, 7.5, 0.0]


# ---------------------------------------------------------------------------- interp
def _reference_interp(
    x: NDArray[np.float64], xp: NDArray[np.float64], fp: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The formula `interp` promises, by a plain binary search (platform-independent)."""
    xc = np.clip(x, xp[0], xp[-1])
    i = np.clip(np.searchsorted(xp, xc, side="right") - 1, 0, xp.size - 1)
    slope = np.append((fp[1:] - fp[:-1]) / (xp[1:] - xp[:-1]), 0.0)
    with np.errstate(invalid="ignore"):
        out: NDArray[np.float64] = slope[i] * (xc - xp[i]) + fp[i]
    return out


_KNOTS = hst.lists(
    hst.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False), min_size=2, max_size=60
).map(lambda v: np.unique(np.asarray(v)))


@settings(deadline=None)
@given(
    knots=_KNOTS.filter(lambda k: k.size >= 2 and float(np.diff(k).min()) > 1e-9),
    values=hst.lists(hst.floats(-2e6, 2e6, allow_nan=False), min_size=1, max_size=80),
    data=hst.data(),
)
@example(  # knots crowded near 0 by one far outlier: the grid drops outer knots
    knots=np.array([0.0, 1e-6, 2e-6, 3e-6, 1e6]),
    values=[1.5e-6, 0.0, 3e-6, 5e5, -1.0],
    data=None,
)
def test_interp_is_numpys_formula_bit_for_bit(
    knots: NDArray[np.float64], values: list[float], data: Any
) -> None:
    fp = np.linspace(0.0, 10.0, knots.size)
    if data is not None:
        fp = np.asarray(
            data.draw(hst.lists(hst.floats(-100, 100), min_size=knots.size, max_size=knots.size))
        )
    # every knot, and the values just around it, besides the drawn values
    x = np.concatenate([values, knots, np.nextafter(knots, np.inf), np.nextafter(knots, -np.inf)])
    got = interp(x, knots, fp)
    assert np.array_equal(got, _reference_interp(x, knots, fp))
    if platform.machine() in ("x86_64", "AMD64"):  # numpy's loop fuses no multiply-add here
        assert np.array_equal(got, np.interp(x, knots, fp))
    # a row's value is its own: alone and in reverse order give the same bits
    assert np.array_equal(interp(x[::-1].copy(), knots, fp), got[::-1])
    assert all(interp(x[i : i + 1], knots, fp)[0] == got[i] for i in range(0, x.size, 7))


def test_interp_nan_stays_nan_and_blocks_change_no_bit() -> None:
    rng = np.random.default_rng(3)
    pop = rng.lognormal(0.0, 2.0, 50_000)  # heavy tail: knots crowd at the low end
    xp = np.unique(np.quantile(pop, np.linspace(0.0, 1.0, 101)))
    fp = np.linspace(0.0, 10.0, xp.size)
    x = np.concatenate([rng.permutation(pop), [np.nan, -1e15, 1e15, xp[0], xp[-1]]])
    got = interp(x, xp, fp)
    assert np.isnan(got[-5])
    assert np.isnan(got).sum() == 1
    assert got[-4:].tolist() == [0.0, 10.0, 0.0, 10.0]
    assert np.array_equal(got, _reference_interp(x, xp, fp), equal_nan=True)
    assert np.array_equal(got[-40_000:], interp(x[-40_000:], xp, fp), equal_nan=True)
