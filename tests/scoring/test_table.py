"""FeatureTable: validation at the door, derivations, immutability."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    MissingFeatureError,
    UnknownIdError,
)


def _t() -> FeatureTable:
    return FeatureTable.from_columns(
        ["A", "B", "C"],
        {"x": [1.0, 2.0, 3.0], "y": [None, 5.0, 6.0]},
        categorical={"industry": ["it", "retail", "it"]},
    )


def test_length_mismatch() -> None:
    with pytest.raises(InvalidValueError, match=r"columns\['x'\].*length 2"):
        FeatureTable.from_columns(["A", "B"], {"x": [1.0]})


def test_undeclared_nan_names_column_and_account() -> None:
    with pytest.raises(InvalidValueError, match=r"columns\['x'\]\[1\].*account 'B'"):
        FeatureTable.from_columns(["A", "B"], {"x": [1.0, float("nan")]})


def test_inf_rejected_even_with_nan_is_missing() -> None:
    with pytest.raises(InvalidValueError, match="inf"):
        FeatureTable.from_columns(["A"], {"x": [np.inf]}, nan_is_missing=True)


def test_nan_is_missing_declares() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, np.nan]}, nan_is_missing=True)
    assert t.is_missing("x").tolist() == [False, True]


def test_none_entries_are_missing() -> None:
    t = _t()
    assert t.is_missing("y").tolist() == [True, False, False]
    assert np.isnan(t.column("y")[0])


def test_explicit_mask() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 99.0]}, missing={"x": [False, True]})
    assert t.is_missing("x").tolist() == [False, True]
    assert np.isnan(t.column("x")[1])


def test_mask_for_unknown_column() -> None:
    with pytest.raises(MissingFeatureError):
        FeatureTable.from_columns(["A"], {"x": [1.0]}, missing={"y": [True]})


def test_duplicate_ids() -> None:
    with pytest.raises(DuplicateIdError, match=r"ids\[2\]"):
        FeatureTable.from_columns(["A", "B", "A"], {"x": [1, 2, 3]})


@pytest.mark.parametrize("bad", [3, None, b"A"])
def test_non_str_ids(bad: object) -> None:
    with pytest.raises(InvalidTypeError, match=r"ids\[1\]"):
        FeatureTable.from_columns(["A", bad], {"x": [1, 2]})  # type: ignore[list-item]


def test_empty_id_is_a_value_error_like_the_model() -> None:
    # one fault, one error class: Account(id="") raises InvalidValueError too
    with pytest.raises(InvalidValueError, match=r"ids\[1\]"):
        FeatureTable.from_columns(["A", ""], {"x": [1, 2]})


@pytest.mark.parametrize("flag", ["no", 1, None])
def test_nan_is_missing_must_be_a_bool(flag: object) -> None:
    with pytest.raises(InvalidTypeError, match="nan_is_missing"):
        FeatureTable.from_columns(["A"], {"x": [1.0]}, nan_is_missing=flag)  # type: ignore[arg-type]
    t = FeatureTable.from_columns(["A"], {"x": [1.0]})
    with pytest.raises(InvalidTypeError, match="nan_is_missing"):
        t.with_values([[1.0]], nan_is_missing=flag)  # type: ignore[arg-type]


@pytest.mark.parametrize("big", [1e15 * (1 + 1e-15), -2e15, 1e300])
def test_magnitudes_beyond_any_kam_figure_are_refused(big: float) -> None:
    with pytest.raises(InvalidValueError, match=r"columns\['x'\]\[1\].*magnitude.*'B'"):
        FeatureTable.from_columns(["A", "B"], {"x": [1.0, big]})
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 2.0]})
    with pytest.raises(InvalidValueError, match=r"values\[1, 0\].*magnitude"):
        t.with_values([[1.0], [big]])
    # a declared-missing cell may hold anything
    ok = FeatureTable.from_columns(
        ["A", "B"], {"x": [1.0, big]}, missing={"x": np.array([False, True])}
    )
    assert ok.is_missing("x").tolist() == [False, True]
    assert FeatureTable.from_columns(["A"], {"x": [1e15]}).column("x").tolist() == [1e15]


def test_bounds_are_kept_and_follow_derivations() -> None:
    t = FeatureTable.from_columns(
        ["A", "B", "C"], {"x": [3.0, None, -1.0], "y": [None, None, None]}
    )
    lo, hi = t.bounds()
    assert lo.tolist() == [-1.0, np.inf]
    assert hi.tolist() == [3.0, -np.inf]
    assert t.take([0]).bounds()[0].tolist() == [3.0, np.inf]
    assert t.select(["x"]).bounds()[1].tolist() == [3.0]
    v = t.with_values(np.array([[5.0, 1.0], [7.0, 2.0], [6.0, 3.0]]))
    assert v.bounds()[0].tolist() == [5.0, 1.0]
    assert v.bounds()[1].tolist() == [7.0, 3.0]
    lo[0] = 99.0  # a copy: the table's bounds are not aliased
    assert t.bounds()[0][0] == -1.0


def test_object_column_with_strings() -> None:
    with pytest.raises(InvalidTypeError, match=r"columns\['x'\]\[1\]"):
        FeatureTable.from_columns(["A", "B"], {"x": [None, "2"]})


def test_string_dtype_column() -> None:
    with pytest.raises(InvalidTypeError, match="numeric dtype"):
        FeatureTable.from_columns(["A"], {"x": np.array(["1"])})


def test_bool_column_becomes_float() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"flag": np.array([True, False])})
    assert t.column("flag").tolist() == [1.0, 0.0]


def test_two_dimensional_column() -> None:
    with pytest.raises(InvalidValueError, match="one-dimensional"):
        FeatureTable.from_columns(["A"], {"x": np.ones((1, 2))})


def test_categorical_validation() -> None:
    with pytest.raises(InvalidTypeError, match=r"categorical\['industry'\]\[0\]"):
        FeatureTable.from_columns(["A"], {}, categorical={"industry": [3]})  # type: ignore[list-item]
    with pytest.raises(InvalidValueError, match="also a numeric column"):
        FeatureTable.from_columns(["A"], {"x": [1]}, categorical={"x": ["a"]})


def test_pandas_like_numpy_input_not_mutated() -> None:
    col = np.array([1.0, np.nan, 3.0])
    before = col.copy()
    t = FeatureTable.from_columns(["A", "B", "C"], {"x": col}, nan_is_missing=True)
    assert np.array_equal(col, before, equal_nan=True)
    assert col.flags.writeable
    assert t.values.base is not col


def test_arrays_are_read_only() -> None:
    t = _t()
    with pytest.raises(ValueError, match="read-only"):
        t.values[0, 0] = 9.0
    with pytest.raises(ValueError, match="read-only"):
        t.ids[0] = "Z"
    with pytest.raises(ValueError, match="read-only"):
        t.category("industry")[0] = "x"


def test_matrix_order_and_fortran() -> None:
    t = _t()
    X, M = t.matrix(["y", "x"])
    assert X.flags.f_contiguous
    assert M is not None
    assert M[:, 0].tolist() == [True, False, False]
    assert t.matrix(["x", "y"])[0] is t.values


def test_take_select_concat_with_columns() -> None:
    t = _t()
    part = t.take([2, 0])
    assert part.ids.tolist() == ["C", "A"]
    assert part.is_missing("y").tolist() == [False, True]
    assert part.category("industry").tolist() == ["it", "it"]
    assert t.select(["y"]).names == ("y",)
    both = FeatureTable.concat([t.take([0]), t.take([1, 2])])
    assert both.ids.tolist() == t.ids.tolist()
    assert np.array_equal(both.values, t.values, equal_nan=True)
    w = t.with_columns({"z": [0, 0, 1]})
    assert w.names == ("x", "y", "z")
    assert w.is_missing("y").tolist() == [True, False, False]


def test_take_errors() -> None:
    t = _t()
    with pytest.raises(InvalidValueError):
        t.take([5])
    with pytest.raises(DuplicateIdError):
        t.take([0, 0])


def test_concat_errors() -> None:
    t = _t()
    with pytest.raises(DuplicateIdError):
        FeatureTable.concat([t, t])
    with pytest.raises(InvalidValueError):
        FeatureTable.concat([t, t.select(["x"])])
    with pytest.raises(InvalidValueError):
        FeatureTable.concat([])


def test_lookup_errors() -> None:
    t = _t()
    with pytest.raises(MissingFeatureError, match="'nope'"):
        t.column("nope")
    with pytest.raises(MissingFeatureError):
        t.category("size_band")
    with pytest.raises(UnknownIdError):
        t.row_of("Z")
    assert t.row_of("B") == 1


@given(st.lists(st.floats(min_value=-1e15, max_value=1e15), min_size=1, max_size=20))
def test_round_trip_values(xs: list[float]) -> None:
    ids = [f"A{i}" for i in range(len(xs))]
    t = FeatureTable.from_columns(ids, {"x": xs})
    assert t.column("x").tolist() == xs
    assert t.to_columns()["x"].tolist() == xs


@given(st.lists(st.sampled_from([1.0, float("nan"), float("inf"), -float("inf")]), min_size=1))
def test_non_finite_always_rejected_or_declared(xs: list[float]) -> None:
    ids = [f"A{i}" for i in range(len(xs))]
    if all(np.isfinite(xs)):
        assert len(FeatureTable.from_columns(ids, {"x": xs})) == len(xs)
    else:
        with pytest.raises(KamlibError):
            FeatureTable.from_columns(ids, {"x": xs})
