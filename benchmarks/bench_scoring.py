"""Scoring kernels against the bare numpy operation they cannot beat.

- weighted points, pinned min-max ranges, ``n x 12``: (a) ``score`` on an already-validated
  FeatureTable, (b) ``FeatureTable.from_columns`` + ``score``, both against a bare
  ``X @ w`` on the same matrix (targets: (a) within 1.5x, (b) within 3x);
- value matrix on ``n`` accounts: ``fit`` (two quantiles) + ``score`` against one
  ``np.partition`` of the contribution axis.

All timings are best-of-k with ``time.perf_counter``, measured in this one run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from _timing import best_of, ratio_row
from kamlib import FeatureTable
from kamlib.scoring import Criterion, MinMax, ValueMatrix, WeightedPoints


def _row(case: str, n: int, seconds: float, baseline: float, note: str) -> dict[str, Any]:
    return ratio_row("scoring", case, n, seconds, baseline, note)


def run(smoke: bool) -> list[dict[str, Any]]:
    n = 10_000 if smoke else 1_000_000
    k_feat = 12
    reps = 5 if smoke else 9
    rng = np.random.default_rng(0)
    names = [f"c{j}" for j in range(k_feat)]
    X = np.asfortranarray(rng.uniform(0.0, 100.0, (n, k_feat)))
    cols = {name: X[:, j] for j, name in enumerate(names)}
    ids = [f"A{i}" for i in range(n)]
    table = FeatureTable.from_columns(ids, cols)
    wp = WeightedPoints(
        [Criterion(name, 1.0 + j, mapping=MinMax(0.0, 100.0)) for j, name in enumerate(names)]
    )
    wp_noclip = WeightedPoints(
        [
            Criterion(name, 1.0 + j, mapping=MinMax(0.0, 100.0, clip=False))
            for j, name in enumerate(names)
        ]
    )
    w = rng.uniform(0.0, 1.0, k_feat)
    Xt = table.values  # the same Fortran-ordered matrix the scorer reads

    bare = best_of(lambda: Xt @ w, reps)
    rows = [
        _row(
            "weighted_points pinned, clip=False: score(table)",
            n,
            best_of(lambda: wp_noclip.score(table), reps),
            bare,
            "(a) vs bare X @ w; target <= 1.5",
        ),
        _row(
            "weighted_points pinned, clip=True: score(table)",
            n,
            best_of(lambda: wp.score(table), reps),
            bare,
            "(a) with the fused range test; vs bare X @ w",
        ),
        _row(
            "weighted_points pinned: with_values + score",
            n,
            best_of(lambda: wp.score(table.with_values(X)), reps),
            bare,
            "(b) clip=True; fresh numbers for validated accounts; vs bare X @ w; target <= 3",
        ),
        _row(
            "weighted_points pinned: with_values only",
            n,
            best_of(lambda: table.with_values(X), reps),
            bare,
            "numeric validation alone: one private copy + one finiteness pass",
        ),
        _row(
            "weighted_points pinned: from_columns + score",
            n,
            best_of(lambda: wp.score(FeatureTable.from_columns(ids, cols)), max(3, reps // 3)),
            bare,
            "(b) incl. validating n new string ids; vs bare X @ w",
        ),
        _row(
            "weighted_points pinned: from_columns only",
            n,
            best_of(lambda: FeatureTable.from_columns(ids, cols), max(3, reps // 3)),
            bare,
            "validation cost alone (ids list -> object array, NaN checks)",
        ),
    ]
    vm_cols = {
        "profit": rng.normal(1e5, 3e4, n),
        "strategic_fit": rng.uniform(0, 10, n),
        "value_potential": rng.uniform(0, 10, n),
        "resource_complementarity": rng.uniform(0, 10, n),
    }
    vm_table = FeatureTable.from_columns(ids, vm_cols)
    vm = ValueMatrix()
    fitted = vm.fit(vm_table)
    x = vm_table.column("profit")
    part = best_of(lambda: np.partition(x, n // 2), reps)
    rows.append(
        _row(
            "value_matrix: fit + score",
            n,
            best_of(lambda: vm.fit(vm_table).score(vm_table), reps),
            part,
            "vs one np.partition of the contribution axis",
        )
    )
    rows.append(
        _row(
            "value_matrix: score (pinned cuts)",
            n,
            best_of(lambda: fitted.score(vm_table), reps),
            part,
            "vs one np.partition of the contribution axis",
        )
    )
    return rows
