"""kamlib.testing: the exported helpers work without Hypothesis and say what differs."""

from __future__ import annotations

import numpy as np
import pytest

from kamlib import FeatureTable
from kamlib.errors import InvalidTypeError
from kamlib.scoring import Criterion, MinMax, ValueMatrix, WeightedPoints
from kamlib.testing import CHECKS, assert_scores_close, check_scorer


def _table() -> FeatureTable:
    return FeatureTable.from_columns(
        [f"a{i}" for i in range(6)], {"x": np.arange(6.0), "y": np.arange(6.0)[::-1]}
    )


def test_partitions_match_the_whole_in_any_order() -> None:
    t = _table()
    wp = WeightedPoints(
        [Criterion("x", mapping=MinMax(0, 5)), Criterion("y", mapping=MinMax(0, 5))]
    )
    whole = wp.score(t)
    for part in ([5, 1, 3], [0, 2, 4]):
        assert_scores_close(wp.score(t.take(part)), whole.take(part[::-1]))


def test_reports_score_differences() -> None:
    t = _table()
    a = WeightedPoints([Criterion("x", mapping=MinMax(0, 5))]).score(t)
    b = WeightedPoints([Criterion("x", mapping=MinMax(0, 10))]).score(t)
    with pytest.raises(AssertionError, match="scores"):
        assert_scores_close(a, b)


def test_refuses_non_results() -> None:
    with pytest.raises(InvalidTypeError, match="actual"):
        assert_scores_close(None, None)  # type: ignore[arg-type]


def test_check_scorer_is_exported_with_its_checks() -> None:
    assert len(CHECKS) >= 10
    check_scorer(ValueMatrix())
