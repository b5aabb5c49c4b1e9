"""Shared timing helpers of the benchmarks: best-of-k wall time and the ratio row format."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], object], k: int) -> float:
    """The fastest of ``k`` runs of ``fn``, in seconds (the least disturbed by noise)."""
    best = float("inf")
    for _ in range(k):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def ratio_row(
    bench: str, case: str, n: int, seconds: float, baseline: float, note: str
) -> dict[str, Any]:
    """One result row: time, the baseline measured in the same run, and their ratio."""
    return {
        "bench": bench,
        "case": case,
        "n": n,
        "seconds": seconds,
        "baseline": baseline,
        "ratio": seconds / baseline,
        "note": note,
    }
