"""fit_partitioned: a fit on pieces gives the fit on the whole table, bit for bit."""

from __future__ import annotations

import itertools
import json
import pickle
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kamlib.scoring._partitioned as part
from kamlib import FeatureTable
from kamlib.errors import InvalidTypeError, InvalidValueError, MissingFeatureError
from kamlib.scoring import (
    RFM,
    Criterion,
    CustomerLifetimeValue,
    EmpiricalEstimate,
    HealthModel,
    MinMax,
    ParetoABC,
    Percentile,
    PieceSummary,
    ValueMatrix,
    WeightedPoints,
    fit_partitioned,
)

Pieces = Callable[[Callable[[FeatureTable], Any]], list[Any]]


def _pieces(table: FeatureTable, cuts: Sequence[int], reverse: bool = False) -> Pieces:
    n = len(table)
    bounds = [0, *sorted(min(max(c, 0), n) for c in cuts), n]
    tables = [table.take(np.arange(a, b)) for a, b in itertools.pairwise(bounds)]
    calls: list[int] = []

    def map_pieces(fn: Callable[[FeatureTable], Any]) -> list[Any]:
        calls.append(1)
        out = [fn(pickle.loads(pickle.dumps(t))) for t in tables]  # as a worker would see it
        return out[::-1] if reverse else out

    map_pieces.calls = calls  # type: ignore[attr-defined]
    return map_pieces


def _same(a: Any, b: Any) -> None:
    assert json.dumps(a.get_config()) == json.dumps(b.get_config())  # every bit, key order too


def _table(x: Sequence[float | None], y: Sequence[float | None]) -> FeatureTable:
    ids = [f"A{i}" for i in range(len(x))]
    return FeatureTable.from_columns(ids, {"x": list(x), "y": list(y), "z": [0.0] * len(x)})


def _scorers(knots: int, q: float) -> list[Any]:
    return [
        WeightedPoints(
            [
                Criterion("x", mapping=Percentile(n_knots=knots)),
                Criterion("y", mapping=MinMax()),
                Criterion("z", 0.5, mapping=MinMax(-1.0, 1.0)),  # pinned: kept
            ]
        ),
        ValueMatrix("x", ["y"], quantile=q),
        ValueMatrix("x", ["y"], quantile=q, y_cut=3.0),  # one cut pinned
        HealthModel(
            measures=(
                HealthModel().measures[0].__class__("x", mapping=Percentile(n_knots=knots)),
                HealthModel().measures[0].__class__("y", mapping=MinMax()),
            ),
            nodes=(HealthModel().nodes[0].__class__("overall", ("x", "y")),),
            rules=(),
        ),
    ]


finite = st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False)
tiny = st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1e-300, 1.0, -1.0, 1e15, -1e15])
values = st.one_of(finite, tiny, st.integers(-3, 3).map(float))


@given(
    rows=st.lists(st.tuples(values, values), min_size=1, max_size=80),
    cuts=st.lists(st.integers(0, 80), max_size=5),
    knots=st.integers(2, 40),
    q=st.floats(0.01, 0.99),
    reverse=st.booleans(),
    gather=st.sampled_from([0, 1, 3, part.GATHER_LIMIT]),
)
@example(rows=[(-0.0, 0.0), (0.0, -0.0)], cuts=[1], knots=2, q=0.5, reverse=False, gather=0)
@example(rows=[(1.0, 1.0)] * 5, cuts=[0, 0, 5], knots=3, q=0.3, reverse=True, gather=0)
def test_pieces_fit_as_the_whole(
    rows: list[tuple[float, float]],
    cuts: list[int],
    knots: int,
    q: float,
    reverse: bool,
    gather: int,
) -> None:
    table = _table([r[0] for r in rows], [r[1] for r in rows])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(part, "GATHER_LIMIT", gather)  # 0: every bucket counted down to 64 bits
        for scorer in _scorers(knots, q):
            _same(fit_partitioned(scorer, _pieces(table, cuts, reverse)), scorer.fit(table))


@given(
    x=st.lists(st.one_of(st.none(), values), min_size=1, max_size=60),
    cuts=st.lists(st.integers(0, 60), max_size=4),
)
def test_missing_values_are_left_out_as_fit_does(x: list[float | None], cuts: list[int]) -> None:
    table = _table(x, [1.0] * len(x))
    scorers = _scorers(5, 0.5)
    for scorer in (scorers[0], scorers[3]):
        if all(v is None for v in x):
            with pytest.raises(InvalidValueError) as whole:
                scorer.fit(table)
            with pytest.raises(InvalidValueError) as pieces:
                fit_partitioned(scorer, _pieces(table, cuts))
            assert str(pieces.value) == str(whole.value)  # the same error as fit
        else:
            _same(fit_partitioned(scorer, _pieces(table, cuts)), scorer.fit(table))


def test_large_population_in_at_most_four_passes() -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    x = np.concatenate([rng.normal(size=n // 2), np.round(rng.lognormal(size=n // 2), 1)])
    table = FeatureTable.from_columns(
        [f"A{i}" for i in range(n)],
        {"x": x, "y": rng.integers(0, 5, size=n).astype(float), "z": np.zeros(n)},
    )
    for scorer in _scorers(101, 0.5):
        pieces = _pieces(table, [1, 50_000, 50_001, 123_457])
        _same(fit_partitioned(scorer, pieces), scorer.fit(table))
        assert 1 <= len(pieces.calls) <= part.MAX_PASSES  # type: ignore[attr-defined]


def test_pinned_scorer_reads_no_piece() -> None:
    pinned = WeightedPoints([Criterion("x", mapping=MinMax(0.0, 1.0))])

    def never(fn: Callable[[FeatureTable], Any]) -> list[Any]:
        raise AssertionError("read a piece")

    assert fit_partitioned(pinned, never) is pinned
    absolute = ValueMatrix("x", ["y"], quantile=None, x_cut=1, y_cut=2)
    assert fit_partitioned(absolute, never) is absolute


def test_the_piece_function_pickles_and_handles_an_empty_piece() -> None:
    table = _table([1.0, 2.0, 3.0], [3.0, 2.0, 1.0])
    empty = _table([], [])
    seen: list[Any] = []

    def map_pieces(fn: Callable[[FeatureTable], Any]) -> list[Any]:
        fn = pickle.loads(pickle.dumps(fn))
        seen.append(fn)
        return [fn(empty), fn(table), fn(empty)]

    scorer = _scorers(3, 0.5)[0]
    _same(fit_partitioned(scorer, map_pieces), scorer.fit(table))
    assert all(isinstance(fn(empty), PieceSummary) for fn in seen)


def test_a_scorer_without_a_fit_on_pieces_is_refused() -> None:
    table = _table([1.0], [1.0])
    for scorer in (ParetoABC(), EmpiricalEstimate()):
        with pytest.raises(InvalidTypeError, match="has no fit on pieces"):
            fit_partitioned(scorer, _pieces(table, []))


def test_bad_pieces_get_typed_errors() -> None:
    scorer = _scorers(3, 0.5)[0]
    with pytest.raises(MissingFeatureError):
        fit_partitioned(scorer, lambda fn: [fn(FeatureTable.from_columns(["A"], {"x": [1]}))])
    with pytest.raises(InvalidTypeError, match="must be a FeatureTable"):
        fit_partitioned(scorer, lambda fn: [fn({"x": [1.0]})])  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="must be what the function"):
        fit_partitioned(scorer, lambda fn: [object()])
    with pytest.raises(InvalidTypeError, match="must return an iterable"):
        fit_partitioned(scorer, lambda fn: 3)  # type: ignore[arg-type,return-value]
    with pytest.raises(InvalidTypeError, match="must be callable"):
        fit_partitioned(scorer, [])  # type: ignore[arg-type]


nonneg = st.one_of(st.none(), st.floats(0, 1e6), st.integers(0, 5).map(float))


@given(
    rows=st.lists(st.tuples(nonneg, nonneg, nonneg), min_size=1, max_size=60),
    cuts=st.lists(st.integers(0, 60), max_size=4),
    bins=st.integers(2, 6),
    gather=st.sampled_from([0, part.GATHER_LIMIT]),
)
@example(rows=[(None, None, None)], cuts=[], bins=2, gather=0)
def test_rfm_and_clv_cuts_in_two_stages(
    rows: list[tuple[float | None, float | None, float | None]],
    cuts: list[int],
    bins: int,
    gather: int,
) -> None:
    cols = dict(zip(RFM().required_features, zip(*rows, strict=True), strict=True))
    table = FeatureTable.from_columns(
        [f"A{i}" for i in range(len(rows))], {**cols, "profit": cols["purchase_total"]}
    )
    scorers: list[Any] = [
        RFM(bins=bins, missing="penalty"),
        RFM(bins=bins, missing="penalty", frequency_cuts=[1.0] * (bins - 1)),
        RFM(bins=bins, missing="penalty", recency_cuts=[5.0] * (bins - 1), top_cut=None),
        CustomerLifetimeValue(),
        CustomerLifetimeValue(missing="raise"),
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(part, "GATHER_LIMIT", gather)
        for scorer in scorers:
            pieces = _pieces(table, cuts, reverse=True)
            assert _outcome(scorer.fit, table) == _outcome(fit_partitioned, scorer, pieces)


def _outcome(fit: Callable[..., Any], *args: Any) -> str:
    """The fitted config, or the error (the same error, as fit raises it)."""
    try:
        return json.dumps(fit(*args).get_config())
    except InvalidValueError as exc:
        return f"{type(exc).__name__}: {exc}"
