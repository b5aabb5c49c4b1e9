"""Exported assertion helpers for ScoreTables (no Hypothesis, no pytest needed)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from kamlib.errors import InvalidTypeError
from kamlib.scoring._result import ScoreTable

__all__ = ["assert_scores_close", "assert_scores_equal"]

BoolArray = NDArray[np.bool_]


_ROW_FIELDS = (
    "scores",
    "contributions",
    "coverage",
    "margin",
    "labels",
    "reason_flags",
    "component_missing",
)


def _missing_matrix(st: ScoreTable) -> BoolArray:
    """``component_missing``, with ``None`` read as "nothing missing"."""
    cm = st.component_missing
    if cm is None:
        return np.zeros((len(st), len(st.components)), dtype=np.bool_)
    return cm


def _row_arrays(st: ScoreTable) -> dict[str, NDArray[Any] | None]:
    """Every per-row field of a result; contributions dense (a lazy recipe is computed)."""
    return {
        "scores": st.scores,
        "contributions": st.contributions,
        "coverage": st.coverage,
        "margin": st.margin,
        "labels": st.labels,
        "reason_flags": st.reason_flags,
        "component_missing": _missing_matrix(st),
    }


def _plain(v: object) -> object:
    """A numpy scalar as the Python value (reads ``51.0``, not ``np.float64(51.0)``)."""
    return v.item() if isinstance(v, np.generic) else v


def _ordinal(x: float) -> int:
    """Position of ``x`` on the line of float64 values (adjacent floats differ by 1)."""
    i = int(np.array(x, dtype=np.float64).view(np.int64))
    return i if i >= 0 else -(i & 0x7FFF_FFFF_FFFF_FFFF)


def _ulps(a: object, b: object) -> str:
    """`` (N ulp apart)`` for two close floats, else ``""``."""
    if not (isinstance(a, float | np.floating) and isinstance(b, float | np.floating)):
        return ""
    x, y = float(a), float(b)
    if not (np.isfinite(x) and np.isfinite(y)):
        return ""
    n = abs(_ordinal(x) - _ordinal(y))
    return f" ({n} ulp apart)" if n < 1_000_000 else f" (difference {abs(x - y):.3g})"


def _field_difference(
    field: str,
    a: NDArray[Any] | None,
    b: NDArray[Any] | None,
    ids: NDArray[Any],
    components: tuple[str, ...],
    codes: tuple[str, ...],
) -> str | None:
    """Describe how ``a`` differs from ``b`` (rows already aligned), or ``None`` if equal.

    Equality is ``np.array_equal``: no tolerance (``-0.0 == 0.0``; NaN equals NaN).
    """
    if a is None or b is None:
        return None if a is None and b is None else f"{field} is None in one result only"
    if a.shape != b.shape:
        return f"{field} have shape {a.shape}, expected {b.shape}"
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        if np.array_equal(a, b, equal_nan=True):
            return None
        bad = (a != b) & ~(np.isnan(a) & np.isnan(b))
    else:
        if np.array_equal(a, b):
            return None
        bad = np.asarray(a != b, dtype=np.bool_)
    rows = bad.reshape(len(a), -1).any(axis=1)
    i = int(np.flatnonzero(rows)[0])
    where = f"{ids[i]!r}"
    if a.ndim == 2:
        j = int(np.flatnonzero(bad[i])[0])
        names = codes if field == "reason_flags" else components
        where += f", {names[j]!r}" if j < len(names) else f", column {j}"
        got, want = a[i, j], b[i, j]
    else:
        got, want = a[i], b[i]
    got, want = _plain(got), _plain(want)
    return (
        f"{field} differ in {int(rows.sum())} of {len(a)} rows; first [{where}]: "
        f"{got!r}, expected {want!r}{_ulps(got, want)}"
    )


def _differences(got: ScoreTable, want: ScoreTable) -> list[str]:
    """Every way ``got`` differs from ``want``, row by row, bitwise."""
    if got.ids.tolist() != want.ids.tolist():
        return [f"ids differ: {got.ids.tolist()[:5]} vs {want.ids.tolist()[:5]}"]
    out: list[str] = []
    for what in ("scorer", "components", "classes", "reason_codes", "config_hash"):
        if getattr(got, what) != getattr(want, what):
            out.append(f"{what} differ: {getattr(got, what)!r} vs {getattr(want, what)!r}")
    if out:
        return out
    ga, wa = _row_arrays(got), _row_arrays(want)
    for field in _ROW_FIELDS:
        diff = _field_difference(
            field, ga[field], wa[field], got.ids, got.components, got.reason_codes
        )
        if diff is not None:
            out.append(diff)
    return out


def _by_id(actual: ScoreTable, desired: ScoreTable) -> tuple[ScoreTable, ScoreTable]:
    """Both results with rows sorted by account id; the same ids required."""
    for name, value in (("actual", actual), ("desired", desired)):
        if not isinstance(value, ScoreTable):
            raise InvalidTypeError(name, value, "must be a ScoreTable")
    a_ids = [str(i) for i in actual.ids]
    d_ids = [str(i) for i in desired.ids]
    if sorted(a_ids) != sorted(d_ids):
        raise AssertionError(f"account ids differ: {sorted(a_ids)[:5]} vs {sorted(d_ids)[:5]}")
    order = np.argsort(np.asarray(a_ids, dtype=object), kind="stable")
    d_order = np.argsort(np.asarray(d_ids, dtype=object), kind="stable")
    return actual.take(order), desired.take(d_order)


def assert_scores_equal(actual: ScoreTable, desired: ScoreTable) -> None:
    """Assert two results give every account the same bits: kamlib's invariance promise.

    Rows are matched by account id (order does not matter). Scores, contributions (dense),
    coverage, margins, labels, reason flags and missing flags must be equal with
    ``np.array_equal``: no tolerance (``0.0 == -0.0``; NaN equals NaN). Component names,
    classes, reason codes and the config hash must be equal too. This is the comparison
    the conformance kit's invariance checks make.

    Args:
        actual: The result under test.
        desired: The reference result.

    Raises:
        AssertionError: The results differ; the message names every differing field, the
            first differing account and how many ulp apart the values are.
        InvalidTypeError: An argument is not a ScoreTable.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import Criterion, MinMax, WeightedPoints
        >>> from kamlib.testing import assert_scores_equal
        >>> t = FeatureTable.from_columns(["a", "b", "c"], {"x": [1.0, 5.0, 9.0]})
        >>> wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 10))])
        >>> assert_scores_equal(wp.score(t.take([2, 0])), wp.score(t).take([0, 2]))
        >>> wp3 = WeightedPoints([Criterion("x", mapping=MinMax(0, 3))])
        >>> assert_scores_equal(wp3.score(t), wp.score(t))
        Traceback (most recent call last):
        ...
        AssertionError: config_hash differ: ...
    """
    a, d = _by_id(actual, desired)
    diffs = _differences(a, d)
    if diffs:
        raise AssertionError("; ".join(diffs))


def assert_scores_close(
    actual: ScoreTable, desired: ScoreTable, *, rtol: float = 1e-9, atol: float = 1e-12
) -> None:
    """Assert two results describe the same accounts with the same scores and labels.

    Rows are matched by account id (order does not matter), so a result scored in
    partitions can be compared with the same accounts scored at once. Scores,
    contributions and coverage are compared with ``rtol``/``atol``; labels, component
    names and reasons exactly. For kamlib's bitwise invariance promise (the same bits
    alone, in a batch, in any order) use `assert_scores_equal` instead.

    Args:
        actual: The result under test.
        desired: The reference result.
        rtol: Relative tolerance for floats.
        atol: Absolute tolerance for floats.

    Raises:
        AssertionError: The results differ; the message names what and where.
        InvalidTypeError: An argument is not a ScoreTable.

    Examples:
        >>> import numpy as np
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import Criterion, MinMax, WeightedPoints
        >>> from kamlib.testing import assert_scores_close
        >>> t = FeatureTable.from_columns(["a", "b", "c"], {"x": [1.0, 5.0, 9.0]})
        >>> wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 10))])
        >>> parts = [wp.score(t.take([2, 0])), wp.score(t.take([1]))]
        >>> whole = wp.score(t)
        >>> assert_scores_close(parts[0], whole.take([2, 0]))
        >>> assert_scores_close(wp.score(t.take([0])), whole.take([1]))
        Traceback (most recent call last):
        ...
        AssertionError: account ids differ: ['a'] vs ['b']
    """
    a, d = _by_id(actual, desired)
    if a.components != d.components:
        raise AssertionError(f"components differ: {a.components} vs {d.components}")
    np.testing.assert_allclose(a.scores, d.scores, rtol=rtol, atol=atol, err_msg="scores")
    np.testing.assert_allclose(a.coverage, d.coverage, rtol=rtol, atol=atol, err_msg="coverage")
    np.testing.assert_allclose(
        a.contributions, d.contributions, rtol=rtol, atol=atol, err_msg="contributions"
    )
    if (a.labels is None) != (d.labels is None) or (
        a.labels is not None and d.labels is not None and not np.array_equal(a.labels, d.labels)
    ):
        raise AssertionError("labels differ")
    if a.reason_codes != d.reason_codes or (
        a.reason_flags is not None
        and d.reason_flags is not None
        and not np.array_equal(a.reason_flags, d.reason_flags)
    ):
        raise AssertionError("reasons differ")
