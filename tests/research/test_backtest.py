"""Backtests (issue 10 §5) and method recovery (§4): hand-computed numbers, properties, errors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.research import (
    DEFAULT_RECOVERY_SCORERS,
    backtest_classes,
    backtest_scores,
    calibration_table,
    precision_at_k,
    recovery_experiment,
    top_k,
)
from kamlib.scoring import ScoreTable, ValueMatrix, WeightedPoints
from kamlib.synthetic import ground_truth_table


def bad(value: object) -> Any:
    """A value of the wrong type on purpose, past the type checker."""
    return value


IDS = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"]
LIGHTS = ["red", "red", "red", "yellow", "yellow", "green", "green", "green"]
CHURNED = [True, True, False, True, False, False, False, False]


# ---------------------------------------------------------------- class backtests
def test_class_backtest_against_a_hand_computed_example() -> None:
    bt = backtest_classes(IDS, LIGHTS, CHURNED, classes=["red", "yellow", "green_watch", "green"])
    # 3 churned of 8: base rate 0.375. red 2/3, yellow 1/2, green_watch empty, green 0/3.
    assert bt.n == 8
    assert bt.total_positives == 3
    assert bt.base_rate == 0.375
    assert bt.count.tolist() == [3, 2, 0, 3]
    assert bt.positives.tolist() == [2, 1, 0, 0]
    assert bt.precision.tolist() == pytest.approx([2 / 3, 0.5, 0.0, 0.0])
    assert bt.recall.tolist() == pytest.approx([2 / 3, 1 / 3, 0.0, 0.0])
    assert bt.lift.tolist() == pytest.approx([(2 / 3) / 0.375, 0.5 / 0.375, 0.0, 0.0])
    assert bt.rows()[2] == ("green_watch", 0, 0, 0.0, 0.0, 0.0)
    assert not np.isnan(np.concatenate([bt.precision, bt.recall, bt.lift])).any()


def test_class_backtest_without_any_positive_reports_zeros_not_nan() -> None:
    bt = backtest_classes(IDS, LIGHTS, [False] * 8)
    assert bt.classes == ("green", "red", "yellow")  # sorted when not given
    assert bt.base_rate == 0.0
    assert bt.recall.tolist() == [0.0, 0.0, 0.0]
    assert bt.lift.tolist() == [0.0, 0.0, 0.0]
    assert bt.count.tolist() == [3, 3, 2]


def test_outcome_is_aligned_by_id() -> None:
    order = [5, 2, 7, 0, 3, 6, 1, 4]
    shuffled_ids = [IDS[i] for i in order]
    shuffled = [CHURNED[i] for i in order]
    a = backtest_classes(IDS, LIGHTS, CHURNED)
    b = backtest_classes(IDS, LIGHTS, shuffled, outcome_ids=shuffled_ids)
    assert a.rows() == b.rows()
    s = [float(i) for i in range(8)]
    x = backtest_scores(IDS, s, CHURNED, k=3)
    y = backtest_scores(IDS, s, shuffled, outcome_ids=np.array(shuffled_ids), k=3)
    assert (x.selected, x.hits, x.recall) == (y.selected, y.hits, y.recall)
    assert np.array_equal(x.calibration.positives, y.calibration.positives)


def test_outcomes_as_numbers_and_numpy_arrays() -> None:
    ints = [1, 1, 0, 1, 0, 0, 0, 0]
    floats = np.array(ints, dtype=np.float64)
    want = backtest_classes(IDS, LIGHTS, CHURNED).rows()
    assert backtest_classes(IDS, LIGHTS, ints).rows() == want
    assert backtest_classes(np.array(IDS), np.array(LIGHTS), floats).rows() == want
    assert backtest_classes(IDS, LIGHTS, np.array(CHURNED)).rows() == want
    mixed = np.empty(8, dtype=object)
    mixed[:] = [np.True_, np.int64(1), 0.0, True, 0, False, np.float32(0), False]
    assert backtest_classes(IDS, LIGHTS, mixed).rows() == want


# ---------------------------------------------------------------- score backtests
def test_score_backtest_top_decile_against_a_hand_computed_example() -> None:
    ids = [f"A{i:02d}" for i in range(20)]
    scores = [float(20 - i) for i in range(20)]  # A00 highest
    grew = [i in (0, 2, 5, 11) for i in range(20)]  # 4 of 20 grew: base rate 0.2
    bt = backtest_scores(ids, scores, grew)  # top decile: 2 accounts, A00 and A01
    assert bt.selected == ("A00", "A01")
    assert bt.k == 2
    assert bt.hits == 1
    assert bt.precision == 0.5
    assert bt.recall == 0.25
    assert bt.lift == pytest.approx(2.5)
    top5 = backtest_scores(ids, scores, grew, k=5)
    assert (top5.hits, top5.precision, top5.recall) == (2, 0.4, 0.5)
    assert top5.lift == pytest.approx(2.0)
    low = backtest_scores(ids, scores, grew, direction="low", top_share=0.25)
    assert low.selected == ("A19", "A18", "A17", "A16", "A15")
    assert (low.hits, low.lift) == (0, 0.0)


def test_ties_across_the_cut_are_broken_by_id_and_the_top_share_rounds_up() -> None:
    bt = backtest_scores(["C", "A", "B", "D"], [1.0, 1.0, 1.0, 0.0], [True, False, False, True],
                         top_share=0.5)  # fmt: skip
    assert bt.selected == ("A", "B")
    assert backtest_scores(IDS, [1.0] * 8, CHURNED, top_share=0.3).k == 3  # ceil(2.4)
    assert backtest_scores([f"A{i}" for i in range(30)], [0.0] * 30, [False] * 30).k == 3


def test_no_positive_gives_zero_recall_and_lift() -> None:
    bt = backtest_scores(IDS, list(range(8)), [False] * 8, k=2)
    assert (bt.precision, bt.recall, bt.lift, bt.base_rate) == (0.0, 0.0, 0.0, 0.0)


# ---------------------------------------------------------------- calibration
def test_calibration_table_against_a_hand_computed_example() -> None:
    scores = [0.0, 0.1, 0.2, 0.9, 1.0, 1.0]
    hit = [False, False, True, True, True, False]
    cal = calibration_table(["a", "b", "c", "d", "e", "f"], scores, hit, bins=4)
    assert cal.edges.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert cal.count.tolist() == [3, 0, 0, 3]  # the top edge belongs to the last bin
    assert cal.positives.tolist() == [1, 0, 0, 2]
    assert cal.rate.tolist() == pytest.approx([1 / 3, 0.0, 0.0, 2 / 3])
    assert cal.mean_score.tolist() == pytest.approx([0.1, 0.0, 0.0, 29 / 30])
    assert cal.rows()[1] == (0.25, 0.5, 0, 0, 0.0, 0.0)


def test_a_0d_array_of_bins_is_the_number_it_holds() -> None:
    ids, scores, hit = ["A", "B", "C"], [0.1, 0.2, 0.9], [False, True, True]
    got = calibration_table(ids, scores, hit, bins=bad(np.array(2)))
    want = calibration_table(ids, scores, hit, bins=2)
    assert got.edges.tolist() == want.edges.tolist()
    assert got.count.tolist() == [2, 1]


def test_calibration_with_given_edges_and_constant_scores() -> None:
    cal = calibration_table(["a", "b", "c"], [0.5, 0.5, 0.5], [True, False, True], bins=2)
    assert cal.edges.tolist() == [0.0, 0.5, 1.0]  # numpy.histogram: score +- 0.5
    assert cal.count.tolist() == [0, 3]
    edges = [0.0, 0.3, 0.6, 1.0]
    given_ = calibration_table(["a", "b", "c"], [0.3, 0.6, 1.0], [True, False, True], bins=edges)
    assert given_.count.tolist() == [0, 1, 2]  # left-closed bins, the last closed on the right
    bt = backtest_scores(["a", "b", "c"], [0.3, 0.6, 1.0], [True, False, True], k=1, bins=edges)
    assert bt.calibration.count.tolist() == [0, 1, 2]


# ---------------------------------------------------------------- typed errors
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: backtest_classes([], [], []), InvalidValueError, r"backtest_classes\.ids"),
        (lambda: backtest_classes(["A", "A"], ["x", "y"], [True, False]), DuplicateIdError,
         r"ids\[1\]: is not unique; got 'A'"),
        (lambda: backtest_classes(["A", "B"], ["x"], [True, False]), InvalidValueError,
         r"labels: must have length 2"),
        (lambda: backtest_classes(["A", "B"], ["x", "y"], [True]), InvalidValueError,
         r"outcome: must have length 2"),
        (lambda: backtest_classes(["A", "B"], ["x", "y"], bad([True, float("nan")])),
         InvalidValueError, r"outcome\[1\]: is NaN \(account 'B'\)"),
        (lambda: backtest_classes(["A", "B"], ["x", "y"], bad([True, None])), InvalidValueError,
         r"outcome\[1\]: is None"),
        (lambda: backtest_classes(["A", "B"], ["x", "y"], bad([True, 2])), InvalidValueError,
         r"outcome\[1\]: must be a bool.*got 2"),
        (lambda: backtest_classes(["A", "B"], ["x", "y"], bad([True, 0.5])), InvalidValueError,
         r"outcome\[1\]: must be a bool, or 0 or 1 \(account 'B'\); got 0\.5"),
        (lambda: backtest_classes(["A", "B"], ["x", "y"], bad([True, "1"])), InvalidTypeError,
         r"outcome\[1\]: must be a bool"),
        (lambda: backtest_classes(bad(np.array("A")), ["x"], [True]), InvalidTypeError,
         r"backtest_classes\.ids: must be a sequence"),
        (lambda: backtest_classes(["A"], bad(np.array("x")), [True]), InvalidTypeError,
         r"backtest_classes\.labels: must be a sequence"),
        (lambda: backtest_classes(["A", "B"], ["x", "y"], bad("TF")), InvalidTypeError,
         r"outcome: must be a sequence"),
        (lambda: backtest_classes(["A", "B"], bad(["x", 3]), [True, False]), InvalidTypeError,
         r"labels\[1\].*got 3"),
        (lambda: backtest_classes(["A", "B"], ["x", "y"], [True, False], classes=["x"]),
         InvalidValueError, r"labels\[1\]: is not one of the classes \['x'\]; got 'y'"),
        (lambda: backtest_classes(["A"], ["x"], [True], classes=["x", "x"]), InvalidValueError,
         r"classes: must not repeat"),
        (lambda: backtest_classes(["A", "B"], ["x", "y"], [True, False], outcome_ids=["A", "C"]),
         UnknownIdError, r"ids\[1\]: has no outcome.*got 'B'"),
        (lambda: backtest_classes(["A"], ["x"], [True, False], outcome_ids=["A", "C"]),
         UnknownIdError, r"outcome_ids\[1\]: is not among the ids; got 'C'"),
        (lambda: backtest_classes(["A"], ["x"], [True], outcome_ids=["A", "C"]),
         InvalidValueError, r"outcome: must have length 2"),
        (lambda: backtest_classes("AB", ["x"], [True]), InvalidTypeError, r"\.ids"),
        (lambda: backtest_scores(["A", "B"], [1.0, float("nan")], [True, False]),
         InvalidValueError, r"scores\[1\]: must be finite \(account 'B'\)"),
        (lambda: backtest_scores(["A", "B"], [1.0, float("inf")], [True, False]),
         InvalidValueError, r"scores\[1\]: must be finite"),
        (lambda: backtest_scores(["A", "B"], bad([1.0, "x"]), [True, False]), InvalidTypeError,
         r"scores\[1\]: must be a real number.*got 'x'"),
        (lambda: backtest_scores(["A", "B"], [1.0, 2.0], [True, False], k=3),
         InvalidValueError, r"backtest_scores\.k: .*got 3"),
        (lambda: backtest_scores(["A", "B"], [1.0, 2.0], [True, False], top_share=0.0),
         InvalidValueError, r"top_share: .*got 0\.0"),
        (lambda: backtest_scores(["A", "B"], [1.0, 2.0], [True, False], k=1, top_share=0.5),
         InvalidValueError, r"top_share: is not used with k="),
        (lambda: backtest_scores(["A", "B"], [1.0, 2.0], [True, False], direction="up"),
         InvalidValueError, r"direction: must be one of 'high', 'low'; got 'up'"),
        (lambda: calibration_table(["A", "B"], [1.0, 2.0], [True, False], bins=0),
         InvalidValueError, r"bins: .*got 0"),
        (lambda: calibration_table(["A", "B"], [1.0, 2.0], [True, False], bins=[0.0, 0.0, 3.0]),
         InvalidValueError, r"bins: must be strictly increasing"),
        (lambda: calibration_table(["A", "B"], [1.0, 2.0], [True, False], bins=[1.5, 3.0]),
         InvalidValueError, r"bins: must cover every score: account 'A'"),
        (lambda: calibration_table(["A", "B"], [1.0, 2.0], [True, False], bins=bad("auto")),
         InvalidTypeError, r"bins"),
        (lambda: calibration_table(["A", "B", "C"], [1e308, -1e308, 0.0], [True, False, True]),
         InvalidValueError, r"calibration_table\.scores\[0\]: must lie in .*got 1e\+308"),
        (lambda: backtest_scores(["A", "B", "C"], [1.0, -1e300, 0.0], [True, False, True]),
         InvalidValueError, r"backtest_scores\.scores\[1\]: must lie in .*account 'B'"),
        (lambda: calibration_table(["A", "B"], [1e14, 1e14 + 0.0625], [True, False], bins=10_000),
         InvalidValueError, r"calibration_table\.bins: is too many bins.*got 10000"),
    ],
)  # fmt: skip
def test_bad_input_raises_typed_errors_naming_field_and_value(
    call: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------- properties
@st.composite
def _cases(draw: st.DrawFn) -> tuple[list[str], list[str], list[float], list[bool]]:
    n = draw(st.integers(1, 30))
    ids = [f"A{i}" for i in range(n)]
    labels = draw(st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=n, max_size=n))
    scores = draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=n, max_size=n))
    outcome = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return ids, labels, scores, outcome


@given(case=_cases(), data=st.data())
def test_property_ratios_in_range_counts_add_up_and_permutations_change_nothing(
    case: tuple[list[str], list[str], list[float], list[bool]], data: st.DataObject
) -> None:
    ids, labels, scores, outcome = case
    n = len(ids)
    bt = backtest_classes(ids, labels, outcome, classes=["A", "B", "C", "D", "E"])
    for ratio in (bt.precision, bt.recall):
        assert ((ratio >= 0) & (ratio <= 1)).all()
    assert (bt.lift >= 0).all()
    assert int(bt.count.sum()) == n
    assert int(bt.positives.sum()) == sum(outcome)
    assert bt.count[4] == 0
    assert bt.precision[4] == 0.0
    if bt.total_positives:
        assert math.isclose(float(bt.recall.sum()), 1.0)
    sb = backtest_scores(ids, scores, outcome, top_share=0.3)
    assert 0.0 <= sb.precision <= 1.0
    assert 0.0 <= sb.recall <= 1.0
    assert sb.lift >= 0.0
    assert int(sb.calibration.count.sum()) == n
    assert int(sb.calibration.positives.sum()) == sum(outcome)

    perm = data.draw(st.permutations(range(n)))
    p_ids = [ids[i] for i in perm]
    p_bt = backtest_classes(
        p_ids, [labels[i] for i in perm], [outcome[i] for i in perm],
        classes=["A", "B", "C", "D", "E"],
    )  # fmt: skip
    assert p_bt.rows() == bt.rows()
    p_sb = backtest_scores(p_ids, [scores[i] for i in perm], [outcome[i] for i in perm],
                           top_share=0.3)  # fmt: skip
    assert p_sb.selected == sb.selected
    assert (p_sb.precision, p_sb.recall, p_sb.lift) == (sb.precision, sb.recall, sb.lift)
    assert np.array_equal(p_sb.calibration.count, sb.calibration.count)
    assert np.array_equal(p_sb.calibration.edges, sb.calibration.edges)
    # the outcome in another order, matched by id
    o_perm = data.draw(st.permutations(range(n)))
    again = backtest_classes(
        ids, labels, [outcome[i] for i in o_perm], outcome_ids=[ids[i] for i in o_perm],
        classes=["A", "B", "C", "D", "E"],
    )  # fmt: skip
    assert again.rows() == bt.rows()


# ---------------------------------------------------------------- method recovery
def test_recovery_falls_as_noise_grows() -> None:
    grid = [0.0, 0.5, 1.0, 2.0, 4.0]
    res = recovery_experiment(grid, seed=0, n=300, k=15, replications=6)
    assert res.scorers == tuple(DEFAULT_RECOVERY_SCORERS)
    mean = res.mean()
    assert (np.diff(mean, axis=1) <= 0).all()  # monotone on average, every scorer
    assert (mean[:, 0] > mean[:, -1] + 0.3).all()
    assert mean[[0, 1, 3], 0].tolist() == [1.0, 1.0, 1.0]  # no noise: the truth itself
    assert mean[2, 0] < 1.0  # empirical estimation sees only segments
    assert (mean[:, -1] > res.chance).all()  # even at noise 4, better than chance
    jac = res.mean("jaccard")
    assert (jac <= mean + 1e-12).all()
    p = res.precision
    assert np.allclose(res.jaccard, p / (2 - p))  # two sets of k
    assert ((p >= 0) & (p <= 1)).all()


def test_recovery_is_seeded_and_replications_extend() -> None:
    kw: dict[str, Any] = {"n": 120, "k": 10, "scorers": {"wp": WeightedPoints()}}
    a = recovery_experiment([0.5, 2.0], seed=4, replications=3, **kw)
    b = recovery_experiment([0.5, 2.0], seed=4, replications=3, **kw)
    assert np.array_equal(a.precision, b.precision)
    assert np.array_equal(a.jaccard, b.jaccard)
    longer = recovery_experiment([0.5, 2.0], seed=4, replications=5, **kw)
    assert np.array_equal(longer.precision[:, :, :3], a.precision)
    assert a.spread().shape == (1, 2)
    assert a.spread()[0, 0] == pytest.approx(float(np.std(a.precision[0, 0], ddof=1)))
    assert [r[:2] for r in a.rows()] == [("wp", 0.5), ("wp", 2.0)]


def test_correlated_errors_make_the_truth_harder_to_recover() -> None:
    kw: dict[str, Any] = {"seed": 1, "n": 300, "k": 15, "replications": 6,
                          "scorers": [WeightedPoints()]}  # fmt: skip
    independent = recovery_experiment([1.0], correlation=0.0, **kw).mean()[0, 0]
    halo = recovery_experiment([1.0], correlation=0.8, **kw).mean()[0, 0]
    assert halo < independent - 0.1


def test_recovery_with_missing_cells_and_score_ranking() -> None:
    res = recovery_experiment([0.5], seed=2, n=200, k=10, replications=2, missing=0.4)
    assert res.precision.shape == (4, 1, 2)
    assert (res.precision > res.chance).all()
    by_score = recovery_experiment([0.5], seed=2, n=200, k=10, replications=2,
                                   scorers={"vm": ValueMatrix()}, rank_by="score")  # fmt: skip
    assert by_score.rank_by == "score"
    every = recovery_experiment([0.5], seed=2, n=200, k=10, replications=2, missing=0.3,
                                complete=(), scorers=[WeightedPoints()])  # fmt: skip
    assert (every.precision > every.chance).all()
    with pytest.raises(InvalidValueError, match="value_matrix"):  # profit may miss now
        recovery_experiment([0.5], seed=2, n=200, k=10, replications=2, missing=0.3,
                            complete=(), scorers=[ValueMatrix(missing="renormalise")])  # fmt: skip


@pytest.mark.parametrize("rank_by", ["score", "class"])
def test_recovery_is_the_public_precision_at_k_with_ties_by_id(rank_by: str) -> None:
    res = recovery_experiment([1.0], seed=6, n=80, k=8, replications=2,
                              scorers={"vm": ValueMatrix()}, rank_by=rank_by)  # fmt: skip
    s_0 = int(np.random.SeedSequence(6).generate_state(2)[0])
    gt = ground_truth_table(80, seed=s_0, noise=1.0)
    st = ValueMatrix().fit(gt.table).score(gt.table)
    if rank_by == "class":  # quadrant first (the strategic one best), then score, then id
        assert st.labels is not None
        labels = st.labels.tolist()
        pos = {c: j for j, c in enumerate(st.classes)}
        rows = sorted(range(80), key=lambda i: (pos[labels[i]], -st.scores[i], st.ids[i]))
        found = {str(st.ids[i]) for i in rows[:8]}
    else:
        found = set(top_k(st, 8, ties="by_id"))
    common = len(found & set(gt.true_top(8)))
    assert res.precision[0, 0, 0] == common / 8
    assert res.jaccard[0, 0, 0] == common / (16 - common)
    if rank_by == "score":
        truth = ScoreTable.from_scores(gt.ids, gt.latent, scorer="latent")
        assert res.precision[0, 0, 0] == precision_at_k(st, truth, 8, ties="by_id")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"noise": []}, InvalidValueError, r"recovery_experiment\.noise: must hold"),
        ({"noise": [-1.0]}, InvalidValueError, r"noise\[0\]: .*got -1\.0"),
        ({"noise": 1.0}, InvalidTypeError, r"recovery_experiment\.noise"),
        ({"noise": np.array(1.0)}, InvalidTypeError, r"recovery_experiment\.noise: must be a seq"),
        ({"k": 50}, InvalidValueError, r"recovery_experiment\.k: .*got 50"),
        ({"replications": 1}, InvalidValueError, r"replications: .*got 1"),
        ({"seed": -3}, InvalidValueError, r"recovery_experiment\.seed"),
        ({"rank_by": "label"}, InvalidValueError, r"rank_by: must be one of"),
        ({"scorers": [WeightedPoints(), WeightedPoints()]}, InvalidValueError,
         r"scorers: names two scorers.*'weighted_points'"),
        ({"scorers": ["weighted_points"]}, InvalidTypeError, r"scorers\[0\]"),
        ({"scorers": {}}, InvalidValueError, r"scorers: must hold at least one"),
        ({"missing": 1.0}, InvalidValueError, r"ground_truth_table\.missing"),
    ],
)  # fmt: skip
def test_recovery_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    args: dict[str, Any] = {"noise": [1.0], "seed": 0, "n": 50, "k": 5, "replications": 2,
                            "scorers": {"wp": WeightedPoints()}}  # fmt: skip
    args.update(kwargs)
    noise = args.pop("noise")
    with pytest.raises(error, match=match):
        recovery_experiment(noise, **args)
