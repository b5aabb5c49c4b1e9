"""Health model kernels against one read of their inputs.

- ``HealthModel.score`` (pinned: fitted once, then only applied) on ``n`` accounts with the
  seed's 5 measures and 5 rule flags (10 columns), nothing missing: the fast path
  (``points @ weights``, lazy contributions);
- the same with 5% of the measure cells missing: the general tree kernel (per-row
  renormalised weights, eager contributions);
- the seed three-colour lights alone (:func:`evaluate_rules` + :func:`assign_lights`);
- :func:`hysteresis_steps` and :func:`rescue_alerts` on ``n`` scores.

The baseline of each is one pass over the same inputs (``X.sum()`` over the matrix the
kernel reads, or ``scores.sum()`` for the per-score functions): no scorer can do less
than read its inputs once. Best-of-k with ``time.perf_counter``, all in this one run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from _timing import best_of, ratio_row
from kamlib import FeatureTable
from kamlib.scoring import (
    DEFAULT_LIGHT_RULES,
    HealthModel,
    HysteresisBands,
    assign_lights,
    evaluate_rules,
    hysteresis_steps,
    rescue_alerts,
)

MEASURES = (
    "purchase_stability",
    "revenue_growth",
    "interaction_frequency",
    "satisfaction",
    "cooperation_breadth",
)
FLAGS = (
    "risk_key_decision_maker_left",
    "risk_budget_frozen",
    "risk_competitor_entered",
    "risk_late_delivery",
    "renewal_unclear",
)


def _row(case: str, n: int, seconds: float, baseline: float, note: str) -> dict[str, Any]:
    return ratio_row("health", case, n, seconds, baseline, note)


def _columns(n: int, rng: np.random.Generator) -> dict[str, np.ndarray[Any, Any]]:
    cols: dict[str, np.ndarray[Any, Any]] = {
        "purchase_stability": rng.uniform(0.05, 1.0, n),
        "revenue_growth": rng.normal(0.05, 0.2, n),
        "interaction_frequency": rng.uniform(0.0, 8.0, n),
        "satisfaction": rng.uniform(30.0, 100.0, n),
        "cooperation_breadth": rng.integers(0, 8, n).astype(np.float64),
    }
    for name in FLAGS:
        cols[name] = (rng.random(n) < 0.05).astype(np.float64)
    return cols


def run(smoke: bool) -> list[dict[str, Any]]:
    n = 10_000 if smoke else 1_000_000
    reps = 5 if smoke else 7
    rng = np.random.default_rng(0)
    cols = _columns(n, rng)
    ids = [f"A{i}" for i in range(n)]
    table = FeatureTable.from_columns(ids, cols)
    holes = {name: rng.random(n) < 0.05 for name in MEASURES}
    gappy = FeatureTable.from_columns(ids, cols, missing=holes)
    model = HealthModel().fit(table.take(np.arange(min(n, 10_000))))  # pinned once
    X = table.values
    read_all = best_of(lambda: X.sum(), reps)
    Xm, _ = table.matrix(list(MEASURES))
    Xf, _ = table.matrix([*FLAGS, "satisfaction"])

    scores = model.score(table).scores
    prev = np.clip(scores + rng.normal(0.0, 10.0, n), 0.0, 100.0)
    bands = HysteresisBands(("red", "yellow", "green"), enter=(50, 75), exit=(40, 65), min_dwell=2)
    states = rng.integers(0, 3, n)
    periods = rng.integers(1, 5, n)
    read_scores = best_of(lambda: scores.sum(), reps)

    return [
        _row(
            "health pinned score(table), 10 cols, nothing missing",
            n,
            best_of(lambda: model.score(table), reps),
            read_all,
            "vs X.sum() over the 10 input columns",
        ),
        _row(
            "health pinned score(table) + contributions read",
            n,
            best_of(lambda: model.score(table).contributions, reps),
            read_all,
            "lazy contributions materialised",
        ),
        _row(
            "health pinned score(table), 5% measure cells missing",
            n,
            best_of(lambda: model.score(gappy), reps),
            read_all,
            "general tree kernel, per-row renormalised weights",
        ),
        _row(
            "health fit (101 quantiles + 2 ranges)",
            n,
            best_of(lambda: HealthModel().fit(table), max(3, reps // 2)),
            best_of(lambda: Xm.sum(), reps),
            "vs X.sum() over the 5 measure columns",
        ),
        _row(
            "seed lights: evaluate_rules + assign_lights",
            n,
            best_of(
                lambda: assign_lights(
                    evaluate_rules(table, DEFAULT_LIGHT_RULES), DEFAULT_LIGHT_RULES
                ),
                reps,
            ),
            best_of(lambda: Xf.sum(), reps),
            "vs X.sum() over the 6 rule columns",
        ),
        _row(
            "hysteresis_steps (3 states, dwell 2)",
            n,
            best_of(lambda: hysteresis_steps(bands, states, periods, scores), reps),
            read_scores,
            "vs scores.sum()",
        ),
        _row(
            "rescue_alerts (20% drop)",
            n,
            best_of(lambda: rescue_alerts(prev, scores), reps),
            read_scores,
            "vs scores.sum()",
        ),
    ]
