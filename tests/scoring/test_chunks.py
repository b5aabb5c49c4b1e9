"""Chunked scoring gives the one-piece result bit for bit; ScoreTable.concat stacks results.

Every built-in scorer, fitted first, on realistic tables (gaps in the scorer's own columns
where it accepts them), for chunk sizes 1, 2, 7, n - 1, n and n + 5, and under Hypothesis
over chunk sizes, byte budgets, stream cut points and row orders. Floats are compared by
their bits (so ``-0.0`` is not ``0.0``), never with a tolerance.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Iterator
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from kamlib import FeatureTable
from kamlib._ids import is_checked
from kamlib.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    NotFittedError,
)
from kamlib.scoring import (
    RFM,
    Criterion,
    CustomerLifetimeValue,
    EmpiricalEstimate,
    HealthModel,
    LinearContributions,
    MinMax,
    NetPromoterScore,
    ParetoABC,
    ScoreTable,
    ValueMatrix,
    WeightedPoints,
    default_registry,
    score_chunked,
    score_chunks,
)
from kamlib.scoring._chunks import DEFAULT_CHUNK_BYTES, chunk_rows
from kamlib.testing import assert_scores_equal, synthetic_table

N = 37


# ---------------------------------------------------------------------------- inputs
def _gappy(scorer: Any, n: int, seed: int, share: float, *, keep_first: bool) -> FeatureTable:
    """A synthetic table with gaps in the scorer's own columns (never all of a row's)."""
    t = synthetic_table(scorer.required_features, n, seed=seed)
    if share <= 0:
        return t
    rng = np.random.default_rng(seed + 1)
    M = rng.random((n, len(t.names))) < share
    req = scorer.required_features[1:] if keep_first else scorer.required_features
    M[:, [j for j, c in enumerate(t.names) if c not in req]] = False
    if keep_first and req:  # every account keeps an observed value among them too
        cols = [t.names.index(c) for c in req]
        M[M[:, cols].all(axis=1), cols[0]] = False
    return t.with_values(t.values, missing=M)


def _nps_table(n: int, seed: int) -> FeatureTable:
    """Response counts, some accounts without any response (scored with the fill value)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 6, (n, 3)).astype(np.float64)
    counts[rng.random(n) < 0.2] = 0.0
    cols = ("nps_promoters", "nps_passives", "nps_detractors")
    return FeatureTable.from_columns(
        [f"N{i:04d}" for i in range(n)], {c: counts[:, j] for j, c in enumerate(cols)}
    )


@attrs.frozen
class Case:
    """A built-in scorer, fitted on a complete table, and the table it scores."""

    name: str
    scorer: Any
    share: float = 0.2  # of the scorer's cells declared missing
    keep_first: bool = True

    def fitted_and_table(self, n: int, seed: int) -> tuple[Any, FeatureTable]:
        if isinstance(self.scorer, NetPromoterScore):
            return self.scorer.fit(_nps_table(n, seed)), _nps_table(n, seed + 7)
        fitted = self.scorer.fit(synthetic_table(self.scorer.required_features, n, seed=seed))
        return fitted, _gappy(self.scorer, n, seed + 7, self.share, keep_first=self.keep_first)


CASES = [
    Case("weighted_points", WeightedPoints(threshold=5.0)),
    Case("weighted_points_penalty", WeightedPoints(missing="penalty")),
    Case("weighted_points_fill", WeightedPoints(missing="fill", fill_points=3.0, threshold=4.0)),
    Case("weighted_points_complete", WeightedPoints(missing="raise", threshold=5.0), share=0.0),
    Case(
        "weighted_points_pinned",
        WeightedPoints([Criterion("revenue", 2, mapping=MinMax(0, 1e6)), Criterion("nps")]),
    ),
    Case("value_matrix", ValueMatrix(), share=0.0),
    Case("value_matrix_renormalise", ValueMatrix(missing="renormalise")),
    Case("health_model", HealthModel()),
    Case("health_model_rescue", HealthModel(rescue_drop=0.2)),
    # a segment the fit did not see takes the fallback (and its reason)
    Case("empirical_estimate", EmpiricalEstimate(default_spend=5e4), share=0.0),
    Case(
        "empirical_estimate_adjusted",
        EmpiricalEstimate(adjustments={"nps": 0.5, "satisfaction": -0.25}, default_spend=5e4),
        share=0.0,
    ),
    Case("net_promoter_score", NetPromoterScore()),
    Case("rfm", RFM(), keep_first=False),
    Case("customer_lifetime_value", CustomerLifetimeValue(), keep_first=False),
    Case("pareto_abc", ParetoABC(), keep_first=False),
]
IDS = [c.name for c in CASES]


def test_every_builtin_scorer_has_a_case() -> None:
    covered = {type(c.scorer).name for c in CASES}
    assert set(default_registry.names()) <= covered


# ---------------------------------------------------------------------------- comparison
def _bits(a: NDArray[Any]) -> NDArray[Any]:
    """The array's bits (floats as uint64): ``-0.0`` and ``0.0`` differ."""
    a = np.ascontiguousarray(a)
    return a.view(np.uint64) if a.dtype == np.float64 else a


def _same_array(got: NDArray[Any] | None, want: NDArray[Any] | None, what: str) -> None:
    if got is None or want is None:
        assert (got is None) == (want is None), f"{what}: {got is None} vs {want is None}"
        return
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    assert np.array_equal(_bits(got), _bits(want)), f"{what} differs"
    assert not got.flags.writeable, f"{what} is writeable"


def assert_identical(got: ScoreTable, want: ScoreTable, *, explain: int = 3) -> None:
    """Every column and attribute the same bits; ``explain`` of a few ids the same."""
    for name in ("scorer", "config_hash", "components", "classes", "reason_codes"):
        assert getattr(got, name) == getattr(want, name), name
    assert dict(got.reason_texts) == dict(want.reason_texts)
    assert got.config_dict() == want.config_dict()
    _same_array(got.ids, want.ids, "ids")
    for name in ("scores", "coverage", "labels", "margin", "reason_flags", "component_missing"):
        _same_array(getattr(got, name), getattr(want, name), name)
    _same_array(got.contributions, want.contributions, "contributions")
    n = len(want)
    picks = sorted({0, n // 2, n - 1} if explain else set()) if n else []
    for i in picks[:explain]:
        aid = str(want.ids[i])
        assert got.explain(aid) == want.explain(aid), aid
        assert str(got.explain(aid)) == str(want.explain(aid)), aid
    cols_got, cols_want = got.to_columns(), want.to_columns()
    assert list(cols_got) == list(cols_want)
    for key, col in cols_want.items():
        assert np.array_equal(_bits(cols_got[key]), _bits(col)), key


# ---------------------------------------------------------------------------- the guarantee
def _sizes(n: int) -> list[int]:
    return [1, 2, 7, n - 1, n, n + 5]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_score_chunked_equals_one_piece_for_every_chunk_size(case: Case) -> None:
    fitted, table = case.fitted_and_table(N, seed=11)
    want = fitted.score(table)
    for size in _sizes(N):
        got = score_chunked(fitted, table, chunk_size=size)
        assert_identical(got, want, explain=3)
        assert_scores_equal(got, want)
    # every id explains the same (chunk size 2: the most part boundaries but one)
    got = score_chunked(fitted, table, chunk_size=2)
    for aid in want.ids.tolist():
        assert got.explain(aid) == want.explain(aid)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_chunk_sizes_and_row_orders(case: Case, data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 60), label="n")
    seed = data.draw(st.integers(0, 1_000), label="seed")
    fitted, table = case.fitted_and_table(max(n, 2), seed)
    table = table.take(np.arange(n))
    perm = np.asarray(data.draw(st.permutations(range(n)), label="order"), dtype=np.intp)
    shuffled = table.take(perm)
    size = data.draw(st.integers(1, n + 5), label="chunk_size")
    want = fitted.score(shuffled)
    assert_identical(score_chunked(fitted, shuffled, chunk_size=size), want, explain=2)
    # row-local: the shuffled rows are the one-piece rows, taken
    assert_identical(
        score_chunked(fitted, shuffled, chunk_size=size), fitted.score(table).take(perm), explain=2
    )
    budget = data.draw(st.integers(1, 4_000), label="max_bytes")
    assert_identical(score_chunked(fitted, shuffled, max_bytes=budget), want, explain=1)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_a_stream_of_pieces_stacks_to_the_whole(case: Case, data: st.DataObject) -> None:
    fitted, table = case.fitted_and_table(N, seed=data.draw(st.integers(0, 1_000)))
    cuts = sorted(data.draw(st.sets(st.integers(1, N - 1), max_size=8), label="cuts"))
    bounds = [0, *cuts, N]
    pieces = [table.take(np.arange(a, b)) for a, b in itertools.pairwise(bounds)]
    results = list(score_chunks(fitted, iter(pieces)))
    assert [len(r) for r in results] == [len(p) for p in pieces]
    assert_identical(ScoreTable.concat(results), fitted.score(table))


@pytest.mark.parametrize("size", [1, 2, 7, 59, 60, 65])
def test_health_model_previous_passes_through(size: int) -> None:
    model = HealthModel(rescue_drop=0.2)
    t1 = synthetic_table(model.required_features, 60, seed=1)
    t2 = synthetic_table(model.required_features, 60, seed=2)
    fitted = model.fit(t1)
    before = fitted.score(t1)
    want = fitted.score(t2, previous=before)
    assert want.reason_flags is not None
    assert want.reason_flags.any()
    assert_identical(score_chunked(fitted, t2, chunk_size=size, previous=before), want)
    chunked_before = score_chunked(fitted, t1, chunk_size=size)
    assert_identical(score_chunked(fitted, t2, chunk_size=size, previous=chunked_before), want)
    # previous covering other accounts, in another order
    partial = before.take(np.arange(59, 10, -3))
    assert_identical(
        score_chunked(fitted, t2, chunk_size=size, previous=partial),
        fitted.score(t2, previous=partial),
    )
    stream = score_chunks(
        fitted, [t2.take(np.arange(30)), t2.take(np.arange(30, 60))], previous=before
    )
    assert_identical(ScoreTable.concat(stream), want)


def test_zero_rows_and_a_single_chunk_are_scored_in_one_piece() -> None:
    wp = WeightedPoints(threshold=5.0)
    table = synthetic_table(wp.required_features, 20, seed=3)
    fitted = wp.fit(table)
    empty = table.take(np.zeros(0, dtype=np.intp))
    assert_identical(score_chunked(fitted, empty, chunk_size=1), fitted.score(empty))
    assert_identical(score_chunked(fitted, table), fitted.score(table))  # default budget


def test_chunks_are_views_and_contributions_stay_lazy() -> None:
    """No chunk copies the table, and nothing is computed to stack the results."""
    wp = WeightedPoints(threshold=5.0)
    table = _gappy(wp, 50, 4, 0.2, keep_first=True)
    fitted = wp.fit(synthetic_table(wp.required_features, 50, seed=4))
    st_ = score_chunked(fitted, table, chunk_size=8)
    assert st_.ids is table.ids
    assert type(st_._contributions).__name__ == "_StackedContributions"
    assert st_.details is not None
    for part in st_.details.parts:  # type: ignore[attr-defined]
        assert np.shares_memory(part.table.values, table.values)
    assert np.array_equal(st_.contributions, fitted.score(table).contributions)


def test_an_unfitted_scorer_raises_on_the_first_chunk() -> None:
    wp = WeightedPoints()
    table = synthetic_table(wp.required_features, 10, seed=0)
    with pytest.raises(NotFittedError):
        score_chunked(wp, table, chunk_size=3)
    with pytest.raises(NotFittedError):
        next(score_chunks(wp, [table]))


def test_the_first_offending_account_is_named_as_in_one_piece() -> None:
    vm = ValueMatrix()
    table = synthetic_table(vm.required_features, 30, seed=0)
    fitted = vm.fit(table)
    M = np.zeros(table.values.shape, dtype=bool)
    M[[17, 25], table.names.index("value_potential")] = True
    gappy = table.with_values(table.values, missing=M)
    with pytest.raises(InvalidValueError) as whole:
        fitted.score(gappy)
    with pytest.raises(InvalidValueError) as chunked:
        score_chunked(fitted, gappy, chunk_size=4)
    assert str(chunked.value) == str(whole.value)


# ---------------------------------------------------------------------------- chunk sizes
def test_chunk_rows_reads_the_budget_in_the_tables_bytes_per_row() -> None:
    t = FeatureTable.from_columns(
        ["A", "B"],
        {"x": [1.0, None], "y": [3.0, 4.0]},
        categorical={"industry": ["it", "retail"]},
    )
    per_row = 2 * 8 + 2 + 8 + 8  # floats, missing flags, id, label
    assert chunk_rows(t, max_bytes=10 * per_row) == 10
    assert chunk_rows(t, max_bytes=10 * per_row - 1) == 9
    assert chunk_rows(t, max_bytes=1) == 1
    assert chunk_rows(t, chunk_size=np.int64(3)) == 3  # type: ignore[arg-type]
    assert chunk_rows(t) == DEFAULT_CHUNK_BYTES // per_row


@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"chunk_size": 0}, InvalidValueError, "score_chunked.chunk_size"),
        ({"chunk_size": -3}, InvalidValueError, "score_chunked.chunk_size"),
        ({"chunk_size": 2.0}, InvalidTypeError, "score_chunked.chunk_size"),
        ({"chunk_size": True}, InvalidTypeError, "score_chunked.chunk_size"),
        ({"chunk_size": "7"}, InvalidTypeError, "score_chunked.chunk_size"),
        ({"max_bytes": 0}, InvalidValueError, "score_chunked.max_bytes"),
        ({"max_bytes": 1e6}, InvalidTypeError, "score_chunked.max_bytes"),
        ({"chunk_size": 2, "max_bytes": 100}, InvalidValueError, "score_chunked.max_bytes"),
    ],
)
def test_bad_chunk_arguments_raise_typed_errors(
    kwargs: dict[str, Any], error: type[Exception], path: str
) -> None:
    wp = WeightedPoints()
    table = synthetic_table(wp.required_features, 5, seed=0)
    with pytest.raises(error) as info:
        score_chunked(wp.fit(table), table, **kwargs)
    assert str(info.value).startswith(path + ":")


def test_bad_scorer_or_tables_raise_typed_errors() -> None:
    wp = WeightedPoints()
    table = synthetic_table(wp.required_features, 5, seed=0)
    fitted = wp.fit(table)
    with pytest.raises(InvalidTypeError, match=r"^score_chunked\.table:"):
        score_chunked(fitted, table.values)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^scorer:"):
        score_chunked(object(), table)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^tables: .*score_chunked"):
        score_chunks(fitted, table)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^tables:"):
        score_chunks(fitted, 3)  # type: ignore[arg-type]
    stream = score_chunks(fitted, [table, "oops"])  # type: ignore[list-item]
    assert len(next(stream)) == 5
    with pytest.raises(InvalidTypeError, match=r"^tables\[1\]:"):
        next(stream)


def test_score_chunks_is_lazy() -> None:
    wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 10))])
    pulled: list[int] = []

    def stream() -> Iterator[FeatureTable]:
        for i in range(3):
            pulled.append(i)
            yield FeatureTable.from_columns([f"A{i}"], {"x": [float(i)]})

    results = score_chunks(wp, stream())
    assert pulled == []
    assert next(results).scores.tolist() == [0.0]
    assert pulled == [0]
    assert [r.scores.tolist() for r in results] == [[1.0], [2.0]]


# ---------------------------------------------------------------------------- ScoreTable.concat
def _wp_parts() -> tuple[WeightedPoints, FeatureTable, list[ScoreTable]]:
    wp = WeightedPoints(threshold=5.0)
    table = _gappy(wp, 30, 5, 0.2, keep_first=True)
    fitted = wp.fit(synthetic_table(wp.required_features, 30, seed=5))
    parts = [fitted.score(table.take(np.arange(a, b))) for a, b in ((0, 10), (10, 11), (11, 30))]
    return fitted, table, parts


def test_concat_stacks_every_column_and_keeps_invariants() -> None:
    fitted, table, parts = _wp_parts()
    st_ = ScoreTable.concat(parts)
    assert_identical(st_, fitted.score(table), explain=3)
    assert is_checked(st_.ids)
    assert st_._labels is not None
    assert st_._labels.dtype.kind in "iu"
    assert ScoreTable.concat(parts[:1]) is parts[0]
    assert_identical(ScoreTable.concat(iter(parts)), st_)
    back = pickle.loads(pickle.dumps(st_))
    assert_identical(back, st_)
    # take follows the stacked recipes, in any order, across parts
    rows = np.array([29, 3, 10, 0, 15], dtype=np.intp)
    assert_identical(st_.take(rows), fitted.score(table).take(rows), explain=5)
    assert_identical(st_.take(rows).take(np.array([4, 1])), fitted.score(table).take(rows[[4, 1]]))
    assert_identical(st_.take(np.arange(12, 20)), fitted.score(table).take(np.arange(12, 20)))
    assert_identical(st_.take(np.zeros(0, dtype=np.intp)), fitted.score(table).take([]))
    # stacking stacked results does not nest the recipes
    again = ScoreTable.concat([ScoreTable.concat(parts[:2]), parts[2]])
    assert len(again._contributions.parts) == 3  # type: ignore[union-attr]
    assert_identical(again, st_)


def test_concat_of_coded_and_str_labels_decodes() -> None:
    _, _, parts = _wp_parts()
    a = parts[0]
    as_str = ScoreTable.from_scores(
        ["Z1"],
        [1.0],
        scorer=a.scorer,
        config=a.config_dict(),
        labels=["not_key"],
        classes=a.classes,
        components=a.components,
        contributions=np.zeros((1, len(a.components))),
        margin=[4.0],
    )
    as_str = attrs.evolve(
        as_str,
        reason_codes=a.reason_codes,
        reason_texts=dict(a.reason_texts),
        reason_flags=np.zeros((1, len(a.reason_codes)), dtype=bool),
    )
    st_ = ScoreTable.concat([a, as_str])
    assert st_.labels is not None
    assert st_.labels.tolist() == [*a.labels.tolist(), "not_key"]  # type: ignore[union-attr]
    assert st_.component_missing is not None
    assert not st_.component_missing[-1].any()  # None there: nothing missing
    assert st_.explain("Z1").summary == ""  # a part without details explains without them


class _Counting:
    """A lazy recipe that counts its computations (and hands takes a shared counter)."""

    def __init__(self, X: NDArray[np.float64], calls: list[int]) -> None:
        self.X, self.calls = X, calls

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.X.shape[0]), int(self.X.shape[1]))

    def compute(self) -> NDArray[np.float64]:
        self.calls.append(int(self.X.shape[0]))
        return self.X.copy()

    def take(self, rows: NDArray[np.intp]) -> _Counting:
        return _Counting(self.X[rows], self.calls)


def _lazy_table(ids: list[str], X: NDArray[np.float64], calls: list[int]) -> ScoreTable:
    return ScoreTable(
        scorer="demo",
        config={"v": 1},
        ids=ids,
        scores=X.sum(axis=1),
        components=("a", "b"),
        contributions=_Counting(X, calls),
        coverage=np.ones(len(ids)),
    )


def test_concat_never_materialises_lazy_contributions() -> None:
    calls: list[int] = []
    rng = np.random.default_rng(0)
    X1, X2 = rng.random((4, 2)), rng.random((3, 2))
    st_ = ScoreTable.concat(
        [_lazy_table(["A", "B", "C", "D"], X1, calls), _lazy_table(["E", "F", "G"], X2, calls)]
    )
    assert calls == []
    one = st_.take(np.array([5, 4]))  # both rows in the second part: only it is asked
    assert np.array_equal(one.contributions, X2[[1, 0]])
    assert calls == [2]
    calls.clear()
    mixed = st_.take(np.array([6, 0, 5]))
    assert calls == []
    assert np.array_equal(mixed.contributions, np.vstack([X1, X2])[[6, 0, 5]])
    assert sorted(calls) == [1, 2]  # one row of the first part, two of the second
    calls.clear()
    assert np.array_equal(st_.contributions, np.vstack([X1, X2]))
    assert calls == [4, 3]
    # dense and lazy parts stack together
    dense = ScoreTable(
        scorer="demo",
        config={"v": 1},
        ids=["H"],
        scores=[1.0],
        components=("a", "b"),
        contributions=[[0.25, 0.75]],
        coverage=[1.0],
    )
    both = ScoreTable.concat([st_, dense])
    assert np.array_equal(both.contributions[-1], [0.25, 0.75])
    lin = LinearContributions(np.ones((2, 2)), np.array([0.5, 0.25]), np.zeros(2))
    linear = ScoreTable(
        scorer="demo",
        config={"v": 1},
        ids=["I", "J"],
        scores=[0.75, 0.75],
        components=("a", "b"),
        contributions=lin,
        coverage=[1.0, 1.0],
    )
    assert ScoreTable.concat([dense, linear]).contributions.tolist() == [
        [0.25, 0.75],
        [0.5, 0.25],
        [0.5, 0.25],
    ]


def test_a_lazy_part_of_the_wrong_shape_is_named() -> None:
    calls: list[int] = []

    class _NoShape(_Counting):
        shape = None  # type: ignore[assignment]

        def compute(self) -> NDArray[np.float64]:
            return np.ones((1, 2))

    good = _lazy_table(["A"], np.ones((1, 2)), calls)
    bad = ScoreTable(
        scorer="demo",
        config={"v": 1},
        ids=["B", "C"],
        scores=[2.0, 2.0],
        components=("a", "b"),
        contributions=_NoShape(np.ones((2, 2)), calls),
        coverage=[1.0, 1.0],
    )
    st_ = ScoreTable.concat([good, bad])
    with pytest.raises(InvalidValueError, match=r"^ScoreTable\.contributions\.parts\[1\]:"):
        _ = st_.contributions


def _demo(ids: list[str], **kw: Any) -> ScoreTable:
    base: dict[str, Any] = {
        "scorer": "demo",
        "config": {"v": 1},
        "ids": ids,
        "scores": np.ones(len(ids)),
        "components": ("x",),
        "contributions": np.ones((len(ids), 1)),
        "coverage": np.ones(len(ids)),
    }
    base.update(kw)
    return ScoreTable(**base)


@pytest.mark.parametrize(
    ("other", "path"),
    [
        (_demo(["B"], scorer="other"), "tables[1].scorer"),
        (_demo(["B"], config={"v": 2}), "tables[1].config_hash"),
        (
            _demo(["B"], components=("y",)),
            "tables[1].components",
        ),
        (_demo(["B"], classes=("hi", "lo"), labels=["hi"]), "tables[1].classes"),
        (_demo(["B"], reason_codes=("r",)), "tables[1].reason_codes"),
        (_demo(["B"], margin=[1.0]), "tables[1].margin"),
    ],
)
def test_concat_refuses_parts_of_another_scorer(other: ScoreTable, path: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        ScoreTable.concat([_demo(["A"]), other])
    assert str(info.value).startswith(path + ":")


def test_concat_refuses_mixed_labels_texts_and_bad_input() -> None:
    coded = _demo(["A"], classes=("hi", "lo"), labels=["hi"])
    with pytest.raises(InvalidValueError, match=r"^tables\[1\]\.labels:"):
        ScoreTable.concat([coded, _demo(["B"], classes=("hi", "lo"))])
    texts = _demo(["A"], reason_codes=("r",), reason_texts={"r": "one"})
    with pytest.raises(InvalidValueError, match=r"^tables\[1\]\.reason_texts:"):
        ScoreTable.concat([texts, _demo(["B"], reason_codes=("r",), reason_texts={"r": "two"})])
    with pytest.raises(InvalidValueError, match=r"^tables: must hold at least one"):
        ScoreTable.concat([])
    with pytest.raises(InvalidTypeError, match=r"^tables\[2\]:"):
        ScoreTable.concat([_demo(["A"]), _demo(["B"]), "C"])  # type: ignore[list-item]
    with pytest.raises(InvalidTypeError, match=r"^tables:"):
        ScoreTable.concat(_demo(["A"]))  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^tables:"):
        ScoreTable.concat(5)  # type: ignore[arg-type]


def test_concat_names_the_repeated_id() -> None:
    with pytest.raises(DuplicateIdError) as info:
        ScoreTable.concat([_demo(["A", "B"]), _demo(["C"]), _demo(["D", "B"])])
    assert str(info.value) == "tables[2].ids[1]: repeats an id of an earlier table; got 'B'"


def test_concat_flags_none_in_some_parts_are_false_there() -> None:
    a = _demo(["A"], reason_codes=("r",), reason_flags=[[True]], component_missing=[[True]])
    b = _demo(["B"], reason_codes=("r",))
    st_ = ScoreTable.concat([a, b])
    assert st_.reason_flags is not None
    assert st_.reason_flags.tolist() == [[True], [False]]
    assert st_.component_missing is not None
    assert st_.component_missing.tolist() == [[True], [False]]
    assert st_.reasons_of("A") == ("r",)
    assert st_.missing_of("B") == ()
    none = ScoreTable.concat([_demo(["A"]), _demo(["B"])])
    assert none.reason_flags is None
    assert none.component_missing is None
    assert none.details is None


def test_concat_keeps_a_constant_column_constant() -> None:
    wp = WeightedPoints()
    table = synthetic_table(wp.required_features, 20, seed=1)
    fitted = wp.fit(table)
    st_ = score_chunked(fitted, table, chunk_size=6)
    assert st_.coverage.strides == (0,)  # nothing missing: coverage 1.0, one value
    assert np.array_equal(st_.coverage, np.ones(20))
