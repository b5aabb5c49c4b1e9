"""Exported assertion helpers for ScoreTables (no Hypothesis needed)."""

from __future__ import annotations

import numpy as np

from kamlib.errors import InvalidTypeError
from kamlib.scoring._base import ScoreTable

__all__ = ["assert_scores_close"]


def assert_scores_close(
    actual: ScoreTable, desired: ScoreTable, *, rtol: float = 1e-9, atol: float = 1e-12
) -> None:
    """Assert two results describe the same accounts with the same scores and labels.

    Rows are matched by account id (order does not matter), so a result scored in
    partitions can be compared with the same accounts scored at once. Scores,
    contributions and coverage are compared with ``rtol``/``atol``; labels, component
    names and reasons exactly.

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
    for name, value in (("actual", actual), ("desired", desired)):
        if not isinstance(value, ScoreTable):
            raise InvalidTypeError(name, value, "must be a ScoreTable")
    a_ids = [str(i) for i in actual.ids]
    d_ids = [str(i) for i in desired.ids]
    if sorted(a_ids) != sorted(d_ids):
        raise AssertionError(f"account ids differ: {sorted(a_ids)[:5]} vs {sorted(d_ids)[:5]}")
    order = np.argsort(np.asarray(a_ids, dtype=object), kind="stable")
    d_order = np.argsort(np.asarray(d_ids, dtype=object), kind="stable")
    a, d = actual.take(order), desired.take(d_order)
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
