"""kamlib.research agreement: scipy oracles on tied data, properties, tie rules, typed errors."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np
import pytest
import scipy.stats as ss  # type: ignore[import-untyped]
from hypothesis import assume, example, given
from hypothesis import strategies as st
from numpy.typing import NDArray

from kamlib import FeatureTable
from kamlib.errors import (
    DuplicateIdError,
    FieldError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    UnknownIdError,
)
from kamlib.research import (
    AgreementMatrix,
    ClassConfusion,
    ClassFlip,
    agreement_matrix,
    class_flips,
    cohen_kappa,
    confusion_matrix,
    kendall_tau,
    precision_at_k,
    rank_biased_overlap,
    spearman_rho,
    top_k,
    top_k_jaccard,
    top_k_overlap,
    weighted_tau,
)
from kamlib.research import _agreement as impl
from kamlib.scoring import Criterion, ScoreTable, ValueMatrix, WeightedPoints
from kamlib.synthetic import ground_truth_table

Floats = NDArray[np.float64]
Pair = tuple[Floats, Floats]

CORRELATIONS: tuple[Callable[..., float], ...] = (spearman_rho, kendall_tau, weighted_tau)
TOPK: tuple[Callable[..., float], ...] = (top_k_overlap, top_k_jaccard, precision_at_k)

# Few distinct values, so ties are the rule; plus any finite float (-0.0 ties with 0.0).
TIED = st.integers(-3, 3).map(float)
VALUES = st.one_of(TIED, TIED, st.floats(-1e9, 1e9, allow_nan=False, allow_subnormal=False))


@st.composite
def pairs(draw: st.DrawFn, min_size: int = 2, max_size: int = 40) -> Pair:
    """Two methods' scores of the same accounts, drawn as rows so they shrink together."""
    rows = draw(st.lists(st.tuples(VALUES, VALUES), min_size=min_size, max_size=max_size))
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


@st.composite
def varying_pairs(draw: st.DrawFn, max_size: int = 40) -> Pair:
    x, y = draw(pairs(max_size=max_size))
    assume(np.ptp(x) > 0 and np.ptp(y) > 0)
    return x, y


@st.composite
def shuffled(draw: st.DrawFn, n: int) -> list[int]:
    return draw(st.permutations(range(n)))


def ids_for(n: int) -> list[str]:
    return [f"A{i:03d}" for i in range(n)]


def table(ids: Sequence[str], scores: Any, scorer: str = "m", **kw: Any) -> ScoreTable:
    return ScoreTable.from_scores(list(ids), scores, scorer=scorer, **kw)


# ---------------------------------------------------------------------------- oracles
def brute_tau_b(x: Floats, y: Floats) -> float:
    """tau-b from its definition, pair by pair (O(m^2)), an oracle independent of scipy."""
    n = len(x)
    c = d = tx = ty = 0
    for i, j in itertools.combinations(range(n), 2):
        sx, sy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
        tx += sx == 0
        ty += sy == 0
        c += sx * sy > 0
        d += sx * sy < 0
    n0 = n * (n - 1) // 2
    return (c - d) / math.sqrt((n0 - tx) * (n0 - ty))


def average_ranks(x: Floats) -> Floats:
    """Average ranks from their definition: below + (tied + 1) / 2."""
    return np.array([(x < v).sum() + ((x == v).sum() + 1) / 2 for v in x])


def brute_prefix(v: Floats, d: int, ties: str, ids: Sequence[str]) -> set[int]:
    if ties == "include":
        kth = sorted(v.tolist(), reverse=True)[d - 1]
        return {i for i in range(len(v)) if v[i] >= kth}
    order = sorted(range(len(v)), key=lambda i: (-v[i], ids[i]))
    return set(order[:d])


def brute_rbo(x: Floats, y: Floats, p: float, depth: int, ties: str, ids: Sequence[str]) -> float:
    agree = []
    for d in range(1, depth + 1):
        s, t = brute_prefix(x, d, ties, ids), brute_prefix(y, d, ties, ids)
        agree.append(2 * len(s & t) / (len(s) + len(t)))
    total = sum(a * p**d for d, a in enumerate(agree, start=1))
    return (1 - p) / p * total + agree[-1] * p**depth


def brute_kappa(a: Sequence[str], b: Sequence[str]) -> Fraction:
    n = len(a)
    po = Fraction(sum(u == v for u, v in zip(a, b, strict=True)), n)
    pe = sum(
        (Fraction(a.count(c), n) * Fraction(b.count(c), n) for c in set(a) | set(b)),
        Fraction(0),
    )
    return (po - pe) / (1 - pe)


TIED_CASES: list[Pair] = [
    (np.array([1.0, 2.0, 2.0, 3.0, 3.0, 3.0]), np.array([2.0, 1.0, 2.0, 2.0, 5.0, 5.0])),
    (np.array([0.0, -0.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0, 2.0])),  # -0.0 ties with 0.0
    (np.array([5.0, 5.0, 5.0, 1.0]), np.array([1.0, 2.0, 3.0, 4.0])),
    (np.array([1.0, 2.0]), np.array([2.0, 1.0])),
    (np.arange(50.0) % 7, np.arange(50.0) % 5),
]


@pytest.mark.parametrize(("x", "y"), TIED_CASES)
def test_correlations_equal_scipy_on_tied_examples(x: Floats, y: Floats) -> None:
    assert spearman_rho(x, y) == pytest.approx(ss.spearmanr(x, y).statistic, abs=1e-12)
    assert kendall_tau(x, y) == pytest.approx(ss.kendalltau(x, y).statistic, abs=1e-12)
    assert weighted_tau(x, y) == pytest.approx(ss.weightedtau(x, y).statistic, abs=1e-12)


@given(varying_pairs())
@example((np.array([0.0, -0.0, 1.0]), np.array([1.0, 2.0, 2.0])))
def test_spearman_is_scipy_and_pearson_of_average_ranks(xy: Pair) -> None:
    x, y = xy
    rho = spearman_rho(x, y)
    assert rho == pytest.approx(ss.spearmanr(x, y).statistic, abs=1e-12)
    assert rho == pytest.approx(np.corrcoef(average_ranks(x), average_ranks(y))[0, 1], abs=1e-12)


@given(varying_pairs())
@example((np.array([1.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0])))
def test_kendall_is_scipy_tau_b_and_the_pairwise_definition(xy: Pair) -> None:
    x, y = xy
    tau = kendall_tau(x, y)
    assert tau == pytest.approx(ss.kendalltau(x, y, variant="b").statistic, abs=1e-12)
    assert tau == pytest.approx(brute_tau_b(x, y), abs=1e-12)


@given(varying_pairs())
def test_weighted_tau_is_scipy_additive_hyperbolic(xy: Pair) -> None:
    x, y = xy
    expected = ss.weightedtau(x, y, rank=True, weigher=None, additive=True).statistic
    assert weighted_tau(x, y) == pytest.approx(expected, abs=1e-12)


def test_weighted_tau_weighs_the_top_more() -> None:
    truth = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    top = np.array([4.0, 5.0, 3.0, 2.0, 1.0])
    bottom = np.array([5.0, 4.0, 3.0, 1.0, 2.0])
    assert kendall_tau(top, truth) == kendall_tau(bottom, truth)
    assert weighted_tau(top, truth) < weighted_tau(bottom, truth) < 1.0


# ---------------------------------------------------------------------------- properties
@given(varying_pairs())
def test_correlations_are_in_range_and_symmetric(xy: Pair) -> None:
    x, y = xy
    for f in CORRELATIONS:
        v = f(x, y)
        assert -1.0 <= v <= 1.0
        assert f(y, x) == pytest.approx(v, abs=1e-12)


@given(varying_pairs(), st.data())
def test_correlations_do_not_change_when_rows_are_shuffled_together(xy: Pair, data: Any) -> None:
    x, y = xy
    perm = data.draw(shuffled(len(x)))
    for f in CORRELATIONS:
        assert f(x[perm], y[perm]) == pytest.approx(f(x, y), abs=1e-12)


@given(varying_pairs())
def test_correlations_depend_only_on_the_order(xy: Pair) -> None:
    x, y = xy
    ranks = ss.rankdata(x)  # the same order, other numbers
    assert kendall_tau(ranks, y) == kendall_tau(x, y)  # counts of pairs: exact
    assert spearman_rho(ranks, y) == pytest.approx(spearman_rho(x, y), abs=1e-12)


@given(pairs().filter(lambda xy: bool(np.ptp(xy[0]) > 0)))
def test_correlation_of_a_ranking_with_itself_is_one_and_with_its_reverse_minus_one(
    xy: Pair,
) -> None:
    x, _ = xy
    for f in CORRELATIONS:
        assert f(x, x) == pytest.approx(1.0, abs=1e-12)
    assert kendall_tau(x, -x) == pytest.approx(-1.0, abs=1e-12)
    assert spearman_rho(x, -x) == pytest.approx(-1.0, abs=1e-12)


# ---------------------------------------------------------------------------- ScoreTables
def test_score_tables_are_aligned_by_id_whatever_their_row_order() -> None:
    ids = ids_for(6)
    x = np.array([3.0, 1.0, 2.0, 2.0, 5.0, 0.0])
    y = np.array([1.0, 1.0, 3.0, 2.0, 6.0, 4.0])
    a = table(ids, x)
    b = table(ids, y, "n").take([5, 3, 0, 1, 4, 2])  # same accounts, other order
    assert b.ids.tolist() != a.ids.tolist()
    assert kendall_tau(a, b) == kendall_tau(x, y)
    assert spearman_rho(a, b) == pytest.approx(spearman_rho(x, y), abs=1e-15)
    assert top_k(b, 2) == top_k(y, 2, ids=ids) == ("A004", "A005")
    assert rank_biased_overlap(a, b) == rank_biased_overlap(x, y)


def test_an_array_takes_the_row_order_of_a_score_table_or_is_aligned_by_ids() -> None:
    ids = ids_for(4)
    a = table(ids, [4.0, 3.0, 2.0, 1.0])
    assert kendall_tau(a, [1.0, 2.0, 3.0, 4.0]) == -1.0  # in a's row order
    reordered = ["A003", "A002", "A001", "A000"]
    assert kendall_tau(a, [1.0, 2.0, 3.0, 4.0], ids=reordered) == 1.0  # by id


def test_real_scorers_on_one_feature_table() -> None:
    rng = np.random.default_rng(4)
    n = 40
    cols = {
        "profit": rng.normal(1e5, 3e4, n),
        "strategic_fit": rng.integers(0, 10, n).astype(float),
        "value_potential": rng.integers(0, 10, n).astype(float),
        "resource_complementarity": rng.integers(0, 10, n).astype(float),
    }
    t = FeatureTable.from_columns(ids_for(n), cols)
    wp = WeightedPoints([Criterion("profit", 2.0), Criterion("strategic_fit")], threshold=5.0)
    a = wp.fit(t).score(t)
    vm = ValueMatrix().fit(t).score(t)
    tau = kendall_tau(a, vm)
    assert tau == pytest.approx(ss.kendalltau(a.scores, vm.scores).statistic, abs=1e-12)
    shuffled_vm = vm.take(rng.permutation(n))
    assert kendall_tau(a, shuffled_vm) == tau
    cm = confusion_matrix(a, vm)
    assert cm.a_classes == a.classes
    assert cm.b_classes == vm.classes
    assert cm.n == n
    assert a.labels is not None
    assert int(cm.counts.sum(axis=1)[0]) == np.count_nonzero(a.labels == "key")
    flips = class_flips(a, a.take(rng.permutation(n)))
    assert flips == ()


# ---------------------------------------------------------------------------- top-k
@given(pairs(min_size=1), st.integers(1, 40))
@example((np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0])), 1)
def test_top_k_sets_follow_the_documented_tie_rules(xy: Pair, k_raw: int) -> None:
    x, _ = xy
    m = len(x)
    k = min(k_raw, m)
    ids = ids_for(m)[::-1]  # ids in reverse of the row order: the id rule is not the row
    incl = top_k(x, k, ids=ids)
    by_id = top_k(x, k, ids=ids, ties="by_id")
    kth = sorted(x.tolist(), reverse=True)[k - 1]
    assert set(incl) == {ids[i] for i in range(m) if x[i] >= kth}  # every tie at place k
    assert (
        incl == tuple(ids[i] for i in sorted(range(m), key=lambda i: (-x[i], ids[i])))[: len(incl)]
    )
    assert by_id == tuple(ids[i] for i in sorted(range(m), key=lambda i: (-x[i], ids[i]))[:k])
    assert len(by_id) == k <= len(incl)
    assert set(by_id) <= set(incl)


def test_top_k_ties_at_the_kth_place() -> None:
    ids = ["D", "C", "B", "A"]
    scores = [9.0, 5.0, 5.0, 1.0]
    assert top_k(scores, 2, ids=ids) == ("D", "B", "C")  # both of the tie, ids ascending
    assert top_k(scores, 1, ids=ids) == ("D",)
    assert top_k(scores, 2, ids=ids, ties="by_id") == ("D", "B")
    assert top_k(scores, 3, ids=ids) == ("D", "B", "C")
    assert top_k([2.0, 2.0, 2.0], 1, ids=["z", "y", "x"]) == ("x", "y", "z")
    assert top_k([2.0, 2.0, 2.0], 1, ids=["z", "y", "x"], ties="by_id") == ("x",)


def test_top_k_set_sizes_under_ties() -> None:
    x = [9.0, 5.0, 5.0, 1.0]
    y = [9.0, 8.0, 5.0, 1.0]
    # include: A = {0, 1, 2}, B = {0, 1}
    assert top_k_overlap(x, y, 2) == 1.0  # |A & B| / min(|A|, |B|) = 2 / 2
    assert top_k_jaccard(x, y, 2) == pytest.approx(2 / 3)
    assert precision_at_k(x, y, 2) == pytest.approx(2 / 3)  # 2 of the 3 listed
    assert precision_at_k(y, x, 2) == 1.0
    ids = ["A", "B", "C", "D"]
    assert top_k_overlap(x, y, 2, ids=ids, ties="by_id") == 1.0  # {A, B} both
    assert top_k_jaccard(x, [9.0, 1.0, 8.0, 5.0], 2, ids=ids, ties="by_id") == pytest.approx(1 / 3)


@given(pairs(min_size=1), st.data())
def test_top_k_measures_are_in_range_symmetric_and_invariant(xy: Pair, data: Any) -> None:
    x, y = xy
    m = len(x)
    k = data.draw(st.integers(1, m))
    perm = data.draw(shuffled(m))
    ids = ids_for(m)
    for ties in ("include", "by_id"):
        kw: dict[str, Any] = {"ids": ids, "ties": ties}
        for f in TOPK:
            v = f(x, y, k, **kw)
            assert 0.0 <= v <= 1.0
            shuffled_kw = {"ids": [ids[i] for i in perm], "ties": ties}
            assert f(x[perm], y[perm], k, **shuffled_kw) == v
        assert top_k_overlap(y, x, k, **kw) == top_k_overlap(x, y, k, **kw)
        assert top_k_jaccard(y, x, k, **kw) == top_k_jaccard(x, y, k, **kw)
        for f in TOPK:
            assert f(x, x, k, **kw) == 1.0
    # relabelling accounts changes nothing under the default rule
    relabelled = [f"zz{i}" for i in range(m)][::-1]
    for f in TOPK:
        assert f(x, y, k, ids=relabelled) == f(x, y, k)


def test_top_k_jaccard_and_overlap_by_hand() -> None:
    a = [9.0, 8.0, 7.0, 1.0]
    b = [9.0, 1.0, 8.0, 7.0]
    assert top_k_overlap(a, b, 2) == 0.5
    assert top_k_jaccard(a, b, 2) == pytest.approx(1 / 3)
    assert precision_at_k(a, b, 2) == 0.5
    assert top_k_jaccard(a, b, 4) == 1.0


# ---------------------------------------------------------------------------- RBO
@given(
    pairs(min_size=1),
    st.sampled_from([0.1, 0.5, 0.9, 0.98]),
    st.integers(1, 40),
    st.sampled_from(["include", "by_id"]),
)
@example((np.array([4.0, 3.0, 2.0, 1.0]), np.array([4.0, 3.0, 3.0, 3.0])), 0.5, 4, "include")
def test_rbo_equals_the_set_definition(xy: Pair, p: float, depth_raw: int, ties: str) -> None:
    x, y = xy
    m = len(x)
    depth = min(depth_raw, m)
    ids = ids_for(m)[::-1]
    got = rank_biased_overlap(x, y, p=p, depth=depth, ids=ids, ties=ties)  # type: ignore[arg-type]
    assert got == pytest.approx(brute_rbo(x, y, p, depth, ties, ids), abs=1e-12)
    assert 0.0 <= got <= 1.0


@given(pairs(min_size=1), st.data())
def test_rbo_is_one_on_identical_rankings_symmetric_and_invariant(xy: Pair, data: Any) -> None:
    x, y = xy
    p = data.draw(st.floats(0.01, 0.99))
    perm = data.draw(shuffled(len(x)))
    assert rank_biased_overlap(x, x, p=p) == pytest.approx(1.0, abs=1e-12)
    v = rank_biased_overlap(x, y, p=p)
    assert rank_biased_overlap(y, x, p=p) == v
    assert rank_biased_overlap(x[perm], y[perm], p=p) == v


@pytest.mark.parametrize("depth", [400, 250, 100])
def test_rbo_when_p_to_the_d_leaves_the_normal_floats(depth: int) -> None:
    # p = 0.01: p**d is subnormal from d = 154 on; those terms are dropped (under 1e-300)
    rng = np.random.default_rng(depth)
    x = rng.integers(0, 50, 400).astype(float)
    y = np.where(rng.random(400) < 0.5, x, rng.integers(0, 50, 400))
    ids = ids_for(400)
    for ties in ("include", "by_id"):
        got = rank_biased_overlap(x, y, p=0.01, depth=depth, ids=ids, ties=ties)
        assert got == pytest.approx(brute_rbo(x, y, 0.01, depth, ties, ids), abs=1e-12)


@pytest.mark.parametrize("p", [1e-310, 5e-324, 1e-300, 1e-9])
def test_rbo_with_a_tiny_or_subnormal_p_is_the_first_place_agreement(p: float) -> None:
    # (1 - p) / p overflowed for a subnormal p and the value clipped to 1.0
    got = rank_biased_overlap([4.0, 3.0, 2.0, 1.0], [4.0, 4.0, 2.0, 1.0], p=p)
    assert got == pytest.approx(2 / 3, abs=1e-8)


def test_precision_at_k_against_the_true_top_as_account_ids() -> None:
    gt = ground_truth_table(120, seed=4)
    wp = WeightedPoints().fit(gt.table).score(gt.table)
    latent = ScoreTable.from_scores(gt.ids, gt.latent, scorer="latent")
    want = precision_at_k(wp, latent, 10, ties="by_id")
    assert precision_at_k(wp, gt.true_top(10), 10, ties="by_id") == want
    assert precision_at_k(wp, set(gt.true_top(10)), 10, ties="by_id") == want
    assert precision_at_k(wp, frozenset(gt.true_top(10)), 10, ties="by_id") == want
    ids = ["A", "B", "C", "D"]
    assert precision_at_k([9.0, 8.0, 8.0, 1.0], ["A", "D"], 2, ids=ids) == 1 / 3  # 3 listed
    assert precision_at_k([9.0, 8.0, 8.0, 1.0], ("A", "C"), 2, ids=ids, ties="by_id") == 0.5
    first = str(gt.ids[0])
    err = _raises(UnknownIdError, lambda: precision_at_k(wp, [first, "nope"], 3), "truth")
    assert err.path == "precision_at_k.truth[1]"
    assert err.value == "nope"
    _raises(DuplicateIdError, lambda: precision_at_k([1.0, 2.0], ["A", "A"], 1, ids=["A", "B"]),
            r"truth\[1\]")  # fmt: skip
    _raises(InvalidTypeError, lambda: precision_at_k([1.0, 2.0], ["A"], 1), "ids=")
    _raises(InvalidValueError, lambda: precision_at_k(wp, set[str](), 1), "at least one")
    mixed: Any = {"A", 1}
    _raises(InvalidTypeError, lambda: precision_at_k(wp, mixed, 1), "truth")


def test_rbo_by_hand() -> None:
    same = [4.0, 3.0, 2.0, 1.0]
    # depth 1: 0, depth 2..4: 1  ->  (1 - p) / p * (p^2 + p^3 + p^4) + p^4
    assert rank_biased_overlap(same, [3.0, 4.0, 2.0, 1.0], p=0.5) == pytest.approx(0.5)
    # a tie over places 2-4: A_2 = 2*2/(2+4), A_3 = 2*3/(3+4)
    expected = 1.0 * (0.5 + 0.25 * (4 / 6) + 0.125 * (6 / 7) + 0.0625) + 0.0625
    assert rank_biased_overlap(same, [4.0, 3.0, 3.0, 3.0], p=0.5) == pytest.approx(expected)
    # a swap near the top costs more than one at the bottom
    top = rank_biased_overlap(same, [3.0, 4.0, 2.0, 1.0])
    assert top < rank_biased_overlap(same, [4.0, 3.0, 1.0, 2.0]) < 1.0
    # depth k: only the first k places count, extrapolated with A_k
    assert rank_biased_overlap(same, [4.0, 3.0, 1.0, 2.0], depth=2) == pytest.approx(1.0)


# ---------------------------------------------------------------------------- classes
LABELS = st.sampled_from(["key", "not_key", "watch"])


@st.composite
def label_pairs(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    rows = draw(st.lists(st.tuples(LABELS, LABELS), min_size=1, max_size=30))
    return [r[0] for r in rows], [r[1] for r in rows]


@given(label_pairs())
@example((["key", "not_key"], ["not_key", "key"]))
def test_kappa_equals_the_exact_formula_and_is_symmetric(ab: tuple[list[str], list[str]]) -> None:
    a, b = ab
    assume(not (len(set(a)) == 1 and set(a) == set(b)))  # p_e = 1: undefined
    k = cohen_kappa(a, b)
    assert k == float(brute_kappa(a, b))
    assert cohen_kappa(b, a) == k
    assert -1.0 <= k <= 1.0


@given(label_pairs(), st.data())
def test_kappa_is_one_on_identical_labels_and_invariant_under_shuffles(
    ab: tuple[list[str], list[str]], data: Any
) -> None:
    a, b = ab
    assume(len(set(a)) >= 2)
    assert cohen_kappa(a, a) == 1.0
    perm = data.draw(shuffled(len(a)))
    assume(not (len(set(b)) == 1 and set(a) == set(b)))
    assert cohen_kappa([a[i] for i in perm], [b[i] for i in perm]) == cohen_kappa(a, b)


@given(label_pairs())
def test_confusion_matrix_counts_every_account_and_transposes(
    ab: tuple[list[str], list[str]],
) -> None:
    a, b = ab
    cm = confusion_matrix(a, b)
    assert cm.n == len(a)
    for i, ca in enumerate(cm.a_classes):
        for j, cb in enumerate(cm.b_classes):
            expected = sum(u == ca and v == cb for u, v in zip(a, b, strict=True))
            assert int(cm.counts[i, j]) == cm.count(ca, cb) == expected
    assert (confusion_matrix(b, a).counts == cm.counts.T).all()
    same = sum(u == v for u, v in zip(a, b, strict=True))
    assert cm.observed_agreement == same / len(a)


@given(label_pairs(), st.data())
def test_class_flips_are_exactly_the_changed_accounts_by_id(
    ab: tuple[list[str], list[str]], data: Any
) -> None:
    a, b = ab
    ids = ids_for(len(a))
    flips = class_flips(a, b, ids=ids)
    assert flips == tuple(
        ClassFlip(i, u, v) for i, u, v in sorted(zip(ids, a, b, strict=True)) if u != v
    )
    perm = data.draw(shuffled(len(a)))
    assert class_flips([a[i] for i in perm], [b[i] for i in perm], ids=[ids[i] for i in perm]) == (
        flips
    )
    assert class_flips(a, a, ids=ids) == ()


def test_classes_of_score_tables() -> None:
    ids = ids_for(4)
    a = table(ids, [1.0, 2.0, 3.0, 4.0], labels=["S", "A", "A", "B"], classes=("S", "A", "B"))
    b = table(ids, [1.0, 2.0, 3.0, 4.0], "n", labels=["S", "B", "A", "B"], classes=("S", "A", "B"))
    b = b.take([3, 2, 1, 0])
    cm = confusion_matrix(a, b)
    assert cm.a_classes == ("S", "A", "B")  # declared order, not sorted
    assert cm.counts.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    assert class_flips(a, b) == (ClassFlip("A001", "A", "B"),)
    assert cohen_kappa(a, b) == float(brute_kappa(["S", "A", "A", "B"], ["S", "B", "A", "B"]))
    assert not cm.counts.flags.writeable
    assert str(cm).splitlines()[0].split() == ["A", "\\", "B", "S", "A", "B"]


def test_kappa_by_hand() -> None:
    assert cohen_kappa(["key", "key", "other", "other"], ["key", "other", "other", "other"]) == 0.5
    # total disagreement with every account in one class each: p_o = p_e = 0
    assert cohen_kappa(["key", "key"], ["other", "other"]) == 0.0
    assert cohen_kappa(["a", "b"], ["b", "a"]) == -1.0


# ---------------------------------------------------------------------------- matrix
def _replicates_by_scipy(stat: str, x: Floats, y: Floats, seed: int, n_boot: int) -> list[float]:
    f = ss.kendalltau if stat == "kendall" else ss.spearmanr
    out = []
    for _, idx in impl._resample_indices(seed, len(x), n_boot):
        for row in idx:
            xs, ys = x[row], y[row]
            if np.ptp(xs) > 0 and np.ptp(ys) > 0:
                out.append(float(f(xs, ys).statistic))
    return out


@pytest.mark.parametrize("stat", ["kendall", "spearman"])
@pytest.mark.parametrize("m", [2, 3, 9, 60])
def test_bootstrap_replicates_equal_scipy_on_each_resample(stat: str, m: int) -> None:
    rng = np.random.default_rng(m)
    cols = [np.round(rng.normal(size=m), 0) for _ in range(3)]
    for c in cols:
        c[:2] = [0.0, 1.0]  # every method varies
    values, defined = impl._bootstrap(stat, cols, 3, 50)
    f = ss.kendalltau if stat == "kendall" else ss.spearmanr
    b = 0
    for _, idx in impl._resample_indices(3, m, 50):
        for row in idx:
            for i, j in itertools.product(range(3), repeat=2):
                xs, ys = cols[i][row], cols[j][row]
                ok = np.ptp(xs) > 0 and np.ptp(ys) > 0
                assert bool(defined[b, i, j]) == ok
                if ok and i != j:
                    assert values[b, i, j] == pytest.approx(f(xs, ys).statistic, abs=1e-12)
                if i == j:
                    assert values[b, i, j] == 1.0
            b += 1
    assert b == 50


@pytest.mark.parametrize("stat", ["kendall", "spearman"])
def test_matrix_intervals_are_percentiles_of_scipy_on_the_resamples(stat: str) -> None:
    rng = np.random.default_rng(1)
    x = np.round(rng.normal(size=30), 1)
    y = np.round(x + rng.normal(size=30), 0)
    am = agreement_matrix({"a": x, "b": y}, statistic=stat, n_boot=200, seed=9, level=0.9)  # type: ignore[arg-type]
    reps = _replicates_by_scipy(stat, x, y, 9, 200)
    lo, hi = np.quantile(reps, [0.05, 0.95])
    assert am.interval("a", "b") == pytest.approx((lo, hi), abs=1e-12)
    assert am.interval("b", "a") == am.interval("a", "b")
    assert am.defined is not None
    assert int(am.defined[0, 1]) == len(reps)
    point = kendall_tau(x, y) if stat == "kendall" else spearman_rho(x, y)
    assert am.value("a", "b") == point
    (row,) = am.to_rows()
    assert (row["a"], row["b"], row["value"], row["defined"]) == ("a", "b", point, len(reps))
    assert (row["low"], row["high"]) == pytest.approx((lo, hi), abs=1e-12)


def test_matrix_shape_symmetry_seed_and_order() -> None:
    rng = np.random.default_rng(2)
    base = rng.normal(size=80)
    scores = {f"m{i}": np.round(base + rng.normal(size=80) * i, 1) for i in range(4)}
    am = agreement_matrix(scores, n_boot=100, seed=3)
    assert isinstance(am, AgreementMatrix)
    assert am.names == ("m0", "m1", "m2", "m3")
    assert am.n_accounts == 80
    assert am.low is not None
    assert am.high is not None
    for arr in (am.values, am.low, am.high):
        assert arr.shape == (4, 4)
        assert (arr == arr.T).all()
        assert not arr.flags.writeable
        assert (np.diag(arr) == 1.0).all()
        assert (np.abs(arr) <= 1.0).all()
    assert (am.low <= am.high).all()
    again = agreement_matrix(scores, n_boot=100, seed=3)
    assert again.low is not None
    assert again.high is not None
    assert np.array_equal(again.low, am.low)
    assert np.array_equal(again.high, am.high)
    other = agreement_matrix(scores, n_boot=100, seed=4)
    assert other.low is not None
    assert not np.array_equal(other.low, am.low)
    flipped = agreement_matrix(dict(reversed(scores.items())), n_boot=100, seed=3)
    assert flipped.low is not None
    np.testing.assert_allclose(flipped.values, am.values[::-1, ::-1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(flipped.low, am.low[::-1, ::-1], rtol=0, atol=1e-12)
    for a, b in itertools.combinations(am.names, 2):
        assert am.value(a, b) == kendall_tau(scores[a], scores[b])


def test_matrix_of_score_tables_in_other_row_orders() -> None:
    rng = np.random.default_rng(5)
    n = 50
    ids = ids_for(n)
    x, y = rng.normal(size=n), rng.normal(size=n)
    a = table(ids, x, "points")
    b = table(ids, y, "matrix").take(rng.permutation(n))
    am = agreement_matrix([a, b], statistic="spearman", n_boot=50, seed=0)
    ref = agreement_matrix({"points": x, "matrix": y}, statistic="spearman", n_boot=50, seed=0)
    assert am.names == ("points", "matrix")
    assert am.value("points", "matrix") == pytest.approx(ref.value("points", "matrix"), abs=1e-15)
    assert am.interval("points", "matrix") == pytest.approx(
        ref.interval("points", "matrix"), abs=1e-12
    )


def test_matrix_without_bootstrap_and_its_text() -> None:
    am = agreement_matrix({"x": [1.0, 2.0, 3.0], "y": [3.0, 2.0, 1.0]}, n_boot=0)
    assert am.low is None
    assert am.high is None
    assert am.defined is None
    assert am.value("x", "y") == -1.0
    assert am.to_rows() == [{"a": "x", "b": "y", "value": -1.0}]
    assert str(am).splitlines() == ["Kendall tau-b over 3 accounts", "  x  y  -1.000"]
    with pytest.raises(InvalidValueError, match="n_boot >= 1"):
        am.interval("x", "y")
    with pytest.raises(UnknownIdError, match="is not a method of this matrix"):
        am.value("x", "z")


def test_matrix_resamples_that_all_tie_are_left_out_and_counted() -> None:
    # two accounts: half of the resamples draw one account twice (every score ties)
    am = agreement_matrix({"x": [1.0, 2.0], "y": [1.0, 2.0]}, n_boot=400, seed=0)
    assert am.defined is not None
    assert 100 < int(am.defined[0, 1]) < 300
    assert int(am.defined[0, 0]) == int(am.defined[0, 1])
    assert am.interval("x", "y") == (1.0, 1.0)


# ---------------------------------------------------------------------------- inputs kept
@pytest.mark.parametrize(
    "call",
    [
        lambda x, y, ids: spearman_rho(x, y),
        lambda x, y, ids: kendall_tau(x, y),
        lambda x, y, ids: weighted_tau(x, y),
        lambda x, y, ids: top_k(x, 2, ids=ids, ties="by_id"),
        lambda x, y, ids: top_k_overlap(x, y, 2, ids=ids, ties="by_id"),
        lambda x, y, ids: rank_biased_overlap(x, y, ids=ids, ties="by_id"),
        lambda x, y, ids: agreement_matrix({"x": x, "y": y}, n_boot=20),
        lambda x, y, ids: agreement_matrix({"x": x, "y": y}, n_boot=20, statistic="spearman"),
    ],
)
def test_inputs_are_never_modified(call: Callable[[Any, Any, Any], object]) -> None:
    x = np.array([3.0, 1.0, 2.0, 2.0, 0.0])
    y = np.array([1.0, 2.0, 2.0, 5.0, 4.0])
    ids = ["e", "d", "c", "b", "a"]
    x0, y0, ids0 = x.copy(), y.copy(), list(ids)
    call(x, y, ids)
    assert (x == x0).all()
    assert (y == y0).all()
    assert ids == ids0
    assert x.flags.writeable
    assert y.flags.writeable


def test_labels_are_never_modified() -> None:
    a = np.array(["k", "n", "k"], dtype=object)
    b = ["n", "n", "k"]
    a0, b0 = a.copy(), list(b)
    confusion_matrix(a, b)
    cohen_kappa(a, b)
    class_flips(a, b, ids=["x", "y", "z"])
    assert (a == a0).all()
    assert b == b0
    assert a.flags.writeable


# ---------------------------------------------------------------------------- errors
ALL_SCORES: list[Callable[[Any, Any], object]] = [
    lambda a, b: spearman_rho(a, b),
    lambda a, b: kendall_tau(a, b),
    lambda a, b: weighted_tau(a, b),
    lambda a, b: top_k_overlap(a, b, 1),
    lambda a, b: top_k_jaccard(a, b, 1),
    lambda a, b: precision_at_k(a, b, 1),
    lambda a, b: rank_biased_overlap(a, b),
    lambda a, b: agreement_matrix({"a": a, "b": b}, n_boot=5),
]
NAMES = [
    "spearman_rho",
    "kendall_tau",
    "weighted_tau",
    "top_k_overlap",
    "top_k_jaccard",
    "precision_at_k",
    "rank_biased_overlap",
    "agreement_matrix",
]


def _raises(exc: type[BaseException], call: Callable[[], object], match: str) -> FieldError:
    with pytest.raises(exc, match=match) as info:
        call()
    err = info.value
    assert isinstance(err, FieldError)  # a KamlibError naming the argument and the value
    return err


@pytest.mark.parametrize("f", ALL_SCORES, ids=NAMES)
def test_empty_input_is_refused(f: Callable[[Any, Any], object]) -> None:
    _raises(InvalidValueError, lambda: f([], []), "must score at least")


@pytest.mark.parametrize("f", ALL_SCORES[:3] + ALL_SCORES[-1:], ids=NAMES[:3] + NAMES[-1:])
def test_a_correlation_of_one_account_is_refused(f: Callable[[Any, Any], object]) -> None:
    err = _raises(InvalidValueError, lambda: f([1.0], [2.0]), "at least 2 accounts")
    assert "got 1" in str(err)


@pytest.mark.parametrize("f", ALL_SCORES[3:7], ids=NAMES[3:7])
def test_top_k_of_one_account_is_defined(f: Callable[[Any, Any], object]) -> None:
    assert f([1.0], [2.0]) == 1.0


@pytest.mark.parametrize("f", ALL_SCORES[:3] + ALL_SCORES[-1:], ids=NAMES[:3] + NAMES[-1:])
@pytest.mark.parametrize("which", ["a", "b"])
def test_all_ties_make_a_correlation_undefined_and_raise(
    f: Callable[[Any, Any], object], which: str
) -> None:
    tied, varied = [2.0, 2.0, 2.0], [1.0, 2.0, 3.0]
    a, b = (tied, varied) if which == "a" else (varied, tied)
    err = _raises(InvalidValueError, lambda: f(a, b), "every score tied")
    assert err.value == 2.0


@pytest.mark.parametrize("f", ALL_SCORES, ids=NAMES)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_scores_are_refused_naming_the_position(
    f: Callable[[Any, Any], object], bad: float
) -> None:
    err = _raises(InvalidValueError, lambda: f([1.0, 2.0, 3.0], [1.0, bad, 3.0]), "finite")
    assert err.path.endswith("[1]")


@pytest.mark.parametrize("f", ALL_SCORES, ids=NAMES)
def test_mismatched_lengths_are_refused(f: Callable[[Any, Any], object]) -> None:
    err = _raises(InvalidValueError, lambda: f([1.0, 2.0, 3.0], [1.0, 2.0]), "must have shape")
    assert err.value == (2,)


@pytest.mark.parametrize("f", ALL_SCORES, ids=NAMES)
def test_score_tables_of_other_accounts_are_refused(f: Callable[[Any, Any], object]) -> None:
    a = table(["A", "B", "C"], [1.0, 2.0, 3.0])
    missing = table(["A", "B", "Z"], [3.0, 1.0, 2.0], "n")
    err = _raises(UnknownIdError, lambda: f(a, missing), "both must score the same accounts")
    assert err.value == "C"
    more = table(["A", "B", "C", "D"], [3.0, 1.0, 2.0, 0.0], "n")
    err = _raises(UnknownIdError, lambda: f(a, more), "both must score the same accounts")
    assert err.value == "D"
    assert isinstance(err, LookupError)


@pytest.mark.parametrize("f", ALL_SCORES, ids=NAMES)
@pytest.mark.parametrize(
    ("bad", "exc"),
    [
        ("abc", InvalidTypeError),
        ({"A": 1.0}, InvalidTypeError),
        (None, InvalidTypeError),
        ([True, False, True], InvalidTypeError),
        (["1", "2", "3"], InvalidTypeError),
        ([1.0, None, 2.0], InvalidTypeError),
        ([[1.0, 2.0], [3.0, 4.0]], InvalidValueError),
        ([1.0, [2.0], 3.0], InvalidTypeError),
    ],
)
def test_inputs_that_are_not_scores_are_refused(
    f: Callable[[Any, Any], object], bad: object, exc: type[KamlibError]
) -> None:
    err = _raises(exc, lambda: f([1.0, 2.0, 3.0], bad), "one-dimensional|real numbers")
    assert err.path.rsplit(".", 1)[-1] in {"b", "truth", "scores['b']"}


@pytest.mark.parametrize("f", TOPK, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("k", "exc"),
    [
        (0, InvalidValueError),
        (4, InvalidValueError),
        (-1, InvalidValueError),
        (1.0, InvalidTypeError),
        (True, InvalidTypeError),
        ("2", InvalidTypeError),
    ],
)
def test_k_out_of_range_is_refused(
    f: Callable[..., float], k: object, exc: type[Exception]
) -> None:
    err = _raises(exc, lambda: f([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], k), "int in")
    assert err.path.endswith(".k")
    assert err.value == k


def test_top_k_errors() -> None:
    _raises(InvalidValueError, lambda: top_k([1.0, 2.0], 3, ids=["a", "b"]), r"\[1, 2\]")
    _raises(InvalidValueError, lambda: top_k([1.0, 2.0], 1), "must be given")
    err = _raises(InvalidValueError, lambda: top_k_overlap([1.0], [1.0], 1, ties="by_id"), "ids")
    assert err.path == "top_k_overlap.ties"
    _raises(
        InvalidValueError,
        lambda: top_k_jaccard([1.0], [1.0], 1, ties="random"),  # type: ignore[arg-type]
        "must be one of 'include', 'by_id'",
    )


def test_rbo_parameter_errors() -> None:
    x, y = [1.0, 2.0, 3.0], [3.0, 2.0, 1.0]
    for p in (0, 1, 1.5, -0.1):
        err = _raises(InvalidValueError, partial(rank_biased_overlap, x, y, p=p), r"\(0, 1\)")
        assert err.path == "rank_biased_overlap.p"
    _raises(InvalidTypeError, lambda: rank_biased_overlap(x, y, p="0.9"), "real number")  # type: ignore[arg-type]
    for depth in (0, 4):
        _raises(InvalidValueError, partial(rank_biased_overlap, x, y, depth=depth), r"\[1, 3\]")


def test_ids_argument_errors() -> None:
    x, y = [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]
    _raises(DuplicateIdError, lambda: kendall_tau(x, y, ids=["a", "b", "a"]), "not unique")
    _raises(InvalidValueError, lambda: kendall_tau(x, y, ids=["a", ""]), "non-empty")
    bad_ids: list[Any] = ["a", 2, "c"]
    _raises(InvalidTypeError, lambda: kendall_tau(x, y, ids=bad_ids), "str")
    _raises(InvalidTypeError, lambda: kendall_tau(x, y, ids="abc"), "sequence of str")
    _raises(InvalidValueError, lambda: kendall_tau(x, y, ids=["a", "b"]), "one value per id")
    a = table(["a", "b", "c"], x)
    b = table(["a", "b", "c"], y, "n")
    _raises(InvalidValueError, lambda: kendall_tau(a, b, ids=["a", "b", "c"]), "array inputs")
    _raises(UnknownIdError, lambda: kendall_tau(a, y, ids=["a", "b", "z"]), "same accounts")


def test_label_input_errors() -> None:
    st_no_labels = table(["a", "b"], [1.0, 2.0])
    err = _raises(InvalidValueError, lambda: cohen_kappa(st_no_labels, ["x", "y"]), "no class")
    assert err.path == "cohen_kappa.a"
    mixed: list[Any] = ["x", 1]
    _raises(InvalidTypeError, lambda: confusion_matrix(mixed, ["x", "y"]), "str class label")
    _raises(InvalidTypeError, lambda: confusion_matrix("xy", ["x", "y"]), "sequence of str")
    _raises(InvalidTypeError, lambda: confusion_matrix(None, ["x"]), "sequence of str")  # type: ignore[arg-type]
    _raises(InvalidValueError, lambda: confusion_matrix(np.array([["x"]]), ["x"]), "one-dim")
    _raises(InvalidValueError, lambda: confusion_matrix([], []), "at least 1 account")
    _raises(InvalidValueError, lambda: cohen_kappa(["x", "y"], ["x"]), "must have shape")
    _raises(InvalidValueError, lambda: class_flips(["x"], ["y"]), "must be given")
    _raises(InvalidValueError, lambda: cohen_kappa(["k", "k"], ["k", "k"]), "p_e = 1")
    quadrants = table(["a", "b"], [1.0, 2.0], labels=["q1", "q2"], classes=("q1", "q2"))
    tiers = table(["a", "b"], [1.0, 2.0], "n", labels=["S", "A"], classes=("S", "A"))
    _raises(InvalidValueError, lambda: cohen_kappa(quadrants, tiers), "declares other classes")
    assert confusion_matrix(quadrants, tiers).counts.tolist() == [[1, 0], [0, 1]]
    # Two class systems sharing names: CLV tiers S/A/B/C against ABC classes A/B/C.
    clv = table(["a", "b", "c", "d"], [4.0, 3.0, 2.0, 1.0], "clv", labels=["S", "A", "B", "C"],
                classes=("S", "A", "B", "C"))  # fmt: skip
    abc = table(["a", "b", "c", "d"], [4.0, 3.0, 2.0, 1.0], "abc", labels=["A", "A", "B", "C"],
                classes=("A", "B", "C"))  # fmt: skip
    err = _raises(InvalidValueError, lambda: cohen_kappa(clv, abc), "declares other classes")
    assert err.path == "cohen_kappa.b"
    assert err.value == ["A", "B", "C"]
    assert "['S', 'A', 'B', 'C']" in str(err)
    _raises(InvalidValueError, lambda: class_flips(clv, abc), "class_flips compares one")
    assert confusion_matrix(clv, abc).counts.tolist() == [[1, 0, 0], [1, 0, 0], [0, 1, 0],
                                                         [0, 0, 1]]  # fmt: skip
    same = table(["a", "b", "c", "d"], [1.0, 2.0, 3.0, 4.0], "m", labels=["C", "B", "A", "S"],
                 classes=("S", "A", "B", "C"))  # fmt: skip
    assert cohen_kappa(clv, same) < 0.0  # one system: still a number
    cm = confusion_matrix(["x"], ["x"])
    _raises(UnknownIdError, lambda: cm.count("z", "x"), "is not a class of A")
    assert isinstance(cm, ClassConfusion)


def test_agreement_matrix_argument_errors() -> None:
    x, y = [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]
    _raises(InvalidValueError, lambda: agreement_matrix({"x": x}), "at least 2 methods")
    _raises(InvalidTypeError, lambda: agreement_matrix("xy"), "mapping")  # type: ignore[arg-type]
    _raises(InvalidTypeError, lambda: agreement_matrix([x, y]), "must be a ScoreTable")  # type: ignore[list-item]
    a, b = table(["a", "b", "c"], x), table(["a", "b", "c"], y)  # both named "m"
    _raises(DuplicateIdError, lambda: agreement_matrix([a, b]), "repeats a scorer name")
    _raises(InvalidValueError, lambda: agreement_matrix({"": x, "y": y}), "non-empty")
    both = {"x": x, "y": y}
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"statistic": "pearson"}, InvalidValueError, "must be one of"),
        ({"n_boot": -1}, InvalidValueError, "n_boot"),
        ({"n_boot": 1.5}, InvalidTypeError, "n_boot"),
        ({"level": 1.0}, InvalidValueError, "level"),
        ({"level": 0}, InvalidValueError, "level"),
        ({"seed": -1}, InvalidValueError, "seed"),
        ({"seed": None}, InvalidTypeError, "seed"),
    ]
    for kw, exc, match in cases:
        _raises(exc, partial(agreement_matrix, both, **kw), match)
    err = _raises(
        InvalidValueError, lambda: agreement_matrix({"x": x, "t": [1.0, 1.0, 1.0]}), "tied"
    )
    assert err.path == "agreement_matrix.scores['t']"


def test_every_error_is_a_kamlib_error_and_the_builtin() -> None:
    calls: list[tuple[Callable[[], object], type[Exception]]] = [
        (lambda: kendall_tau([1.0], [1.0]), ValueError),
        (lambda: kendall_tau("x", [1.0]), TypeError),
        (lambda: kendall_tau(table(["a"], [1.0]), table(["b"], [1.0])), LookupError),
    ]
    for call, builtin in calls:
        with pytest.raises(builtin) as info:
            call()
        assert isinstance(info.value, KamlibError)
