"""Comparing scoring methods: agreement, robustness, backtests (extra ``research``).

A researcher scores the same accounts with several methods and asks how far they
agree (rank and class agreement, with the statistic's variant named), how robust each
is to its weights (one-at-a-time perturbation, SMAA, exact stability intervals,
rank-reversal checks), and how well past scores foresaw later outcomes (backtests).
Every random draw takes a seed. The core never imports this package; it needs scipy
(``pip install 'kamlib[research]'``) for the statistics scipy has.

Examples:
    >>> import kamlib.research as research
    >>> len(research.__all__) == len(set(research.__all__))  # one name, one function
    True
"""

from __future__ import annotations

from kamlib.research import _agreement, _backtest, _robust
from kamlib.research._agreement import *  # noqa: F403
from kamlib.research._backtest import *  # noqa: F403
from kamlib.research._robust import *  # noqa: F403

__all__ = [*_agreement.__all__, *_robust.__all__, *_backtest.__all__]
