"""FeatureTable refuses bad input with kamlib errors (review findings 6, 7, 10, 19)."""

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
    assert t.mask("x").tolist() == [False, True, False]
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
    for method in (t.column, t.mask, t.category):
        with pytest.raises(InvalidTypeError):
            method(name)  # type: ignore[arg-type]


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
    assert masked.mask("x").tolist() == [False, True, False]
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
    observed = ~t.mask("x")
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
