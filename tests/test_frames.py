"""kamlib.frames: the DataFrame door (pandas and polars through narwhals).

Round trips through every built-in scorer, with the same bits as the column door; the
null/NaN rule; nullable and categorical dtypes; every error, typed and naming its field;
the input frame left alone; and the core importing none of narwhals, pandas, polars.
"""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from kamlib import FeatureTable
from kamlib.errors import (
    DuplicateIdError,
    FieldError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    MissingFeatureError,
    NotFittedError,
)
from kamlib.features import extract_features
from kamlib.frames import from_frame, score_frame, to_frame
from kamlib.scoring import (
    EmpiricalEstimate,
    HealthModel,
    Scorer,
    ScoreTable,
    ValueMatrix,
    WeightedPoints,
)
from kamlib.synthetic import synthetic_portfolio

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
CATS = ("industry", "size_band", "region")
Frame = Any  # a pandas or a polars DataFrame


# ---------------------------------------------------------------------------- data
@cache
def _portfolio_table() -> FeatureTable:
    """A realistic table (120 synthetic accounts); rows without strategic data left out.

    The value matrix refuses an account with no strategic attribute at all; the other
    scorers do not mind, but every scorer reads the same rows here.
    """
    t = extract_features(synthetic_portfolio(120, seed=1, as_of=AS_OF), as_of=AS_OF)
    return t.observed("strategic_fit")


def _pandas(t: FeatureTable, id: str = "account") -> pd.DataFrame:
    """The table as a pandas frame: nullable Float64 (NA where missing), category labels."""
    data: dict[str, Any] = {id: pd.array(t.ids.tolist(), dtype="str")}
    for name in t.names:
        col = pd.array(t.column(name).tolist(), dtype="Float64")
        col[t.is_missing(name)] = pd.NA
        data[name] = col
    for name in CATS:
        data[name] = pd.Categorical(t.category(name).tolist())
    return pd.DataFrame(data)


def _polars(t: FeatureTable, id: str = "account") -> pl.DataFrame:
    """The table as a polars frame: Float64 with nulls where missing, Categorical labels."""
    data: dict[str, pl.Series] = {id: pl.Series(id, t.ids.tolist(), dtype=pl.String)}
    for name in t.names:
        vals = [
            None if m else v
            for v, m in zip(t.column(name).tolist(), t.is_missing(name), strict=True)
        ]
        data[name] = pl.Series(name, vals, dtype=pl.Float64)
    for name in CATS:
        data[name] = pl.Series(name, t.category(name).tolist(), dtype=pl.Categorical)
    return pl.DataFrame(data)


BACKENDS: dict[str, Callable[[FeatureTable], Frame]] = {"pandas": _pandas, "polars": _polars}


@cache
def _scorers() -> dict[str, Scorer]:
    t = _portfolio_table()
    return {
        "value_matrix": ValueMatrix(missing="renormalise").fit(t),
        "weighted_points": WeightedPoints().fit(t),
        "health_model": HealthModel().fit(t),
        "empirical_estimate": EmpiricalEstimate(default_spend=0.0).fit(t),
    }


SCORER_NAMES = ("value_matrix", "weighted_points", "health_model", "empirical_estimate")


def _col(frame: Frame, name: str) -> NDArray[Any]:
    """A column of a pandas or polars frame as numpy."""
    return np.asarray(frame[name].to_numpy())


def _bits(a: NDArray[Any]) -> bytes:
    return np.ascontiguousarray(a, dtype=np.float64).tobytes()


def _expected_columns(st_: ScoreTable, prefix: str = "") -> list[str]:
    names = [f"{prefix}score"]
    if st_.labels is not None:
        names.append(f"{prefix}label")
    names.append(f"{prefix}coverage")
    if st_.margin is not None:
        names.append(f"{prefix}margin")
    names += [f"{prefix}reason_{c}" for c in st_.reason_codes]
    return names


def _assert_matches(out: Frame, st_: ScoreTable, prefix: str = "") -> None:
    """``out`` holds exactly ``st_``'s columns, bit for bit."""
    assert _bits(_col(out, f"{prefix}score")) == _bits(st_.scores)
    assert np.array_equal(_col(out, f"{prefix}score"), st_.scores)
    assert _bits(_col(out, f"{prefix}coverage")) == _bits(st_.coverage)
    if st_.labels is not None:
        assert list(out[f"{prefix}label"].to_list()) == st_.labels.tolist()
    if st_.margin is not None:
        assert _bits(_col(out, f"{prefix}margin")) == _bits(st_.margin)
    for j, code in enumerate(st_.reason_codes):
        flags = _col(out, f"{prefix}reason_{code}")
        assert flags.dtype == np.bool_
        expected = np.zeros(len(st_), bool) if st_.reason_flags is None else st_.reason_flags[:, j]
        assert np.array_equal(flags, expected)


def _snapshot(frame: Frame) -> Frame:
    return frame.copy(deep=True) if isinstance(frame, pd.DataFrame) else frame.clone()


def _assert_unchanged(frame: Frame, before: Frame) -> None:
    if isinstance(frame, pd.DataFrame):
        pd.testing.assert_frame_equal(frame, before)
    else:
        assert frame.equals(before)
        assert frame.schema == before.schema


# ---------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_from_frame_has_the_bits_of_from_columns(backend: str) -> None:
    t = _portfolio_table()
    frame = BACKENDS[backend](t)
    got = from_frame(frame, id="account", categorical=CATS)
    assert got.ids.tolist() == t.ids.tolist()
    assert got.names == t.names
    assert got.values.tobytes() == t.values.tobytes()  # NaN in missing cells, same bits
    assert t.missing is not None
    assert got.missing is not None
    assert np.array_equal(got.missing, t.missing)
    assert {k: v.tolist() for k, v in got.categorical.items()} == {
        k: t.category(k).tolist() for k in CATS
    }


@pytest.mark.parametrize("scorer_name", SCORER_NAMES)
@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_score_frame_round_trip_same_bits(backend: str, scorer_name: str) -> None:
    t = _portfolio_table()
    scorer = _scorers()[scorer_name]
    frame = BACKENDS[backend](t)
    before = _snapshot(frame)
    out = score_frame(scorer, frame, id="account", categorical=CATS, prefix="kam_")
    assert type(out) is type(frame)
    assert out is not frame
    _assert_unchanged(frame, before)
    expected = scorer.score(t)
    assert _col(out, "account").tolist() == t.ids.tolist()  # same rows, same order
    assert list(out.columns) == [*frame.columns, *_expected_columns(expected, "kam_")]
    _assert_matches(out, expected, "kam_")
    if isinstance(out, pd.DataFrame):  # the original columns come back as they were
        pd.testing.assert_frame_equal(out[list(frame.columns)], frame)
    else:
        assert out.select(frame.columns).equals(frame)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_score_frame_matches_from_columns_on_a_hand_built_frame(backend: str) -> None:
    ids = ["A1", "A2", "A3", "A4"]
    cols = {
        "profit": [900.0, 100.0, 800.0, 50.0],
        "strategic_fit": [9.0, 8.0, 2.0, 1.0],
        "value_potential": [8.0, 9.0, 3.0, 2.0],
        "resource_complementarity": [7.0, 7.0, 1.0, 3.0],
    }
    frame: Frame = (pd.DataFrame if backend == "pandas" else pl.DataFrame)(
        {"account": ids, "name": ["a", "b", "c", "d"], **cols}
    )
    vm = ValueMatrix().fit(FeatureTable.from_columns(ids, cols))
    out = score_frame(vm, frame, id="account")  # columns default: the scorer's features
    expected = vm.score(FeatureTable.from_columns(ids, cols))
    _assert_matches(out, expected)
    assert list(out["label"].to_list()) == ["strategic", "potential", "profit", "ordinary"]


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_score_frame_is_partition_and_order_invariant(backend: str) -> None:
    t = _portfolio_table()
    scorer = _scorers()["health_model"]
    whole = score_frame(scorer, BACKENDS[backend](t), id="account", prefix="k_")
    rows = np.arange(len(t))[::-3]  # another order, and only some rows
    part = score_frame(scorer, BACKENDS[backend](t.take(rows)), id="account", prefix="k_")
    assert _bits(_col(part, "k_score")) == _bits(_col(whole, "k_score")[rows])


def test_score_frame_keeps_the_pandas_index() -> None:
    df = pd.DataFrame(
        {"account": ["A", "B", "C"], "x": [1.0, 3.0, 1.5], "y": [0.5, 2.0, 9.0]},
        index=pd.Index(["r9", "r1", "r5"], name="row"),
    )
    out = score_frame(ValueMatrix("x", ["y"], x_cut=2.0, y_cut=1.0), df, id="account")
    assert out.index.equals(df.index)
    assert out["label"].tolist() == ["ordinary", "strategic", "potential"]


def test_writing_the_output_leaves_input_and_result_alone() -> None:
    df = pd.DataFrame({"account": ["A", "B"], "x": [1.0, 3.0], "y": [0.5, 2.0]})
    before = df.copy(deep=True)
    vm = ValueMatrix("x", ["y"], x_cut=2.0, y_cut=1.0)
    out = score_frame(vm, df, id="account")
    out.loc[0, "score"] = -1.0
    out.loc[0, "x"] = -1.0
    _assert_unchanged(df, before)
    assert out["score"].tolist() == [-1.0, 2.0]


@pytest.mark.parametrize("namespace", ["narwhals", "narwhals.stable.v1", "narwhals.stable.v2"])
def test_narwhals_frame_in_narwhals_frame_out(namespace: str) -> None:
    ns = importlib.import_module(namespace)
    native = pl.DataFrame({"account": ["A", "B"], "x": [1.0, 3.0], "y": [0.5, 2.0]})
    vm = ValueMatrix("x", ["y"], x_cut=2.0, y_cut=1.0)
    frame = ns.from_native(native, eager_only=True)
    out = score_frame(vm, frame, id="account")
    assert type(out) is type(frame)
    assert out["score"].to_list() == [0.5, 2.0]
    assert isinstance(out.to_native(), pl.DataFrame)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_empty_frame_scores_to_an_empty_frame(backend: str) -> None:
    t = _portfolio_table()
    frame = BACKENDS[backend](t.take(np.zeros(0, dtype=np.intp)))
    scorer = _scorers()["weighted_points"]
    out = score_frame(scorer, frame, id="account", prefix="k_")
    assert len(out) == 0
    assert "k_score" in out.columns


def test_score_frame_without_prefix_names_the_clashing_column() -> None:
    t = _portfolio_table()  # extract_features has a "coverage" column of its own
    with pytest.raises(InvalidValueError) as info:
        score_frame(_scorers()["health_model"], _polars(t), id="account")
    assert info.value.path == "score_frame.prefix"
    assert info.value.value == "coverage"
    assert "'coverage'" in str(info.value)


def test_a_clash_with_a_reason_column_is_found_after_scoring() -> None:
    df = pd.DataFrame({"account": ["A"], "x": [1.0], "y": [0.5], "reason_high_strategic": ["mine"]})
    with pytest.raises(InvalidValueError, match="reason_high_strategic"):
        score_frame(ValueMatrix("x", ["y"], x_cut=2.0, y_cut=1.0), df, id="account")


def test_score_frame_needs_a_fitted_scorer() -> None:
    df = pd.DataFrame({"account": ["A"], "x": [1.0], "y": [0.5]})
    with pytest.raises(NotFittedError):
        score_frame(ValueMatrix("x", ["y"]), df, id="account")


# ---------------------------------------------------------------------------- to_frame
@pytest.mark.parametrize(
    "backend",
    ["pandas", "polars", pd, pl, nw.Implementation.PANDAS, nw.Implementation.POLARS],
    ids=["pandas", "polars", "pandas-module", "polars-module", "pandas-impl", "polars-impl"],
)
def test_to_frame_builds_the_backend(backend: object) -> None:
    t = _portfolio_table()
    st_ = _scorers()["health_model"].score(t)
    frame = to_frame(st_, backend=backend)  # type: ignore[arg-type]
    want = pd.DataFrame if "pandas" in str(backend).lower() else pl.DataFrame
    assert isinstance(frame, want)
    assert list(frame.columns) == ["id", *_expected_columns(st_)]
    assert _col(frame, "id").tolist() == t.ids.tolist()
    _assert_matches(frame, st_)


def test_to_frame_takes_an_id_name_and_a_prefix() -> None:
    st_ = _scorers()["weighted_points"].score(_portfolio_table())
    frame = to_frame(st_, backend="polars", id="account", prefix="wp_")
    assert frame.columns == ["account", *_expected_columns(st_, "wp_")]
    _assert_matches(frame, st_, "wp_")


def test_to_frame_of_an_empty_table_has_typed_columns() -> None:
    st_ = _scorers()["value_matrix"].score(_portfolio_table().take(np.zeros(0, np.intp)))
    frame = to_frame(st_, backend="polars")
    assert frame.height == 0
    assert frame.schema["score"] == pl.Float64
    assert frame.schema["label"] == pl.String


# ---------------------------------------------------------------------------- null and NaN
def test_polars_null_is_missing_and_nan_is_refused() -> None:
    ok = from_frame(pl.DataFrame({"id": ["A", "B"], "x": [1.0, None]}), id="id")
    assert ok.is_missing("x").tolist() == [False, True]
    bad = pl.DataFrame({"id": ["A", "B", "C"], "x": [1.0, None, float("nan")]})
    with pytest.raises(InvalidValueError) as info:
        from_frame(bad, id="id")
    assert info.value.path == "from_frame.df['x'][2]"
    assert "account 'C'" in str(info.value)
    assert "nan_is_missing=True" in str(info.value)
    loose = from_frame(bad, id="id", nan_is_missing=True)
    assert loose.is_missing("x").tolist() == [False, True, True]


def test_pandas_float64_nan_is_a_nan() -> None:
    """NumPy float64 cannot hold a null apart from NaN: kamlib reads its NaN as NaN."""
    df = pd.DataFrame({"id": ["A", "B"], "x": [1.0, None]})  # None becomes NaN here
    with pytest.raises(InvalidValueError) as info:
        from_frame(df, id="id")
    assert info.value.path == "from_frame.df['x'][1]"
    assert "account 'B'" in str(info.value)
    assert from_frame(df, id="id", nan_is_missing=True).is_missing("x").tolist() == [False, True]


def test_pandas_nullable_dtypes_hold_nulls() -> None:
    df = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "i": pd.array([1, None, 3], dtype="Int64"),
            "u": pd.array([None, 7, 9], dtype="UInt8"),
            "f": pd.array([0.1, 2.5, None], dtype="Float64"),
            "b": pd.array([True, None, False], dtype="boolean"),
            "plain_i": np.array([4, 5, 6], dtype=np.int32),
            "plain_b": [True, False, True],
            "f32": np.array([0.1, 0.2, 0.3], dtype=np.float32),
        }
    )
    t = from_frame(df, id="id")
    assert t.names == ("i", "u", "f", "b", "plain_i", "plain_b", "f32")
    assert t.values.dtype == np.float64
    expected = FeatureTable.from_columns(
        ["A", "B", "C"],
        {
            "i": [1, None, 3],
            "u": [None, 7, 9],
            "f": [0.1, 2.5, None],
            "b": [1.0, None, 0.0],
            "plain_i": [4, 5, 6],
            "plain_b": np.array([True, False, True]),
            "f32": np.array([0.1, 0.2, 0.3], dtype=np.float32),
        },
    )
    assert t.values.tobytes() == expected.values.tobytes()
    assert t.missing is not None
    assert expected.missing is not None
    assert np.array_equal(t.missing, expected.missing)


def test_polars_integer_boolean_and_all_null_columns() -> None:
    df = pl.DataFrame(
        {
            "id": ["A", "B"],
            "i": pl.Series([3, None], dtype=pl.Int16),
            "b": [None, True],
            "none": [None, None],  # polars' Null dtype: nothing is known
        }
    )
    t = from_frame(df, id="id")
    assert t.column("i")[0] == 3.0
    assert t.column("b")[1] == 1.0
    assert t.missing is not None
    assert t.missing.tolist() == [[False, True, True], [True, False, True]]


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_subnormal=True),
        ),
        max_size=30,
    )
)
def test_any_column_with_nulls_reads_as_from_columns(values: list[float | None]) -> None:
    ids = [f"A{i}" for i in range(len(values))]
    expected = FeatureTable.from_columns(ids, {"x": values})
    frames = (
        pl.DataFrame(
            {"id": pl.Series(ids, dtype=pl.String), "x": pl.Series(values, dtype=pl.Float64)}
        ),
        pd.DataFrame({"id": pd.array(ids, dtype="str"), "x": pd.array(values, dtype="Float64")}),
    )
    for frame in frames:
        got = from_frame(frame, id="id")
        assert got.values.tobytes() == expected.values.tobytes()
        assert np.array_equal(got.is_missing("x"), expected.is_missing("x"))


# ---------------------------------------------------------------------------- categorical
@pytest.mark.parametrize(
    "labels",
    [
        pd.Categorical(["retail", None, "energy"]),
        pd.array(["retail", None, "energy"], dtype="str"),
        pl.Series(["retail", None, "energy"], dtype=pl.Categorical),
        pl.Series(["retail", None, "energy"], dtype=pl.Enum(["energy", "retail"])),
        pl.Series(["retail", None, "energy"], dtype=pl.String),
    ],
    ids=["pd-category", "pd-str", "pl-categorical", "pl-enum", "pl-string"],
)
def test_categorical_with_a_null(labels: Any) -> None:
    ids = ["A", "B", "C"]
    frame: Frame = (
        pl.DataFrame({"id": ids, "industry": labels})
        if isinstance(labels, pl.Series)
        else pd.DataFrame({"id": ids, "industry": labels})
    )
    with pytest.raises(InvalidValueError) as info:
        from_frame(frame, id="id", categorical=["industry"])
    assert info.value.path == "from_frame.df['industry'][1]"
    assert "account 'B'" in str(info.value)
    assert "missing_label=" in str(info.value)
    t = from_frame(frame, id="id", categorical=["industry"], missing_label="unknown")
    assert t.names == ()
    assert t.category("industry").tolist() == ["retail", "unknown", "energy"]


def test_categorical_columns_feed_the_empirical_estimate() -> None:
    df = pd.DataFrame(
        {
            "id": ["A1", "A2", "A3"],
            "industry": pd.Categorical(["retail", "retail", "energy"]),
            "size_band": ["large", "small", "large"],
            "revenue_growth": [0.1, 0.0, -0.2],
        }
    )
    est = EmpiricalEstimate(
        {("retail", "large"): 1000.0, ("retail", "small"): 200.0}, share=0.5, default_spend=400.0
    )
    out = score_frame(est, df, id="id", categorical=["industry", "size_band"])
    assert out["score"].tolist() == [500.0, 100.0, 200.0]
    assert out["reason_fallback_benchmark"].tolist() == [False, False, True]


# ---------------------------------------------------------------------------- errors
def _df(**cols: Any) -> pd.DataFrame:
    return pd.DataFrame({"id": ["A", "B"], **cols})


ERRORS: list[tuple[str, Callable[[], object], type[FieldError], str, object]] = [
    (
        "unknown-column",
        lambda: from_frame(_df(x=[1, 2]), id="id", columns=["x", "nps"]),
        MissingFeatureError,
        "from_frame.columns",
        "nps",
    ),
    (
        "unknown-categorical",
        lambda: from_frame(_df(x=[1, 2]), id="id", categorical=["industry"]),
        MissingFeatureError,
        "from_frame.categorical",
        "industry",
    ),
    (
        "unknown-id",
        lambda: from_frame(_df(x=[1, 2]), id="account"),
        MissingFeatureError,
        "from_frame.id",
        "account",
    ),
    (
        "string-feature",
        lambda: from_frame(_df(name=["Acme", "Birch"]), id="id"),
        InvalidTypeError,
        "from_frame.df['name']",
        "String",
    ),
    (
        "object-feature",
        lambda: from_frame(_df(x=pd.Series([1, None], dtype=object)), id="id"),
        InvalidTypeError,
        "from_frame.df['x']",
        "Object",
    ),
    (
        "datetime-feature",
        lambda: from_frame(_df(when=pd.to_datetime(["2024-01-01", "2024-02-01"])), id="id"),
        InvalidTypeError,
        "from_frame.df['when']",
        None,
    ),
    (
        "unlisted-category",
        lambda: from_frame(_df(industry=pd.Categorical(["a", "b"])), id="id"),
        InvalidTypeError,
        "from_frame.df['industry']",
        "Categorical",
    ),
    (
        "numeric-label-column",
        lambda: from_frame(_df(x=[1, 2]), id="id", categorical=["x"]),
        InvalidTypeError,
        "from_frame.df['x']",
        "Int64",
    ),
    (
        "non-str-label",
        lambda: from_frame(_df(c=pd.Series(["a", 3], dtype=object)), id="id", categorical=["c"]),
        InvalidTypeError,
        "from_frame.df['c'][1]",
        3,
    ),
    (
        "null-id",
        lambda: from_frame(pd.DataFrame({"id": ["A", None], "x": [1, 2]}), id="id"),
        InvalidValueError,
        "from_frame.df['id'][1]",
        None,
    ),
    (
        "null-id-polars",
        lambda: from_frame(pl.DataFrame({"id": [None, "B"], "x": [1, 2]}), id="id"),
        InvalidValueError,
        "from_frame.df['id'][0]",
        None,
    ),
    (
        "empty-id",
        lambda: from_frame(pd.DataFrame({"id": ["A", ""], "x": [1, 2]}), id="id"),
        InvalidValueError,
        "from_frame.df['id'][1]",
        "",
    ),
    (
        "mixed-ids",
        lambda: from_frame(pd.DataFrame({"id": pd.Series(["A", 2], dtype=object)}), id="id"),
        InvalidTypeError,
        "from_frame.df['id'][1]",
        2,
    ),
    (
        "integer-ids",
        lambda: from_frame(pd.DataFrame({"id": [1, 2], "x": [1, 2]}), id="id"),
        InvalidTypeError,
        "from_frame.df['id']",
        "Int64",
    ),
    (
        "duplicate-id",
        lambda: from_frame(pd.DataFrame({"id": ["A", "A"], "x": [1, 2]}), id="id"),
        DuplicateIdError,
        "from_frame.df['id'][1]",
        "A",
    ),
    (
        "infinity",
        lambda: from_frame(pl.DataFrame({"id": ["A", "B"], "x": [1.0, float("inf")]}), id="id"),
        InvalidValueError,
        "from_frame.df['x'][1]",
        float("inf"),
    ),
    (
        "too-large",
        lambda: from_frame(_df(x=pd.array([1, 10**16], dtype="Int64")), id="id"),
        InvalidValueError,
        "from_frame.df['x'][1]",
        1e16,
    ),
    (
        "not-a-frame",
        lambda: from_frame({"id": ["A"]}, id="id"),
        InvalidTypeError,
        "from_frame.df",
        "dict",
    ),
    (
        "lazy-frame",
        lambda: from_frame(pl.DataFrame({"id": ["A"]}).lazy(), id="id"),
        InvalidTypeError,
        "from_frame.df",
        "LazyFrame",
    ),
    (
        "repeated-frame-columns",
        lambda: from_frame(pd.DataFrame([["A", 1, 2]], columns=["id", "x", "x"]), id="id"),
        InvalidValueError,
        "from_frame.df",
        "DataFrame",
    ),
    (
        "non-str-frame-column",
        lambda: from_frame(pd.DataFrame({"id": ["A"], 0: [1.0]}), id="id"),
        InvalidTypeError,
        "from_frame.df",
        0,
    ),
    (
        "columns-as-a-str",
        lambda: from_frame(_df(x=[1, 2]), id="id", columns="x"),
        InvalidTypeError,
        "from_frame.columns",
        "x",
    ),
    (
        "repeated-column",
        lambda: from_frame(_df(x=[1, 2]), id="id", columns=["x", "x"]),
        InvalidValueError,
        "from_frame.columns[1]",
        "x",
    ),
    (
        "both-kinds",
        lambda: from_frame(_df(x=["a", "b"]), id="id", columns=["x"], categorical=["x"]),
        InvalidValueError,
        "from_frame.categorical",
        "x",
    ),
    (
        "id-as-feature",
        lambda: from_frame(_df(x=[1, 2]), id="id", columns=["id", "x"]),
        InvalidValueError,
        "from_frame.columns",
        "id",
    ),
    (
        "id-not-str",
        lambda: from_frame(_df(x=[1, 2]), id=0),  # type: ignore[arg-type]
        InvalidTypeError,
        "from_frame.id",
        0,
    ),
    (
        "nan-flag-not-bool",
        lambda: from_frame(_df(x=[1, 2]), id="id", nan_is_missing=1),  # type: ignore[arg-type]
        InvalidTypeError,
        "from_frame.nan_is_missing",
        1,
    ),
    (
        "missing-label-not-str",
        lambda: from_frame(_df(x=[1, 2]), id="id", missing_label=0),  # type: ignore[arg-type]
        InvalidTypeError,
        "from_frame.missing_label",
        0,
    ),
    (
        "score-unknown-feature",
        lambda: score_frame(ValueMatrix("x", ["y"], x_cut=1.0, y_cut=1.0), _df(x=[1, 2]), id="id"),
        MissingFeatureError,
        "score_frame.columns",
        "y",
    ),
    (
        "score-nan",
        lambda: score_frame(
            ValueMatrix("x", ["y"], x_cut=1.0, y_cut=1.0),
            _df(x=[1.0, 2.0], y=[1.0, float("nan")]),
            id="id",
        ),
        InvalidValueError,
        "score_frame.df['y'][1]",
        None,
    ),
    (
        "score-prefix-not-str",
        lambda: score_frame(
            ValueMatrix("x", ["y"], x_cut=1.0, y_cut=1.0),
            _df(x=[1, 2], y=[1, 2]),
            id="id",
            prefix=None,  # type: ignore[arg-type]
        ),
        InvalidTypeError,
        "score_frame.prefix",
        None,
    ),
    (
        "score-clash",
        lambda: score_frame(
            ValueMatrix("x", ["y"], x_cut=1.0, y_cut=1.0),
            _df(x=[1, 2], y=[1, 2], score=[0, 0]),
            id="id",
        ),
        InvalidValueError,
        "score_frame.prefix",
        "score",
    ),
    (
        "score-clash-with-prefix",
        lambda: score_frame(
            ValueMatrix("x", ["y"], x_cut=1.0, y_cut=1.0),
            _df(x=[1, 2], y=[1, 2], k_label=["a", "b"]),
            id="id",
            prefix="k_",
        ),
        InvalidValueError,
        "score_frame.prefix",
        "k_label",
    ),
    (
        "to-frame-backend",
        lambda: to_frame(_scorers()["health_model"].score(_portfolio_table()), backend="excel"),
        InvalidValueError,
        "to_frame.backend",
        "excel",
    ),
    (
        "to-frame-lazy-backend",
        lambda: to_frame(_scorers()["health_model"].score(_portfolio_table()), backend="duckdb"),
        InvalidValueError,
        "to_frame.backend",
        "duckdb",
    ),
    (
        "to-frame-not-a-result",
        lambda: to_frame(_portfolio_table(), backend="pandas"),  # type: ignore[arg-type]
        InvalidTypeError,
        "to_frame.score_table",
        "FeatureTable",
    ),
    (
        "to-frame-id-clash",
        lambda: to_frame(
            _scorers()["health_model"].score(_portfolio_table()), backend="pandas", id="score"
        ),
        InvalidValueError,
        "to_frame.id",
        "score",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "path", "value"),
    [e[1:] for e in ERRORS],
    ids=[e[0] for e in ERRORS],
)
def test_errors_are_typed_and_name_the_field(
    call: Callable[[], object], error: type[FieldError], path: str, value: object
) -> None:
    with pytest.raises(error) as info:
        call()
    err = info.value
    assert type(err) is error
    assert isinstance(err, KamlibError)
    assert isinstance(err, ValueError | TypeError | LookupError)
    assert not isinstance(err, KeyError)
    assert err.path == path
    assert str(err).startswith(path)
    if value is not None:
        assert err.value == value
    if isinstance(err.value, str):
        assert repr(err.value) in str(err)


def test_a_nan_is_named_by_column_and_account_in_score_frame() -> None:
    df = _df(x=[1.0, 2.0], y=[1.0, float("nan")])
    with pytest.raises(
        InvalidValueError, match=r"score_frame\.df\['y'\]\[1\]: is NaN \(account 'B'\)"
    ):
        score_frame(ValueMatrix("x", ["y"], x_cut=1.0, y_cut=1.0), df, id="id")


# ---------------------------------------------------------------------------- isolation
def test_the_core_imports_no_dataframe_library() -> None:
    code = (
        "import kamlib, kamlib.scoring, kamlib.features; import sys; "
        "assert not {'narwhals','pandas','polars'} & set(sys.modules), "
        "sorted({'narwhals','pandas','polars'} & set(sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_door_imports_narwhals_but_no_frame_library() -> None:
    code = (
        "import kamlib.frames; import sys; "
        "assert 'narwhals' in sys.modules; "
        "assert not {'pandas','polars'} & set(sys.modules), "
        "sorted({'pandas','polars'} & set(sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_pandas_object_columns_of_str_read_as_text() -> None:
    df = pd.DataFrame(
        {
            "id": pd.Series(["A", "B"], dtype=object),
            "region": pd.Series(["east", "west"], dtype=object),
            "x": [1.0, 2.0],
        }
    )
    t = from_frame(df, id="id", categorical=["region"])
    assert t.ids.tolist() == ["A", "B"]
    assert t.category("region").tolist() == ["east", "west"]


def test_every_public_name_has_a_doctested_example() -> None:
    """tests/test_docstrings.py does not list kamlib.frames yet: the same rule, here."""
    import inspect

    import kamlib.frames

    for obj in (kamlib.frames, *(getattr(kamlib.frames, n) for n in kamlib.frames.__all__)):
        doc = inspect.getdoc(obj) or ""
        assert "Examples:" in doc, obj
        assert ">>>" in doc, obj
