"""Shared timer and row format of the benchmarks: interleaved best-of-k against a baseline.

The machines are noisy (two shared cores), so a baseline timed once, before or after its
candidate, flatters or penalises it by chance. :func:`compare` therefore alternates
``baseline, candidate, baseline, candidate, ...`` ``k`` times and keeps the best of each
side; the ratio is ``best candidate / best baseline``. One untimed ``gc.collect()`` runs
before each case (not before each run: it would evict the caches, and small baselines
would then be timed cold), then ``warmup`` untimed pairs (default one: first touches of
fresh inputs and lazily built caches are nobody's steady state); each run's result is
released outside the timed region. An optional ``setup`` runs, untimed, before every run
of either side (e.g. clearing a cache, so that every run is a cold one).

Every row is a plain dict (JSON-ready) with ``bench``, ``case``, ``n``, ``seconds`` (best
candidate run), ``baseline`` (what the baseline does), ``baseline_seconds``, ``ratio``,
``target`` (``None`` when the case is informative), ``met`` (``True``/``False``, or
``None`` without a target or without a verdict, as in smoke mode), ``k``, ``spread`` and
``baseline_spread`` (worst / best of the ``k`` runs: how noisy the figure is), the raw
``runs`` and ``baseline_runs``, ``seconds_target`` (``None`` unless the row judges an
absolute time, see :func:`single`) and a ``note``. A bench may add fields of its own
(e.g. ``peak_mib``); :data:`OPTIONAL_COLUMNS` among them are shown in the table when
some row has them.
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
# shown after TABLE_COLUMNS, only in a table where some row has them
OPTIONAL_COLUMNS = ("peak_mib",)


def _once(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    del out  # freed outside the timed region
    return seconds


def interleaved(
    candidate: Callable[[], object],
    baseline: Callable[[], object],
    k: int,
    warmup: int = 1,
    setup: Callable[[], object] | None = None,
) -> tuple[list[float], list[float]]:
    """Run ``baseline, candidate`` alternately ``k`` times; return (candidate, baseline) runs.

    ``warmup`` untimed ``baseline, candidate`` pairs run first. ``setup``, when given,
    runs untimed before every run of either side (the warm-up runs included).
    """
    if k < 1:
        raise ValueError(f"k must be >= 1; got {k}")

    def once(fn: Callable[[], object]) -> float:
        if setup is not None:
            setup()
        return _once(fn)

    cand: list[float] = []
    base: list[float] = []
    gc.collect()  # the previous case's garbage is not this case's cost
    for _ in range(warmup):
        once(baseline)
        once(candidate)
    for _ in range(k):
        base.append(once(baseline))
        cand.append(once(candidate))
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
    setup: Callable[[], object] | None = None,
) -> Row:
    """Time ``candidate`` against ``baseline`` interleaved, best of ``k`` each; one row.

    ``met`` is ``ratio <= target`` when a ``target`` is given and ``verdict`` is true
    (full sizes); otherwise ``None``: tiny smoke sizes say nothing about the target.
    ``setup`` runs untimed before every run (see :func:`interleaved`).
    """
    cand, base = interleaved(candidate, baseline, k, warmup, setup)
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
        "seconds_target": None,
        "note": note,
    }


def single(
    bench: str,
    case: str,
    n: int,
    seconds: float,
    *,
    note: str = "",
    runs: Sequence[float] | None = None,
    seconds_target: float | None = None,
    verdict: bool = True,
    warmup: int = 0,
) -> Row:
    """A row without a measured baseline: a time for scale, or against a time budget.

    By default ``seconds`` was timed once. ``runs`` (the ``k`` timed runs, e.g. a
    :func:`compare` row's ``runs``) gives ``k`` and ``spread``; ``seconds`` is then their
    best. With ``seconds_target`` (an absolute budget, in seconds) the budget stands in
    for the baseline: ``baseline_seconds`` is the budget (not a measurement),
    ``ratio = seconds / seconds_target``, ``target`` is 1.0 and ``met`` is
    ``seconds <= seconds_target`` (``None`` when ``verdict`` is false, as in smoke mode).
    Budgets are machine-dependent; say which machine in the ``note`` if it matters.
    """
    timed = [seconds] if runs is None else list(runs)
    if not timed:
        raise ValueError("runs must hold at least one time")
    if runs is not None:
        seconds = min(timed)
    budgeted = seconds_target is not None
    return {
        "bench": bench,
        "case": case,
        "n": n,
        "seconds": seconds,
        "baseline": f"budget {seconds_target:g} s (not timed)" if budgeted else None,
        "baseline_seconds": seconds_target,
        "ratio": seconds / seconds_target if seconds_target is not None else None,
        "target": 1.0 if budgeted else None,
        "met": (seconds <= seconds_target) if (seconds_target is not None and verdict) else None,
        "k": len(timed),
        "warmup": warmup,
        "spread": _spread(timed) if runs is not None else None,
        "baseline_spread": None,
        "runs": timed,
        "baseline_runs": [],
        "seconds_target": seconds_target,
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
    """The rows as a fixed-width text table (``met``: yes / NO / blank = no verdict).

    :data:`OPTIONAL_COLUMNS` that some row holds (not ``None``) follow ``columns``.
    """
    columns = [
        *columns,
        *(
            c
            for c in OPTIONAL_COLUMNS
            if c not in columns and any(r.get(c) is not None for r in rows)
        ),
    ]
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
