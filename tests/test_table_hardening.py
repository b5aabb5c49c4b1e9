"""FeatureTable refuses bad input with kamlib errors (review findings 6, 7, 10, 19)."""

from __future__ import annotations

from typing import Any, Literal
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from kamlib import FeatureTable, _table
from kamlib.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    MissingFeatureError,
)


def _t() -> FeatureTable:
    return FeatureTable.from_columns(["a", "b", "c"], {"x": [1.0, 2.0, 3.0], "y": [4, 5, 6]})


def test_take_accepts_a_boolean_mask() -> None:
    t = _t()
    assert t.take(np.array([True, False, True])).ids.tolist() == ["a", "c"]


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ([True, False], InvalidValueError),  # mask of the wrong length
        ([0.0, 1.0], InvalidTypeError),  # floats are not positions
        (["a"], InvalidTypeError),
        (None, InvalidTypeError),
        ([[0, 1]], InvalidValueError),
        ([3], InvalidValueError),
        ([0, 0], DuplicateIdError),
    ],
)
def test_take_refuses_bad_selectors(rows: object, error: type[KamlibError]) -> None:
    with pytest.raises(error, match="rows"):
        _t().take(rows)  # type: ignore[arg-type]


def test_take_empty_selection() -> None:
    assert len(_t().take([])) == 0


def test_masked_array_mask_declares_missing() -> None:
    col = np.ma.masked_array([1.0, 99.0, 3.0], mask=[False, True, False])
    t = FeatureTable.from_columns(["a", "b", "c"], {"x": col})
    assert t.is_missing("x").tolist() == [False, True, False]
    assert np.isnan(t.column("x")[1])


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"columns": {"x": [10**400]}}, InvalidValueError, "x"),
        ({"columns": {"x": [1]}, "missing": [True]}, InvalidTypeError, "missing"),
        ({"columns": {"x": [1]}, "categorical": ["x"]}, InvalidTypeError, "categorical"),
        ({"columns": {"x": [1]}, "categorical": {"x": ["r"]}}, InvalidValueError, "categorical"),
        ({"columns": {"x": ["1"]}}, InvalidTypeError, "x"),
        ({"columns": {"x": [1, 2]}}, InvalidValueError, "length"),
        ({"columns": {"x": [[1]]}}, InvalidValueError, "one-dimensional"),
        ({"columns": [("x", [1])]}, InvalidTypeError, "columns"),
    ],
)
def test_from_columns_bad_input(
    kwargs: dict[str, object], error: type[KamlibError], field: str
) -> None:
    with pytest.raises(error, match=field):
        FeatureTable.from_columns(["a"], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", [["x"], None, 3])
def test_lookups_refuse_non_string_names(name: object) -> None:
    t = _t()
    for method in (t.column, t.is_missing, t.category):
        with pytest.raises(InvalidTypeError):
            method(name)  # type: ignore[arg-type]
    if not isinstance(name, list):  # a list of names is a valid request of observed()
        with pytest.raises(InvalidTypeError):
            t.observed(name)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError):
        t.observed([name])  # type: ignore[list-item]


def test_select_refuses_a_string_and_duplicates() -> None:
    with pytest.raises(InvalidTypeError, match="names"):
        _t().select("xy")
    with pytest.raises(InvalidValueError, match="repeat"):
        _t().select(["x", "x"])
    with pytest.raises(MissingFeatureError, match="'z'"):
        _t().select(["z"])


def test_concat_refuses_non_tables() -> None:
    with pytest.raises(InvalidTypeError, match=r"tables\[1\]"):
        FeatureTable.concat([_t(), 5])  # type: ignore[list-item]
    with pytest.raises(InvalidTypeError, match="tables"):
        FeatureTable.concat(_t())  # type: ignore[arg-type]


def test_with_values_validates_and_copies() -> None:
    t = _t()
    new = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    t2 = t.with_values(new)
    new[0, 0] = 99.0  # the table keeps a private copy
    assert t2.column("x")[0] == 1.0
    assert not t2.values.flags.writeable
    with pytest.raises(InvalidValueError, match=r"values\[1, 0\].*'b'"):
        t.with_values([[1.0, 2.0], [np.inf, 4.0], [5.0, 6.0]])
    masked = t.with_values([[1.0, 2.0], [np.nan, 4.0], [5.0, 6.0]], nan_is_missing=True)
    assert masked.is_missing("x").tolist() == [False, True, False]
    with pytest.raises(InvalidTypeError):
        t.with_values([["a", "b"]] * 3)


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(allow_nan=True, allow_infinity=True),
            st.text(max_size=3),
            st.lists(st.integers(), max_size=2),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_column_either_builds_or_raises_a_kamlib_error(values: list[object]) -> None:
    ids = [f"a{i}" for i in range(len(values))]
    try:
        t = FeatureTable.from_columns(ids, {"x": values})
    except KamlibError:
        return
    observed = ~t.is_missing("x")
    assert np.isfinite(t.column("x")[observed]).all()
    assert np.isnan(t.column("x")[~observed]).all()


def test_score_table_take_validates_selectors_like_feature_table() -> None:
    from kamlib.scoring import Criterion, WeightedPoints

    t = _t()
    result = WeightedPoints([Criterion("x")]).fit(t).score(t)
    assert result.take(np.array([False, True, True])).ids.tolist() == ["b", "c"]
    assert result.take([-1]).ids.tolist() == ["c"]
    with pytest.raises(InvalidTypeError, match="rows"):
        result.take([0.5])  # type: ignore[list-item]
    with pytest.raises(DuplicateIdError, match="rows"):
        result.take([0, -3])
    with pytest.raises(InvalidValueError, match="rows"):
        result.take([True])


# ---------------------------------------------------------------- with_values in pieces
# with_values copies, masks and bounds the matrix in cache-sized pieces
# (kamlib._table._copy_observed): row blocks, or column segments of a column-major source
# and mask. Every path must give the table of the unblocked reference below bit for bit
# (values, mask, bounds), whatever the layout and dtype of the input, and name the same
# cell when it refuses one.

_K = 12
_STEP = _table._block_rows(_K)  # rows per row block of a 12-column table
_SEG = _table._BLOCK_BYTES // 8  # rows per column segment


def _ids(n: int) -> list[str]:
    return [f"A{i}" for i in range(n)]


def _table_of(n: int, k: int = _K) -> FeatureTable:
    return FeatureTable.from_columns(_ids(n), {f"c{j}": np.zeros(n) for j in range(k)})


_Copy = tuple[
    NDArray[np.float64], NDArray[np.bool_] | None, tuple[NDArray[np.float64], NDArray[np.float64]]
]


def _reference(arr: NDArray[Any], given: NDArray[np.bool_] | None, nan_is_missing: bool) -> _Copy:
    """The unblocked with_values of before the row blocks: copy, mask, then bounds."""
    X = np.array(arr, dtype=np.float64, order="F")
    mask = given
    if nan_is_missing:
        nan = np.isnan(X)
        mask = nan if mask is None else mask | nan
    if mask is not None and not mask.any():
        mask = None
    if mask is not None:
        X[mask] = np.nan
    return X, mask, _table._observed_bounds(X, mask)


def _assert_same_bits(
    t: FeatureTable,
    ref: _Copy,
) -> None:
    X, mask, (lo, hi) = ref
    assert t.values.flags.f_contiguous
    assert not t.values.flags.writeable
    assert t.values.tobytes(order="F") == X.tobytes(order="F")
    if mask is None:
        assert t.missing is None
    else:
        assert t.missing is not None
        assert t.missing.flags.f_contiguous
        assert not t.missing.flags.writeable
        assert np.array_equal(t.missing, mask)
    got_lo, got_hi = t.bounds()
    assert got_lo.tobytes() == lo.tobytes()
    assert got_hi.tobytes() == hi.tobytes()


def _layouts(a: NDArray[Any]) -> list[NDArray[Any]]:
    """C-ordered, F-ordered and strided views (row- and column-major) of the same numbers."""
    twice = np.repeat(a, 2, axis=0)
    views = [twice[::2], np.asfortranarray(twice)[::2]]
    return [np.ascontiguousarray(a), np.asfortranarray(a), *views]


@pytest.mark.parametrize(
    "n", [0, 1, _STEP - 1, _STEP, _STEP + 1, 2 * _STEP + 3, _SEG - 1, _SEG, 2 * _SEG + 3]
)
def test_with_values_blocks_match_the_unblocked_copy_at_block_boundaries(n: int) -> None:
    rng = np.random.default_rng(n)
    t = _table_of(n)
    a = rng.uniform(-1e3, 1e3, (n, _K))
    for arr in _layouts(a):
        _assert_same_bits(t.with_values(arr), _reference(arr, None, False))
    given = rng.random((n, _K)) < 0.1
    a[given] = np.inf  # a declared cell may hold anything
    for arr in _layouts(a):
        for missing in (given, np.asfortranarray(given)):
            _assert_same_bits(t.with_values(arr, missing=missing), _reference(arr, missing, False))


def test_with_values_c_f_and_int_input_give_identical_tables() -> None:
    n = 2 * _STEP + 7
    t = _table_of(n)
    ints = np.random.default_rng(1).integers(-(10**6), 10**6, (n, _K))
    expected = t.with_values(ints.astype(np.float64))
    for dtype in (np.int64, np.int32, np.float64):
        for arr in _layouts(ints.astype(dtype)):
            got = t.with_values(arr)
            assert got.values.tobytes(order="F") == expected.values.tobytes(order="F")
            assert got.missing is None
            for a, b in zip(got.bounds(), expected.bounds(), strict=True):
                assert a.tobytes() == b.tobytes()
    bools = ints > 0
    _assert_same_bits(t.with_values(bools), _reference(bools, None, False))


def test_with_values_never_mutates_the_inputs() -> None:
    n = _STEP + 2
    t = _table_of(n)
    a = np.ones((n, _K))
    a[-1, 3] = np.nan
    given = np.zeros((n, _K), dtype=np.bool_)
    given[-1, 3] = True
    before, mask_before = a.copy(), given.copy()
    v = t.with_values(a, missing=given)
    assert np.array_equal(a, before, equal_nan=True)
    assert np.array_equal(given, mask_before)
    assert v.missing is not None
    assert not np.shares_memory(v.missing, given)
    assert not np.shares_memory(v.values, a)


def test_with_values_declared_nan_in_a_later_block() -> None:
    n = 2 * _STEP + 1
    t = _table_of(n)
    a = np.full((n, _K), 0.5)
    a[_STEP + 3, 7] = np.nan
    a[n - 1, 0] = -np.inf
    v = t.with_values(a, nan_is_missing=True, missing=np.isinf(a))
    assert v.missing is not None
    assert int(v.missing.sum()) == 2
    assert v.missing[_STEP + 3, 7]
    assert v.missing[n - 1, 0]
    assert np.isnan(v.values[n - 1, 0])
    lo, hi = v.bounds()
    assert lo.tolist() == [0.5] * _K
    assert hi.tolist() == [0.5] * _K
    _assert_same_bits(v, _reference(a, np.isinf(a), True))
    # nan_is_missing alone declares the NaN and nothing else
    with pytest.raises(InvalidValueError, match=rf"values\[{n - 1}, 0\].*'c0'.*'A{n - 1}'"):
        t.with_values(a, nan_is_missing=True)


def test_with_values_undeclared_nan_in_a_block_is_named() -> None:
    n = 3 * _STEP
    t = _table_of(n)
    a = np.zeros((n, _K))
    given = np.zeros((n, _K), dtype=np.bool_)
    given[_STEP + 1, 4] = True  # a declared cell in the same block and column
    a[_STEP + 1, 4] = np.nan
    a[_STEP + 2, 4] = np.nan  # ... and an undeclared one
    with pytest.raises(
        InvalidValueError, match=rf"values\[{_STEP + 2}, 4\].*finite.*'c4'.*'A{_STEP + 2}'"
    ):
        t.with_values(a, missing=given)
    # the first refused column is named, whatever block holds the bad cell
    a[_STEP + 2, 4] = 0.0
    a[n - 1, 9] = np.nan
    a[2, 10] = np.nan
    with pytest.raises(InvalidValueError, match=rf"values\[{n - 1}, 9\].*'c9'"):
        t.with_values(a, missing=given)


@pytest.mark.parametrize("order", ["C", "F"])
def test_with_values_too_large_in_the_last_block_is_named(order: Literal["C", "F"]) -> None:
    n = _SEG + 5  # several row blocks, two column segments
    t = _table_of(n)
    a = np.ones((n, _K), order=order)
    a[n - 1, _K - 1] = 2e15
    with pytest.raises(
        InvalidValueError,
        match=rf"values\[{n - 1}, {_K - 1}\].*magnitude.*'c{_K - 1}', account 'A{n - 1}'",
    ):
        t.with_values(a)
    with pytest.raises(InvalidValueError, match=rf"values\[{n - 1}, {_K - 1}\].*magnitude"):
        t.with_values(a.astype(np.int64))
    given = np.zeros((n, _K), dtype=np.bool_, order=order)
    given[n - 1, _K - 1] = True  # declared: refused no more
    assert t.with_values(a, missing=given).bounds()[1].tolist() == [1.0] * _K


def test_with_values_zero_bounds_are_plus_zero_in_any_order() -> None:
    n = 2 * _STEP + 1
    t = _table_of(n, 1)
    col = np.where(np.arange(n) % 2 == 0, -0.0, 0.0)
    for arr in (col, col[::-1].copy(), -col):
        lo, hi = t.with_values(arr[:, None]).bounds()
        assert not np.signbit(lo[0])
        assert not np.signbit(hi[0])
        assert lo[0] == hi[0] == 0.0
    ft = FeatureTable.from_columns(_ids(n), {"x": col})
    assert not np.signbit(ft.bounds()[0][0])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 9),
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from(["float64", "float32", "int16", "bool"]),
    st.sampled_from(["C", "F", "S", "G"]),
    st.sampled_from([None, "C", "F"]),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_with_values_equals_the_unblocked_copy_for_any_block_size(
    n: int,
    k: int,
    block: int,
    dtype: str,
    layout: str,
    mask_order: Literal["C", "F"] | None,
    nan_is_missing: bool,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    cells = [0.0, -0.0, 1.5, -2.0, 7e4, 1e16, np.nan, np.inf]
    a = rng.choice(cells, (n, k), p=[0.15] * 6 + [0.05] * 2)
    if not dtype.startswith("float"):
        a = np.where(np.isfinite(a) & (np.abs(a) < 100), a, 3.0)  # no cast overflows
    arr = _layouts(a.astype(dtype))["CFSG".index(layout)]
    given = None if mask_order is None else np.asarray(rng.random((n, k)) < 0.3, order=mask_order)
    t = _table_of(n, k)
    X, mask, bounds = _reference(arr, given, nan_is_missing)
    # `block` rows per row block, `k * block` per column segment
    with patch.object(_table, "_BLOCK_BYTES", 8 * k * block):
        X2, mask2, bounds2 = _table._copy_observed(arr, given, nan_is_missing)
        try:
            got = t.with_values(arr, missing=given, nan_is_missing=nan_is_missing)
        except InvalidValueError as e:
            got_error = str(e)
        else:
            got_error = ""
    # the kept bounds, NaN where an observed cell is NaN, also when the table is refused
    assert X2.tobytes(order="F") == X.tobytes(order="F")
    assert X2.flags.f_contiguous
    assert (mask2 is None) == (mask is None)
    assert mask2 is None or np.array_equal(mask2, mask)  # type: ignore[arg-type]
    assert [b.tobytes() for b in bounds2] == [b.tobytes() for b in bounds]
    expected_error = ""
    try:
        _table._check_bounds(
            X, mask, bounds, lambda i, j: (f"FeatureTable.values[{i}, {j}]", f"c{j} A{i}")
        )
    except InvalidValueError as e:
        expected_error = str(e)
    # the same cell and rule (the context differs: the test names no real column)
    assert got_error.split(" (")[0] == expected_error.split(" (")[0]
    if not expected_error:
        _assert_same_bits(got, (X, mask, bounds))
