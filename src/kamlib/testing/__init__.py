"""Test helpers for code built on kamlib.

The Hypothesis strategies live in :mod:`kamlib.testing.strategies`, which needs the
``testing`` extra (``pip install "kamlib[testing]"``); this package does not import
them, so ``import kamlib.testing`` works without Hypothesis.

Examples:
    >>> import kamlib.testing
    >>> kamlib.testing.__name__
    'kamlib.testing'
"""

from __future__ import annotations

__all__: list[str] = []
