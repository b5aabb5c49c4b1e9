"""Fitting on pieces (``fit_partitioned``) against ``fit`` on the whole table in memory.

``n`` accounts cut into 8 pieces, the pieces answered in a plain loop (what a Dask or Spark
adapter does on workers, minus the transport): the cost of the exact radix selection
(at most four passes over every piece) against one in-memory fit that has every value at
hand. Each row checks that both give the same configuration, bit for bit, and reports the
passes made.

- weighted points, 12 criteria with learned ranges (``MinMax``): extremes only;
- weighted points, 4 criteria with learned ``Percentile(101)`` knots: 202 ranks each;
- the default health model (two learned mappings, one of them percentile knots);
- the default value matrix (two quantile cuts, one of them on the computed blend axis).

Informative rows (no target: the issue asks that the fit be exact, not fast); the ratio
says what exactness on pieces costs on one machine.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np

from _timing import Row, compare, main
from kamlib import FeatureTable
from kamlib.scoring import (
    Criterion,
    HealthModel,
    Percentile,
    ValueMatrix,
    WeightedPoints,
    fit_partitioned,
)

BENCH = "partitioned"
PIECES = 8


def _table(n: int, names: list[str], rng: np.random.Generator) -> FeatureTable:
    cols = {f: np.round(rng.lognormal(3.0, 1.0, n), 2) for f in names}
    return FeatureTable.from_columns([f"A{i}" for i in range(n)], cols)


def run(smoke: bool = False, k: int | None = None) -> list[Row]:
    n = 5_000 if smoke else 1_000_000
    k = k or (2 if smoke else 5)
    rng = np.random.default_rng(13)
    hm = HealthModel()
    vm = ValueMatrix()
    names = sorted({*[f"c{j}" for j in range(12)], *hm.required_features, *vm.required_features})
    table = _table(n, names, rng)
    bounds = np.linspace(0, n, PIECES + 1).astype(int)
    pieces = [table.take(np.arange(a, b)) for a, b in itertools.pairwise(bounds)]
    calls: list[int] = []

    def loop(fn: Any) -> list[Any]:
        calls.append(1)
        return [fn(p) for p in pieces]

    cases = [
        ("weighted points, 12 x MinMax", WeightedPoints([Criterion(f"c{j}") for j in range(12)])),
        (
            "weighted points, 4 x Percentile(101)",
            WeightedPoints([Criterion(f"c{j}", mapping=Percentile()) for j in range(4)]),
        ),
        ("health model (default)", hm),
        ("value matrix (default)", vm),
    ]
    rows: list[Row] = []
    for case, scorer in cases:
        calls.clear()
        got = fit_partitioned(scorer, loop)
        passes = len(calls)
        if json.dumps(got.get_config()) != json.dumps(scorer.fit(table).get_config()):
            raise AssertionError(f"{case}: the fit on pieces differs from the fit in memory")
        rows.append(
            compare(
                BENCH,
                f"fit_partitioned, {PIECES} pieces: {case}",
                n,
                lambda s=scorer: fit_partitioned(s, loop),
                lambda s=scorer: s.fit(table),
                baseline_name="scorer.fit(whole table), in memory",
                k=k,
                note=f"informative; {passes} passes over the pieces; same config, bit for bit",
            )
        )
        rows[-1]["passes"] = passes
    return rows


if __name__ == "__main__":
    raise SystemExit(main(run))
