"""Chunked scoring against one-piece scoring: time and peak memory, the same bits.

Pinned weighted points (the default eleven criteria) and the pinned default health model
(ten columns), each fitted once outside every timing, on one table of ``n`` accounts
(full: 1 000 000; smoke: 5 000) holding both scorers' columns (sixteen float columns and
three categorical ones, so each scorer gathers its own, as on a CRM's wide table), nothing
missing; and the same with 5% of the measure cells missing (informative).

For each scorer, ``score_chunked(scorer, table, chunk_size=c)`` for ``c`` of 8 192,
65 536 (smoke: 256, 1 024) and the default budget (32 MiB of the table's own bytes per
chunk; at smoke sizes that is one piece) vs the
baseline ``scorer.score(table)``: interleaved best of ``k`` each
(:func:`_timing.compare`), ``ratio`` = chunked / one piece; informative (no target).

Peak memory: the ``tracemalloc`` peak of one more run of each side (numpy reports its
buffers to tracemalloc), traced in separate runs, never during the timings: the
candidate's as ``peak_mib``, the baseline's as ``baseline_peak_mib`` (and both in the
``note``). It covers what the call allocates: its intermediates and the result's columns
(contributions stay lazy in both; the table is built outside).

Before any timing every chunked result is checked bit for bit against the one-piece
result (ids, scores, labels, coverage, margin, reason flags, missing flags,
contributions computed, the explanation of three accounts); a difference raises
``AssertionError`` and fails the run. Run alone with
``python benchmarks/run.py --only chunked [--smoke]``.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from _timing import Row, compare, main
from kamlib import FeatureTable
from kamlib.scoring import HealthModel, ScoreTable, WeightedPoints, score_chunked
from kamlib.scoring._chunks import DEFAULT_CHUNK_BYTES, chunk_rows
from kamlib.testing import synthetic_table

BENCH = "chunked"
MIB = 2**20
CHUNK_SIZES: tuple[int | None, ...] = (8_192, 65_536, None)  # None: the default budget
SMOKE_CHUNK_SIZES: tuple[int | None, ...] = (256, 1_024, None)


def _bits(a: Any) -> Any:
    a = np.ascontiguousarray(a)
    return a.view(np.uint64) if a.dtype == np.float64 else a


def check_identical(got: ScoreTable, want: ScoreTable, what: str) -> None:
    """Fail loudly unless every column of ``got`` has the bits of ``want``'s."""
    columns = ("ids", "scores", "labels", "coverage", "margin", "reason_flags")
    for name in (*columns, "component_missing", "contributions"):
        a, b = getattr(got, name), getattr(want, name)
        if a is None or b is None:
            if (a is None) != (b is None):
                raise AssertionError(f"{what}: {name} is None on one side only")
            continue
        if a.shape != b.shape or a.dtype != b.dtype or not np.array_equal(_bits(a), _bits(b)):
            raise AssertionError(f"{what}: {name} differs from one-piece scoring")
    n = len(want)
    for i in sorted({0, n // 2, n - 1}):
        aid = str(want.ids[i])
        if got.explain(aid) != want.explain(aid):
            raise AssertionError(f"{what}: explain({aid!r}) differs from one-piece scoring")


def traced_peak(fn: Callable[[], object]) -> float:
    """MiB that one run of ``fn`` allocates at its peak (its result included)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        out = fn()
        peak = tracemalloc.get_traced_memory()[1] - before
        del out
    finally:
        tracemalloc.stop()
    return peak / MIB


def _tables(n: int) -> tuple[FeatureTable, FeatureTable, WeightedPoints, HealthModel]:
    wp, hm = WeightedPoints(), HealthModel()
    names = list(dict.fromkeys([*wp.required_features, *hm.required_features]))
    full = synthetic_table(names, n, seed=0)
    table = full.select(names)  # the two scorers' columns (and three categorical ones)
    measures = set(wp.required_features[1:]) | {m.feature for m in hm.measures[1:]}
    rng = np.random.default_rng(1)
    holes = rng.random(table.values.shape) < 0.05
    holes[:, [j for j, c in enumerate(table.names) if c not in measures]] = False
    gappy = table.with_values(table.values, missing=holes)
    return table, gappy, wp.fit(table), hm.fit(table)


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Time chunked against one-piece scoring (full: 1M accounts; smoke: 5k)."""
    n = 5_000 if smoke else 1_000_000
    k = k or (2 if smoke else 5)
    table, gappy, wp, hm = _tables(n)
    default = chunk_rows(table)
    sizes = SMOKE_CHUNK_SIZES if smoke else CHUNK_SIZES
    rows: list[Row] = []
    cases: list[tuple[str, Any, FeatureTable, tuple[int | None, ...]]] = [
        ("weighted_points", wp, table, sizes),
        ("health_model", hm, table, sizes),
        ("weighted_points, 5% missing", wp, gappy, sizes[1:2]),
        ("health_model, 5% missing", hm, gappy, sizes[1:2]),
    ]
    for label, scorer, data, case_sizes in cases:

        def one_piece(s: Any = scorer, d: FeatureTable = data) -> object:
            return s.score(d)

        whole = scorer.score(data)
        one_piece_peak = traced_peak(one_piece)
        for size in case_sizes:
            rows_per_chunk = default if size is None else size
            chunks = max(1, -(-n // rows_per_chunk))

            def chunked(s: Any = scorer, d: FeatureTable = data, c: int | None = size) -> object:
                return score_chunked(s, d, chunk_size=c)

            got = score_chunked(scorer, data, chunk_size=size)
            check_identical(got, whole, f"{label}, chunk_size={size}")
            del got
            peak = traced_peak(chunked)
            what = (
                f"default budget {DEFAULT_CHUNK_BYTES // MIB} MiB = {rows_per_chunk} rows"
                if size is None
                else f"chunk_size={size}"
            )
            row = compare(
                BENCH,
                f"{label}: score_chunked({what})",
                n,
                chunked,
                one_piece,
                baseline_name="score(table), one piece",
                k=k,
                note=(
                    f"{chunks} chunks; bitwise equal (checked); tracemalloc peak "
                    f"{peak:.1f} MiB vs one piece {one_piece_peak:.1f} MiB"
                ),
            )
            row.update(
                peak_mib=peak,
                baseline_peak_mib=one_piece_peak,
                chunk_size=rows_per_chunk,
                chunks=chunks,
            )
            rows.append(row)
    return rows


if __name__ == "__main__":
    raise SystemExit(main(run))
