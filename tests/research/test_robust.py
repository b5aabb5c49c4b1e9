"""Robustness of linear scorers to their weights: perturbation, SMAA, intervals, reversals.

Every figure is checked against a plain reference built from the scorer itself (pinned
weights, ``score``/``score_many``, ``key_accounts``' order), compared exactly: the
research functions must give the verdicts ``score`` gives, to the bit.
"""

from __future__ import annotations

import tracemalloc
import warnings
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

import kamlib.research._robust as robust
from kamlib import FeatureTable
from kamlib.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
    NotFittedError,
    UnknownIdError,
)
from kamlib.research import (
    SMAAResult,
    perturb_weights,
    rank_reversals,
    smaa,
    stability_intervals,
    with_share,
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
from kamlib.testing import synthetic_table

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


# ---------------------------------------------------------------- references
def _pinned(scorer: Any, w: Any) -> Any:
    if isinstance(scorer, ValueMatrix):
        return attrs.evolve(scorer, y_weights=tuple(float(x) for x in w))
    crit = [attrs.evolve(c, weight=float(x)) for c, x in zip(scorer.criteria, w, strict=True)]
    return attrs.evolve(scorer, criteria=crit)


def _raw(scorer: Any) -> tuple[float, ...]:
    if isinstance(scorer, ValueMatrix):
        return tuple(scorer.y_weights)
    return tuple(c.weight for c in scorer.criteria)


def _id_rank(table: FeatureTable) -> IntArray:
    r = np.empty(len(table), dtype=np.intp)
    r[np.argsort(table.ids, kind="stable")] = np.arange(len(table))
    return r


def _order(scores: FloatArray, id_rank: IntArray) -> IntArray:
    """key_accounts' order: score descending, ties by id ascending."""
    out: IntArray = np.lexsort((id_rank, -scores))
    return out


def _draws(samples: int, seed: int, alpha: tuple[float, ...]) -> FloatArray:
    """The documented draw rule: blocks of DRAW_BLOCK samples from default_rng(seed)."""
    rng = np.random.default_rng(seed)
    blocks = [
        rng.dirichlet(np.asarray(alpha), size=min(robust.DRAW_BLOCK, samples - s))
        for s in range(0, samples, robust.DRAW_BLOCK)
    ]
    return np.concatenate(blocks)


def _smaa_reference(
    scorer: Any, table: FeatureTable, *, k: int | None, samples: int, seed: int, ranks: int
) -> tuple[IntArray | None, IntArray, IntArray | None]:
    """Counts from one pinned score per sample: top-k, (account, rank), at/above the cut."""
    c = len(_raw(scorer))
    W = _draws(samples, seed, (1.0,) * c)
    n = len(table)
    id_rank = _id_rank(table)
    top = np.zeros(n, dtype=np.intp) if k is not None else None
    rank = np.zeros((n, ranks), dtype=np.intp)
    cut = scorer.threshold if isinstance(scorer, WeightedPoints) else scorer.y_cut
    high = np.zeros(n, dtype=np.intp) if cut is not None else None
    for w in W:
        scores = _pinned(scorer, w).score(table).scores
        order = _order(scores, id_rank)
        if top is not None:
            top[order[:k]] += 1
        rank[order[:ranks], np.arange(min(ranks, n))] += 1
        if high is not None:
            assert cut is not None
            high += scores >= cut
    return top, rank, high


def _counts(x: FloatArray, samples: int) -> IntArray:
    out: IntArray = np.rint(x * samples).astype(np.intp)
    return out


# ---------------------------------------------------------------- strategies
_MAPPINGS: dict[str, MinMax | Percentile | Bands | Piecewise] = {
    "fitted": MinMax(),
    "pinned": MinMax(0.0, 10.0),
    "noclip": MinMax(2.0, 8.0, clip=False),
    "percentile": Percentile(n_knots=5),
    "bands": Bands([3.0, 6.0], [0.0, 5.0, 10.0]),
    "piecewise": Piecewise([0.0, 5.0, 10.0], [0.0, 8.0, 10.0]),
}


@st.composite
def _wp_cases(
    draw: st.DrawFn,
    *,
    n_max: int = 40,
    missing: bool = True,
    kinds: tuple[str, ...] = tuple(sorted(_MAPPINGS)),
    decimals: tuple[int, ...] = (0, 1, 6),
) -> tuple[WeightedPoints, FeatureTable]:
    c = draw(st.integers(1, 4))
    n = draw(st.integers(2, n_max))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 10.0, (n, c)).round(draw(st.sampled_from(decimals)))
    if draw(st.booleans()) and n > 2:  # an exact duplicate: ties broken by id
        X[1] = X[0]
    names = [f"f{j}" for j in range(c)]
    policy = draw(st.sampled_from(["renormalise", "penalty"])) if missing else "raise"
    M = (rng.random((n, c)) < 0.15) if missing and draw(st.booleans()) else np.zeros((n, c), bool)
    M[:, 0] = False  # every account keeps its first criterion
    table = FeatureTable.from_columns(
        [f"A{i:03d}" for i in rng.permutation(n)],  # ids not in row order
        {f: X[:, j] for j, f in enumerate(names)},
        missing={f: M[:, j] for j, f in enumerate(names)},
    )
    chosen = draw(st.lists(st.sampled_from(kinds), min_size=c, max_size=c))
    crit = [
        Criterion(
            f,
            draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
            direction=draw(st.sampled_from(["benefit", "cost"])),
            mapping=_MAPPINGS[chosen[j]],
        )
        for j, f in enumerate(names)
    ]
    threshold = draw(st.sampled_from([None, 4.0, 5.0]))
    return WeightedPoints(crit, threshold=threshold, missing=policy).fit(table), table


# ---------------------------------------------------------------- with_share
@given(
    st.lists(st.floats(0.0, 100.0), min_size=2, max_size=6).filter(lambda w: sum(w) > 0),
    st.data(),
)
def test_with_share_sets_one_share_and_keeps_the_others_ratios(
    weights: list[float], data: st.DataObject
) -> None:
    j = data.draw(st.integers(0, len(weights) - 1))
    t = data.draw(st.floats(0.0, 1.0))
    new = with_share(weights, j, t)
    assert len(new) == len(weights)
    assert new[j] == t
    assert abs(sum(new) - 1.0) < 1e-12
    assert all(x >= 0 for x in new)
    others = [i for i in range(len(weights)) if i != j]
    rest = sum(weights[i] for i in others)
    for i in others:
        expected = (1 - t) * (weights[i] / rest if rest > 0 else 1 / len(others))
        assert abs(new[i] - expected) < 1e-12


def test_with_share_errors_name_the_argument() -> None:
    cases: list[tuple[Any, ...]] = [
        (([1.0, -1.0], 0, 0.5), "with_share.weights[1]", -1.0),
        (([0.0, 0.0], 0, 0.5), "with_share.weights", [0.0, 0.0]),
        (([], 0, 0.5), "with_share.weights", []),
        (([1.0, float("nan")], 0, 0.5), "with_share.weights[1]", None),
        (([1.0, 1.0], 2, 0.5), "with_share.index", 2),
        (([1.0, 1.0], 0, -0.1), "with_share.share", -0.1),
        (([1.0], 0, 0.5), "with_share.share", 0.5),
    ]
    for args, path, value in cases:
        with pytest.raises(InvalidValueError) as info:
            with_share(*args)
        assert info.value.path == path
        if value is not None:
            assert info.value.value == value
    with pytest.raises(InvalidTypeError, match=r"with_share\.weights"):
        with_share("12", 0, 0.5)  # type: ignore[arg-type]
    assert with_share([5.0], 0, 1.0) == (1.0,)


# ---------------------------------------------------------------- one weight at a time
@given(_wp_cases(), st.data())
def test_perturbation_reports_what_pinned_scores_show(
    case: tuple[WeightedPoints, FeatureTable], data: st.DataObject
) -> None:
    wp, table = case
    n = len(table)
    k = data.draw(st.one_of(st.none(), st.integers(1, n)))
    delta = data.draw(st.sampled_from([0.01, 0.1, 0.5, 1.0]))
    base = wp.score(table)  # every account keeps its first criterion
    c = len(wp.criteria)
    shares = wp.shares
    targets = [
        (j, min(1.0, max(0.0, shares[j] + sgn * delta)) if c > 1 else 1.0)
        for j in range(c)
        for sgn in (-1.0, 1.0)
    ]
    results: list[Any] = []
    for j, target in targets:
        try:
            new = with_share(_raw(wp), j, target) if c > 1 else (1.0,)
            results.append(_pinned(wp, new).score(table))
        except InvalidValueError as e:  # the shift leaves an account no observed weight
            results.append(e)
    if any(isinstance(r, InvalidValueError) for r in results):
        with pytest.raises(InvalidValueError, match="no observed criterion"):
            perturb_weights(wp, table, delta=delta, k=k)
        return
    shifts = perturb_weights(wp, table, delta=delta, k=k)
    assert [(s.index, np.sign(s.delta)) for s in shifts] == [
        (j, sgn) for j in range(c) for sgn in (-1.0, 1.0)
    ]
    id_rank = _id_rank(table)
    ids = table.ids
    b_order = _order(base.scores, id_rank)
    b_rank = np.empty(n, dtype=np.intp)
    b_rank[b_order] = np.arange(n)
    for s, (_, target), res in zip(shifts, targets, results, strict=True):
        assert s.applied == target - shares[s.index]
        assert s.shares == (with_share(_raw(wp), s.index, target) if c > 1 else (1.0,))
        order = _order(res.scores, id_rank)
        rank = np.empty(n, dtype=np.intp)
        rank[order] = np.arange(n)
        assert set(s.rank_changed) == set(ids[rank != b_rank].tolist())
        if k is not None:
            before, after = set(ids[b_order[:k]].tolist()), set(ids[order[:k]].tolist())
            assert set(s.entered) == after - before
            assert set(s.left) == before - after
        else:
            assert s.entered == s.left == ()
        if wp.threshold is not None:
            assert base.labels is not None
            assert res.labels is not None
            assert set(s.class_changed) == set(ids[base.labels != res.labels].tolist())
        else:
            assert s.class_changed == ()


def test_a_share_at_its_bound_moves_nothing() -> None:
    t = FeatureTable.from_columns(["A", "B", "C"], {"x": [1.0, 5.0, 9.0], "y": [9, 5, 1]})
    wp = WeightedPoints(
        [Criterion("x", 0.0, mapping=MinMax(0, 10)), Criterion("y", mapping=MinMax(0, 10))]
    )
    down, up, *_ = perturb_weights(wp, t, delta=0.3, k=1)
    assert (down.applied, down.rank_changed, down.entered, down.left) == (0.0, (), (), ())
    assert up.applied == pytest.approx(0.3)
    single = WeightedPoints([Criterion("x", mapping=MinMax(0, 10))])
    for s in perturb_weights(single, t, delta=0.5, k=2):
        assert (s.applied, s.shares, s.rank_changed) == (0.0, (1.0,), ())


def test_value_matrix_perturbation_keeps_the_cuts() -> None:
    t = synthetic_table(ValueMatrix().required_features, 60, seed=4)
    vm = ValueMatrix(y_weights=[1.0, 2.0, 3.0]).fit(t)
    shifts = perturb_weights(vm, t, delta=0.2, k=10)
    base = vm.score(t)
    for s in shifts:
        res = _pinned(vm, s.shares).score(t)
        assert res.labels is not None
        assert base.labels is not None
        assert set(s.class_changed) == set(t.ids[base.labels != res.labels].tolist())
    assert any(s.class_changed for s in shifts)  # the data set makes some move


# ---------------------------------------------------------------- SMAA
@given(_wp_cases(), st.data())
def test_smaa_counts_equal_one_pinned_score_per_sample(
    case: tuple[WeightedPoints, FeatureTable], data: st.DataObject
) -> None:
    wp, table = case
    n = len(table)
    k = data.draw(st.one_of(st.none(), st.integers(1, n)))
    ranks = data.draw(st.integers(0 if k is not None or wp.threshold else 1, n))
    samples = data.draw(st.integers(1, 40))
    seed = data.draw(st.integers(0, 1000))
    filter_on = data.draw(st.booleans())
    try:
        ref = _smaa_reference(wp, table, k=k, samples=samples, seed=seed, ranks=ranks)
    except InvalidValueError:
        return  # some sample leaves an account with no observed weight: smaa refuses too
    with pytest.MonkeyPatch.context() as mp:
        # both ways to the counts: exact kernel on every pair, or filtered by a product
        mp.setattr(robust, "_filter_pays", lambda depth, n: filter_on)
        mp.setattr(robust, "_PROBE_MIN", 1)  # a small probe: many candidates outside it
        r = smaa(wp, table, k=k, samples=samples, seed=seed, ranks=ranks)
    top, rank, high = ref
    if top is None:
        assert r.key_probability is None
    else:
        assert r.key_probability is not None
        assert np.array_equal(_counts(r.key_probability, samples), top)
    assert np.array_equal(_counts(r.rank_acceptability, samples), rank)
    if high is None:
        assert r.class_acceptability is None
    else:
        assert r.class_acceptability is not None
        assert np.array_equal(_counts(r.class_acceptability[:, 0], samples), high)


def test_smaa_filtered_product_agrees_with_the_exact_kernel_at_size() -> None:
    names = [f"c{j}" for j in range(6)]
    t = synthetic_table(names, 3000, seed=8)
    dup = t.take([0]).values  # a tie at the top: two identical leading accounts
    t = t.with_values(np.vstack([dup, t.values[1:]]))
    wp = WeightedPoints([Criterion(f, 1.0 + j) for j, f in enumerate(names)], threshold=5.0)
    wp = wp.fit(t)
    fast = smaa(wp, t, k=20, samples=700, seed=3, chunk=97)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(robust, "_filter_pays", lambda depth, n: False)
        exact = smaa(wp, t, k=20, samples=700, seed=3, chunk=97)
    assert fast.key_probability is not None
    assert exact.key_probability is not None
    assert np.array_equal(fast.key_probability, exact.key_probability)
    assert np.array_equal(fast.rank_acceptability, exact.rank_acceptability)
    assert fast.class_acceptability is not None
    assert exact.class_acceptability is not None
    assert np.array_equal(fast.class_acceptability, exact.class_acceptability)


def test_smaa_ties_go_to_the_smaller_id() -> None:
    t = FeatureTable.from_columns(
        ["B", "A", "C"], {"x": [9.0, 9.0, 1.0], "y": [9.0, 9.0, 2.0]}
    )  # A and B identical and best on every criterion
    wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 10)), Criterion("y")]).fit(t)
    r = smaa(wp, t, k=1, samples=300, seed=0, ranks=3)
    assert r.key_probability is not None
    assert r.key_probability.tolist() == [0.0, 1.0, 0.0]
    assert r.rank_acceptability.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


def test_smaa_probabilities_are_shares_that_add_up() -> None:
    t = synthetic_table(["revenue", "profit", "nps", "satisfaction"], 30, seed=2)
    wp = WeightedPoints(
        [Criterion(f) for f in ("revenue", "profit", "nps", "satisfaction")], threshold=5.0
    ).fit(t)
    samples = 500
    r = smaa(wp, t, k=5, samples=samples, seed=11, ranks=30)
    assert isinstance(r, SMAAResult)
    assert r.key_probability is not None
    assert r.class_acceptability is not None
    for a in (r.key_probability, r.rank_acceptability, r.class_acceptability):
        assert ((a >= 0) & (a <= 1)).all()
        assert not a.flags.writeable
    assert np.allclose(r.rank_acceptability.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.allclose(r.rank_acceptability.sum(axis=0), 1.0, rtol=0, atol=1e-12)
    assert np.allclose(r.class_acceptability.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    key = _counts(r.key_probability, samples)
    first_k = _counts(r.rank_acceptability[:, :5], samples)
    assert np.array_equal(key, first_k.sum(axis=1))  # a_i^k = sum of b_i^1..b_i^k
    assert int(key.sum()) == 5 * samples  # every sample lists exactly k accounts
    assert r.classes == ("key", "not_key")
    assert (r.samples, r.seed, r.k, r.alpha) == (samples, 11, 5, (1.0,) * 4)


def test_smaa_does_not_depend_on_the_chunk_and_repeats_with_its_seed() -> None:
    names = ["revenue", "profit", "nps"]
    t = synthetic_table(names, 200, seed=5)
    wp = WeightedPoints([Criterion(f) for f in names], threshold=6.0).fit(t)
    samples = robust.DRAW_BLOCK + 300  # two draw blocks
    runs = [smaa(wp, t, k=10, samples=samples, seed=7, chunk=ch) for ch in (None, 1, 333, 10**6)]
    for r in runs[1:]:
        assert r.key_probability is not None
        assert runs[0].key_probability is not None
        assert np.array_equal(r.key_probability, runs[0].key_probability)
        assert np.array_equal(r.rank_acceptability, runs[0].rank_acceptability)
        assert r.class_acceptability is not None
        assert runs[0].class_acceptability is not None
        assert np.array_equal(r.class_acceptability, runs[0].class_acceptability)
    other = smaa(wp, t, k=10, samples=samples, seed=8)
    assert other.key_probability is not None
    assert runs[0].key_probability is not None
    assert not np.array_equal(other.key_probability, runs[0].key_probability)


def test_smaa_with_concentrated_weights_keeps_the_scorers_own_list() -> None:
    names = ["revenue", "profit", "nps"]
    t = synthetic_table(names, 100, seed=5)
    wp = WeightedPoints([Criterion(f, w) for f, w in zip(names, (3.0, 2.0, 1.0), strict=True)]).fit(
        t
    )
    base = wp.key_accounts(wp.score(t), top=10)
    r = smaa(wp, t, k=10, samples=200, seed=1, alpha=[1e6 * s for s in wp.shares])
    assert r.key_probability is not None
    listed = {t.ids[i] for i in np.flatnonzero(r.key_probability > 0.9)}
    assert listed == set(base.ids)


def test_smaa_value_matrix_quadrant_acceptability() -> None:
    t = synthetic_table(ValueMatrix().required_features, 50, seed=6)
    vm = ValueMatrix().fit(t)
    samples = 300
    r = smaa(vm, t, samples=samples, seed=2)
    assert r.key_probability is None
    assert r.rank_acceptability.shape == (50, 0)
    assert r.classes == vm.classes
    acc = r.class_acceptability
    assert acc is not None
    assert np.allclose(acc.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert vm.x_cut is not None
    high_x = t.column(vm.x_feature) >= vm.x_cut
    assert (acc[high_x][:, [1, 3]] == 0).all()  # high contribution: never potential/ordinary
    assert (acc[~high_x][:, [0, 2]] == 0).all()
    _, _, high = _smaa_reference(vm, t, k=None, samples=samples, seed=2, ranks=0)
    assert high is not None
    strategic_or_potential = acc[:, 0] + acc[:, 1]
    assert np.array_equal(np.rint(strategic_or_potential * samples).astype(np.intp), high)


def test_smaa_memory_stays_bounded_in_the_samples() -> None:
    names = [f"c{j}" for j in range(5)]
    t = synthetic_table(names, 4000, seed=1)
    wp = WeightedPoints([Criterion(f) for f in names]).fit(t)
    peaks = []
    for samples in (500, 8000):
        tracemalloc.start()
        try:
            smaa(wp, t, k=10, samples=samples, seed=0)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < 1.5 * peaks[0]  # 16 times the samples, about the same memory
    assert peaks[1] < 64 * 2**20


def test_smaa_errors_name_the_argument_and_value() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 2.0], "y": [3.0, 1.0]})
    wp = WeightedPoints(
        [Criterion("x", mapping=MinMax(0, 5)), Criterion("y", mapping=MinMax(0, 5))]
    )
    bad: list[tuple[dict[str, Any], str, Any]] = [
        ({"k": 0}, "smaa.k", 0),
        ({"k": 3}, "smaa.k", 3),
        ({"k": 1, "samples": 0}, "smaa.samples", 0),
        ({"k": 1, "seed": -1}, "smaa.seed", -1),
        ({"k": 1, "alpha": 0.0}, "smaa.alpha", 0.0),
        ({"k": 1, "alpha": float("nan")}, "smaa.alpha", None),
        ({"k": 1, "alpha": [1.0, 2.0, 3.0]}, "smaa.alpha", 3),
        ({"k": 1, "alpha": [1.0, -2.0]}, "smaa.alpha[1]", -2.0),
        ({"k": 1, "ranks": 3}, "smaa.ranks", 3),
        ({"k": 1, "chunk": 0}, "smaa.chunk", 0),
        ({}, "smaa.k", None),  # nothing to estimate
    ]
    for kwargs, path, value in bad:
        with pytest.raises(InvalidValueError) as info:
            smaa(wp, t, **kwargs)
        assert info.value.path == path, kwargs
        if value is not None:
            assert info.value.value == value
    with pytest.raises(InvalidTypeError, match=r"smaa\.k"):
        smaa(wp, t, k=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"smaa\.scorer"):
        smaa(object(), t, k=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"smaa\.table"):
        smaa(wp, {"x": [1, 2]}, k=1)  # type: ignore[arg-type]
    for rows in ([], [0]):  # empty, one account
        with pytest.raises(InvalidValueError) as info:
            smaa(wp, t.take(rows), k=1)
        assert (info.value.path, info.value.value) == ("smaa.table", len(rows))
    with pytest.raises(NotFittedError):
        smaa(WeightedPoints([Criterion("x"), Criterion("y")]), t, k=1)


# ---------------------------------------------------------------- stability intervals
def _verdicts(
    scorer: Any, table: FeatureTable, j: int, grid: FloatArray, k: int | None
) -> list[Any]:
    """The verdict (top-k set, or class codes) with share ``t`` for each ``t`` of ``grid``."""
    W = np.array([with_share(_raw(scorer), j, float(t)) for t in grid])
    return [_verdict(scorer, scores, table, k) for scores in scorer.score_many(table, W)]


def _verdict(scorer: Any, scores: FloatArray, table: FeatureTable, k: int | None) -> Any:
    if k is not None:
        return frozenset(_order(scores, _id_rank(table))[:k].tolist())
    cut = scorer.threshold if isinstance(scorer, WeightedPoints) else scorer.y_cut
    assert cut is not None
    return tuple((scores >= cut).tolist())


def _check_against_grid(scorer: Any, table: FeatureTable, k: int | None) -> None:
    steps = 4000
    grid = np.linspace(0.0, 1.0, steps + 1)
    step = 1.0 / steps
    eps = 1e-9
    own = _verdict(scorer, scorer.score_many(table, [_raw(scorer)])[0], table, k)
    for iv in stability_intervals(scorer, table, k=k):
        assert 0.0 <= iv.lo <= iv.share <= iv.hi <= 1.0
        if len(_raw(scorer)) == 1:
            assert (iv.lo, iv.hi) == (1.0, 1.0)
            continue
        now = own  # the scorer's own weights: at an exact tie the floats decide
        verdicts = _verdicts(scorer, table, iv.index, grid, k)
        inside = (grid > iv.lo + eps) & (grid < iv.hi - eps)
        assert all(v == now for v, ok in zip(verdicts, inside, strict=True) if ok)
        # walking out of the interval, the verdict changes within one grid step
        if iv.hi < 1.0 - step - eps:
            g = int(np.ceil((iv.hi + eps) / step))
            assert verdicts[g] != now or verdicts[g + 1] != now
            assert iv.at_hi != ()
        if iv.lo > step + eps:
            g = int(np.floor((iv.lo - eps) / step))
            assert verdicts[g] != now or verdicts[g - 1] != now
            assert iv.at_lo != ()


# Continuous points from unrounded values: two accounts whose lines coincide in exact
# arithmetic (equal points on every criterion) have equal bits too, so the grid, scored in
# floats, sees the tie the analysis sees. (Distinct points that happen to give one line,
# as integer data with step mappings can, tie exactly in the analysis and within an ulp
# either way in the floats: no grid can judge that.)
@given(
    _wp_cases(
        n_max=25, missing=False, kinds=("fitted", "noclip", "piecewise", "pinned"), decimals=(6,)
    ),
    st.data(),
)
def test_stability_intervals_match_a_fine_grid(
    case: tuple[WeightedPoints, FeatureTable], data: st.DataObject
) -> None:
    wp, table = case
    if wp.threshold is None or data.draw(st.booleans()):
        k = data.draw(st.integers(1, len(table)))
    else:
        k = None
    _check_against_grid(wp, table, k)


def test_stability_intervals_of_value_matrix_quadrants_and_penalty_gaps() -> None:
    t = synthetic_table(ValueMatrix().required_features, 40, seed=9)
    vm = ValueMatrix(y_weights=[1.0, 2.0, 0.5]).fit(t)
    _check_against_grid(vm, t, None)
    _check_against_grid(vm, t, 5)
    names = ["revenue", "profit", "nps"]
    g = synthetic_table(names, 30, seed=3)
    M = np.zeros(g.values.shape, dtype=bool)
    M[::4, g.names.index("profit")] = True
    g = g.with_values(g.values, missing=M)
    for policy, fill in (("penalty", None), ("fill", 6.0)):
        wp = WeightedPoints(
            [Criterion(f, 1.0 + j) for j, f in enumerate(names)],
            missing=policy,
            fill_points=fill,
            threshold=5.0,
        ).fit(g)
        _check_against_grid(wp, g, 4)
        _check_against_grid(wp, g, None)


def test_stability_interval_raw_weight_holds_the_others() -> None:
    t = FeatureTable.from_columns(["A", "B", "C"], {"x": [9.0, 6.0, 1.0], "y": [1.0, 5.0, 9.0]})
    wp = WeightedPoints(
        [Criterion("x", mapping=MinMax(0, 10)), Criterion("y", 1.5, mapping=MinMax(0, 10))]
    )
    x, _ = stability_intervals(wp, t, k=1)
    assert x.hi == pytest.approx(4 / 9)
    assert x.weight_hi is not None
    assert x.weight_lo == 0.0
    for factor, leader in ((0.999, "C"), (1.001, "B")):
        pinned = _pinned(wp, [x.weight_hi * factor, 1.5])
        assert pinned.key_accounts(pinned.score(t), top=1).ids == (leader,)
    assert x.at_hi == ("C", "B")


def test_stability_interval_errors() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, None], "y": [3.0, 1.0]})
    wp = WeightedPoints(
        [Criterion("x", mapping=MinMax(0, 5)), Criterion("y", mapping=MinMax(0, 5))]
    )
    with pytest.raises(InvalidValueError, match="renormalised weights") as info:
        stability_intervals(wp, t, k=1)
    assert (info.value.path, info.value.value) == ("stability_intervals.table['x']", "B")
    full = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 2.0], "y": [3.0, 1.0]})
    with pytest.raises(InvalidValueError, match="no classes") as info:
        stability_intervals(wp, full)
    assert info.value.path == "stability_intervals.k"
    with pytest.raises(InvalidValueError) as info:
        stability_intervals(wp, full, k=5)
    assert (info.value.path, info.value.value) == ("stability_intervals.k", 5)
    with pytest.raises(InvalidValueError, match="at least 2"):
        stability_intervals(wp, full.take([1]), k=1)


# ---------------------------------------------------------------- rank reversals
@st.composite
def _pinned_cases(draw: st.DrawFn) -> tuple[Any, FeatureTable]:
    n = draw(st.integers(2, 30))
    seed = draw(st.integers(0, 2**16))
    if draw(st.booleans()):
        t = synthetic_table(ValueMatrix().required_features, n, seed=seed)
        return ValueMatrix(x_cut=float(draw(st.integers(-100, 100))), y_cut=5.0), t
    names = ["revenue", "profit", "nps"]
    t = synthetic_table(names, n, seed=seed)
    lo, hi = t.bounds()
    mappings: list[MinMax | Bands | Piecewise] = [
        MinMax(float(lo[0]), float(hi[0])),
        Bands([0.0, 1e5], [0.0, 5.0, 10.0]),
        Piecewise([-100.0, 0.0, 100.0], [0.0, 5.0, 10.0]),
    ]
    crit = [
        Criterion(f, 1.0 + j, mapping=m)
        for j, (f, m) in enumerate(zip(names, mappings, strict=True))
    ]
    return WeightedPoints(crit, threshold=5.0), t


@given(_pinned_cases(), st.data())
def test_pinned_parameters_move_nothing(
    case: tuple[Any, FeatureTable], data: st.DataObject
) -> None:
    scorer, table = case
    k = data.draw(st.integers(1, len(table)))
    ids = table.ids.tolist()
    remove = data.draw(st.sampled_from(ids))
    duplicate = data.draw(st.sampled_from(ids))
    edits = rank_reversals(scorer, table, k=k, remove=remove, duplicate=duplicate)
    assert [e.edit for e in edits] == ["add_dominated", "remove", "duplicate"]
    assert [e.account for e in edits] == ["__dominated__", remove, duplicate]
    for e in edits:
        assert not e.params_changed
        assert e.moved == ()
        assert e.score_changed == ()
        assert e.class_changed == ()
        # top-k membership changes only as places are taken or freed
        if e.edit == "remove":
            assert e.left == ()
            assert len(e.entered) <= 1
        else:
            assert e.entered == ()
            assert len(e.left) <= 1


def test_a_range_fitted_on_the_batch_reverses_ranks() -> None:
    t = FeatureTable.from_columns(["A", "B", "C"], {"x": [10.0, 6.0, 0.0], "y": [0.0, 5.0, 10.0]})
    wp = WeightedPoints([Criterion("x"), Criterion("y")], threshold=6.0)
    added, removed, duplicated = rank_reversals(wp, t, k=1)
    assert added.params_changed
    assert removed.params_changed
    assert not duplicated.params_changed
    assert set(added.moved) == {"A", "B", "C"}
    assert added.entered == ("C",)
    assert added.left == ("B",)
    # the reference: fit and score the edited batch by hand
    extra = FeatureTable.from_columns(["__dominated__"], {"x": [-10.0], "y": [0.0]})
    edited = FeatureTable.concat([t, extra])
    scores = wp.fit(edited).score(edited)
    assert [scores.score_of(a) for a in "ABC"] == [5.0, 6.5, 7.5]
    assert added.score_changed == ("B", "C")  # A keeps 5.0: 10 points on x, 0 on y
    assert set(added.class_changed) == {"B", "C"}  # 5.5 -> 6.5 and 5.0 -> 7.5 cross 6
    assert removed.account == "C"  # the last-ranked (5.0, behind A by id)
    assert removed.moved == ("B", "A")
    assert duplicated.account == "B"
    assert duplicated.moved == ()


def test_percentile_knots_and_median_cuts_follow_the_batch() -> None:
    names = ["revenue", "profit"]
    t = synthetic_table(names, 40, seed=12)
    wp = WeightedPoints([Criterion(f, mapping=Percentile(n_knots=5)) for f in names])
    edits = rank_reversals(wp, t, k=5)
    assert all(e.params_changed for e in edits)
    assert any(e.score_changed for e in edits)
    vm = ValueMatrix()
    t2 = synthetic_table(vm.required_features, 41, seed=13)
    vm_edits = rank_reversals(vm, t2)
    assert all(e.moved == () for e in vm_edits)  # the axis has no fitted parameter
    assert all(e.score_changed == () for e in vm_edits)
    assert any(e.class_changed for e in vm_edits)  # the median cuts move


def test_the_dominated_account_can_be_given() -> None:
    t = FeatureTable.from_columns(["A", "B", "C"], {"x": [10.0, 6.0, 0.0], "y": [0.0, 5.0, 10.0]})
    wp = WeightedPoints([Criterion("x"), Criterion("y")])
    added = rank_reversals(wp, t, dominated={"x": 0.0, "y": 0.0})[0]
    assert added.moved == ()
    assert not added.params_changed
    with pytest.raises(MissingFeatureError, match="dominated"):
        rank_reversals(wp, t, dominated={"z": 0.0})
    with pytest.raises(InvalidValueError, match=r"dominated\['x'\]"):
        rank_reversals(wp, t, dominated={"x": float("inf")})


def test_rank_reversal_errors() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 2.0], "y": [3.0, 1.0]})
    wp = WeightedPoints([Criterion("x"), Criterion("y")])
    with pytest.raises(UnknownIdError, match="'Z'"):
        rank_reversals(wp, t, remove="Z")
    with pytest.raises(UnknownIdError, match="'Z'"):
        rank_reversals(wp, t, duplicate="Z")
    with pytest.raises(DuplicateIdError) as info:
        rank_reversals(wp, t, dominated_id="A")
    assert (info.value.path, info.value.value) == ("rank_reversals.dominated_id", "A")
    with pytest.raises(DuplicateIdError, match="duplicate_id"):
        rank_reversals(wp, t, duplicate_id="B")
    with pytest.raises(InvalidValueError) as info2:
        rank_reversals(wp, t.take([0]))
    assert (info2.value.path, info2.value.value) == ("rank_reversals.table", 1)
    with pytest.raises(InvalidValueError, match=r"rank_reversals\.k"):
        rank_reversals(wp, t, k=3)
    with pytest.raises(InvalidTypeError, match=r"rank_reversals\.scorer"):
        rank_reversals("wp", t)  # type: ignore[arg-type]


def test_perturbation_errors() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 2.0], "y": [3.0, 1.0]})
    wp = WeightedPoints(
        [Criterion("x", mapping=MinMax(0, 5)), Criterion("y", mapping=MinMax(0, 5))]
    )
    for delta in (0.0, 1.5, float("nan"), -0.1):
        with pytest.raises(InvalidValueError) as info:
            perturb_weights(wp, t, delta=delta)
        assert info.value.path == "perturb_weights.delta"
    with pytest.raises(InvalidValueError) as info:
        perturb_weights(wp, t, k=0)
    assert (info.value.path, info.value.value) == ("perturb_weights.k", 0)
    with pytest.raises(InvalidValueError, match="at least 2"):
        perturb_weights(wp, t.take([]))
    with pytest.raises(NotFittedError):
        perturb_weights(WeightedPoints([Criterion("x")]), t)


def test_inputs_are_not_mutated() -> None:
    t = synthetic_table(["revenue", "profit"], 30, seed=1)
    wp = WeightedPoints([Criterion("revenue"), Criterion("profit")], threshold=5.0).fit(t)
    before = (t.values.copy(), wp.get_config())
    perturb_weights(wp, t, k=5)
    smaa(wp, t, k=5, samples=50)
    stability_intervals(wp, t, k=5)
    rank_reversals(wp, t, k=5)
    assert np.array_equal(t.values, before[0])
    assert wp.get_config() == before[1]


# ---------------------------------------------------------------- outside references
def _peer_matrix(n: int, c: int, seed: int) -> tuple[FloatArray, list[bool], FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(-50.0, 150.0, (n, c))
    cost = [j % 4 == 3 for j in range(c)]
    w = rng.uniform(0.5, 3.0, c)
    return X, cost, w


def _kamlib_ranks(X: FloatArray, cost: list[bool], w: FloatArray) -> IntArray:
    n, c = X.shape
    names = [f"c{j}" for j in range(c)]
    t = FeatureTable.from_columns(
        [f"A{i:06d}" for i in range(n)], {f: X[:, j] for j, f in enumerate(names)}
    )
    wp = WeightedPoints(
        [
            Criterion(f, float(w[j]), direction="cost" if cost[j] else "benefit")
            for j, f in enumerate(names)
        ]
    ).fit(t)
    order = _order(wp.score(t).scores, _id_rank(t))
    ranks = np.empty(n, dtype=np.intp)
    ranks[order] = np.arange(1, n + 1)
    return ranks


def test_min_max_weighted_sum_ranks_like_pymcdm() -> None:
    pytest.importorskip("pymcdm")
    from pymcdm import normalizations  # type: ignore[import-untyped]
    from pymcdm.helpers import rankdata  # type: ignore[import-untyped]
    from pymcdm.methods import WSM  # type: ignore[import-untyped]

    X, cost, w = _peer_matrix(10_000, 10, seed=0)
    types = np.array([-1 if cj else 1 for cj in cost])
    pref = WSM(normalizations.minmax_normalization)(X, w / w.sum(), types)
    theirs = rankdata(pref, reverse=True)
    assert np.array_equal(theirs, np.round(theirs))  # no ties in this matrix
    assert np.count_nonzero(theirs.astype(np.intp) != _kamlib_ranks(X, cost, w)) == 0


def test_min_max_weighted_sum_ranks_like_scikit_criteria() -> None:
    skc = pytest.importorskip("skcriteria")
    with warnings.catch_warnings():
        # its pipeline helpers warn about their own deprecated module names only
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="skcriteria")
        from skcriteria.agg.simple import WeightedSumModel  # type: ignore[import-untyped]
        from skcriteria.pipelines import mkpipe  # type: ignore[import-untyped]
        from skcriteria.preprocessing.invert_objectives import NegateMinimize  # type: ignore[import-untyped]
        from skcriteria.preprocessing.scalers import MinMaxScaler  # type: ignore[import-untyped]

    X, cost, w = _peer_matrix(10_000, 10, seed=1)
    dm = skc.mkdm(X, [min if cj else max for cj in cost], weights=w)
    pipe = mkpipe(NegateMinimize(), MinMaxScaler(target="matrix"), WeightedSumModel())
    theirs = np.asarray(pipe.evaluate(dm).rank_, dtype=np.intp)
    assert np.count_nonzero(theirs != _kamlib_ranks(X, cost, w)) == 0


# ---------------------------------------------------------------- review regressions
def _overflowing() -> tuple[WeightedPoints, FeatureTable]:
    """Three accounts whose x0 points overflow: ``score`` refuses them (review #1)."""
    rng = np.random.default_rng(0)
    x0 = rng.uniform(0, 10, 200)
    x0[:3] = 1e10
    t = FeatureTable.from_columns(
        [f"A{i:03d}" for i in range(200)], {"x0": x0, "x1": rng.uniform(0, 10, 200)}
    )
    wp = WeightedPoints(
        [
            Criterion("x0", mapping=MinMax(0, 1e-300, clip=False)),
            Criterion("x1", mapping=MinMax(0, 10)),
        ]
    )
    return wp, t


@pytest.mark.parametrize("exact", [False, True])
def test_smaa_refuses_non_finite_scores_as_score_does(
    exact: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    wp, t = _overflowing()
    with pytest.raises(InvalidValueError, match="must be finite"):
        wp.score(t)
    if exact:
        monkeypatch.setattr(robust, "_filter_pays", lambda d, n: False)
    with pytest.raises(InvalidValueError, match=r"account 'A000', under smaa sample 0") as info:
        smaa(wp, t, k=2, samples=50, seed=0, ranks=2)
    assert info.value.path == "ScoreTable.scores[0]"


def test_the_one_weight_analyses_refuse_non_finite_scores() -> None:
    wp, t = _overflowing()
    for f in (perturb_weights, stability_intervals):
        with pytest.raises(InvalidValueError, match=r"must be finite.*the scorer's own weights"):
            f(wp, t, k=2)
    # finite under the scorer's weights, but not where x0 holds the whole weight
    light = attrs.evolve(wp, criteria=[attrs.evolve(wp.criteria[0], weight=1e-300), wp.criteria[1]])
    assert np.isfinite(light.score(t).scores).all()
    with pytest.raises(InvalidValueError, match="non-finite points") as info:
        stability_intervals(light, t, k=2)
    assert (info.value.path, info.value.value) == ("stability_intervals.table['x0']", "A000")


def test_a_renormalised_refusal_names_the_shift_or_the_sample() -> None:
    t = FeatureTable.from_columns(["A", "B", "C"], {"x0": [1.0, None, 5.0], "x1": [2.0, 3.0, 4.0]})
    wp = WeightedPoints(
        [
            Criterion("x0", 0.97, mapping=MinMax(0, 10)),
            Criterion("x1", 0.03, mapping=MinMax(0, 10)),
        ],
        missing="renormalise",
    )
    with pytest.raises(
        InvalidValueError, match=r"under the shift of 'x0' by \+0\.05 \(shares \[1\.0, 0\.0\]\)"
    ) as info:
        perturb_weights(wp, t, delta=0.05)
    assert info.value.value == "B"
    with pytest.raises(InvalidValueError, match=r"under smaa sample \d+ \(drawn weights") as info:
        smaa(wp, t, k=1, samples=2000, seed=0, alpha=0.001)
    assert info.value.value == "B"


def test_a_zero_dimensional_alpha_is_one_number() -> None:
    t = FeatureTable.from_columns(["A", "B", "C"], {"x": [9.0, 6.0, 1.0], "y": [1.0, 5.0, 9.0]})
    wp = WeightedPoints(
        [Criterion("x", mapping=MinMax(0, 10)), Criterion("y", mapping=MinMax(0, 10))]
    )
    a = smaa(wp, t, k=1, samples=200, seed=3, alpha=np.array(2.0))  # type: ignore[arg-type]
    b = smaa(wp, t, k=1, samples=200, seed=3, alpha=2.0)
    assert a.alpha == (2.0, 2.0)
    assert a.key_probability is not None
    assert b.key_probability is not None
    assert np.array_equal(a.key_probability, b.key_probability)


def test_rank_reversals_checks_the_type_of_its_edits() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x0": [1.0, 5.0], "x1": [2.0, 3.0]})
    wp = WeightedPoints([Criterion("x0"), Criterion("x1")])
    for kw, path in (
        ({"dominated": "x"}, "rank_reversals.dominated"),
        ({"remove": 5}, "rank_reversals.remove"),
        ({"duplicate": 5}, "rank_reversals.duplicate"),
    ):
        with pytest.raises(InvalidTypeError) as info:
            rank_reversals(wp, t, **kw)
        assert info.value.path == path
    for arg in ("remove", "duplicate"):
        with pytest.raises(UnknownIdError) as lookup:
            rank_reversals(wp, t, **{arg: "Z"})  # type: ignore[arg-type]
        assert (lookup.value.path, lookup.value.value) == (f"rank_reversals.{arg}", "Z")
