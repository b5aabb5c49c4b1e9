"""Shared timer and row format of the benchmarks: interleaved best-of-k against a baseline.

The machines are noisy (two shared cores), so a baseline timed once, before or after its
candidate, flatters or penalises it by chance. :func:`compare` therefore alternates
``baseline, candidate, baseline, candidate, ...`` ``k`` times and keeps the best of each
side; the ratio is ``best candidate / best baseline``. One untimed ``gc.collect()`` runs
before each case (not before each run: it would evict the caches, and small baselines
would then be timed cold), then ``warmup`` untimed pairs (default one: first touches of
fresh inputs and lazily built caches are nobody's steady state); each run's result is
released outside the timed region.

Every row is a plain dict (JSON-ready) with ``bench``, ``case``, ``n``, ``seconds`` (best
candidate run), ``baseline`` (what the baseline does), ``baseline_seconds``, ``ratio``,
``target`` (``None`` when the case is informative), ``met`` (``True``/``False``, or
``None`` without a target or without a verdict, as in smoke mode), ``k``, ``spread`` and
``baseline_spread`` (worst / best of the ``k`` runs: how noisy the figure is), the raw
``runs`` and ``baseline_runs``, and a ``note``.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

Row = dict[str, Any]

TABLE_COLUMNS = (
    "bench",
    "case",
    "n",
    "seconds",
    "baseline_seconds",
    "ratio",
    "target",
    "met",
    "spread",
    "baseline",
)


def _once(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    del out  # freed outside the timed region
    return seconds


def interleaved(
    candidate: Callable[[], object], baseline: Callable[[], object], k: int, warmup: int = 1
) -> tuple[list[float], list[float]]:
    """Run ``baseline, candidate`` alternately ``k`` times; return (candidate, baseline) runs.

    ``warmup`` untimed ``baseline, candidate`` pairs run first.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1; got {k}")
    cand: list[float] = []
    base: list[float] = []
    gc.collect()  # the previous case's garbage is not this case's cost
    for _ in range(warmup):
        _once(baseline)
        _once(candidate)
    for _ in range(k):
        base.append(_once(baseline))
        cand.append(_once(candidate))
    return cand, base


def _spread(runs: Sequence[float]) -> float:
    return max(runs) / min(runs) if min(runs) > 0 else float("nan")


def compare(
    bench: str,
    case: str,
    n: int,
    candidate: Callable[[], object],
    baseline: Callable[[], object],
    *,
    baseline_name: str,
    k: int,
    target: float | None = None,
    verdict: bool = True,
    warmup: int = 1,
    note: str = "",
) -> Row:
    """Time ``candidate`` against ``baseline`` interleaved, best of ``k`` each; one row.

    ``met`` is ``ratio <= target`` when a ``target`` is given and ``verdict`` is true
    (full sizes); otherwise ``None``: tiny smoke sizes say nothing about the target.
    """
    cand, base = interleaved(candidate, baseline, k, warmup)
    seconds, base_seconds = min(cand), min(base)
    ratio = seconds / base_seconds
    return {
        "bench": bench,
        "case": case,
        "n": n,
        "seconds": seconds,
        "baseline": baseline_name,
        "baseline_seconds": base_seconds,
        "ratio": ratio,
        "target": target,
        "met": (ratio <= target) if (target is not None and verdict) else None,
        "k": k,
        "warmup": warmup,
        "spread": _spread(cand),
        "baseline_spread": _spread(base),
        "runs": cand,
        "baseline_runs": base,
        "note": note,
    }


def single(bench: str, case: str, n: int, seconds: float, *, note: str = "") -> Row:
    """A row without a baseline (a time for scale, e.g. building the inputs, timed once)."""
    return {
        "bench": bench,
        "case": case,
        "n": n,
        "seconds": seconds,
        "baseline": None,
        "baseline_seconds": None,
        "ratio": None,
        "target": None,
        "met": None,
        "k": 1,
        "warmup": 0,
        "spread": None,
        "baseline_spread": None,
        "runs": [seconds],
        "baseline_runs": [],
        "note": note,
    }


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def table(rows: Sequence[Row], columns: Sequence[str] = TABLE_COLUMNS) -> str:
    """The rows as a fixed-width text table (``met``: yes / NO / blank = no verdict)."""
    cells = [[_fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def to_json(rows: Sequence[Row]) -> str:
    """The rows as a JSON array (one object per row)."""
    return json.dumps(list(rows), indent=2)


def main(run: Callable[..., list[Row]], argv: Sequence[str] | None = None) -> int:
    """Run one bench module alone: ``python benchmarks/bench_x.py [--smoke] [-k K]``."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no target verdict")
    parser.add_argument("-k", "--repeats", type=int, help="interleaved runs per side")
    args = parser.parse_args(argv)
    rows = run(smoke=args.smoke, k=args.repeats)
    print(table(rows))
    print(to_json(rows))
    return 0
