"""Test helpers for code built on kamlib.

- :func:`check_scorer`: the conformance kit every scorer (built-in or your own) must pass;
- :func:`assert_scores_close`: compare two results account by account;
- :mod:`kamlib.testing.strategies`: Hypothesis strategies for every domain type. It needs
  the ``testing`` extra (``pip install "kamlib[testing]"``) and is not imported here, so
  ``import kamlib.testing`` works without Hypothesis.

Examples:
    >>> from kamlib.scoring import ValueMatrix
    >>> from kamlib.testing import check_scorer
    >>> check_scorer(ValueMatrix())  # raises AssertionError naming the failed check
"""

from __future__ import annotations

from kamlib.testing._assert import assert_scores_close
from kamlib.testing._check import CHECKS, check_scorer, synthetic_table

__all__ = ["CHECKS", "assert_scores_close", "check_scorer", "synthetic_table"]
