"""Health model kernels against one read of their inputs.

- (d) ``HealthModel.score``, default model pinned (fitted once, outside the timing), on
  ``n`` accounts with the seed's 5 measures and 5 rule flags, nothing missing (the
  default tree is all weighted means: the blocked kernel); target <= 4;
- informative: contributions materialised (recomputed from the columns on first read);
  5% of the measure cells missing (per-row renormalised weights); ``fit``; the seed
  three-colour lights; ``hysteresis_steps`` and ``rescue_alerts`` on ``n`` scores.

The baseline is "one read of the inputs": ``sum(col.sum() for col in cols)`` where
``cols`` are the same table's columns (``FeatureTable.column`` views) that the timed
call reads: ``model.required_features`` for the model, the measure columns for ``fit``,
the rules' features for the lights, and ``scores.sum()`` for the per-score functions. No
kernel can do less than read its inputs once. Timings: :func:`_timing.compare`,
baseline and candidate interleaved, best of ``k`` each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from _timing import Row, compare, main
from kamlib import FeatureTable
from kamlib.scoring import DEFAULT_LIGHT_RULES, HealthModel, assign_lights, evaluate_rules
from kamlib.signals import HysteresisBands, hysteresis_steps, rescue_alerts

BENCH = "health"
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


def _read_once(table: FeatureTable, names: Sequence[str]) -> tuple[Callable[[], float], str]:
    """The baseline: sum each input column once; and its description for the row."""
    cols = [table.column(name) for name in names]
    return (
        lambda: sum(float(col.sum()) for col in cols),
        f"sum(col.sum()) over the {len(cols)} input columns",
    )


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Time the health kernels (full: 1M accounts; smoke: 10k)."""
    n = 10_000 if smoke else 1_000_000
    k = k or (2 if smoke else 7)
    k_fit = k if smoke else max(2, k // 2)
    verdict = not smoke
    rng = np.random.default_rng(0)
    cols = _columns(n, rng)
    ids = [f"A{i}" for i in range(n)]
    table = FeatureTable.from_columns(ids, cols)
    holes = {name: rng.random(n) < 0.05 for name in MEASURES}
    gappy = FeatureTable.from_columns(ids, cols, missing=holes)
    model = HealthModel().fit(table)  # pinned once, outside every timing
    read_all, read_all_name = _read_once(table, model.required_features)
    read_gappy, _ = _read_once(gappy, model.required_features)
    read_measures, read_measures_name = _read_once(table, MEASURES)
    rule_features = sorted({f for rule in DEFAULT_LIGHT_RULES for f in rule.feature})
    read_rules, read_rules_name = _read_once(table, rule_features)

    scores = model.score(table).scores
    prev = np.clip(scores + rng.normal(0.0, 10.0, n), 0.0, 100.0)
    bands = HysteresisBands(("red", "yellow", "green"), enter=(50, 75), exit=(40, 65), min_dwell=2)
    states = rng.integers(0, 3, n)
    periods = rng.integers(1, 5, n)

    def row(case: str, cand: Any, base: Any, base_name: str, **kw: Any) -> Row:
        return compare(BENCH, case, n, cand, base, baseline_name=base_name, k=kw.pop("k", k), **kw)

    return [
        row(
            "(d) health pinned score(table), 10 cols, nothing missing",
            lambda: model.score(table),
            read_all,
            read_all_name,
            target=4.0,
            verdict=verdict,
            note="default HealthModel fitted once outside the timing",
        ),
        row(
            "health pinned score(table) + contributions read",
            lambda: model.score(table).contributions,
            read_all,
            read_all_name,
            note="informative: lazy contributions materialised",
        ),
        row(
            "health pinned score(table), 5% measure cells missing",
            lambda: model.score(gappy),
            read_gappy,
            read_all_name,
            note="informative: general kernel, per-row renormalised weights",
        ),
        row(
            "health fit (default model)",
            lambda: HealthModel().fit(table),
            read_measures,
            read_measures_name,
            k=k_fit,
            note="informative: the case is the fit itself",
        ),
        row(
            "seed lights: evaluate_rules + assign_lights",
            lambda: assign_lights(evaluate_rules(table, DEFAULT_LIGHT_RULES), DEFAULT_LIGHT_RULES),
            read_rules,
            read_rules_name,
            note="informative: the rules' feature columns",
        ),
        row(
            "hysteresis_steps (3 states, dwell 2)",
            lambda: hysteresis_steps(bands, states, periods, scores),
            lambda: scores.sum(),
            "scores.sum()",
            note="informative",
        ),
        row(
            "rescue_alerts (20% drop)",
            lambda: rescue_alerts(prev, scores),
            lambda: scores.sum(),
            "scores.sum()",
            note="informative",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(main(run))
