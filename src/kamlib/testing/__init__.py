"""Test helpers for code built on kamlib.

- `check_scorer`: the conformance kit every scorer (built-in or your own) must pass;
  it runs every check of `CHECKS` and raises one `ConformanceError` listing
  each broken rule;
- `parametrize_with_checks`: the same checks as one pytest test per (scorer, check),
  with expected failures declared; `run_check` runs one named check;
- `assert_scores_equal`: two results give every account the same bits (the kit's
  comparison); `assert_scores_close`: the same within a tolerance;
- `synthetic_table`: the seeded table the kit fits and scores by default;
- [`kamlib.testing.strategies`][kamlib.testing.strategies]: Hypothesis strategies for every domain
  type. It needs
  the ``testing`` extra (``pip install "kamlib[testing]"``) and is not imported here, so
  ``import kamlib.testing`` works without Hypothesis (and without pytest).

Examples:
    >>> from kamlib.scoring import ValueMatrix
    >>> from kamlib.testing import check_scorer
    >>> check_scorer(ValueMatrix())  # raises ConformanceError listing every failed check
"""

from __future__ import annotations

from kamlib.testing._assert import assert_scores_close, assert_scores_equal
from kamlib.testing._check import (
    CHECKS,
    ConformanceError,
    ScorerCheck,
    check_scorer,
    parametrize_with_checks,
    run_check,
    synthetic_table,
)

__all__ = [
    "CHECKS",
    "ConformanceError",
    "ScorerCheck",
    "assert_scores_close",
    "assert_scores_equal",
    "check_scorer",
    "parametrize_with_checks",
    "run_check",
    "synthetic_table",
]
